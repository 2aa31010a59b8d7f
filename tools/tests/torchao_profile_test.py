"""torchao's to_mx (FLOOR, CEIL, EVEN, RCEIL; every MX element type) and nvfp4_quantize against `mxref quantize
--profile torchao-*` / `nvfp4-torchao`, block for block: scale and element codes, on the CPU and on CUDA where
present. Results on CUDA machines: docs/crosschecks.md.
Run: python3 -m pytest tools/tests/torchao_profile_test.py --mxref MXREF [--blocks N] (default 2000). Skips
without numpy, torch or torchao."""
import subprocess

import pytest

np = pytest.importorskip("numpy")
from mxref_process import amax_edge_blocks, mxref_quantize_rows  # noqa: E402  (needs numpy)
torch = pytest.importorskip("torch")
torchao = pytest.importorskip("torchao")
try:
    from torchao.prototype.mx_formats import mx_tensor
    from torchao.prototype.mx_formats.config import ScaleCalculationMode
    from torchao.prototype.mx_formats.constants import DTYPE_FP6_E2M3, DTYPE_FP6_E3M2
    from torchao.prototype.mx_formats.mx_tensor import to_mx
    from torchao.prototype.mx_formats.nvfp4_tensor import nvfp4_quantize, per_tensor_amax_to_scale
except ImportError as e:  # a torchao without these prototypes
    pytest.skip(f"torchao {torchao.__version__}: {e}", allow_module_level=True)

ELEMENTS = {"mxfp8_e4m3": torch.float8_e4m3fn, "mxfp8_e5m2": torch.float8_e5m2, "mxfp6_e2m3": DTYPE_FP6_E2M3,
            "mxfp6_e3m2": DTYPE_FP6_E3M2, "mxfp4_e2m1": torch.float4_e2m1fn_x2}
# torchao 0.19 (main since the to_mx rewrite of 2026-08-12) multiplies by an exact E8M0 reciprocal, which
# releases up to 0.18 do not have: the profiles to compare with follow the code installed.
V0_19 = hasattr(mx_tensor, "_e8m0_scale_to_reciprocal_fp32")
PREFIX = "torchao-0.19-" if V0_19 else "torchao-"
MODES = {PREFIX + "floor": ScaleCalculationMode.FLOOR, PREFIX + "ceil": ScaleCalculationMode.CEIL,
         PREFIX + "even": ScaleCalculationMode.EVEN, PREFIX + "rceil": ScaleCalculationMode.RCEIL}
# Up to 0.18, RCEIL divides amax by a Python scalar, which torch does on CUDA as a multiply by its FP32
# reciprocal: on CUDA the profile is torchao-rceil-cuda.
ON_CUDA = {} if V0_19 else {"torchao-rceil": "torchao-rceil-cuda"}
MAX_ELEMENT = {"mxfp8_e4m3": 448.0, "mxfp8_e5m2": 57344.0, "mxfp6_e2m3": 7.5, "mxfp6_e3m2": 28.0, "mxfp4_e2m1": 6.0}
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
    return np.concatenate([bits.astype(np.uint32), amax_edge_blocks(rng, [1.0, *sorted(set(MAX_ELEMENT.values()))], BLOCK)])


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
    x = torch.from_numpy(bits.view(np.float32).copy()).to(device)
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
        rows = torch.from_numpy(bits.view(np.float32)).to(torch.bfloat16).view(torch.int16).numpy().astype(np.uint16)
    else:
        rows = bits
    return mxref_quantize_rows(mxref, rows.reshape(-1, block), fmt, profile, source, extra)


DEVICES = ["cpu", "cuda"]
DEFAULT_BLOCKS = 2000
SEED = 2026


@pytest.fixture(scope="module")
def bits(request):
    n = request.config.getoption("--blocks")
    return blocks(DEFAULT_BLOCKS if n is None else n, np.random.default_rng(SEED))


@pytest.fixture(scope="module")
def mxref_blocks(mxref):
    """mxref's scale and element codes for a quantization, computed once for both devices."""
    cache = {}

    def codes(bits, fmt, profile, source, extra=()):
        key = (id(bits), fmt, profile, source, extra)
        if key not in cache:
            cache[key] = mxref_quantize(mxref, bits, fmt, profile, source, extra)
        return cache[key]
    return codes


def device_or_skip(device):
    if device == "cuda" and not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    return device


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("profile", MODES)
@pytest.mark.parametrize("fmt", ELEMENTS)
@pytest.mark.parametrize("source", ["f32", "bf16"])
def test_to_mx_matches(bits, mxref_blocks, source, fmt, profile, device):
    device_or_skip(device)
    mode = MODES[profile]
    if device == "cuda":
        profile = ON_CUDA.get(profile, profile)
    want_scale, want_data = mxref_blocks(bits, fmt, profile, source)
    scale, data = torchao_quantize(bits, ELEMENTS[fmt], mode, device, source)
    bad_scale = np.nonzero(scale != want_scale)[0]
    live = ~nan_by_device(bits, want_scale, fmt, profile, source)
    bad_data = np.argwhere((data != want_data) & live)
    examples = [f"block {i}: mxref scale {want_scale[i]:02x}, torchao {scale[i]:02x}" for i in bad_scale[:3]]
    examples += [f"block {i} element {j} (input {bits[i, j]:08x}, scale {want_scale[i]:02x}): "
                 f"mxref {want_data[i, j]:02x}, torchao {data[i, j]:02x}" for i, j in bad_data[:3]]
    assert len(bad_scale) == 0 and len(bad_data) == 0, (
        f"{source} {fmt} {profile} on {device}, {versions()}: {len(scale)} blocks, {len(bad_scale)} scale and "
        f"{len(bad_data)} element mismatches: {'; '.join(examples)}")


def nan_by_device(bits, scale, fmt, profile, source):
    """The elements whose code depends on the device, not compared: those torchao computes as an FP32 NaN
    under a NaN scale (0xFF), except where every device gives one code. That NaN is x86's NaN operand or
    default NaN on the CPU and the canonical 0x7FFFFFFF on CUDA, and its FP4/FP6 code depends on its bits
    (docs/spec-notes/profile-torchao.md). torchao 0.19 multiplies every element of such a block by a
    positive NaN, which each device casts to FP8 0x7F: compared. Up to 0.18, FLOOR/CEIL/EVEN divide by
    +Inf, so only NaN and Inf elements give NaN; RCEIL multiplies by the NaN descale."""
    under_nan = (scale == 0xFF)[:, None]
    if V0_19:
        return under_nan & np.full(bits.shape, not fmt.startswith("mxfp8"))
    if "rceil" in profile:
        return under_nan & np.ones(bits.shape, dtype=bool)
    x = torch.from_numpy(bits.view(np.float32))
    if source == "bf16":
        x = x.to(torch.bfloat16)
    return under_nan & ~torch.isfinite(x).numpy()


@pytest.fixture(scope="module")
def nvfp4_tensors(bits):
    """The tensors NVFP4 quantizes, as 16-value blocks: every finite one (finite in BF16 too); those plus
    the blocks holding an Inf or a value that becomes Inf in BF16 (so the tensor amax is infinite); and
    every block, NaNs included (a NaN tensor amax)."""
    with np.errstate(invalid="ignore"):
        x = np.abs(bits.view(np.float32))
        finite = bits[np.all(x <= 3.3e38, axis=1)]
        no_nan = bits[~np.any(np.isnan(x), axis=1)]
    edges = nvfp4_edge_blocks(np.random.default_rng(SEED))
    return {name: np.concatenate([edges, b.reshape(-1, 16)])
            for name, b in [("finite", finite), ("inf", no_nan), ("nan", bits)]}


def nvfp4_edge_blocks(rng):
    """16-value blocks whose amax is within four FP32 ulps of 6 times an E4M3 value or midpoint, where
    amax / 6 and amax x fl32(1/6) (the CUDA division) can round to different block scales."""
    e4m3 = np.array([(1 + m / 8) * 2.0 ** (e - 7) for e in range(1, 16) for m in range(8)] + [2.0 ** -6])
    points = np.unique(np.concatenate([e4m3, (e4m3[:-1] + e4m3[1:]) / 2]))
    centres = (6 * points).astype(np.float32).view(np.uint32).astype(np.int64)
    amaxes = (centres[:, None] + np.arange(-4, 5)).reshape(-1)
    rows = (amaxes[:, None] >> 23) - rng.integers(1, 6, size=(len(amaxes), 16))
    rows = (np.clip(rows, 1, 254) << 23) | rng.integers(0, 1 << 23, size=rows.shape)
    rows[:, 0] = amaxes
    return (rows | (rng.integers(0, 2, size=rows.shape) << 31)).astype(np.uint32)


def tensor_amax(bits, source):
    """The amax torchao sees, as an FP32 bit pattern: of the values after the cast to bf16 where they are
    (torch.amax propagates NaN)."""
    x = torch.from_numpy(bits.view(np.float32))
    if source == "bf16":
        x = x.to(torch.bfloat16)
    return torch.amax(torch.abs(x)).to(torch.float32).view(torch.int32).item() & 0xFFFFFFFF


def nvfp4_nan_by_device(bits, scale, source, amax_bits):
    """The elements torchao computes as an FP32 NaN (x times a NaN factor, or Inf times a zero one), whose
    FP4 code depends on the device's NaN bits (docs/spec-notes/profile-torchao.md): not compared."""
    x = torch.from_numpy(bits.view(np.float32))
    if source == "bf16":
        x = x.to(torch.bfloat16)
    x = x.to(torch.float32).numpy()
    pts = np.float32(np.array([amax_bits], dtype=np.uint32).view(np.float32)[0]) / np.float32(2688.0) \
        if amax_bits is not None else np.float32(1.0)
    nan_factor = ((scale & 0x7F) == 0x7F)[:, None] | bool(np.isnan(pts))
    return np.isnan(x) | nan_factor | (np.isinf(x) & bool(np.isinf(pts)))


def inf_over_inf(bits, source, amax_bits):
    """The blocks whose scale torchao computes as Inf / Inf: an Inf in the block, and an infinite pts."""
    if amax_bits is None or amax_bits & 0x7FFFFFFF != 0x7F800000:
        return np.zeros(len(bits), dtype=bool)
    x = torch.from_numpy(bits.view(np.float32))
    if source == "bf16":
        x = x.to(torch.bfloat16)
    return torch.isinf(x).any(dim=1).numpy()


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("tensor", ["finite", "inf", "nan"])
@pytest.mark.parametrize("two_level", [False, True], ids=["one-level", "two-level"])
@pytest.mark.parametrize("source", ["f32", "bf16"])
def test_nvfp4_quantize_matches(nvfp4_tensors, mxref_blocks, source, two_level, tensor, device):
    device_or_skip(device)
    blocks16 = nvfp4_tensors[tensor]
    amax = tensor_amax(blocks16, source) if two_level else None
    extra = ("--tensor-amax", f"{amax:08x}") if two_level else ()
    # torch divides by a Python scalar on CUDA as a multiply by its FP32 reciprocal: amax / 6, amax / 2688.
    profile = "nvfp4-torchao-cuda" if device == "cuda" else "nvfp4-torchao"
    want_scale, want_data = mxref_blocks(blocks16, "nvfp4", profile, source, extra)
    scale, data = torchao_nvfp4(blocks16, device, source, two_level)
    # A block holding an Inf under an infinite tensor scale divides Inf by Inf: x86 gives its default NaN,
    # which is negative (E4M3 0xff), CUDA its canonical positive one (0x7f). Only that block's scale sign
    # depends on the device: either NaN code matches there.
    by_device = inf_over_inf(blocks16, source, amax)
    bad_scale = np.nonzero((scale != want_scale) & ~(by_device & ((scale & 0x7F) == 0x7F)
                                                     & ((want_scale & 0x7F) == 0x7F)))[0]
    live = ~nvfp4_nan_by_device(blocks16, want_scale, source, amax)
    bad_data = np.argwhere((data != want_data) & live)
    examples = [f"block {i}: mxref scale {want_scale[i]:02x}, torchao {scale[i]:02x}" for i in bad_scale[:3]]
    examples += [f"block {i} element {j} (input {blocks16[i, j]:08x}): mxref {want_data[i, j]:x}, torchao "
                 f"{data[i, j]:x}" for i, j in bad_data[:3]]
    assert len(bad_scale) == 0 and len(bad_data) == 0, (
        f"{source} nvfp4 {profile} {'two' if two_level else 'one'}-level, {tensor} tensor on {device}, "
        f"{versions()}: {len(scale)} blocks, {len(bad_scale)} scale and {len(bad_data)} element mismatches: "
        f"{'; '.join(examples)}")


def versions():
    return f"torchao {torchao.__version__}, torch {torch.__version__}"
