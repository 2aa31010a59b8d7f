"""pychop's NumPy MX and BFP quantizers (mx_quantize, bfp_quantize) against `mxref fakequant --profile
pychop / pychop-bfp`, bit for bit on the FP32 results. Only pychop's NumPy backend files are loaded (by
path), so its heavier optional dependencies are not needed.
Run: python3 -m pytest tools/tests/pychop_profile_test.py --mxref MXREF [--blocks N] (rows of 128 random
values, default 200, plus one block per edge value). Skips without numpy or pychop. NaN codes are compared
exactly, as every other code."""
import importlib.util
import os
import warnings

import pytest

np = pytest.importorskip("numpy")
from mxref_process import mxref_fakequant  # noqa: E402  (needs numpy)

pychop_spec = importlib.util.find_spec("pychop")  # found, not imported: that would need its dependencies
if pychop_spec is None or pychop_spec.origin is None:
    pytest.skip("no module named 'pychop'", allow_module_level=True)
root = os.path.dirname(pychop_spec.origin)
DEFAULT_BLOCKS = 200
SEED = 2026
# pychop's block amax is np.nanmax, whose loops on an x86-64 CPU with AVX-512 mxref models: there a
# signalling NaN among the values that glibc's fmaxf folds in restarts the maximum. Elsewhere the loops
# differ, so the NaN inputs are made quiet (which no loop lets change the amax).
AVX512 = bool(getattr(np._core._multiarray_umath, "__cpu_features__", {}).get("AVX512_SKX"))


def load(name):
    """pychop/np/<name>.py, which imports its spec module from pychop/ by path itself."""
    spec = importlib.util.spec_from_file_location(f"pychop_np_{name}", os.path.join(root, "np", f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MX = ["mxfp8_e4m3", "mxfp8_e5m2", "mxfp6_e3m2", "mxfp6_e2m3", "mxfp4_e2m1", "mxint8"]
BFP = ["bfp16", "bfp12", "bfp8", "bfp6", "bfp4", "bfp3", "bfp2", "flexpoint16", "flexpoint8"]
BLOCK = {"bfp16": 16, "bfp12": 16, "bfp3": 64, "bfp2": 128, "flexpoint16": 16}  # others: 32
MANTISSA_BITS = {"bfp16": 16, "bfp12": 12, "bfp8": 8, "bfp6": 6, "bfp4": 4, "bfp3": 3, "bfp2": 2, "flexpoint16": 16,
                 "flexpoint8": 8}
SIGN = 0x80000000


def values(n, rng):
    """n x 128 FP32 values: random around a random exponent per row (subnormals included), with exact ±0,
    NaN of both signs with random payloads (quiet and signalling), ±Inf, ±FLT_MAX and values just below
    powers of two scattered in; rows 0-3: all -0, blocks of -0 beside blocks of +0, NaN only, NaN and
    zeros."""
    shape = (max(n, 4), 128)
    centre = rng.integers(-150, 128, size=(shape[0], 1))
    exponent = np.clip(centre - rng.integers(0, 14, size=shape), -127, 127)  # -127: a subnormal
    mantissa = rng.integers(0, 1 << 23, size=shape)
    near = rng.random(shape) < 0.1
    mantissa[near] = (1 << 23) - rng.integers(1, 4, size=int(near.sum()))
    sign = rng.integers(0, 2, size=shape) << 31
    bits = sign | ((exponent + 127) << 23) | mantissa
    nan = (rng.integers(0, 2, size=shape) << 31) | 0x7F800000 | rng.integers(1, 1 << 23, size=shape)
    r = rng.random(shape)
    bits = np.where(r < 0.05, sign, bits)
    bits = np.where((r >= 0.05) & (r < 0.06), nan, bits)
    bits = np.where((r >= 0.06) & (r < 0.063), sign | 0x7F800000, bits)
    bits = np.where((r >= 0.063) & (r < 0.065), sign | 0x7F7FFFFF, bits)
    bits[0, :] = SIGN
    bits[1, :] = np.where(np.arange(128) // 16 % 2 == 0, SIGN, 0)
    bits[2, :] = nan[2, :]
    bits[3, :] = np.where(np.arange(128) % 2 == 0, nan[3, :], sign[3, :])
    if not AVX512:
        is_nan = ((bits & 0x7F800000) == 0x7F800000) & ((bits & 0x7FFFFF) != 0)
        bits = np.where(is_nan, bits | 0x400000, bits)
    return bits.astype(np.uint32)


def edge_blocks(fmt, rng):
    """One block per edge value, the edge its largest magnitude and the rest random below it: every power
    of two in FP32's range, and (BFP) every scale edge 2^k x (1 - 2^(1 - p)) of the format's p-bit
    mantissas, each with its neighbours one ulp below and above."""
    k = np.arange(-149, 128)
    edges = [np.ldexp(np.float32(1), k).astype(np.float32)]
    if fmt in MANTISSA_BITS:
        edges.append((np.ldexp(np.float64(1), k) * (1 - 2.0 ** (1 - MANTISSA_BITS[fmt]))).astype(np.float32))
    centre = np.concatenate(edges).view(np.uint32).astype(np.int64)
    top = np.concatenate([centre - 1, centre, centre + 1])
    top = top[(top > 0) & (top < 0x7F800000)]
    size = BLOCK.get(fmt, 32)
    below = (top.astype(np.uint32).view(np.float32)[:, None] * rng.random((top.size, size))).astype(np.float32)
    bits = below.view(np.uint32) | (rng.integers(0, 2, size=below.shape) << 31).astype(np.uint32)
    bits[:, 0] = top.astype(np.uint32) | (rng.integers(0, 2, size=top.size) << 31).astype(np.uint32)
    return bits


@pytest.fixture(scope="module")
def bits(request):
    n = request.config.getoption("--blocks")
    return values(DEFAULT_BLOCKS if n is None else n, np.random.default_rng(SEED))


@pytest.fixture(scope="module")
def quantizers():
    mx, bfp = load("mx_formats"), load("bfp_formats")
    return {"pychop": mx.mx_quantize, "pychop-bfp": bfp.bfp_quantize}


def refusal(block, fmt):
    """Why pychop's bfp_quantize raises on this block, checked against what it raised: np.nanmax(np.abs(x))
    is NaN (math.ceil(nan): ValueError), or fl32(amax / max_mantissa) overflows (math.ceil(inf):
    OverflowError). None where it should not raise."""
    amax = np.nanmax(np.abs(block))
    if np.isnan(amax):
        return ValueError
    p = MANTISSA_BITS[fmt]
    if np.isfinite(amax) and np.isinf(amax / ((2 ** (p - 1) - 1) / 2 ** (p - 1))):
        return OverflowError
    return None


@pytest.mark.parametrize("fmt, profile", [(fmt, "pychop") for fmt in MX] + [(fmt, "pychop-bfp") for fmt in BFP])
def test_fake_quantization_matches(mxref, bits, quantizers, fmt, profile):
    blocks = np.vstack([bits.reshape(-1, BLOCK.get(fmt, 32)), edge_blocks(fmt, np.random.default_rng(SEED))])
    got = mxref_fakequant(mxref, fmt, profile, blocks)  # every block, those pychop refuses included: mxref answers
    compared = np.ones(len(blocks), dtype=bool)
    want = np.zeros_like(blocks)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # np.nanmax's "All-NaN slice encountered"
        for b, block in enumerate(blocks.view(np.float32)):
            try:
                want[b] = quantizers[profile](block, fmt).astype(np.float32).view(np.uint32)
            except (ValueError, OverflowError) as e:
                # Not an input pychop accepts (its BFP exponent is math.ceil of a NaN or an Inf): nothing
                # to compare; the reason must be one of those two.
                assert profile == "pychop-bfp" and isinstance(e, refusal(block, fmt)), (fmt, e)
                compared[b] = False
    bad = np.argwhere((got != want) & compared[:, None])
    examples = "; ".join(f"input {blocks[i, j]:08x}: mxref {got[i, j]:08x}, pychop {want[i, j]:08x}"
                         for i, j in bad[:5])
    assert len(bad) == 0, (f"{fmt} --profile {profile}, numpy {np.__version__}: {len(bad)} of "
                           f"{int(compared.sum()) * blocks.shape[1]} values differ: {examples}")
