"""The tensor-file mode of quantize / dequantize / fakequant (--in/--out), read and written by numpy
itself (an independent implementation of .npy/.npz). Expected codes are derived by hand in the
comments (OCP rule, E2M1 emax 2: X = 2^(floor(log2 amax) - 2), E8M0 code 127 + that exponent).
Run: python3 -m pytest tools/tests/tensor_files_test.py --mxref MXREF. Skips without numpy."""
import os
import subprocess

import pytest

np = pytest.importorskip("numpy")

X = [[1, 2, 64], [4, 0.5, 0]]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """The runs' working folder, with the inputs several tests read."""
    d = tmp_path_factory.mktemp("tensor_files")
    x = np.array(X, dtype=np.float32)
    np.save(d / "x.npy", x)
    np.array([0.3, 1.0], dtype=np.float32).tofile(d / "r.bin")
    np.save(d / "x16.npy", x.astype(np.float16))
    np.save(d / "fortran.npy", np.asfortranarray(x))
    return d


@pytest.fixture(scope="module")
def x():
    return np.array(X, dtype=np.float32)


@pytest.fixture(scope="module")
def load(folder):
    return lambda f: np.load(folder / f)


@pytest.fixture(scope="module")
def q0(run):
    """x quantized in blocks of 2 along axis 0: [1,4] -> 2^0 (127), [2,0.5] -> 2^-1 (126), [64,0] -> 2^4 (131).
    Every value is then representable, so dequantization gives x back exactly."""
    return run("quantize", "--format", "mxfp4_e2m1", "--block", "2", "--axis", "0", "--in", "x.npy", "--out", "q0.npz")


def test_quantize_along_the_last_axis(run, load):
    # Rows in blocks of 2 (last axis): [1,2] amax 2 -> 2^-1 (126); [64] -> 2^4 (131); [4,0.5] -> 2^0 (127);
    # [0] -> 2^-127 (0). Elements 1/0.5 = 2 (4), 4 (6), 64/16 = 4 (6), 4 (6), 0.5 (1), 0 (0).
    r = run("quantize", "--format", "mxfp4_e2m1", "--block", "2", "--in", "x.npy", "--out", "q.npz")
    q = load("q.npz")
    assert r.returncode == 0 and q["scales"].tolist() == [[126, 131], [127, 0]], "scales"
    assert q["elements"].tolist() == [[4, 6, 6], [6, 1, 0]], "elements"
    assert q["tensor_scale"].dtype == np.float32 and float(q["tensor_scale"]) == 1.0, "tensor_scale is 1 for MX"


def test_quantize_along_axis_0_and_back(run, load, x, q0):
    assert load("q0.npz")["scales"].tolist() == [[127, 126, 131]]
    r = run("dequantize", "--format", "mxfp4_e2m1", "--block", "2", "--in", "q0.npz", "--out", "y.npy")
    y = load("y.npy")
    assert r.returncode == 0 and y.dtype == np.float32 and np.array_equal(y, x), "dequantize gives the values back"


def test_packed_elements(run, load, x):
    # Packed: lsb-first nibbles 4|6<<4 = 0x64, 6|6<<4 = 0x66, 1|0<<4 = 0x01.
    run("quantize", "--format", "mxfp4_e2m1", "--block", "2", "--packed", "--in", "x.npy", "--out", "p.npz")
    assert load("p.npz")["elements"].tolist() == [0x64, 0x66, 0x01], "packed elements"
    run("dequantize", "--format", "mxfp4_e2m1", "--block", "2", "--in", "p.npz", "--out", "py.npy")
    assert np.array_equal(load("py.npy"), x), "packed round trip"


def test_fakequant_of_a_raw_file(run, load):
    # 0.3 with amax 1 in E4M3 -> 0.3125 (X = 2^-8; 76.8 -> 80); raw input with --shape.
    r = run("fakequant", "--format", "mxfp8_e4m3", "--block", "2", "--in", "r.bin", "--shape", "1,2", "--out", "f.npy")
    assert r.returncode == 0 and load("f.npy").tolist() == [[0.3125, 1.0]]


@pytest.mark.parametrize("name, source, write", [
    ("x16.npy", "f16", lambda x: x.astype(np.float16)),
    ("x64.npy", "f64", lambda x: x.astype(np.float64)),
    ("xb.npy", "bf16", lambda x: (x.view(np.uint32) >> 16).astype(np.uint16)),  # bits: every value is exact in bf16
], ids=["f16", "f64", "bf16"])
def test_other_input_dtypes_give_the_same_codes(run, load, folder, x, name, source, write):
    # f16, f64, and bf16 as uint16 bits (numpy has no bf16).
    np.save(folder / name, write(x))
    r = run("quantize", "--format", "mxfp4_e2m1", "--block", "2", "--from", source, "--in", name, "--out", "o.npz")
    o = load("o.npz")
    assert r.returncode == 0 and o["scales"].tolist() == [[126, 131], [127, 0]] \
        and o["elements"].tolist() == [[4, 6, 6], [6, 1, 0]]


def test_ml_dtypes_bfloat16_input(run, load, folder, x):
    ml_dtypes = pytest.importorskip("ml_dtypes")  # np.save writes its bfloat16 arrays as '<V2'
    np.save(folder / "xm.npy", x.astype(ml_dtypes.bfloat16))
    r = run("quantize", "--format", "mxfp4_e2m1", "--block", "2", "--from", "bf16", "--in", "xm.npy", "--out", "m.npz")
    assert r.returncode == 0 and load("m.npz")["scales"].tolist() == [[126, 131], [127, 0]]


@pytest.mark.parametrize("target, dtype", [("f16", np.float16), ("f64", np.float64), ("bf16", np.uint16)],
                         ids=["f16", "f64", "bf16"])
def test_dequantize_output_dtypes(run, load, x, q0, target, dtype):
    # f16, f64 as numpy floats, bf16 as its bits in uint16.
    r = run("dequantize", "--format", "mxfp4_e2m1", "--block", "2", "--to", target, "--in", "q0.npz", "--out", "t.npy")
    t = load("t.npy")
    want = (x.view(np.uint32) >> 16).astype(np.uint16) if target == "bf16" else x.astype(dtype)
    assert r.returncode == 0 and t.dtype == dtype and np.array_equal(t, want)


def test_2d_tiles(run, load, x):
    # 2-D tiles of 2 rows x 2 columns: [[1,2],[4,0.5]] amax 4 -> 2^0 (127), elements 1 (2), 2 (4), 4 (6),
    # 0.5 (1); [[64],[0]] -> 2^4 (131), 4 (6), 0 (0).
    r = run("quantize", "--format", "mxfp4_e2m1", "--block", "2", "--tile", "2", "--in", "x.npy", "--out", "t.npz")
    t = load("t.npz")
    assert r.returncode == 0 and t["scales"].tolist() == [[127, 131]] \
        and t["elements"].tolist() == [[2, 4, 6], [6, 1, 0]], "2-D tiles"
    run("dequantize", "--format", "mxfp4_e2m1", "--block", "2", "--in", "t.npz", "--out", "ty.npy")
    assert np.array_equal(load("ty.npy"), x), "2-D tiles round trip"


def test_16_bit_elements_as_uint16(run, load):
    # Elements wider than a byte are stored as uint16 (BFP16: 16-bit mantissas).
    r = run("quantize", "--format", "bfp16", "--block", "2", "--in", "x.npy", "--out", "w.npz")
    w = load("w.npz")
    assert r.returncode == 0 and w["elements"].dtype == np.uint16 and w["elements"].shape == (2, 3)


def test_a_middle_axis_matches_text_mode_block_by_block(mxref, run, load, folder):
    # A middle axis, ragged: numpy cuts the blocks (moveaxis + slicing) and text mode quantizes them one
    # per line; the tensor file must hold the same codes in scale order.
    t3 = np.random.default_rng(2).standard_normal((3, 10, 4)).astype(np.float32)
    np.save(folder / "t3.npy", t3)
    r = run("quantize", "--format", "mxfp8_e4m3", "--block", "4", "--axis", "1", "--in", "t3.npy", "--out", "t3.npz")
    lines = []
    for i in range(3):
        for start in range(0, 10, 4):
            for k in range(4):
                lines.append(" ".join(f"{b:08x}" for b in t3[i, start:start + 4, k].view(np.uint32)))
    text = subprocess.run([mxref, "quantize", "--format", "mxfp8_e4m3", "--block", "4", "--ragged"],
                          input="\n".join(lines) + "\n", capture_output=True, text=True).stdout.split("\n")
    a3 = load("t3.npz")
    codes = np.moveaxis(a3["elements"], 1, 2)  # (3, 4, 10): a block's elements side by side
    same = r.returncode == 0 and a3["scales"].shape == (3, 3, 4)
    for n, (i, start, k) in enumerate((i, s, k) for i in range(3) for s in range(0, 10, 4) for k in range(4)):
        fields = [int(f, 16) for f in text[n].split()]
        same = same and fields[0] == a3["scales"][i, start // 4, k] \
            and fields[1:] == codes[i, k, start:start + 4].tolist()
    assert same


def test_nvfp4_tensor_scale_from_the_tensors_amax(mxref, run, load, folder):
    # NVFP4 derives its tensor scale from the tensor's amax: the same codes as text mode given that amax.
    v = np.random.default_rng(3).standard_normal((4, 32)).astype(np.float32) * 100
    np.save(folder / "v.npy", v)
    r = run("quantize", "--format", "nvfp4", "--in", "v.npy", "--out", "v.npz")
    amax = f"{np.abs(v).max().view(np.uint32):08x}"
    text = subprocess.run([mxref, "quantize", "--format", "nvfp4", "--tensor-amax", amax],
                          input="".join(" ".join(f"{b:08x}" for b in v[i, j:j + 16].view(np.uint32)) + "\n"
                                        for i in range(4) for j in (0, 16)),
                          capture_output=True, text=True).stdout.split("\n")
    n4 = load("v.npz")
    rows = [[int(f, 16) for f in line.split()] for line in text if line]
    assert r.returncode == 0 and float(n4["tensor_scale"]) != 1.0 \
        and [row[0] for row in rows] == n4["scales"].reshape(-1).tolist() \
        and [c for row in rows for c in row[1:]] == n4["elements"].reshape(-1).tolist()


def test_dequantize_np_savez_archives(run, load, folder, x):
    # Archives written by np.savez (ZIP64 extras in the local headers) from some other quantizer's codes:
    # without mxref's layout arrays, --axis and --shape tell the layout; tensor_scale defaults to 1.
    np.savez(folder / "other.npz", elements=np.array([[2, 6, 6], [6, 2, 0]], np.uint8),
             scales=np.array([[127, 126, 131]], np.uint8))
    r = run("dequantize", "--format", "mxfp4_e2m1", "--block", "2", "--axis", "0", "--in", "other.npz",
            "--out", "o.npy")
    assert r.returncode == 0 and np.array_equal(load("o.npy"), x), "dequantize an np.savez archive"
    np.savez(folder / "otherp.npz", elements=np.array([0x64, 0x66, 0x01], np.uint8),
             scales=np.array([[126, 131], [127, 0]], np.uint8))
    r = run("dequantize", "--format", "mxfp4_e2m1", "--block", "2", "--packed", "--shape", "2,3", "--in", "otherp.npz",
            "--out", "op.npy")
    assert r.returncode == 0 and np.array_equal(load("op.npy"), x), "dequantize packed np.savez codes with --shape"


def test_swizzled_scales(run, load, folder):
    # Swizzled scales: the layout as torchao's to_blocked builds it (pad to 128 x 4, view as
    # (R/128, 128, C/4, 4), swap the middle axes, view as (-1, 4, 32, 4), swap axes 1 and 2), here in numpy.
    big = np.random.default_rng(1).standard_normal((130, 160)).astype(np.float32)
    np.save(folder / "big.npy", big)
    run("quantize", "--format", "mxfp8_e4m3", "--in", "big.npy", "--out", "plain.npz")
    r = run("quantize", "--format", "mxfp8_e4m3", "--in", "big.npy", "--out", "swizzled.npz", "--swizzle")
    plain = load("plain.npz")["scales"]
    rows, cols = plain.shape
    padded = np.zeros(((rows + 127) // 128 * 128, (cols + 3) // 4 * 4), np.uint8)
    padded[:rows, :cols] = plain
    blocked = padded.reshape(padded.shape[0] // 128, 128, padded.shape[1] // 4, 4).transpose(0, 2, 1, 3)
    blocked = blocked.reshape(-1, 4, 32, 4).transpose(0, 2, 1, 3).reshape(-1)
    assert r.returncode == 0 and np.array_equal(load("swizzled.npz")["scales"], blocked), \
        "swizzled scales follow to_blocked"
    run("dequantize", "--format", "mxfp8_e4m3", "--in", "swizzled.npz", "--out", "sw.npy")
    run("dequantize", "--format", "mxfp8_e4m3", "--in", "plain.npz", "--out", "pl.npy")
    assert np.array_equal(load("sw.npy"), load("pl.npy")), "swizzled scales dequantize the same"


@pytest.mark.parametrize("fast", [[], ["--fast"]], ids=["reference", "fast"])
def test_empty_tensor(run, load, folder, fast):
    # An empty tensor (a zero dimension, which numpy saves with no data) has no blocks: along the
    # last axis, 4 rows of ceil(0 / 32) = 0 scales; along axis 0 of (0, 3), ceil(0 / 32) = 0 rows of
    # scales for 3 columns. It comes back as the same empty shape, with --fast too.
    np.save(folder / "e.npy", np.zeros((4, 0), np.float32))
    np.save(folder / "e0.npy", np.zeros((0, 3), np.float32))
    r = run("quantize", "--format", "mxfp8_e4m3", *fast, "--in", "e.npy", "--out", "e.npz")
    e = load("e.npz")
    assert r.returncode == 0 and e["elements"].shape == (4, 0) and e["scales"].shape == (4, 0), "empty tensor"
    r = run("dequantize", "--format", "mxfp8_e4m3", *fast, "--in", "e.npz", "--out", "ey.npy")
    assert r.returncode == 0 and load("ey.npy").shape == (4, 0), "empty tensor back"
    r = run("quantize", "--format", "mxfp8_e4m3", *fast, "--axis", "0", "--in", "e0.npy", "--out", "e0.npz")
    assert r.returncode == 0 and load("e0.npz")["scales"].shape == (0, 3), "empty tensor along axis 0"


def partial_outputs(folder):
    return [f for f in os.listdir(folder) if f.startswith("bad") or ".tmp" in f]


def test_compressed_archives_are_refused(run, folder):
    np.savez_compressed(folder / "compressed.npz", elements=np.zeros((2, 3), np.uint8),
                        scales=np.zeros((2, 2), np.uint8))
    r = run("dequantize", "--format", "mxfp4_e2m1", "--block", "2", "--in", "compressed.npz", "--out", "bad.npy")
    assert r.returncode == 2 and "compressed" in r.stderr
    assert not partial_outputs(folder), "no partial output files"


# Errors: status 2, one line, and no output file left behind.
@pytest.mark.parametrize("args", [
    ["--in", "x.npy", "--out", "bad.npz", "--from", "bf16"],
    ["--in", "missing.npy", "--out", "bad.npz"],
    ["--in", "r.bin", "--shape", "3,2", "--out", "bad.npz"],
    ["--in", "x.npy", "--out", "bad.npz", "--axis", "2"],
    ["--in", "x.npy", "--out", "bad.npz", "--axis", "0", "--tile", "2"],
    ["--in", "fortran.npy", "--out", "bad.npz"],
    ["--in", "x16.npy", "--out", "bad.npz"],
    ["--in", "x.npy"],
], ids=" ".join)
def test_errors(run, folder, args):
    r = run("quantize", "--format", "mxfp4_e2m1", *args)
    assert r.returncode == 2 and r.stderr.startswith("mxref: ") and r.stderr.count("\n") == 1, r.stderr
    assert not partial_outputs(folder), "no partial output files"
