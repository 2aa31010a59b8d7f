"""torchao's to_mx (FLOOR, CEIL, EVEN, RCEIL; every MX element type) and nvfp4_quantize against `mxref quantize
--profile torchao-*` / `nvfp4-torchao`, block for block: scale and element codes, on the CPU and on CUDA where
present. Results on CUDA machines: docs/crosschecks.md.
Run: python3 -m pytest tools/tests/torchao_profile_test.py --mxref MXREF [--blocks N] (default 2000). Skips
without numpy, torch or torchao."""
import subprocess

import pytest

np = pytest.importorskip("numpy")
torch = pytest.importorskip("torch")
torchao = pytest.importorskip("torchao")
try:
    from torchao.prototype.mx_formats.config import ScaleCalculationMode
    from torchao.prototype.mx_formats.constants import DTYPE_FP6_E2M3, DTYPE_FP6_E3M2
    from torchao.prototype.mx_formats.mx_tensor import to_mx
    from torchao.prototype.mx_formats.nvfp4_tensor import nvfp4_quantize, per_tensor_amax_to_scale
except ImportError as e:  # a torchao without these prototypes
    pytest.skip(f"torchao {torchao.__version__}: {e}", allow_module_level=True)

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
        key = (fmt, profile, source, extra)
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
    want_scale, want_data = mxref_blocks(bits, fmt, profile, source)
    scale, data = torchao_quantize(bits, ELEMENTS[fmt], MODES[profile], device, source)
    bad_scale = np.nonzero(scale != want_scale)[0]
    # Elements under a NaN scale are don't-care (torchao's FP4/FP6 casts turn NaN into payload-dependent
    # codes): compared only where the scale is not 0xFF.
    live = (want_scale != 0xFF)[:, None]
    bad_data = np.argwhere((data != want_data) & live)
    examples = [f"block {i}: mxref scale {want_scale[i]:02x}, torchao {scale[i]:02x}" for i in bad_scale[:3]]
    examples += [f"block {i} element {j} (input {bits[i, j]:08x}, scale {want_scale[i]:02x}): "
                 f"mxref {want_data[i, j]:02x}, torchao {data[i, j]:02x}" for i, j in bad_data[:3]]
    assert len(bad_scale) == 0 and len(bad_data) == 0, (
        f"{source} {fmt} {profile} on {device}, {versions()}: {len(scale)} blocks, {len(bad_scale)} scale and "
        f"{len(bad_data)} element mismatches: {'; '.join(examples)}")


@pytest.fixture(scope="module")
def finite(bits):
    """NVFP4 takes finite inputs only: torchao's NaN/Inf blocks are garbage by its own account."""
    with np.errstate(invalid="ignore"):  # finite in bf16 too (FLT_MAX rounds to Inf there)
        return bits[np.all(np.abs(bits.view(np.float32)) <= 3.3e38, axis=1)]


def tensor_amax(finite, source):
    """The amax torchao sees, as an FP32 bit pattern: of the values after the cast to bf16 where they are."""
    x = torch.from_numpy(finite.view(np.float32))
    if source == "bf16":
        x = x.to(torch.bfloat16)
    return torch.amax(torch.abs(x)).to(torch.float32).view(torch.int32).item() & 0xFFFFFFFF


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("two_level", [False, True], ids=["one-level", "two-level"])
@pytest.mark.parametrize("source", ["f32", "bf16"])
def test_nvfp4_quantize_matches(finite, mxref_blocks, source, two_level, device):
    device_or_skip(device)
    extra = ("--tensor-amax", f"{tensor_amax(finite, source):08x}") if two_level else ()
    want_scale, want_data = mxref_blocks(finite, "nvfp4", "nvfp4-torchao", source, extra)
    scale, data = torchao_nvfp4(finite, device, source, two_level)
    bad_scale = np.nonzero(scale != want_scale)[0]
    bad_data = np.argwhere(data != want_data)
    examples = [f"block {i}: mxref scale {want_scale[i]:02x}, torchao {scale[i]:02x}" for i in bad_scale[:3]]
    examples += [f"block {i} element {j}: mxref {want_data[i, j]:x}, torchao {data[i, j]:x}" for i, j in bad_data[:3]]
    assert len(bad_scale) == 0 and len(bad_data) == 0, (
        f"{source} nvfp4 nvfp4-torchao {'two' if two_level else 'one'}-level on {device}, {versions()}: "
        f"{len(scale)} blocks, {len(bad_scale)} scale and {len(bad_data)} element mismatches: {'; '.join(examples)}")


def versions():
    return f"torchao {torchao.__version__}, torch {torch.__version__}"
