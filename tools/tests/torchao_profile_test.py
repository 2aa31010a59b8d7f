#!/usr/bin/env python3
"""torchao's to_mx (FLOOR, CEIL, EVEN, RCEIL; every MX element type) against `mxref quantize --profile
torchao-*`, block for block: scale and element codes, on the CPU and on CUDA where present.
Usage: torchao_profile_test.py MXREF [--blocks N]. Exit 77 when torch or torchao is missing.
Results from the lent GPU: docs/crosschecks.md."""
import subprocess
import sys

try:
    import numpy as np
    import torch
    from torchao.prototype.mx_formats.config import ScaleCalculationMode
    from torchao.prototype.mx_formats.constants import DTYPE_FP6_E2M3, DTYPE_FP6_E3M2
    from torchao.prototype.mx_formats.mx_tensor import to_mx
    from torchao.prototype.mx_formats.nvfp4_tensor import nvfp4_quantize, per_tensor_amax_to_scale
    import torchao
except ImportError as e:
    print(f"skipped: {e}")
    sys.exit(77)

ELEMENTS = {"mxfp8_e4m3": torch.float8_e4m3fn, "mxfp8_e5m2": torch.float8_e5m2, "mxfp6_e2m3": DTYPE_FP6_E2M3,
            "mxfp6_e3m2": DTYPE_FP6_E3M2, "mxfp4_e2m1": torch.float4_e2m1fn_x2}
MODES = {"torchao-floor": ScaleCalculationMode.FLOOR, "torchao-ceil": ScaleCalculationMode.CEIL,
         "torchao-even": ScaleCalculationMode.EVEN, "torchao-rceil": ScaleCalculationMode.RCEIL}
BLOCK = 32


def blocks(n, rng):
    """n blocks of 32 FP32 bit patterns: random magnitudes around a random exponent, zeros, and the edges
    (all zero, subnormal, near powers of two, FLT_MAX, Inf, NaN)."""
    centre = rng.integers(-150, 128, size=(n, 1))
    exponent = np.clip(centre - rng.integers(0, 14, size=(n, BLOCK)), -126, 127)
    mantissa = rng.integers(0, 1 << 23, size=(n, BLOCK))
    sign = rng.integers(0, 2, size=(n, BLOCK))
    bits = (sign << 31) | ((exponent + 127) << 23) | mantissa
    bits[rng.random((n, BLOCK)) < 0.05] = 0
    sub = rng.random(n) < 0.05  # subnormal blocks
    bits[sub] = rng.integers(0, 1 << 23, size=(int(sub.sum()), BLOCK))
    edges = [0x00000000, 0x80000000, 0x7F7FFFFF, 0x43F00000, 0x40600001, 0x437FFFFF, 0x3FFFFFFF, 0x00400000,
             0x00400001, 0x7F800000, 0xFF800000, 0x7FC00000, 0x3F800000, 0x3F800001]
    for i, e in enumerate(edges):
        bits[i % n, 0] = e
        if i + len(edges) < n:
            bits[i + len(edges), :] = e
    return bits.astype(np.uint32)


def torchao_quantize(bits, element, mode, device, source):
    x = torch.from_numpy(bits.view(np.float32)).to(device)
    if source == "bf16":
        x = x.to(torch.bfloat16)
    scale, data = to_mx(x.reshape(-1, BLOCK).contiguous(), element, BLOCK, mode)
    scale = scale.view(torch.uint8).cpu().numpy().reshape(-1)
    if element == torch.float4_e2m1fn_x2:
        packed = data.view(torch.uint8).cpu().numpy().reshape(len(scale), BLOCK // 2)
        data = np.stack([packed & 0xF, packed >> 4], axis=-1).reshape(len(scale), BLOCK)  # element 0 low
    else:
        data = data.view(torch.uint8).cpu().numpy().reshape(len(scale), BLOCK)
    return scale.astype(np.int64), data.astype(np.int64)


def torchao_nvfp4(bits, device, source, two_level):
    x = torch.from_numpy(bits.view(np.float32)).to(device)
    if source == "bf16":
        x = x.to(torch.bfloat16)
    x = x.reshape(-1, 16).contiguous()
    pts = per_tensor_amax_to_scale(torch.amax(torch.abs(x))) if two_level else None
    scale, data = nvfp4_quantize(x, 16, pts)
    scale = scale.view(torch.uint8).cpu().numpy().reshape(-1)
    packed = data.view(torch.uint8).cpu().numpy().reshape(len(scale), 8)
    data = np.stack([packed & 0xF, packed >> 4], axis=-1).reshape(len(scale), 16)
    return scale.astype(np.int64), data.astype(np.int64)


def mxref_quantize(mxref, bits, fmt, profile, source, extra=()):
    block = 16 if fmt == "nvfp4" else BLOCK
    if source == "bf16":  # the same values torch sees: FP32 rounded to bf16 (RNE), as torch's .to does
        tb = torch.from_numpy(bits.view(np.float32)).to(torch.bfloat16).view(torch.int16).numpy().astype(np.uint16)
        text = "\n".join(" ".join(f"{v:04x}" for v in row) for row in tb.reshape(-1, block)) + "\n"
    else:
        text = "\n".join(" ".join(f"{v:08x}" for v in row) for row in bits.reshape(-1, block)) + "\n"
    run = subprocess.run([mxref, "quantize", "--format", fmt, "--profile", profile, "--from", source, *extra],
                         input=text, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise RuntimeError(f"mxref quantize failed: {run.stderr.strip()}")
    rows = np.array([[int(t, 16) for t in line.split()] for line in run.stdout.splitlines()], dtype=np.int64)
    return rows[:, 0], rows[:, 1:]


def main():
    mxref = sys.argv[1]
    n = int(sys.argv[sys.argv.index("--blocks") + 1]) if "--blocks" in sys.argv else 2000
    rng = np.random.default_rng(2026)
    bits = blocks(n, rng)
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    failures = 0
    for source in ("f32", "bf16"):
        for fmt, element in ELEMENTS.items():
            for profile, mode in MODES.items():
                want_scale, want_data = mxref_quantize(mxref, bits, fmt, profile, source)
                for device in devices:
                    scale, data = torchao_quantize(bits, element, mode, device, source)
                    bad_scale = np.nonzero(scale != want_scale)[0]
                    # Elements under a NaN scale are don't-care (torchao's FP4/FP6 casts turn NaN into
                    # payload-dependent codes): compared only where the scale is not 0xFF.
                    live = (want_scale != 0xFF)[:, None]
                    bad_data = np.argwhere((data != want_data) & live)
                    print(f"{source} {fmt} {profile} on {device}: {len(scale)} blocks, "
                          f"{len(bad_scale)} scale and {len(bad_data)} element mismatches")
                    for i in bad_scale[:3]:
                        print(f"  block {i}: mxref scale {want_scale[i]:02x}, torchao {scale[i]:02x}")
                    for i, j in bad_data[:3]:
                        print(f"  block {i} element {j} (input {bits[i, j]:08x}, scale {want_scale[i]:02x}): "
                              f"mxref {want_data[i, j]:02x}, torchao {data[i, j]:02x}")
                    failures += len(bad_scale) + len(bad_data)
    # NVFP4 (finite inputs: torchao's NaN/Inf blocks are garbage by its own account), one and two levels.
    with np.errstate(invalid="ignore"):  # finite in bf16 too (FLT_MAX rounds to Inf there)
        finite = bits[np.all(np.abs(bits.view(np.float32)) <= 3.3e38, axis=1)]
    for source in ("f32", "bf16"):
        for two_level in (False, True):
            extra = ()
            if two_level:
                x = torch.from_numpy(finite.view(np.float32))
                if source == "bf16":
                    x = x.to(torch.bfloat16)
                amax = torch.amax(torch.abs(x)).to(torch.float32).view(torch.int32).item() & 0xFFFFFFFF
                extra = ("--tensor-amax", f"{amax:08x}")
            want_scale, want_data = mxref_quantize(mxref, finite, "nvfp4", "nvfp4-torchao", source, extra)
            for device in devices:
                scale, data = torchao_nvfp4(finite, device, source, two_level)
                bad_scale = np.nonzero(scale != want_scale)[0]
                bad_data = np.argwhere(data != want_data)
                print(f"{source} nvfp4 nvfp4-torchao {'two' if two_level else 'one'}-level on {device}: "
                      f"{len(scale)} blocks, {len(bad_scale)} scale and {len(bad_data)} element mismatches")
                for i in bad_scale[:3]:
                    print(f"  block {i}: mxref scale {want_scale[i]:02x}, torchao {scale[i]:02x}")
                for i, j in bad_data[:3]:
                    print(f"  block {i} element {j}: mxref {want_data[i, j]:x}, torchao {data[i, j]:x}")
                failures += len(bad_scale) + len(bad_data)
    print(f"torchao {torchao.__version__}, torch {torch.__version__} ({', '.join(devices)}): {failures} mismatches")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
