#!/usr/bin/env python3
"""`mxref quantize / dequantize / fakequant --in/--out` with tensor files, read and written by numpy
itself (an independent implementation of .npy/.npz). Expected codes are derived by hand in the
comments (OCP rule, E2M1 emax 2: X = 2^(floor(log2 amax) - 2), E8M0 code 127 + that exponent).
Usage: tensor_files_test.py MXREF. Exit 77 without numpy."""
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
except ImportError as e:
    print(f"skipped: {e}")
    sys.exit(77)

from checklist import Checklist

checks = Checklist()
check = checks.check


def main():
    mxref = os.path.abspath(sys.argv[1])  # the runs happen in a temporary folder
    with tempfile.TemporaryDirectory() as d:
        def run(*args):
            return subprocess.run([mxref, *args], capture_output=True, text=True, cwd=d)

        path = lambda f: os.path.join(d, f)
        x = np.array([[1, 2, 64], [4, 0.5, 0]], dtype=np.float32)
        np.save(path("x.npy"), x)

        # Rows in blocks of 2 (last axis): [1,2] amax 2 -> 2^-1 (126); [64] -> 2^4 (131); [4,0.5] -> 2^0 (127);
        # [0] -> 2^-127 (0). Elements 1/0.5 = 2 (4), 4 (6), 64/16 = 4 (6), 4 (6), 0.5 (1), 0 (0).
        r = run("quantize", "--format", "mxfp4_e2m1", "--block", "2", "--in", "x.npy", "--out", "q.npz")
        q = np.load(path("q.npz"))
        check("quantize along the last axis: scales", r.returncode == 0 and q["scales"].tolist() == [[126, 131], [127, 0]])
        check("quantize along the last axis: elements", q["elements"].tolist() == [[4, 6, 6], [6, 1, 0]])
        check("quantize: tensor_scale is 1 for MX", q["tensor_scale"].dtype == np.float32 and float(q["tensor_scale"]) == 1.0)

        # Columns (axis 0): [1,4] -> 2^0 (127), [2,0.5] -> 2^-1 (126), [64,0] -> 2^4 (131); every value is
        # then representable, so dequantization gives x back exactly.
        run("quantize", "--format", "mxfp4_e2m1", "--block", "2", "--axis", "0", "--in", "x.npy", "--out", "q0.npz")
        check("quantize along axis 0", np.load(path("q0.npz"))["scales"].tolist() == [[127, 126, 131]])
        r = run("dequantize", "--format", "mxfp4_e2m1", "--block", "2", "--in", "q0.npz", "--out", "y.npy")
        y = np.load(path("y.npy"))
        check("dequantize gives the values back", r.returncode == 0 and y.dtype == np.float32 and np.array_equal(y, x))

        # Packed: lsb-first nibbles 4|6<<4 = 0x64, 6|6<<4 = 0x66, 1|0<<4 = 0x01.
        run("quantize", "--format", "mxfp4_e2m1", "--block", "2", "--packed", "--in", "x.npy", "--out", "p.npz")
        check("packed elements", np.load(path("p.npz"))["elements"].tolist() == [0x64, 0x66, 0x01])
        run("dequantize", "--format", "mxfp4_e2m1", "--block", "2", "--in", "p.npz", "--out", "py.npy")
        check("packed round trip", np.array_equal(np.load(path("py.npy")), x))

        # fakequant: 0.3 with amax 1 in E4M3 -> 0.3125 (X = 2^-8; 76.8 -> 80); raw input with --shape.
        np.array([0.3, 1.0], dtype=np.float32).tofile(path("r.bin"))
        r = run("fakequant", "--format", "mxfp8_e4m3", "--block", "2", "--in", "r.bin", "--shape", "1,2", "--out", "f.npy")
        check("fakequant of a raw file", r.returncode == 0 and np.load(path("f.npy")).tolist() == [[0.3125, 1.0]])

        # Other input dtypes give the same codes: f16, f64, and bf16 as uint16 bits (numpy has no bf16).
        np.save(path("x16.npy"), x.astype(np.float16))
        np.save(path("x64.npy"), x.astype(np.float64))
        bf16_bits = (x.view(np.uint32) >> 16).astype(np.uint16)  # every value of x is exact in bf16
        np.save(path("xb.npy"), bf16_bits)
        for name, source in (("x16.npy", "f16"), ("x64.npy", "f64"), ("xb.npy", "bf16")):
            r = run("quantize", "--format", "mxfp4_e2m1", "--block", "2", "--from", source, "--in", name, "--out", "o.npz")
            o = np.load(path("o.npz"))
            check(f"--from {source}", r.returncode == 0 and o["scales"].tolist() == [[126, 131], [127, 0]]
                  and o["elements"].tolist() == [[4, 6, 6], [6, 1, 0]])
        try:
            import ml_dtypes  # np.save writes its bfloat16 arrays as '<V2'
            np.save(path("xm.npy"), x.astype(ml_dtypes.bfloat16))
            r = run("quantize", "--format", "mxfp4_e2m1", "--block", "2", "--from", "bf16", "--in", "xm.npy", "--out", "m.npz")
            check("ml_dtypes bfloat16 input", r.returncode == 0 and np.load(path("m.npz"))["scales"].tolist() == [[126, 131], [127, 0]])
        except ImportError:
            print("(ml_dtypes not installed: its bfloat16 input not checked)")

        # Output dtypes of dequantize: f16, f64 as numpy floats, bf16 as its bits in uint16.
        for target, dtype in (("f16", np.float16), ("f64", np.float64), ("bf16", np.uint16)):
            r = run("dequantize", "--format", "mxfp4_e2m1", "--block", "2", "--to", target, "--in", "q0.npz", "--out", "t.npy")
            t = np.load(path("t.npy"))
            want = bf16_bits if target == "bf16" else x.astype(dtype)
            check(f"dequantize --to {target}", r.returncode == 0 and t.dtype == dtype and np.array_equal(t, want))

        # 2-D tiles of 2 rows x 2 columns: [[1,2],[4,0.5]] amax 4 -> 2^0 (127), elements 1 (2), 2 (4), 4 (6),
        # 0.5 (1); [[64],[0]] -> 2^4 (131), 4 (6), 0 (0).
        r = run("quantize", "--format", "mxfp4_e2m1", "--block", "2", "--tile", "2", "--in", "x.npy", "--out", "t.npz")
        t = np.load(path("t.npz"))
        check("2-D tiles", r.returncode == 0 and t["scales"].tolist() == [[127, 131]] and t["elements"].tolist() == [[2, 4, 6], [6, 1, 0]])
        run("dequantize", "--format", "mxfp4_e2m1", "--block", "2", "--in", "t.npz", "--out", "ty.npy")
        check("2-D tiles round trip", np.array_equal(np.load(path("ty.npy")), x))

        # Elements wider than a byte are stored as uint16 (BFP16: 16-bit mantissas).
        r = run("quantize", "--format", "bfp16", "--block", "2", "--in", "x.npy", "--out", "w.npz")
        w = np.load(path("w.npz"))
        check("16-bit elements as uint16", r.returncode == 0 and w["elements"].dtype == np.uint16 and w["elements"].shape == (2, 3))

        # A middle axis, ragged: numpy cuts the blocks (moveaxis + slicing) and text mode quantizes them one
        # per line; the tensor file must hold the same codes in scale order.
        t3 = np.random.default_rng(2).standard_normal((3, 10, 4)).astype(np.float32)
        np.save(path("t3.npy"), t3)
        r = run("quantize", "--format", "mxfp8_e4m3", "--block", "4", "--axis", "1", "--in", "t3.npy", "--out", "t3.npz")
        lines = []
        for i in range(3):
            for start in range(0, 10, 4):
                for k in range(4):
                    lines.append(" ".join(f"{b:08x}" for b in t3[i, start:start + 4, k].view(np.uint32)))
        text = subprocess.run([mxref, "quantize", "--format", "mxfp8_e4m3", "--block", "4", "--ragged"],
                              input="\n".join(lines) + "\n", capture_output=True, text=True).stdout.split("\n")
        a3 = np.load(path("t3.npz"))
        codes = np.moveaxis(a3["elements"], 1, 2)  # (3, 4, 10): a block's elements side by side
        same = r.returncode == 0 and a3["scales"].shape == (3, 3, 4)
        for n, (i, start, k) in enumerate((i, s, k) for i in range(3) for s in range(0, 10, 4) for k in range(4)):
            fields = [int(f, 16) for f in text[n].split()]
            same = same and fields[0] == a3["scales"][i, start // 4, k] and fields[1:] == codes[i, k, start:start + 4].tolist()
        check("a middle axis matches text mode block by block", same)

        # NVFP4 derives its tensor scale from the tensor's amax: the same codes as text mode given that amax.
        v = np.random.default_rng(3).standard_normal((4, 32)).astype(np.float32) * 100
        np.save(path("v.npy"), v)
        r = run("quantize", "--format", "nvfp4", "--in", "v.npy", "--out", "v.npz")
        amax = f"{np.abs(v).max().view(np.uint32):08x}"
        text = subprocess.run([mxref, "quantize", "--format", "nvfp4", "--tensor-amax", amax],
                              input="".join(" ".join(f"{b:08x}" for b in v[i, j:j + 16].view(np.uint32)) + "\n"
                                            for i in range(4) for j in (0, 16)),
                              capture_output=True, text=True).stdout.split("\n")
        n4 = np.load(path("v.npz"))
        rows = [[int(f, 16) for f in line.split()] for line in text if line]
        check("NVFP4 tensor scale from the tensor's amax",
              r.returncode == 0 and float(n4["tensor_scale"]) != 1.0
              and [row[0] for row in rows] == n4["scales"].reshape(-1).tolist()
              and [c for row in rows for c in row[1:]] == n4["elements"].reshape(-1).tolist())

        # Archives written by np.savez (ZIP64 extras in the local headers) from some other quantizer's codes:
        # without mxref's layout arrays, --axis and --shape tell the layout; tensor_scale defaults to 1.
        np.savez(path("other.npz"), elements=np.array([[2, 6, 6], [6, 2, 0]], np.uint8), scales=np.array([[127, 126, 131]], np.uint8))
        r = run("dequantize", "--format", "mxfp4_e2m1", "--block", "2", "--axis", "0", "--in", "other.npz", "--out", "o.npy")
        check("dequantize an np.savez archive", r.returncode == 0 and np.array_equal(np.load(path("o.npy")), x))
        np.savez(path("otherp.npz"), elements=np.array([0x64, 0x66, 0x01], np.uint8), scales=np.array([[126, 131], [127, 0]], np.uint8))
        r = run("dequantize", "--format", "mxfp4_e2m1", "--block", "2", "--packed", "--shape", "2,3", "--in", "otherp.npz", "--out", "op.npy")
        check("dequantize packed np.savez codes with --shape", r.returncode == 0 and np.array_equal(np.load(path("op.npy")), x))

        # Swizzled scales: the layout as torchao's to_blocked builds it (pad to 128 x 4, view as
        # (R/128, 128, C/4, 4), swap the middle axes, view as (-1, 4, 32, 4), swap axes 1 and 2), here in numpy.
        big = np.random.default_rng(1).standard_normal((130, 160)).astype(np.float32)
        np.save(path("big.npy"), big)
        run("quantize", "--format", "mxfp8_e4m3", "--in", "big.npy", "--out", "plain.npz")
        r = run("quantize", "--format", "mxfp8_e4m3", "--in", "big.npy", "--out", "swizzled.npz", "--swizzle")
        plain = np.load(path("plain.npz"))["scales"]
        rows, cols = plain.shape
        padded = np.zeros(((rows + 127) // 128 * 128, (cols + 3) // 4 * 4), np.uint8)
        padded[:rows, :cols] = plain
        blocked = padded.reshape(padded.shape[0] // 128, 128, padded.shape[1] // 4, 4).transpose(0, 2, 1, 3)
        blocked = blocked.reshape(-1, 4, 32, 4).transpose(0, 2, 1, 3).reshape(-1)
        check("swizzled scales follow to_blocked", r.returncode == 0 and np.array_equal(np.load(path("swizzled.npz"))["scales"], blocked))
        run("dequantize", "--format", "mxfp8_e4m3", "--in", "swizzled.npz", "--out", "sw.npy")
        run("dequantize", "--format", "mxfp8_e4m3", "--in", "plain.npz", "--out", "pl.npy")
        check("swizzled scales dequantize the same", np.array_equal(np.load(path("sw.npy")), np.load(path("pl.npy"))))

        # An empty tensor (a zero dimension, which numpy saves with no data) has no blocks: along the
        # last axis, 4 rows of ceil(0 / 32) = 0 scales; along axis 0 of (0, 3), ceil(0 / 32) = 0 rows of
        # scales for 3 columns. It comes back as the same empty shape, with --fast too.
        np.save(path("e.npy"), np.zeros((4, 0), np.float32))
        np.save(path("e0.npy"), np.zeros((0, 3), np.float32))
        for fast in ([], ["--fast"]):
            r = run("quantize", "--format", "mxfp8_e4m3", *fast, "--in", "e.npy", "--out", "e.npz")
            e = np.load(path("e.npz"))
            check(f"empty tensor {fast}", r.returncode == 0 and e["elements"].shape == (4, 0) and e["scales"].shape == (4, 0))
            r = run("dequantize", "--format", "mxfp8_e4m3", *fast, "--in", "e.npz", "--out", "ey.npy")
            check(f"empty tensor back {fast}", r.returncode == 0 and np.load(path("ey.npy")).shape == (4, 0))
            r = run("quantize", "--format", "mxfp8_e4m3", *fast, "--axis", "0", "--in", "e0.npy", "--out", "e0.npz")
            check(f"empty tensor along axis 0 {fast}", r.returncode == 0 and np.load(path("e0.npz"))["scales"].shape == (0, 3))

        # Errors: status 2, one line, and no output file left behind.
        np.save(path("fortran.npy"), np.asfortranarray(x))
        np.savez_compressed(path("compressed.npz"), elements=np.zeros((2, 3), np.uint8), scales=np.zeros((2, 2), np.uint8))
        r = run("dequantize", "--format", "mxfp4_e2m1", "--block", "2", "--in", "compressed.npz", "--out", "bad.npy")
        check("compressed archives are refused", r.returncode == 2 and "compressed" in r.stderr)
        for args in (["--in", "x.npy", "--out", "bad.npz", "--from", "bf16"],
                     ["--in", "missing.npy", "--out", "bad.npz"],
                     ["--in", "r.bin", "--shape", "3,2", "--out", "bad.npz"],
                     ["--in", "x.npy", "--out", "bad.npz", "--axis", "2"],
                     ["--in", "x.npy", "--out", "bad.npz", "--axis", "0", "--tile", "2"],
                     ["--in", "fortran.npy", "--out", "bad.npz"],
                     ["--in", "x16.npy", "--out", "bad.npz"],
                     ["--in", "x.npy"]):
            r = run("quantize", "--format", "mxfp4_e2m1", *args)
            check(f"error {' '.join(args)}", r.returncode == 2 and r.stderr.startswith("mxref: ") and r.stderr.count("\n") == 1)
        check("no partial output files", not [f for f in os.listdir(d) if f.startswith("bad") or ".tmp" in f])
    return checks.status()


if __name__ == "__main__":
    sys.exit(main())
