"""The fast path (fast/cpu) as users meet it, against the reference path of the same binary:
- `mxref quantize/dequantize/fakequant --fast` on tensor files gives byte-identical files to the
  reference path, for every element, several profiles, NVFP4 under its three profiles, blocks along
  the last axis and along axis 0 (ragged), FP32 and BF16 in and out, packed elements and swizzled scales;
- what --fast cannot run is refused with exit 2, a one-line reason and no output file;
- `mxref conform --plugin fast_plugin.so` passes the checked-in golden suites and a generated suite of
  every block class for each of the 36 element x profile pairs, FP32 and BF16 inputs.
Run: python3 -m pytest tools/tests/fast_path_test.py --mxref MXREF [--root REPO_ROOT] --plugin FAST_PLUGIN.
Skips without numpy."""
import json
import os

import pytest

from fast_pairs import ELEMENTS, PROFILES, pair_suite

np = pytest.importorskip("numpy")

SOURCES = [("f32", "x.npy"), ("bf16", "b.npy")]


def tensor(rows, columns, seed):
    """Activations-like FP32 values over 60 binades, with zeros, subnormals, NaN and Inf sprinkled in."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((rows, columns)).astype(np.float32) \
        * np.exp2(rng.integers(-30, 30, (rows, columns))).astype(np.float32)
    x[0, :] = 0
    x[1, 3] = np.nan
    x[2, 5] = -np.inf
    x[3, :7] = np.float32(1e-40)
    return x


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """The runs' working folder, with the input tensors: x (FP32) and its bf16 bits, and n and its bf16 bits."""
    d = tmp_path_factory.mktemp("fast_path")
    x = tensor(70, 96, 1)  # axis 0: two full blocks of 32 and a ragged one of 6 per column
    np.save(d / "x.npy", x)
    np.save(d / "b.npy", (x.view(np.uint32) >> 16).astype(np.uint16))  # bf16 bits
    # NVFP4: torchao's tensor amax takes the -Inf and the NaN, a tensor scale the fast path refuses (see
    # REFUSALS), so this tensor has both replaced.
    xn = x.copy()
    xn[2, 5] = -3.0
    xn[1, 3] = 5.0
    np.save(d / "n.npy", xn)
    np.save(d / "nb.npy", (xn.view(np.uint32) >> 16).astype(np.uint16))
    return d


@pytest.fixture(scope="module")
def same_files(folder):
    def same_files(a, b):
        return (folder / a).read_bytes() == (folder / b).read_bytes()
    return same_files


@pytest.fixture(scope="module")
def fast_plugin(plugin):
    if not plugin:
        pytest.skip("no --plugin (fast_plugin.so)")
    return plugin


def assert_fast_matches_reference(run, same_files, element, common, source):
    """quantize, fakequant and dequantize (of the reference's archive) through both paths: the same files."""
    ref = run("quantize", *common, "--out", "r.npz")
    fast = run("quantize", *common, "--out", "f.npz", "--fast", "--threads", "3")
    assert ref.returncode == 0 and fast.returncode == 0 and same_files("r.npz", "f.npz"), "quantize --fast"
    to = "bf16" if source == "f32" else "f32"
    ref = run("fakequant", *common, "--to", to, "--out", "r.npy")
    fast = run("fakequant", *common, "--to", to, "--out", "f.npy", "--fast")
    assert ref.returncode == 0 and fast.returncode == 0 and same_files("r.npy", "f.npy"), f"fakequant --fast to {to}"
    ref = run("dequantize", "--format", element, "--in", "r.npz", "--to", to, "--out", "rd.npy")
    fast = run("dequantize", "--format", element, "--in", "r.npz", "--to", to, "--out", "fd.npy", "--fast")
    assert ref.returncode == 0 and fast.returncode == 0 and same_files("rd.npy", "fd.npy"), f"dequantize --fast to {to}"


MX_CASES = [pytest.param(element, profile, axis, source, name, id=f"{element}-{profile}-axis{axis}-{source}")
            for element in ELEMENTS
            for profile in (PROFILES if element in ("mxfp8_e4m3", "mxfp4_e2m1") else ["ocp", "torchao-rceil"])
            for axis in ("-1", "0")
            for source, name in SOURCES]


@pytest.mark.parametrize("element, profile, axis, source, name", MX_CASES)
def test_mx_fast_matches_reference(run, same_files, element, profile, axis, source, name):
    common = ["--format", element, "--profile", profile, "--axis", axis, "--in", name, "--from", source]
    assert_fast_matches_reference(run, same_files, element, common, source)


# NVFP4 under its three profiles: the tensor scale from the whole tensor, blocks of 16 along the last
# axis and along axis 0 (70 = 4 x 16 + 6: ragged).
NVFP4_CASES = [pytest.param(profile, axis, source, name, id=f"{profile}-axis{axis}-{source}")
               for profile in ("nvfp4", "nvfp4-torchao", "nvfp4-te")
               for axis in ("-1", "0")
               for source, name in (("f32", "n.npy"), ("bf16", "nb.npy"))]


@pytest.mark.parametrize("profile, axis, source, name", NVFP4_CASES)
def test_nvfp4_fast_matches_reference(run, same_files, profile, axis, source, name):
    common = ["--format", "nvfp4", "--profile", profile, "--axis", axis, "--in", name, "--from", source]
    assert_fast_matches_reference(run, same_files, "nvfp4", common, source)


def test_packed_and_swizzled(run, same_files):
    # Packed elements and swizzled scales are laid out after the fast path, as for the reference.
    common = ["--format", "mxfp4_e2m1", "--in", "x.npy", "--packed", "--swizzle"]
    ref, fast = run("quantize", *common, "--out", "r.npz"), run("quantize", *common, "--out", "f.npz", "--fast")
    assert ref.returncode == 0 and fast.returncode == 0 and same_files("r.npz", "f.npz"), "same archive"
    ref = run("dequantize", "--format", "mxfp4_e2m1", "--in", "r.npz", "--out", "rd.npy")
    fast = run("dequantize", "--format", "mxfp4_e2m1", "--in", "r.npz", "--out", "fd.npy", "--fast")
    assert ref.returncode == 0 and fast.returncode == 0 and same_files("rd.npy", "fd.npy"), "same dequantized tensor"


# What --fast cannot run: exit 2, one line naming why, nothing written.
REFUSALS = [
    (["quantize", "--format", "nvfp4", "--profile", "ocp"], "not nvfp4 under ocp"),
    (["quantize", "--format", "mxfp8_e4m3", "--profile", "nvfp4"], "not mxfp8_e4m3 under nvfp4"),
    (["quantize", "--format", "mxfp8_e4m3", "--profile", "microxcaling-even"], "microxcaling-even"),
    (["quantize", "--format", "mxfp8_e4m3", "--tile", "32"], "--tile"),
    (["quantize", "--format", "mxfp8_e4m3", "--from", "f16", "--in", "x.npy"], "f32 or bf16"),
    (["fakequant", "--format", "mxfp8_e4m3", "--to", "f64"], "f32 or bf16"),
    (["quantize", "--format", "nvfp4", "--profile", "nvfp4-torchao"], "finite tensor scale"),
]


@pytest.mark.parametrize("args, reason", REFUSALS, ids=[" ".join(args[1:5]) for args, _ in REFUSALS])
def test_fast_refuses(run, folder, args, reason):
    if "--in" not in args:
        args = args + ["--in", "x.npy"]
    r = run(*args, "--out", "refused.npz", "--fast")
    assert r.returncode == 2 and reason in r.stderr and len(r.stderr.strip().splitlines()) == 1 \
        and not os.path.exists(folder / "refused.npz"), r.stderr


def test_fast_without_tensor_files_is_a_usage_error(run):
    r = run("quantize", "--format", "mxfp8_e4m3", "--fast")
    assert r.returncode == 2 and "tensor files" in r.stderr


# The conformance runner takes the fast path as an implementation under test.
def pytest_generate_tests(metafunc):
    if "golden_suite" in metafunc.fixturenames:
        golden = os.path.join(metafunc.config.getoption("--root"), "vectors", "golden")
        metafunc.parametrize("golden_suite", [s for s in sorted(os.listdir(golden)) if suite_kind(golden, s) != "dot"])


def suite_kind(golden, suite):
    """The fast path converts: it has no dot products (those are ref/dot's and the dot plug-in's)."""
    with open(os.path.join(golden, suite, "vectors.json")) as f:
        return json.load(f)["suite"]["kind"]


def test_fast_plugin_passes_golden_suite(run, root, fast_plugin, golden_suite):
    r = run("conform", "--suite", os.path.join(root, "vectors", "golden", golden_suite), "--plugin", fast_plugin)
    assert r.returncode == 0 and " 0 failed" in r.stdout, r.stdout + r.stderr


PAIRS = [pytest.param(element, profile, source, id=f"{element}-{profile}-{source}")
         for element in ELEMENTS for profile in PROFILES for source in ("f32", "bf16")]


@pytest.mark.parametrize("element, profile, source", PAIRS)
def test_fast_plugin_passes_every_block_class(run, folder, fast_plugin, element, profile, source):
    suite = pair_suite(element, profile, source, count=16, seed=5)
    name = suite["name"]
    with open(folder / (name + ".json"), "w") as f:
        json.dump(suite, f)
    gen = run("gen", "--suite", name + ".json", "--out", name)
    r = run("conform", "--suite", name, "--plugin", fast_plugin)
    assert gen.returncode == 0 and r.returncode == 0 and " 0 failed" in r.stdout, gen.stderr + r.stdout + r.stderr


def test_the_fast_plugin_refuses_what_it_does_not_run(refuses_nvfp4_suite, fast_plugin):
    assert refuses_nvfp4_suite(fast_plugin)
