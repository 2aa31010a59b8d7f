#!/usr/bin/env python3
"""pychop's NumPy MX and BFP quantizers (mx_quantize, bfp_quantize) against `mxref fakequant --profile
pychop / pychop-bfp`, bit for bit on the FP32 results. Only pychop's NumPy backend files are loaded (by
path), so its heavier optional dependencies are not needed. Usage: pychop_profile_test.py MXREF
[--blocks N]. Exit 77 when numpy or pychop is missing."""
import importlib.util
import os
import subprocess
import sys

try:
    import numpy as np
    root = os.path.dirname(importlib.util.find_spec("pychop").origin)
except (ImportError, AttributeError) as e:
    print(f"skipped: {e}")
    sys.exit(77)


def load(name):
    """pychop/np/<name>.py, which imports its spec module from pychop/ by path itself."""
    spec = importlib.util.spec_from_file_location(f"pychop_np_{name}", os.path.join(root, "np", f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MX = ["mxfp8_e4m3", "mxfp8_e5m2", "mxfp6_e3m2", "mxfp6_e2m3", "mxfp4_e2m1", "mxint8"]
BFP = ["bfp16", "bfp12", "bfp8", "bfp6", "bfp4", "bfp3", "bfp2", "flexpoint16", "flexpoint8"]


def values(n, rng):
    """n x 128 FP32 values: random around a random exponent per 128, zeros, values just below powers of
    two, ±Inf and NaN in a few places."""
    centre = rng.integers(-130, 120, size=(n, 1))
    exponent = np.clip(centre - rng.integers(0, 14, size=(n, 128)), -126, 127)
    mantissa = rng.integers(0, 1 << 23, size=(n, 128))
    near = rng.random((n, 128)) < 0.1
    mantissa[near] = (1 << 23) - rng.integers(1, 4, size=int(near.sum()))
    bits = (rng.integers(0, 2, size=(n, 128)) << 31) | ((exponent + 127) << 23) | mantissa
    bits[rng.random((n, 128)) < 0.05] = 0
    bits[0, 0], bits[1, 5], bits[2, 9], bits[3, :] = 0x7FC00000, 0x7F800000, 0xFF800000, 0
    return bits.astype(np.uint32)


def compare(mxref, fmt, profile, bits, expected):
    block = {"bfp16": 16, "bfp12": 16, "bfp3": 64, "bfp2": 128, "flexpoint16": 16}.get(fmt, 32)
    text = "\n".join(" ".join(f"{v:08x}" for v in row) for row in bits.reshape(-1, block)) + "\n"
    run = subprocess.run([mxref, "fakequant", "--format", fmt, "--profile", profile], input=text,
                         capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise RuntimeError(run.stderr)
    got = np.array([int(t, 16) for t in run.stdout.split()], dtype=np.uint32).reshape(bits.shape)
    want = expected.astype(np.float32).view(np.uint32)
    both_nan = np.isnan(got.view(np.float32)) & np.isnan(want.view(np.float32))
    bad = np.argwhere((got != want) & ~both_nan)
    print(f"{fmt} --profile {profile}: {bits.size} values, {len(bad)} mismatches")
    for i, j in bad[:5]:
        print(f"  input {bits[i, j]:08x}: mxref {got[i, j]:08x}, pychop {want[i, j]:08x}")
    return len(bad)


def main():
    mxref = sys.argv[1]
    n = int(sys.argv[sys.argv.index("--blocks") + 1]) if "--blocks" in sys.argv else 200
    bits = values(n, np.random.default_rng(2026))
    x = bits.view(np.float32)
    mx, bfp = load("mx_formats"), load("bfp_formats")
    failures = 0
    with np.errstate(all="ignore"):
        for fmt in MX:
            failures += compare(mxref, fmt, "pychop", bits, np.vstack([mx.mx_quantize(row, fmt) for row in x]))
        for fmt in BFP:
            failures += compare(mxref, fmt, "pychop-bfp", bits, np.vstack([bfp.bfp_quantize(row, fmt) for row in x]))
    print(f"pychop {getattr(mx, '__version__', '')}numpy {np.__version__}: {failures} mismatches in all")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
