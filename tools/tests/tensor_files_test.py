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

        # Errors: status 2, one line, and no output file left behind.
        for args in (["--in", "x.npy", "--out", "bad.npz", "--from", "bf16"],
                     ["--in", "missing.npy", "--out", "bad.npz"],
                     ["--in", "r.bin", "--shape", "3,2", "--out", "bad.npz"],
                     ["--in", "x.npy", "--out", "bad.npz", "--axis", "2"],
                     ["--in", "x.npy"]):
            r = run("quantize", "--format", "mxfp4_e2m1", *args)
            check(f"error {' '.join(args)}", r.returncode == 2 and r.stderr.startswith("mxref: ") and r.stderr.count("\n") == 1)
        check("no partial output files", not [f for f in os.listdir(d) if f.startswith("bad") or ".tmp" in f])
    return checks.status()


if __name__ == "__main__":
    sys.exit(main())
