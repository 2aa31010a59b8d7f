#!/usr/bin/env python3
"""An implementation under test in Python, for `mxref conform --cmd`: reads a suite's stdin.txt (FP32 bit
patterns in hex: one per line for casts, one block per line for blocks) and writes the codes the named
implementation produces, in the form of expected.txt.

  python_adapter.py cast ml_dtypes float8_e4m3fn        numpy + ml_dtypes astype
  python_adapter.py cast torch float8_e4m3fn [cuda]      torch Tensor.to on the CPU or a GPU
  python_adapter.py torchao-mx ELEMENT MODE [cuda]       torchao to_mx: ELEMENT float8_e4m3fn | float8_e5m2 |
                                                         fp6_e2m3 | fp6_e3m2 | fp4; MODE FLOOR | CEIL | EVEN | RCEIL
Only numpy is needed for the framework; each implementation needs its own package."""
import sys

import numpy as np


def read_lines():
    return [line.split() for line in sys.stdin if line.strip()]


def fp32(tokens):
    return np.array([int(t, 16) for t in tokens], dtype=np.uint32).view(np.float32)


def codes(array):
    return array.view(np.uint8 if array.dtype.itemsize == 1 else np.uint16)


def cast(library, dtype, device="cpu"):
    x = fp32([t[0] for t in read_lines()])
    if library == "ml_dtypes":
        import ml_dtypes
        with np.errstate(all="ignore"):
            out = codes(x.astype(getattr(ml_dtypes, dtype)))
    else:
        import torch
        y = torch.from_numpy(x).to(device).to(getattr(torch, dtype)).cpu()
        out = y.view(torch.uint8 if y.element_size() == 1 else torch.int16).numpy().view(np.uint8 if y.element_size() == 1 else np.uint16)
    width = 2 * out.dtype.itemsize
    sys.stdout.write("".join(f"{int(c):0{width}x}\n" for c in out))


def torchao_mx(element, mode, device="cpu"):
    import torch
    from torchao.prototype.mx_formats.config import ScaleCalculationMode
    from torchao.prototype.mx_formats.constants import DTYPE_FP6_E2M3, DTYPE_FP6_E3M2
    from torchao.prototype.mx_formats.mx_tensor import to_mx
    elements = {"float8_e4m3fn": torch.float8_e4m3fn, "float8_e5m2": torch.float8_e5m2, "fp6_e2m3": DTYPE_FP6_E2M3,
                "fp6_e3m2": DTYPE_FP6_E3M2, "fp4": torch.float4_e2m1fn_x2}
    out = []
    for tokens in read_lines():
        # torchao needs whole blocks of 32: a ragged block is padded with zeros, which change nothing.
        x = np.zeros(32, dtype=np.float32)
        x[:len(tokens)] = fp32(tokens)
        scale, data = to_mx(torch.from_numpy(x).reshape(1, 32).to(device), elements[element], 32,
                            getattr(ScaleCalculationMode, mode))
        s = int(scale.view(torch.uint8).cpu().reshape(-1)[0])
        d = data.view(torch.uint8).cpu().numpy().reshape(-1)
        if element == "fp4":
            d = np.stack([d & 0xF, d >> 4], axis=-1).reshape(-1)
            width = 1
        else:
            width = 2
        out.append(" ".join([f"{s:02x}"] + [f"{int(c):0{width}x}" for c in d[:len(tokens)]]))
    sys.stdout.write("\n".join(out) + "\n")


def main():
    kind, *args = sys.argv[1:]
    {"cast": cast, "torchao-mx": torchao_mx}[kind](*args)


if __name__ == "__main__":
    main()
