"""`mxref dot --model sm90-mma-fp8` (Hopper's FP8 mma.sync m16n8k32, docs/spec-notes/sm90-mma-fp8.md) against
the datapath written out here in exact rational arithmetic: each operand converted to FP16 (exact), two passes
from +0 over alternate pairs of products (products 0, 1, 4, 5, ... then 2, 3, 6, 7, ...), each aligning its
terms to the largest exponent with 25 fraction bits by truncation and rounding toward zero to FP32, then C
added with one FP32 round-to-nearest-even; K = 64 chains two instructions. Random, sparse, subnormal and
C-dominant dots, for every pair of E4M3 and E5M2 operands.
Run: python3 -m pytest tools/tests/hopper_fp8_mma_test.py --mxref MXREF [--count N]."""
import subprocess
from fractions import Fraction

import ml_dtypes
import numpy as np
import pytest

FP8 = {"e4m3": (ml_dtypes.float8_e4m3fn, "mxfp8_e4m3"), "e5m2": (ml_dtypes.float8_e5m2, "mxfp8_e5m2")}
FRACTION_BITS = 25  # kept below the largest term exponent
FP16_MIN_EXPONENT = -14
FP32_MIN_EXPONENT = -126


def floor_log2(x):
    """floor(log2 x) for a Fraction x > 0."""
    e = x.numerator.bit_length() - x.denominator.bit_length()
    return e if Fraction(2) ** e <= x else e - 1


def to_fp32(x, nearest):
    """x rounded to FP32 (subnormals kept): toward zero, or to nearest with ties to even."""
    if x == 0:
        return Fraction(0)
    quantum = Fraction(2) ** (max(floor_log2(abs(x)), FP32_MIN_EXPONENT) - 23)
    steps = abs(x) / quantum
    kept = steps.numerator // steps.denominator
    if nearest and (steps - kept > Fraction(1, 2) or (steps - kept == Fraction(1, 2) and kept % 2 == 1)):
        kept += 1
    return (kept if x > 0 else -kept) * quantum


def fp16_exponent(v):
    """The exponent an FP16 value counts with: max(floor(log2 |v|), -14)."""
    return max(floor_log2(abs(v)), FP16_MIN_EXPONENT)


def one_pass(products, acc):
    """Products (value, exponent) and the running result, aligned with truncation, summed, RZ to FP32."""
    terms = [(p, e) for p, e in products if p != 0]
    if acc != 0:
        terms.append((acc, max(floor_log2(abs(acc)), FP32_MIN_EXPONENT)))
    if not terms:
        return Fraction(0)  # a sum that cancels or holds only zeros is +0
    quantum = Fraction(2) ** (max(e for _, e in terms) - FRACTION_BITS)
    total = Fraction(0)
    for p, _ in terms:
        steps = abs(p) / quantum
        kept = (steps.numerator // steps.denominator) * quantum
        total += kept if p > 0 else -kept
    return to_fp32(total, nearest=False)


def instruction(a, b, c):
    """One m16n8k32 dot: 32 FP8 values each side (as Fractions), C an FP32 value."""
    products = [(x * y, fp16_exponent(x) + fp16_exponent(y)) if x != 0 and y != 0 else (Fraction(0), 0)
                for x, y in zip(a, b)]
    acc = Fraction(0)
    for parity in (0, 1):
        acc = one_pass([p for i, p in enumerate(products) if (i // 2) % 2 == parity], acc)
    return to_fp32(c + acc, nearest=True)


def expected_bits(a, b, c_bits):
    result = Fraction(float(np.uint32(c_bits).view(np.float32)))
    for start in range(0, len(a), 32):
        result = instruction(a[start:start + 32], b[start:start + 32], result)
    return int(np.float32(float(result)).view(np.uint32))  # +0 for a zero: the passes and the add give +0


def draw(rng, dtype, count, k, kind):
    finite = np.array([c for c in range(256) if np.isfinite(np.uint8(c).view(dtype).astype(np.float32))], dtype=np.uint8)
    codes = rng.choice(finite, size=(count, k)).astype(np.uint8)
    if kind == "sparse":
        codes[rng.random(codes.shape) < 0.85] = 0
    if kind == "subnormal":
        small = finite[(finite & 0x7F) < (0x08 if dtype == ml_dtypes.float8_e4m3fn else 0x04)]
        codes = np.where(rng.random(codes.shape) < 0.5, rng.choice(small, size=codes.shape), codes).astype(np.uint8)
    return codes


@pytest.mark.parametrize("kind", ["random", "sparse", "subnormal", "c-dominant"])
@pytest.mark.parametrize("pair", ["e4m3.e4m3", "e4m3.e5m2", "e5m2.e4m3", "e5m2.e5m2"])
@pytest.mark.parametrize("k", [32, 64])
def test_matches_the_datapath(mxref, count, pair, kind, k):
    rng = np.random.default_rng([k, ["e4m3.e4m3", "e4m3.e5m2", "e5m2.e4m3", "e5m2.e5m2"].index(pair), len(kind)])
    name_a, name_b = pair.split(".")
    (dtype_a, format_a), (dtype_b, format_b) = FP8[name_a], FP8[name_b]
    a, b = draw(rng, dtype_a, count, k, kind), draw(rng, dtype_b, count, k, kind)
    magnitude = 2.0 ** rng.integers(20, 30, size=count) if kind == "c-dominant" else 2.0 ** rng.integers(-8, 8, size=count)
    c = (rng.standard_normal(count) * magnitude).astype(np.float32)
    c[rng.random(count) < 0.3] = 0
    lines, wanted = [], []
    for i in range(count):
        ta = " ".join("7f " + " ".join(f"{x:02x}" for x in a[i, s:s + 32]) for s in range(0, k, 32))
        tb = " ".join("7f " + " ".join(f"{x:02x}" for x in b[i, s:s + 32]) for s in range(0, k, 32))
        c_bits = int(c[i].view(np.uint32))
        lines.append(f"{ta} {tb} {c_bits:08x}\n")
        values_a = [Fraction(float(x)) for x in a[i].view(dtype_a).astype(np.float64)]
        values_b = [Fraction(float(x)) for x in b[i].view(dtype_b).astype(np.float64)]
        wanted.append(expected_bits(values_a, values_b, c_bits))
    out = subprocess.run([mxref, "dot", "--format", format_a, "--format-b", format_b, "--blocks", str(k // 32),
                          "--model", "sm90-mma-fp8"], input="".join(lines), capture_output=True, text=True, check=True)
    got = [int(t, 16) for t in out.stdout.split()]
    wrong = [(lines[i].strip(), f"{wanted[i]:08x}", f"{got[i]:08x}") for i in range(count) if got[i] != wanted[i]]
    assert not wrong, f"{len(wrong)} of {count} differ, e.g. {wrong[:2]}"


@pytest.fixture(scope="module")
def count(request):
    return request.config.getoption("--count") or 100
