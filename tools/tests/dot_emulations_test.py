"""The emulation presets of `mxref dot` (torchao-emulated, microxcaling, te-nvfp4-reference) against the
same arithmetic written here in NumPy float32 (each operation one IEEE 754 rounding) and ml_dtypes'
bfloat16, on random finite operands with scales across the whole E8M0 / UE4M3 range: the presets'
definitions (docs/spec-notes/dot-models.md), derived independently of mxref's exact arithmetic.
Run: python3 -m pytest tools/tests/dot_emulations_test.py --mxref MXREF [--count N]."""
import subprocess

import ml_dtypes
import numpy as np
import pytest

E4M3 = ml_dtypes.float8_e4m3fn
E2M1 = ml_dtypes.float4_e2m1fn


def f32_bits(x):
    return int(np.float32(x).view(np.uint32))


def run(mxref, fmt, blocks, model, lines, *extra):
    out = subprocess.run([mxref, "dot", "--format", fmt, "--blocks", str(blocks), "--model", model, *extra],
                         input="".join(lines), capture_output=True, text=True, check=True).stdout
    return [int(t, 16) for t in out.split()]


def mx_operands(rng, count, blocks):
    """MXFP8 E4M3 rows: (scale codes, element codes) for A and B, and C as FP32 bits."""
    finite = np.array([c for c in range(256) if c & 0x7F != 0x7F], dtype=np.uint8)
    rows = []
    for _ in range(count):
        spread = rng.choice([4, 40, 127])
        ops = []
        for _ in range(2):
            scales = np.clip(127 + rng.integers(-spread, spread + 1, size=blocks), 0, 254)
            ops.append((scales, rng.choice(finite, size=(blocks, 32))))
        c = np.float32(rng.standard_normal() * 2.0 ** int(rng.integers(-20, 20))) if rng.random() < 0.7 else np.float32(0)
        rows.append((ops, c))
    return rows


def line(ops, c, digits):
    tokens = []
    for scales, elements in ops:
        for j, s in enumerate(scales):
            tokens.append(f"{int(s):02x}")
            tokens += [f"{int(e):0{digits}x}" for e in elements[j]]
    tokens.append(f"{f32_bits(c):08x}")
    return " ".join(tokens) + "\n"


def dequantizing_sum(ops, c, operand):
    """C first, then fl32(fl32(a_op * b_op)) added in order; operands rounded to `operand` (bf16 or f32)."""
    (sa, ea), (sb, eb) = ops
    acc = np.float32(c)
    with np.errstate(all="ignore"):
        for j in range(len(sa)):
            xa, xb = 2.0 ** (int(sa[j]) - 127), 2.0 ** (int(sb[j]) - 127)
            a = ea[j].view(E4M3).astype(np.float64) * xa      # exact in float64
            b = eb[j].view(E4M3).astype(np.float64) * xb
            a = a.astype(np.float32).astype(operand).astype(np.float32)  # exact into f32 (<= 4 bits), then rounded
            b = b.astype(np.float32).astype(operand).astype(np.float32)
            for i in range(32):
                acc = np.float32(acc + np.float32(a[i] * b[i]))
    return f32_bits(acc)


@pytest.mark.parametrize("model, operand", [("torchao-emulated", ml_dtypes.bfloat16), ("microxcaling", np.float32)])
def test_dequantizing_emulations(mxref, model, operand, count):
    rng = np.random.default_rng(7)
    rows = mx_operands(rng, count, 2)
    got = run(mxref, "mxfp8_e4m3", 2, model, [line(ops, c, 2) for ops, c in rows])
    want = [dequantizing_sum(ops, c, operand) for ops, c in rows]
    wrong = [i for i, (g, w) in enumerate(zip(got, want)) if g != w]
    assert not wrong, f"{len(wrong)} of {count} differ; first {wrong[0]}: mxref {got[wrong[0]]:08x}, numpy {want[wrong[0]]:08x}"


def te_reference(ops, c, ta, tb):
    """TransformerEngine's NVFP4 reference GEMM for one output: per block fl32(fl32(sa sb) x exact sum),
    summed from +0 in FP32, times fl32(ta tb), plus C."""
    (sa, ea), (sb, eb) = ops
    y = np.float32(0)
    with np.errstate(all="ignore"):
        for j in range(len(sa)):
            inner = np.float32(np.sum(ea[j].view(E2M1).astype(np.float64) * eb[j].view(E2M1).astype(np.float64)))
            scale = np.float32(np.float32(sa[j].view(E4M3)) * np.float32(sb[j].view(E4M3)))
            y = np.float32(y + np.float32(scale * inner))
        y = np.float32(np.float32(np.float32(ta) * np.float32(tb)) * y)
        return f32_bits(np.float32(y + np.float32(c)))


def test_te_nvfp4_reference(mxref, count):
    rng = np.random.default_rng(8)
    finite_scale = np.array([c for c in range(128) if c != 0x7F], dtype=np.uint8)  # UE4M3 without NaN
    tensor = [(np.float32(1.0), np.float32(1.0)), (np.float32(1 + 2 ** -12), np.float32(3.0)),
              (np.float32(2.0 ** -20), np.float32(1.1))]
    for ta, tb in tensor:
        rows = []
        for _ in range(count):
            ops = [(rng.choice(finite_scale, size=4), rng.integers(0, 16, size=(4, 16), dtype=np.uint8)) for _ in range(2)]
            c = np.float32(rng.standard_normal() * 2.0 ** int(rng.integers(-10, 10))) if rng.random() < 0.7 else np.float32(0)
            rows.append((ops, c))
        got = run(mxref, "nvfp4", 4, "te-nvfp4-reference", [line(ops, c, 1) for ops, c in rows],
                  "--tensor-scale-a", f"{f32_bits(ta):08x}", "--tensor-scale-b", f"{f32_bits(tb):08x}")
        want = [te_reference(ops, c, ta, tb) for ops, c in rows]
        wrong = [i for i, (g, w) in enumerate(zip(got, want)) if g != w]
        assert not wrong, f"tensor scales {ta}, {tb}: {len(wrong)} of {count} differ; first: mxref {got[wrong[0]]:08x}, numpy {want[wrong[0]]:08x}"


@pytest.fixture(scope="module")
def count(request):
    return request.config.getoption("--count") or 300
