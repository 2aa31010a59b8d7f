"""`mxref gemm` end to end: archives made by `mxref quantize`, D read back by numpy, against values derived
by hand and against `mxref dot` (a separate parser of the same codes) run line by line.
Run: python3 -m pytest tools/tests/gemm_test.py --mxref MXREF. Skips without numpy."""
import subprocess

import pytest

np = pytest.importorskip("numpy")

# Every value is an E4M3 code times a power of two, so quantization keeps it exactly (OCP rule, E4M3 emax
# 8: X = 2^(floor(log2 amax) - 8)): A row 0 all 1 (X = 2^-8, elements 256); row 1 sixteen 2s then sixteen
# -1s (X = 2^-7). B rows: all 0.5; 1, -1 alternating; 3 then zeros.
A = [[1.0] * 32, [2.0] * 16 + [-1.0] * 16]
B = [[0.5] * 32, [1.0, -1.0] * 16, [3.0] + [0.0] * 31]
# A B^T: 32 x 0.5 = 16, 0, 3; 16 x 1 - 8 = 8, (2 - 2) x 8 + (-1 + 1) x 8 = 0, 2 x 3 = 6.
D = [[16.0, 0.0, 3.0], [8.0, 0.0, 6.0]]
C = [[1.0, 2.0, 3.0], [4.0, 5.0, 0.5]]


@pytest.fixture(scope="module")
def folder(tmp_path_factory, mxref):
    d = tmp_path_factory.mktemp("gemm")
    np.save(d / "a.npy", np.array(A, dtype=np.float32))
    np.save(d / "b.npy", np.array(B, dtype=np.float32))
    np.save(d / "c.npy", np.array(C, dtype=np.float32))
    rng = np.random.default_rng(7)
    np.save(d / "ra.npy", rng.standard_normal((4, 64)).astype(np.float32))
    np.save(d / "rb.npy", (rng.standard_normal((5, 64)) * 100).astype(np.float32))
    np.save(d / "rc.npy", rng.standard_normal((4, 5)).astype(np.float32))
    return d


@pytest.fixture(scope="module")
def quantized(run):
    for name in ("a", "b", "ra", "rb"):
        r = run("quantize", "--format", "mxfp8_e4m3", "--in", f"{name}.npy", "--out", f"{name}.npz")
        assert r.returncode == 0, r.stderr
    return True


def gemm(run, *args, fmt="mxfp8_e4m3"):
    r = run("gemm", "--format", fmt, *args)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    return r


def test_hand_derived_products(run, folder, quantized):
    gemm(run, "--a", "a.npz", "--b", "b.npz", "--out", "d.npy")
    d = np.load(folder / "d.npy")
    assert d.dtype == np.float32 and d.shape == (2, 3)
    assert d.tolist() == D
    assert not np.signbit(d[1, 1]), "an exact zero under RNE is +0"
    gemm(run, "--a", "a.npz", "--b", "b.npz", "--c", "c.npy", "--out", "dc.npy")
    assert np.load(folder / "dc.npy").tolist() == [[17.0, 2.0, 6.0], [12.0, 5.0, 6.5]]


def test_bf16_output_and_rounding(run, folder, quantized):
    # C = 2^24 (bf16 0x4b80): 2^24 + 16 is not a bf16 (ulp 2^17): RNE gives 2^24, rounding up the next one.
    np.save(folder / "c16.npy", np.full((2, 3), 0x4B80, dtype=np.uint16))
    gemm(run, "--a", "a.npz", "--b", "b.npz", "--c", "c16.npy", "--out-format", "bf16", "--out", "e.npy")
    e = np.load(folder / "e.npy")
    assert e.dtype == np.uint16 and e.tolist() == [[0x4B80] * 3] * 2
    gemm(run, "--a", "a.npz", "--b", "b.npz", "--c", "c16.npy", "--out-format", "bf16", "--rounding", "rup",
         "--out", "u.npy")
    assert np.load(folder / "u.npy").tolist() == [[0x4B81, 0x4B80, 0x4B81]] * 2


@pytest.mark.parametrize("model", ["exact", "sm90-wgmma-fp8", "fp32-sequential"])
def test_agrees_with_dot_line_by_line(run, folder, quantized, mxref, model):
    qa, qb = np.load(folder / "ra.npz"), np.load(folder / "rb.npz")
    cbits = np.load(folder / "rc.npy").view(np.uint32)
    lines = []
    for m in range(4):
        for n in range(5):
            tokens = []
            for q, row in ((qa, m), (qb, n)):
                for j in range(2):
                    tokens.append(f"{q['scales'][row, j]:x}")
                    tokens += [f"{e:x}" for e in q["elements"][row, 32 * j:32 * (j + 1)]]
            tokens.append(f"{cbits[m, n]:08x}")
            lines.append(" ".join(tokens))
    dot = subprocess.run([mxref, "dot", "--format", "mxfp8_e4m3", "--blocks", "2", "--model", model],
                         input="\n".join(lines) + "\n", capture_output=True, text=True, check=True)
    expected = np.array([int(t, 16) for t in dot.stdout.split()], dtype=np.uint32).reshape(4, 5)
    for threads in ("1", "3"):
        gemm(run, "--a", "ra.npz", "--b", "rb.npz", "--c", "rc.npy", "--model", model, "--threads", threads,
             "--out", f"r{threads}.npy")
        assert np.array_equal(np.load(folder / f"r{threads}.npy").view(np.uint32), expected), threads


def test_packed_archives(run, folder):
    for name in ("a", "b"):
        r = run("quantize", "--format", "mxfp4_e2m1", "--packed", "--in", f"{name}.npy", "--out", f"p{name}.npz")
        assert r.returncode == 0, r.stderr
    gemm(run, "--a", "pa.npz", "--b", "pb.npz", "--out", "p.npy", fmt="mxfp4_e2m1")
    # E2M1 (emax 2) holds every value too: elements 4, 4 and -2, 4, 4 and -4, 6 under X = 2^-2, 2^-1, 2^-3, ...
    assert np.load(folder / "p.npy").tolist() == D


def refused(run, folder, part, *args, fmt="mxfp8_e4m3"):
    out = folder / "bad.npy"
    r = run("gemm", "--format", fmt, *args, "--out", "bad.npy")
    assert r.returncode == 2, r.stderr
    assert part in r.stderr and r.stderr.count("\n") == 1, r.stderr
    assert not out.exists()


def test_bad_input(run, folder, quantized):
    refused(run, folder, "missing.npz", "--a", "missing.npz", "--b", "b.npz")
    (folder / "junk.npz").write_bytes(b"not an archive")
    refused(run, folder, "junk.npz", "--a", "junk.npz", "--b", "b.npz")
    refused(run, folder, "rb.npz", "--a", "a.npz", "--b", "rb.npz")  # K 64 against 32
    refused(run, folder, "rc.npy: C must be [2, 3]", "--a", "a.npz", "--b", "b.npz", "--c", "rc.npy")
    np.save(folder / "c64.npy", np.zeros((2, 3)))
    refused(run, folder, "c64.npy", "--a", "a.npz", "--b", "b.npz", "--c", "c64.npy")  # float64 C
    refused(run, folder, "no-such-model", "--a", "a.npz", "--b", "b.npz", "--model", "no-such-model")
    refused(run, folder, "same block size", "--a", "a.npz", "--b", "b.npz", "--format-b", "nvfp4")
    assert run("quantize", "--format", "mxfp8_e4m3", "--axis", "0", "--in", "a.npy", "--out", "a0.npz").returncode == 0
    refused(run, folder, "a0.npz: blocks run along axis 0", "--a", "a0.npz", "--b", "b.npz")
    np.save(folder / "a3.npy", np.ones((2, 2, 32), dtype=np.float32))
    assert run("quantize", "--format", "mxfp8_e4m3", "--in", "a3.npy", "--out", "a3.npz").returncode == 0
    refused(run, folder, "a3.npz: A must be a matrix", "--a", "a3.npz", "--b", "b.npz")
    refused(run, folder, "needs --format", "--a", "a.npz", "--b", "b.npz", fmt="")


def operand_values(rng, rows, k, kind):
    """Rows of K values: normal around 1; rows whose blocks lie 2^±60 apart (the integer path's window is
    128 bits); the ends of FP32's range; zeros; NaN and Inf here and there."""
    x = rng.standard_normal((rows, k)).astype(np.float32)
    if kind == "spread":
        x *= np.exp2(rng.integers(-60, 60, size=(rows, k // 32))).repeat(32, axis=1).astype(np.float32)
    elif kind == "extreme":
        x = np.clip(x, -3, 3) * (np.float32(1e38) if rng.random() < 0.5 else np.float32(1e-38))
        x[::2] *= np.float32(1e-30)
    elif kind == "zeros":
        x[1::2] = 0
        x[0, :] = -0.0
    elif kind == "specials":
        x.flat[rng.integers(0, x.size, size=3)] = [np.nan, np.inf, -np.inf]
    return x


def tensor_amax(fmt, kind):
    """NVFP4 takes its tensor scale from a finite amax: given (3.0, as FP32 bits) where the tensor has NaN or Inf."""
    return ["--tensor-amax", "40400000"] if fmt == "nvfp4" and kind == "specials" else []


@pytest.mark.parametrize("fmt", ["mxfp8_e4m3", "mxfp6_e3m2", "mxfp6_e2m3", "mxfp4_e2m1", "mxint8", "nvfp4"])
@pytest.mark.parametrize("kind", ["normal", "spread", "extreme", "zeros", "specials"])
def test_fast_equals_the_reference_byte_for_byte(run, folder, fmt, kind):
    rng = np.random.default_rng(hash((fmt, kind)) % 2 ** 32)
    for name, rows in (("fa", 6), ("fb", 7)):
        np.save(folder / f"{name}.npy", operand_values(rng, rows, 128, kind))
        r = run("quantize", "--format", fmt, "--in", f"{name}.npy", "--out", f"{name}.npz", *tensor_amax(fmt, kind))
        assert r.returncode == 0, r.stderr
    c = (rng.standard_normal((6, 7)) * np.exp2(rng.integers(-140, 120, size=(6, 7)))).astype(np.float32)
    c[0, :3] = [0.0, -0.0, np.inf]
    np.save(folder / "fc.npy", c)
    np.save(folder / "fc16.npy", rng.integers(0, 1 << 16, size=(6, 7), dtype=np.uint16))
    for args in (["--c", "fc.npy"], [], ["--c", "fc.npy", "--rounding", "rtz"], ["--c", "fc.npy", "--rounding", "rdn"],
                 ["--c", "fc16.npy", "--out-format", "bf16"], ["--overflow", "saturate"]):
        gemm(run, "--a", "fa.npz", "--b", "fb.npz", *args, "--out", "ref.npy", fmt=fmt)
        gemm(run, "--a", "fa.npz", "--b", "fb.npz", *args, "--fast", "--threads", "2", "--out", "fast.npy", fmt=fmt)
        assert (folder / "ref.npy").read_bytes() == (folder / "fast.npy").read_bytes(), args


FUSED_PRESETS = ["sm70-mma-fp16", "sm80-mma-bf16", "sm80-mma-fp16", "sm89-mma-fp8", "sm90-wgmma-fp8", "sm90-mma-fp8",
                 "sm90-wgmma-bf16", "sm90-wgmma-fp16", "sm100-mxf8f6f4", "sm100-mxf4", "sm100-mxf4nvf4", "cdna3-fp8"]


@pytest.mark.parametrize("fmt", ["mxfp8_e4m3", "mxfp8_e5m2", "mxfp4_e2m1", "nvfp4"])
@pytest.mark.parametrize("kind", ["normal", "zeros", "specials"])
def test_fast_presets_equal_the_reference_byte_for_byte(run, folder, fmt, kind):
    rng = np.random.default_rng(hash((fmt, kind, "presets")) % 2 ** 32)
    for name, rows in (("fa", 6), ("fb", 7)):
        np.save(folder / f"{name}.npy", operand_values(rng, rows, 128, kind))
        assert run("quantize", "--format", fmt, "--in", f"{name}.npy", "--out", f"{name}.npz",
                   *tensor_amax(fmt, kind)).returncode == 0
    c = (rng.standard_normal((6, 7)) * np.exp2(rng.integers(-20, 20, size=(6, 7)))).astype(np.float32)
    c[0, :3] = [0.0, -0.0, np.inf]
    np.save(folder / "fc.npy", c)
    for model in FUSED_PRESETS:
        gemm(run, "--a", "fa.npz", "--b", "fb.npz", "--c", "fc.npy", "--model", model, "--out", "ref.npy", fmt=fmt)
        gemm(run, "--a", "fa.npz", "--b", "fb.npz", "--c", "fc.npy", "--model", model, "--fast", "--out", "fast.npy",
             fmt=fmt)
        assert (folder / "ref.npy").read_bytes() == (folder / "fast.npy").read_bytes(), model


def test_fast_refuses_what_it_does_not_run(run, folder, quantized):
    refused(run, folder, "--fast runs block formats", "--a", "a.npz", "--b", "b.npz", "--fast", "--model",
            "fp32-sequential")
    refused(run, folder, "--fast runs block formats", "--a", "a.npz", "--b", "b.npz", "--fast", "--model",
            "sm90-wgmma-fp8", "--out-format", "bf16")
    refused(run, folder, "--fast runs block formats", "--a", "a.npz", "--b", "b.npz", "--fast", "--format-b",
            "mxfp8_e5m2")
