"""The Python module against hand-derived values, and against the CLI bit for bit: the same arguments through
`mxref` and through `mxref.*` give the same bytes (quantize archives member by member, dequantized and
fake-quantized values, cast, dot and gemm codes, spec documents)."""
import json
import subprocess

import numpy as np
import pytest

import mxref

ml = pytest.importorskip("ml_dtypes")


def test_quantize_one_and_zeros_by_hand():
    # amax 1 = 2^0; E4M3's emax is 8, so X = 2^-8 (E8M0 code 127 - 8 = 0x77) and 1 / X = 256 = 1.0 x 2^8:
    # E4M3 exponent field 8 + 7 = 15, mantissa 0: 0x78.
    q = mxref.quantize(np.array([1.0] + [0.0] * 31, np.float32), "mxfp8_e4m3")
    assert q.scales.tolist() == [0x77]
    assert q.elements.tolist() == [0x78] + [0] * 31
    assert q.elements.dtype == np.uint8 and q.tensor_scale == 1.0


def test_decode_and_cast_by_hand():
    # E2M1: 0, 0.5, 1, 1.5, 2, 3, 4, 6, then the same negated (-0 keeps its sign).
    values = mxref.decode(np.arange(16, dtype=np.uint8), "e2m1")
    assert values.tolist() == [0, 0.5, 1, 1.5, 2, 3, 4, 6, -0.0, -0.5, -1, -1.5, -2, -3, -4, -6]
    assert np.signbit(values[8])
    # 0.3 in E4M3 (RNE): 0.3 = 1.2 x 2^-2, mantissa 1.2 x 8 = 9.6 -> 10 = 0b010: field 5, code 0x2A;
    # 500 overflows E4M3 (max 448, 0x7E): the natural policy saturates for a format without Inf
    # (docs/spec-notes/overflow-policies.md), overflow="nan" gives the NaN code 0x7F.
    assert mxref.cast(np.float32([1.0, 0.3, 500.0]), "e4m3").tolist() == [0x38, 0x2A, 0x7E]
    assert mxref.cast(np.float32([500.0]), "e4m3", overflow="nan").tolist() == [0x7F]


def test_dot_by_hand():
    # Two MXFP8 E4M3 blocks: A all 1.0 (0x38) at scale 2^0, B all 0.5 (0x30) at 2^1; C = 1: 32 x 1 + 1 = 33.
    a = np.full((1, 32), 0x38, np.uint8)
    b = np.full((1, 32), 0x30, np.uint8)
    one = np.float32(1.0).view(np.uint32)
    d = mxref.dot(a, [[127]], b, [[128]], one, format="mxfp8_e4m3")
    assert d.view(np.float32).tolist() == [33.0]
    assert mxref.dot(a, [[127]], b, [[128]], np.float32([1.0]), format="mxfp8_e4m3").tolist() == d.tolist()


def save_input(folder, name, x):
    np.save(folder / name, x)
    return name


def archive_equals_cli(q, path):
    with np.load(path) as cli:
        assert sorted(cli.files) == sorted(q.members), (cli.files, list(q.members))
        for name in cli.files:
            assert cli[name].dtype == q.members[name].dtype, name
            assert cli[name].shape == q.members[name].shape, name
            assert cli[name].tobytes() == q.members[name].tobytes(), name


CASES = [
    ("mxfp8_e4m3", "ocp", {}),
    ("mxfp8_e5m2", "nvidia-rceil", {}),
    ("mxfp6_e3m2", "torchao-floor", {"axis": 0}),
    ("mxfp4_e2m1", "ocp", {"packed": True}),
    ("mxfp4_e2m1", "ocp", {"tile": 32}),
    ("mxint8", "ocp", {"swizzle": True}),
    ("nvfp4", "nvfp4", {}),
    ("nvfp4", "nvfp4-te", {"tensor_amax": 7.5}),
]


def cli_flags(options):
    flags = []
    for key, value in options.items():
        if key == "tensor_amax":
            flags += ["--tensor-amax", format(int(np.float32(value).view(np.uint32)), "08x")]
        elif value is True:
            flags.append("--" + key)
        else:
            flags += ["--" + key, value]
    return flags


@pytest.mark.parametrize("fmt,profile,options", CASES)
@pytest.mark.parametrize("fast", [None, False])
def test_quantize_dequantize_fakequant_equal_the_cli(tmp_path, cli, fmt, profile, options, fast):
    rng = np.random.default_rng(len(fmt) + len(profile))
    x = (rng.standard_normal((64, 96)) * np.exp2(rng.integers(-20, 20, (64, 1)))).astype(np.float32)
    x[3, 5], x[7, :] = np.nan, 0.0
    if fmt == "nvfp4" and "tensor_amax" not in options:
        x[3, 5] = 2.0
    save_input(tmp_path, "x.npy", x)
    cli("quantize", "--format", fmt, "--profile", profile, "--in", "x.npy", "--out", "q.npz", *cli_flags(options),
        cwd=tmp_path)
    q = mxref.quantize(x, fmt, profile=profile, fast=fast, **options)
    archive_equals_cli(q, tmp_path / "q.npz")
    for dtype, name in ((np.float32, "f32"), (ml.bfloat16, "bf16")):
        cli("dequantize", "--format", fmt, "--in", "q.npz", "--out", "d.npy", "--to", name, cwd=tmp_path)
        assert mxref.dequantize(q, dtype=dtype, fast=fast).tobytes() == np.load(tmp_path / "d.npy").tobytes()
    if not options.get("packed") and not options.get("swizzle"):
        flags = cli_flags({k: v for k, v in options.items()})
        cli("fakequant", "--format", fmt, "--profile", profile, "--in", "x.npy", "--out", "f.npy", *flags,
            cwd=tmp_path)
        f = mxref.fakequant(x, fmt, profile=profile, fast=fast, **options)
        assert f.dtype == np.float32 and f.tobytes() == np.load(tmp_path / "f.npy").tobytes()


def test_saved_archives_are_the_clis_input(tmp_path, cli):
    x = np.random.default_rng(3).standard_normal((4, 64)).astype(np.float32)
    q = mxref.quantize(x, "mxfp8_e4m3")
    q.save(tmp_path / "mine.npz")
    cli("dequantize", "--format", "mxfp8_e4m3", "--in", "mine.npz", "--out", "d.npy", cwd=tmp_path)
    assert np.load(tmp_path / "d.npy").tobytes() == mxref.dequantize(q).tobytes()
    back = mxref.QuantizedTensor.load(tmp_path / "mine.npz", "mxfp8_e4m3")
    assert back.elements.tobytes() == q.elements.tobytes() and back.scales.tobytes() == q.scales.tobytes()


@pytest.mark.parametrize("target,options,flags", [
    ("e4m3", {}, []),
    ("e2m1", {"rounding": "rtz"}, ["--rounding", "rtz"]),
    ("e5m2", {"overflow": "saturate"}, ["--overflow", "saturate"]),
    ("e4m3", {"profile": "ml_dtypes"}, ["--profile", "ml_dtypes"]),
    ("e3m2", {"rounding": "stochastic", "random_bits": 8, "seed": 5}, ["--rounding", "stochastic", "--random-bits",
                                                                          "8", "--seed", "5"]),
    ("bf16", {}, []),
])
def test_cast_equals_the_cli(cli, target, options, flags):
    rng = np.random.default_rng(11)
    bits = np.concatenate([rng.integers(0, 1 << 32, 3000, dtype=np.uint64),
                           np.array([0, 0x80000000, 0x7F800000, 0x7FC00001, 0xFF800000, 1], np.uint64)])
    if target != "bf16" and options.get("profile") is None:
        bits = bits[(bits & 0x7F800000) != 0x7F800000]  # NaN/Inf into these: refused or NaN by --nan; kept apart
        flags = flags + ["--nan", "zero"]
        options = dict(options, nan="zero")
    out = cli("cast", "--from", "f32", "--to", target, *flags, stdin="\n".join(f"{b:08x}" for b in bits) + "\n")
    want = [int(t, 16) for t in out.split()]
    got = mxref.cast(bits.astype(np.uint32).view(np.float32), target, **options)
    assert got.tolist() == want


def test_dot_and_gemm_equal_the_cli(tmp_path, cli):
    rng = np.random.default_rng(5)
    a = rng.standard_normal((5, 64)).astype(np.float32)
    b = rng.standard_normal((6, 64)).astype(np.float32)
    c = rng.standard_normal((5, 6)).astype(np.float32)
    for name, v in (("a.npy", a), ("b.npy", b), ("c.npy", c)):
        np.save(tmp_path / name, v)
    for model in ("exact", "sm90-wgmma-fp8", "fp32-sequential"):
        cli("quantize", "--format", "mxfp8_e4m3", "--in", "a.npy", "--out", "a.npz", cwd=tmp_path)
        cli("quantize", "--format", "mxfp8_e4m3", "--in", "b.npy", "--out", "b.npz", cwd=tmp_path)
        cli("gemm", "--format", "mxfp8_e4m3", "--a", "a.npz", "--b", "b.npz", "--c", "c.npy", "--model", model,
            "--out", "d.npy", cwd=tmp_path)
        qa, qb = mxref.quantize(a, "mxfp8_e4m3"), mxref.quantize(b, "mxfp8_e4m3")
        d = mxref.gemm(qa, qb, c, model=model)
        assert d.tobytes() == np.load(tmp_path / "d.npy").tobytes(), model
        # Each output once more as one dot product, through `mxref dot` lines.
        lines = []
        for i in range(5):
            for j in range(6):
                row = []
                for q, r in ((qa, i), (qb, j)):
                    for blk in range(2):
                        row += [int(q.scales[r, blk])] + [int(v) for v in q.elements[r, 32 * blk:32 * blk + 32]]
                lines.append(" ".join(f"{v:x}" for v in row + [int(c.view(np.uint32)[i, j])]))
        out = cli("dot", "--format", "mxfp8_e4m3", "--blocks", "2", "--model", model, stdin="\n".join(lines) + "\n")
        want = np.array([int(t, 16) for t in out.split()], np.uint32).reshape(5, 6)
        got = mxref.dot(qa.elements[:, None, :].repeat(6, 1), qa.scales[:, None, :].repeat(6, 1),
                        qb.elements[None, :, :].repeat(5, 0), qb.scales[None, :, :].repeat(5, 0), c.view(np.uint32),
                        format="mxfp8_e4m3", model=model)
        assert got.tolist() == want.tolist(), model
        assert want.view(np.float32).tobytes() == d.tobytes()


def test_nvfp4_gemm_with_tensor_scales_equals_the_cli(tmp_path, cli):
    rng = np.random.default_rng(9)
    for name, shape in (("a.npy", (4, 64)), ("b.npy", (3, 64))):
        np.save(tmp_path / name, (rng.standard_normal(shape) * 40).astype(np.float32))
        cli("quantize", "--format", "nvfp4", "--profile", "nvfp4", "--in", name, "--out", name[0] + ".npz",
            cwd=tmp_path)
    cli("gemm", "--format", "nvfp4", "--a", "a.npz", "--b", "b.npz", "--model", "sm100-mxf4nvf4", "--out", "d.npy",
        cwd=tmp_path)
    qa = mxref.QuantizedTensor.load(tmp_path / "a.npz", "nvfp4")
    qb = mxref.QuantizedTensor.load(tmp_path / "b.npz", "nvfp4")
    assert qa.tensor_scale != 1.0
    for fast in (None, False):
        d = mxref.gemm(qa, qb, model="sm100-mxf4nvf4", fast=fast)
        assert d.tobytes() == np.load(tmp_path / "d.npy").tobytes()


def test_spec_equals_the_cli(cli):
    for fmt in ("e4m3", "e2m1", "bf16", "e8m0"):
        assert mxref.spec(fmt) == json.loads(cli("spec", fmt, "--json"))
    assert mxref.spec("e2m1", table=True) == json.loads(cli("spec", "e2m1", "--json", "--table"))


def test_arrays_in_any_layout():
    x = np.random.default_rng(2).standard_normal((64, 64)).astype(np.float32)
    reference = mxref.quantize(np.ascontiguousarray(x.T), "mxfp8_e4m3")
    transposed = mxref.quantize(x.T, "mxfp8_e4m3")  # not C-contiguous: copied
    assert transposed.elements.tobytes() == reference.elements.tobytes()
    frozen = x.copy()
    frozen.setflags(write=False)  # read-only: read, never written
    assert mxref.quantize(frozen, "mxfp8_e4m3").elements.tobytes() == mxref.quantize(x, "mxfp8_e4m3").elements.tobytes()
    dlpack = mxref.quantize(np.from_dlpack(x), "mxfp8_e4m3")
    assert dlpack.scales.tobytes() == mxref.quantize(x, "mxfp8_e4m3").scales.tobytes()
    # bf16 and the ml_dtypes float8 types are values; codes come back viewable as ml_dtypes.
    e4m3 = mxref.cast(x, "e4m3", overflow="saturate")
    assert (mxref.as_ml_dtypes(e4m3, "e4m3").astype(np.float32) == mxref.decode(e4m3, "e4m3")).all()
    assert mxref.quantize(x.astype(ml.bfloat16), "mxfp8_e4m3").elements.shape == (64, 64)


def test_bad_input_raises_with_the_clis_message():
    x = np.ones((2, 32), np.float32)
    with pytest.raises(ValueError, match="unknown profile"):
        mxref.quantize(x, "mxfp8_e4m3", profile="nope")
    with pytest.raises(ValueError, match="--block must be 1 to 1048576"):
        mxref.quantize(x, "mxfp8_e4m3", block=0)
    with pytest.raises(TypeError, match="holds no values"):
        mxref.quantize(np.ones(4, np.int32), "mxfp8_e4m3")
    with pytest.raises(TypeError, match="must be uint8"):
        mxref.cast(np.ones(4, np.uint16), "e4m3", src="e2m1")
    with pytest.raises(ValueError, match="unknown format"):
        mxref.cast(x, "e9m9x")
    with pytest.raises(ValueError, match="element 0"):
        mxref.cast(np.array([0x1F], np.uint8), "e4m3", src="e2m1")  # bits above E2M1's four
    with pytest.raises(ValueError, match="--fast"):
        mxref.quantize(x, "mxfp8_e4m3", tile=2, fast=True)
    with pytest.raises(TypeError, match="Python objects"):
        mxref.quantize(np.array([object()]), "mxfp8_e4m3")
    with pytest.raises(ValueError, match="same leading shape"):
        mxref.dot(np.zeros((2, 32), np.uint8), np.zeros((1, 1), np.uint8), np.zeros((2, 32), np.uint8),
                  np.zeros((2, 1), np.uint8), format="mxfp8_e4m3")


def test_conform_reports_as_the_cli_does(tmp_path, cli, request):
    import os
    suite = os.path.join(os.path.dirname(__file__), "..", "..", "vectors", "golden", "mxfp8-e4m3-ocp")

    def away(v):  # an implementation that rounds ties away from zero, with a float log2 scale
        q = mxref.quantize(v.astype(np.uint32), "mxfp8_e4m3", src="f32", block=len(v), profile="microxcaling-nearest")
        return [int(q.scales[0])] + q.elements.tolist()
    report = mxref.conform(away, suite, infer=True, keep=3)
    assert report["failed"] > 0 and report["passed"] + report["failed"] == 207
    assert report["inference"][0]["name"] == "microxcaling-nearest" and report["inference"][0]["matched"] == 207
    # The CLI on the same outputs writes the same document.
    with open(os.path.join(suite, "stdin.txt")) as f:
        lines = [" ".join(format(c, "x") for c in away(np.array([int(t, 16) for t in line.split()], np.uint64)))
                 for line in f.read().splitlines()]
    (tmp_path / "results.txt").write_text("\n".join(lines) + "\n")
    r = subprocess.run([request.config.getoption("--mxref"), "conform", "--suite", suite, "--results",
                        str(tmp_path / "results.txt"), "--report", "json", "--max-mismatches", "3", "--infer"],
                       capture_output=True, text=True, check=False)
    assert r.returncode == 1, r.stderr
    document = json.loads(r.stdout)
    assert document == report
