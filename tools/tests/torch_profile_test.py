#!/usr/bin/env python3
"""torch's casts (CPU, and CUDA where a GPU is present) against `mxref cast --profile torch`: every
bf16 input and N random fp32 inputs into torch's float8 types. Usage: torch_profile_test.py MXREF
[--fp32-samples N]. Exit 77 when torch is missing. Results on the lent GPU: docs/crosschecks.md."""
import sys

try:
    import numpy as np
    from mxref_process import mxref_cast
    import torch
except ImportError as e:
    print(f"skipped: {e}")
    sys.exit(77)

IS_NAN = {
    "e4m3": lambda c: c & 0x7F == 0x7F,
    "e5m2": lambda c: c & 0x7C == 0x7C and c & 0x3 != 0,
    "e4m3fnuz": lambda c: c == 0x80,
    "e5m2fnuz": lambda c: c == 0x80,
    "e8m0": lambda c: c == 0xFF,
    "fp16": lambda c: c & 0x7C00 == 0x7C00 and c & 0x3FF != 0,
    "bf16": lambda c: c & 0x7F80 == 0x7F80 and c & 0x7F != 0,
}
TARGETS = {"e4m3": "float8_e4m3fn", "e5m2": "float8_e5m2", "e4m3fnuz": "float8_e4m3fnuz",
           "e5m2fnuz": "float8_e5m2fnuz", "e8m0": "float8_e8m0fnu", "fp16": "float16", "bf16": "bfloat16"}




def torch_cast(bits, source, type_name, device):
    src = {"bf16": (torch.int16, torch.bfloat16), "f32": (torch.int32, torch.float32)}[source]
    x = torch.from_numpy(bits.astype(np.int64)).to(src[0]).view(src[1]).to(device)
    y = x.to(getattr(torch, type_name)).cpu()
    width = y.element_size()
    raw = y.view(torch.uint8 if width == 1 else torch.int16).numpy()
    return raw.astype(np.uint64) & ((1 << (8 * width)) - 1)


def main():
    mxref = sys.argv[1]
    samples = int(sys.argv[sys.argv.index("--fp32-samples") + 1]) if "--fp32-samples" in sys.argv else 100000
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    inputs = {"bf16": np.arange(1 << 16, dtype=np.uint64),
              "f32": np.random.default_rng(2026).integers(0, 1 << 32, size=samples, dtype=np.uint64)}
    failures = 0
    for source, codes in inputs.items():
        digits = 4 if source == "bf16" else 8
        for target, type_name in TARGETS.items():
            if not hasattr(torch, type_name) or (source == "bf16" and target == "bf16"):
                continue
            expected = mxref_cast(mxref, source, target, codes, digits, "torch")
            for device in devices:
                try:
                    got = torch_cast(codes, source, type_name, device)
                except (RuntimeError, TypeError) as e:
                    print(f"{source} -> {type_name} on {device}: torch cannot cast ({e})")
                    continue
                # torch does not specify a NaN's sign or payload: any NaN code matches any NaN code.
                nan = IS_NAN[target]
                bad = [i for i in np.nonzero(got != expected)[0] if not (nan(int(got[i])) and nan(int(expected[i])))]
                print(f"{source} -> {type_name} on {device}: {len(codes)} compared, {len(bad)} mismatches")
                for i in bad[:8]:
                    print(f"  input {int(codes[i]):0{digits}x}: mxref {int(expected[i]):x}, torch {int(got[i]):x}")
                failures += len(bad)
    print(f"torch {torch.__version__} ({', '.join(devices)}): {failures} mismatches in all")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
