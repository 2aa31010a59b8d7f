#!/usr/bin/env python3
"""microsoft/microxcaling's MX fake quantization (_quantize_mx: round 'nearest', 'even', 'floor'; every
element format) against `mxref fakequant --profile microxcaling-*`, bit for bit on the FP32 results.
microxcaling is not on PyPI: pass the folder that holds its `mx` package.
Usage: microxcaling_profile_test.py MXREF --mx-path DIR [--blocks N]. Exit 77 without torch or mx."""
import subprocess
import sys

try:
    import numpy as np
    import torch
    sys.path.insert(0, sys.argv[sys.argv.index("--mx-path") + 1] if "--mx-path" in sys.argv else ".")
    from mx.mx_ops import _quantize_mx
    from mx.formats import ElemFormat
except (ImportError, IndexError) as e:
    print(f"skipped: {e}")
    sys.exit(77)

ELEMENTS = {"mxfp8_e4m3": ElemFormat.fp8_e4m3, "mxfp8_e5m2": ElemFormat.fp8_e5m2,
            "mxfp6_e3m2": ElemFormat.fp6_e3m2, "mxfp6_e2m3": ElemFormat.fp6_e2m3,
            "mxfp4_e2m1": ElemFormat.fp4_e2m1, "mxint8": ElemFormat.int8}
BLOCK = 32


def blocks(n, rng):
    """Random FP32 blocks around a random exponent, zeros, subnormal blocks, values just below powers of
    two (where a float log2 rounds up) and the specials."""
    centre = rng.integers(-140, 126, size=(n, 1))
    exponent = np.clip(centre - rng.integers(0, 14, size=(n, BLOCK)), -126, 127)
    mantissa = rng.integers(0, 1 << 23, size=(n, BLOCK))
    near = rng.random((n, BLOCK)) < 0.1  # the top FP32 mantissas: 2^k (1 - small)
    mantissa[near] = (1 << 23) - rng.integers(1, 4, size=int(near.sum()))
    bits = (rng.integers(0, 2, size=(n, BLOCK)) << 31) | ((exponent + 127) << 23) | mantissa
    bits[rng.random((n, BLOCK)) < 0.05] = 0
    sub = rng.random(n) < 0.05
    bits[sub] = rng.integers(0, 1 << 23, size=(int(sub.sum()), BLOCK))
    for i, e in enumerate([0x7F800000, 0xFF800000, 0x7FC00000, 0x7F7FFFFF, 0x437FFFFF, 0x40FFFFFF]):
        bits[i, 0] = e
    bits[10, :] = 0
    return bits.astype(np.uint32)


def main():
    mxref = sys.argv[1]
    n = int(sys.argv[sys.argv.index("--blocks") + 1]) if "--blocks" in sys.argv else 2000
    bits = blocks(n, np.random.default_rng(2026))
    text = "\n".join(" ".join(f"{v:08x}" for v in row) for row in bits) + "\n"
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    failures = 0
    for fmt, elem in ELEMENTS.items():
        for rounding in ("nearest", "even", "floor"):
            run = subprocess.run([mxref, "fakequant", "--format", fmt, "--profile", f"microxcaling-{rounding}"],
                                 input=text, capture_output=True, text=True, check=False)
            if run.returncode != 0:
                raise RuntimeError(run.stderr)
            want = np.array([[int(t, 16) for t in line.split()] for line in run.stdout.splitlines()], dtype=np.uint32)
            for device in devices:
                a = torch.from_numpy(bits.view(np.float32).copy()).to(device)
                got = _quantize_mx(a, 8, elem, axes=[-1], block_size=BLOCK, round=rounding).cpu().numpy()
                got = got.astype(np.float32).view(np.uint32)
                both_nan = np.isnan(got.view(np.float32)) & np.isnan(want.view(np.float32))
                bad = np.argwhere((got != want) & ~both_nan)
                print(f"{fmt} round={rounding} on {device}: {bits.size} values, {len(bad)} mismatches")
                for i, j in bad[:4]:
                    print(f"  block {i} value {j} (input {bits[i, j]:08x}): mxref {want[i, j]:08x}, "
                          f"microxcaling {got[i, j]:08x}")
                failures += len(bad)
    print(f"torch {torch.__version__} ({', '.join(devices)}): {failures} mismatches")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
