"""microsoft/microxcaling's MX fake quantization (_quantize_mx: round 'nearest', 'even', 'floor'; every
element format) against `mxref fakequant --profile microxcaling-*`, bit for bit on the FP32 results.
microxcaling is not on PyPI: --mx-path names the folder that holds its `mx` package.
Run: python3 -m pytest tools/tests/microxcaling_profile_test.py --mxref MXREF --mx-path DIR [--blocks N]
(default 2000). Skips without numpy, torch or mx."""

import pytest

np = pytest.importorskip("numpy")
torch = pytest.importorskip("torch")
mx_ops = pytest.importorskip("mx.mx_ops")  # on the path from --mx-path (conftest.py)
mx_formats = pytest.importorskip("mx.formats")
from mxref_process import amax_edge_blocks, mxref_fakequant  # noqa: E402  (needs numpy)

ELEMENTS = {"mxfp8_e4m3": "fp8_e4m3", "mxfp8_e5m2": "fp8_e5m2", "mxfp6_e3m2": "fp6_e3m2", "mxfp6_e2m3": "fp6_e2m3",
            "mxfp4_e2m1": "fp4_e2m1", "mxint8": "int8"}  # -> mx.formats.ElemFormat
ROUNDINGS = ["nearest", "even", "floor"]
DEVICES = ["cpu", "cuda"]
DEFAULT_BLOCKS = 2000
SEED = 2026
BLOCK = 32


def blocks(n, rng):
    """Random FP32 blocks around a random exponent, zeros of both signs, subnormal blocks, values just below
    powers of two (where a float log2 rounds up) and the specials."""
    centre = rng.integers(-140, 126, size=(n, 1))
    exponent = np.clip(centre - rng.integers(0, 14, size=(n, BLOCK)), -126, 127)
    mantissa = rng.integers(0, 1 << 23, size=(n, BLOCK))
    near = rng.random((n, BLOCK)) < 0.1  # the top FP32 mantissas: 2^k (1 - small)
    mantissa[near] = (1 << 23) - rng.integers(1, 4, size=int(near.sum()))
    bits = (rng.integers(0, 2, size=(n, BLOCK)) << 31) | ((exponent + 127) << 23) | mantissa
    bits[rng.random((n, BLOCK)) < 0.05] = 0
    bits[rng.random((n, BLOCK)) < 0.03] = 0x80000000  # exact -0: torch.sign makes it +0
    sub = rng.random(n) < 0.05
    bits[sub] = rng.integers(0, 1 << 23, size=(int(sub.sum()), BLOCK))
    for i, e in enumerate([0x7F800000, 0xFF800000, 0x7FC00000, 0x7F7FFFFF, 0x437FFFFF, 0x40FFFFFF]):
        bits[i, 0] = e
    bits[10, :] = 0
    bits[11, :] = 0x80000000
    maxima = [448.0, 57344.0, 28.0, 7.5, 6.0, 1.984375]  # the element formats' largest values
    return np.concatenate([bits.astype(np.uint32), amax_edge_blocks(rng, [1.0, *maxima], BLOCK)])


@pytest.fixture(scope="module")
def bits(request):
    n = request.config.getoption("--blocks")
    return blocks(DEFAULT_BLOCKS if n is None else n, np.random.default_rng(SEED))


@pytest.fixture(scope="module")
def mxref_values(mxref, bits):
    """mxref's fake-quantized FP32 bit patterns for a format and rounding, computed once for both devices."""
    cache = {}

    def values(fmt, rounding):
        if (fmt, rounding) not in cache:
            cache[fmt, rounding] = mxref_fakequant(mxref, fmt, f"microxcaling-{rounding}", bits)
        return cache[fmt, rounding]
    return values


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("rounding", ROUNDINGS)
@pytest.mark.parametrize("fmt", ELEMENTS)
def test_fake_quantization_matches(bits, mxref_values, fmt, rounding, device):
    if device == "cuda" and not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    want = mxref_values(fmt, rounding)
    elem = getattr(mx_formats.ElemFormat, ELEMENTS[fmt])
    a = torch.from_numpy(bits.view(np.float32).copy()).to(device)
    got = mx_ops._quantize_mx(a, 8, elem, axes=[-1], block_size=BLOCK, round=rounding).cpu().numpy()
    got = got.astype(np.float32).view(np.uint32)
    # microxcaling's NaN bits depend on which torch loop made them (profile-microxcaling.md): a NaN matches
    # a NaN; every other value, the sign of zero included, is compared bit for bit.
    both_nan = np.isnan(got.view(np.float32)) & np.isnan(want.view(np.float32))
    bad = np.argwhere((got != want) & ~both_nan)
    examples = "; ".join(f"block {i} value {j} (input {bits[i, j]:08x}): mxref {want[i, j]:08x}, "
                         f"microxcaling {got[i, j]:08x}" for i, j in bad[:4])
    assert len(bad) == 0, (f"{fmt} round={rounding} on {device}, torch {torch.__version__}: {len(bad)} of {bits.size} "
                           f"values differ: {examples}")
