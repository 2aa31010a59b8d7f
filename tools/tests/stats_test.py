"""`mxref stats` and `mxref compare` end to end: figures derived by hand for one MXFP4 block; the double path
equal to the dyadic one (--reference) on random tensors of every kind; sorting, CSV and JSON; bad input; and
pychop's own MSE and storage figures under the pychop profile.
Run: python3 -m pytest tools/tests/stats_test.py --mxref MXREF. Skips without numpy."""
import csv
import importlib.util
import io
import json
import math
import os
import subprocess

import pytest

np = pytest.importorskip("numpy")


@pytest.fixture
def run(mxref, tmp_path):
    def run(*args):
        return subprocess.run([mxref, *map(str, args)], capture_output=True, text=True, cwd=tmp_path, check=False)
    return run


def stats(run, *args):
    r = run("stats", *args, "--json")
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_one_block_by_hand(run, tmp_path):
    # MXFP4 E2M1 in blocks of 4 under ocp: amax 7 -> X = 1; 7 saturates to 6, 0.125 flushes to 0, -1 stays.
    # Errors -1, -0.125, 0, 0: MSE (1 + 1/64) / 4 = 65/256, RMSE sqrt(65)/16, MAE 1.125/4, max |e| 1,
    # max |e|/|x| = 0.125/0.125 = 1, SQNR 10 log10((49 + 1/64 + 1) / (65/64)) = 16.923723175012768 (mpmath).
    np.save(tmp_path / "x.npy", np.array([7.0, 0.125, 0.0, -1.0], np.float32))
    for extra in ([], ["--reference"]):
        s = stats(run, "--in", "x.npy", "--format", "mxfp4_e2m1", "--block", 4, *extra)
        assert s["mse"] == 65 / 256 and s["rmse"] == math.sqrt(65) / 16 and s["mae"] == 1.125 / 4
        assert s["max_abs_error"] == 1.0 and s["max_rel_error"] == 1.0 and s["sqnr_db"] == 16.923723175012768
        assert (s["saturated"], s["flushed_to_zero"], s["subnormal_elements"], s["zero_blocks"]) == (1, 1, 0, 0)
        assert s["scale_codes"] == {"0x7f": 1} and s["bits_per_element"] == (4 * 4 + 8) / 4


def tensors(rng):
    """Named FP32 tensors: normal, heavy-tailed with outliers, subnormal and tiny values, zero blocks, NaN/Inf."""
    normal = rng.standard_normal((16, 96)).astype(np.float32)
    heavy = (rng.standard_t(2, (16, 96)) * np.exp2(rng.integers(-30, 30, (16, 1)))).astype(np.float32)
    tiny = (rng.standard_normal((16, 96)) * 1e-40).astype(np.float32)
    special = normal.copy()
    special[0, :32] = 0
    special[1, 5], special[2, 7], special[3, 9] = np.nan, np.inf, -np.inf
    return {"normal": normal, "heavy": heavy, "tiny": tiny, "special": special}


@pytest.mark.parametrize("fmt,profile", [("mxfp8_e4m3", "ocp"), ("mxfp8_e5m2", "nvidia-rceil"),
                                         ("mxfp6_e3m2", "torchao-floor"), ("mxfp4_e2m1", "microxcaling-nearest"),
                                         ("mxint8", "ocp"), ("nvfp4", "nvfp4"), ("mxfp4_e2m1", "pychop")])
def test_the_double_path_equals_the_dyadic_one(run, tmp_path, fmt, profile):
    rng = np.random.default_rng(len(fmt) * 31 + len(profile))
    for name, x in tensors(rng).items():
        if fmt == "nvfp4" and name == "special":
            x = np.nan_to_num(x, nan=1.0, posinf=2.0, neginf=-2.0)  # NVFP4's tensor scale needs a finite amax
        with np.errstate(over="ignore"):  # FP16's range: the heavy tail becomes Inf, which is an input too
            half = x.astype(np.float16)
        for source, data in (("f32", x), ("bf16", (x.view(np.uint32) >> 16).astype(np.uint16)), ("f16", half)):
            np.save(tmp_path / "x.npy", data)
            base = ["--in", "x.npy", "--format", fmt, "--profile", profile, "--from", source]
            assert stats(run, *base) == stats(run, *base, "--reference") | {"fast": stats(run, *base)["fast"]}, \
                (name, source)


def test_counts_and_defined_results(run, tmp_path):
    np.save(tmp_path / "z.npy", np.zeros((2, 32), np.float32))
    s = stats(run, "--in", "z.npy", "--format", "mxfp8_e4m3")
    assert s["mse"] == 0.0 and s["sqnr_db"] == "inf" and s["max_rel_error"] is None and s["zero_blocks"] == 2
    np.save(tmp_path / "n.npy", np.full((1, 32), np.nan, np.float32))
    s = stats(run, "--in", "n.npy", "--format", "mxfp8_e4m3")
    assert s["mse"] is None and s["sqnr_db"] is None and s["nan_inputs"] == 32 and s["nan_scale_blocks"] == 1
    np.save(tmp_path / "e.npy", np.zeros((0, 32), np.float32))
    s = stats(run, "--in", "e.npy", "--format", "mxfp8_e4m3")
    assert s["values"] == 0 and s["mse"] is None


def test_compare_sorts_by_sqnr(run, tmp_path):
    x = np.random.default_rng(3).standard_normal((8, 128)).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    formats = "mxfp8_e4m3,mxfp8_e5m2,mxfp6_e3m2,mxfp6_e2m3,mxfp4_e2m1,mxint8"
    r = run("compare", "--in", "x.npy", "--formats", formats, "--csv")
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) == 6 and sorted(row["format"] for row in rows) == sorted(formats.split(","))
    sqnr = [float(row["sqnr_db"]) for row in rows]
    assert sqnr == sorted(sqnr, reverse=True)
    # Each row is what stats says for its pair.
    one = stats(run, "--in", "x.npy", "--format", rows[0]["format"])
    assert float(rows[0]["mse"]) == one["mse"]
    # A profile that cannot quantize a format leaves that pair out.
    r = run("compare", "--in", "x.npy", "--formats", "mxfp8_e4m3,nvfp4", "--profiles", "ocp,torchao-floor", "--json")
    assert r.returncode == 0, r.stderr
    pairs = {(row["format"], row["profile"]) for row in json.loads(r.stdout)}
    assert pairs == {("mxfp8_e4m3", "ocp"), ("mxfp8_e4m3", "torchao-floor"), ("nvfp4", "ocp")}


def test_bad_input_is_refused_without_output(run, tmp_path):
    np.save(tmp_path / "x.npy", np.ones((2, 32), np.float32))
    for args, message in ((["--in", "x.npy", "--format", "mxfp9"], "mxfp9"),
                          (["--in", "missing.npy", "--format", "mxfp8_e4m3"], "missing.npy"),
                          (["--in", "x.npy", "--format", "nvfp4", "--profile", "torchao-floor"], "torchao-floor"),
                          (["--in", "x.npy", "--format", "mxfp8_e4m3", "--profile", "nope"], "nope")):
        r = run("stats", *args, "--out", "report.json")
        assert r.returncode == 2 and message in r.stderr and r.stderr.count("\n") == 1, (args, r.stderr)
        assert not (tmp_path / "report.json").exists()
    r = run("compare", "--in", "x.npy", "--formats", "mxfp8_e4m3,,mxfp4_e2m1")
    assert r.returncode == 2 and "empty name" in r.stderr


def test_pychop_agrees_under_its_profile(run, tmp_path):
    """pychop's NumPy MXTensor_ (float64 arithmetic) on the same data: its dequantized values are the pychop
    profile's exactly, so its MSE (np.mean in float64) lands within a few ulps of mxref's exact one, and its
    storage figures are the same."""
    spec = importlib.util.find_spec("pychop")
    if spec is None or spec.origin is None:
        pytest.skip("no pychop")
    root = os.path.dirname(spec.origin)
    module_spec = importlib.util.spec_from_file_location("pychop_np_mx", os.path.join(root, "np", "mx_formats.py"))
    mx = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(mx)
    x = (np.random.default_rng(5).standard_normal((32, 256)) * 3).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    for fmt in ("mxfp8_e4m3", "mxfp6_e2m3", "mxfp4_e2m1"):
        tensor = mx.MXTensor_(x, fmt, 32)
        reconstructed = tensor.dequantize()
        theirs = tensor.statistics()
        mse = np.mean((x.astype(np.float64) - reconstructed.astype(np.float64)) ** 2)
        mine = stats(run, "--in", "x.npy", "--format", fmt, "--profile", "pychop")
        assert abs(mine["mse"] - mse) <= 8 * np.spacing(mse), (fmt, mine["mse"], mse)
        assert mine["bits_per_element"] == theirs["bits_per_element"]
        assert mine["smaller_than_fp32"] == theirs["compression_ratio_fp32"]
        assert mine["smaller_than_fp16"] == theirs["compression_ratio_fp16"]
