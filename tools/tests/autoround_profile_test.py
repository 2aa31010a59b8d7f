"""Intel auto-round's MX fake quantization (auto_round/data_type/mxfp.py: quant_mx, quant_mx_rceil and
quant_mx_rceil_v2; mantissa_rounding 'even', 'nearest' and 'floor'; every element format mxref shares) against
`mxref fakequant --profile inc*`, bit for bit on the FP32 results, NaN codes included.
--autoround-path names the folder that holds the `auto_round` package (default: the installed one). Only its
data_type/register.py, utils.py and mxfp.py are loaded, with the package's heavy imports stubbed, so torch is
the one dependency.
Run: python3 -m pytest tools/tests/autoround_profile_test.py --mxref MXREF --autoround-path DIR [--blocks N]
(default 2000). Skips without numpy, torch or auto_round."""
import importlib
import importlib.util
import logging
import os
import re
import sys
import types

import pytest

np = pytest.importorskip("numpy")
torch = pytest.importorskip("torch")
from mxref_process import mxref_fakequant  # noqa: E402  (needs numpy)

# mxref format -> auto-round data_type (MXFP_FORMAT_CACHE).
ELEMENTS = {"mxfp8_e4m3": "mx_fp8e4m3", "mxfp8_e5m2": "mx_fp8e5m2", "mxfp6_e3m2": "mx_fp6e3m2",
            "mxfp6_e2m3": "mx_fp6e2m3", "mxfp4_e2m1": "mx_fp4e2m1", "mxint8": "mx_int8"}
MAX_NORMS = [6.0, 7.5, 28.0, 448.0, 57344.0, 1.984375, 7.25]  # the element maxima and rceil_v2's divisor
ROUNDINGS = ["even", "nearest", "floor"]
# auto-round function -> the mxref profile, before its rounding suffix. torch's CUDA division by a Python
# scalar multiplies by the FP32 reciprocal (BinaryDivTrueKernel.cu), so the rceil rules' amax / max differs
# on CUDA: the -cuda profiles (docs/spec-notes/profile-inc.md).
FUNCTIONS = {"quant_mx": {"cpu": "inc", "cuda": "inc"},
             "quant_mx_rceil": {"cpu": "inc-rceil", "cuda": "inc-rceil-cuda"},
             "quant_mx_rceil_v2": {"cpu": "inc-rceil-v2", "cuda": "inc-rceil-v2-cuda"}}
DEVICES = ["cpu", "cuda"]
DEFAULT_BLOCKS = 2000
SEED = 2026
BLOCK = 32
# torch's CPU loops run vectorized in chunks of up to 32 floats and finish a tensor's tail in scalar code,
# whose NaN bits differ; with the block count a multiple of 64 every loop over the scales runs vectorized.
ROWS_MULTIPLE = 64
MXREF_NAN = 0x7FC00000
# The NaN every value of a NaN or Inf block ends as: the NaN scale 2^NaN passes its bits on through the
# last x * scale. Vectorized CPU torch.pow (Sleef) gives all ones; CUDA's arithmetic its canonical NaN.
# With ATEN_CPU_CAPABILITY=default the scalar loops pass payloads through instead (not compared).
NAN_BITS = {"cpu-AVX2": 0xFFFFFFFF, "cpu-AVX512": 0xFFFFFFFF, "cuda": 0x7FFFFFFF}


def profile_name(function, device, rounding):
    return FUNCTIONS[function][device] + ("" if rounding == "even" else "-" + rounding)


def load_mxfp(folder):
    """auto_round.data_type.mxfp, loaded without the package's __init__ (which imports transformers and more)."""
    if folder:
        package = os.path.join(os.path.abspath(folder), "auto_round")
    else:
        spec = importlib.util.find_spec("auto_round")
        if spec is None or not spec.submodule_search_locations:
            pytest.skip("auto_round not found (--autoround-path DIR)", allow_module_level=True)
        package = list(spec.submodule_search_locations)[0]
    if not os.path.isfile(os.path.join(package, "data_type", "mxfp.py")):
        pytest.skip(f"no auto_round/data_type/mxfp.py under {package}", allow_module_level=True)
    stubs = {"auto_round": {"__path__": []}, "auto_round.envs": {},
             "auto_round.compressors": {"__path__": []},
             "auto_round.compressors.utils": {"is_nv_fp": lambda *a, **k: False},
             "auto_round.utils": {"check_to_quantized": lambda *a, **k: False, "logger": logging.getLogger(__name__)},
             "auto_round.data_type": {"__path__": [os.path.join(package, "data_type")]}}
    loaded = ["auto_round.data_type.register", "auto_round.data_type.utils", "auto_round.data_type.mxfp"]
    saved = {name: sys.modules.get(name) for name in [*stubs, *loaded]}
    try:
        for name, attributes in stubs.items():
            module = types.ModuleType(name)
            module.__dict__.update(attributes)
            sys.modules[name] = module
        mxfp = importlib.import_module("auto_round.data_type.mxfp")
    finally:  # nothing of the stubs stays behind for other modules
        for name, module in saved.items():
            if module is None:
                sys.modules.pop(name, None)
            else:
                sys.modules[name] = module
    with open(os.path.join(package, "version.py")) as f:
        version = re.search(r"__version__\s*=\s*\"([^\"]+)\"", f.read())
    return mxfp, version.group(1) if version else "?"


def f32_bits(x):
    return np.asarray(x, dtype=np.float32).view(np.uint32)


def random_rows(n, rng):
    """Random FP32 blocks around a random exponent, zeros of both signs, subnormal blocks, values just below
    powers of two (where a float log2 rounds up)."""
    centre = rng.integers(-140, 126, size=(n, 1))
    exponent = np.clip(centre - rng.integers(0, 14, size=(n, BLOCK)), -126, 127)
    mantissa = rng.integers(0, 1 << 23, size=(n, BLOCK))
    near = rng.random((n, BLOCK)) < 0.1  # the top FP32 mantissas: 2^k (1 - small)
    mantissa[near] = (1 << 23) - rng.integers(1, 4, size=int(near.sum()))
    bits = (rng.integers(0, 2, size=(n, BLOCK)) << 31) | ((exponent + 127) << 23) | mantissa
    bits[rng.random((n, BLOCK)) < 0.05] = 0
    bits[rng.random((n, BLOCK)) < 0.03] = 0x80000000  # exact -0 beside other values
    sub = rng.random(n) < 0.05
    bits[sub] = rng.integers(0, 1 << 23, size=(int(sub.sum()), BLOCK)) | (rng.integers(0, 2, size=(int(
        sub.sum()), BLOCK)) << 31)
    return bits.astype(np.uint32)


def below(amax_bits, rng):
    """A block led by amax_bits (either sign), the rest random values of at most its magnitude."""
    row = np.empty(BLOCK, dtype=np.uint32)
    row[0] = amax_bits | (int(rng.integers(0, 2)) << 31)
    magnitude = float(np.uint32(amax_bits).view(np.float32))
    rest = f32_bits(magnitude * rng.random(BLOCK - 1) ** 4)
    row[1:] = rest | (rng.integers(0, 2, size=BLOCK - 1) << 31).astype(np.uint32)
    return row


def edge_rows(rng):
    """Blocks at the rules' edges: every power of two and its FP32 neighbours as amax and as elements; amax
    at every element maximum (and 7.25) times powers of two, one ulp either side, and where the FP32
    quotient amax / max and amax * fl32(1 / max) take different ceilings of log2; subnormal amaxes whose
    quotient by max underflows; elements a half step either side on the element grids; the specials."""
    rows = []
    for k in range(-149, 128):
        p = int(f32_bits(np.ldexp(np.float32(1), k)))
        for b in (p - 1, p, p + 1):
            if b > 0:
                rows.append(below(b, rng))
        rows.append(f32_bits([np.ldexp(np.float32(1), k - i // 3) for i in range(BLOCK)]) +
                    np.array([(i % 3) - 1 if k - i // 3 > -149 else 0 for i in range(BLOCK)], dtype=np.int64)
                    .astype(np.uint32))
    ks = sorted(set(rng.integers(-149, 128, size=40).tolist()) | {-149, -140, -130, -126, -1, 0, 1, 120, 125})
    for m in MAX_NORMS:
        m32, r32 = np.float32(m), np.float32(1) / np.float32(m)
        for k in ks:
            with np.errstate(over="ignore"):
                centre = np.ldexp(m32, k)
            if not np.isfinite(centre) or centre == 0:
                continue
            c = int(f32_bits(centre))
            for b in range(max(c - 16, 1), min(c + 17, 0x7F800000)):
                a = np.uint32(b).view(np.float32)
                with np.errstate(divide="ignore"):
                    exact, recip = np.log2(np.float64(a / m32)), np.log2(np.float64(a * r32))
                if abs(b - c) <= 1 or np.ceil(np.float32(exact)) != np.ceil(np.float32(recip)):
                    rows.append(below(b, rng))
    for k in (1, 2, 3, 4, 5, 14, 15, 16, 223, 224, 225, 226, 28671, 28672, 28673, 28674):
        rows.append(np.concatenate([[k], rng.integers(0, k + 1, size=BLOCK - 1)]).astype(np.uint32))
    for _ in range(64):
        k = int(rng.integers(-100, 100))
        d = rng.integers(1, 13, size=BLOCK)
        x = (rng.integers(0, 1 << 6, size=BLOCK) + 0.5) * np.ldexp(1.0, -d)
        x = f32_bits(np.ldexp(np.minimum(x, 1.0), k)).astype(np.int64) + rng.integers(-1, 2, size=BLOCK)
        x[0] = int(f32_bits(np.ldexp(np.float32(1), k)))
        rows.append((x.astype(np.uint32) | (rng.integers(0, 2, size=BLOCK) << 31).astype(np.uint32)))
    specials = [0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00000, 0x7FC12345, 0xFF812345, 0x7F800001, 0x7F7FFFFF,
                0xFF7FFFFF]
    for i, s in enumerate(specials):
        row = random_rows(1, rng)[0]
        row[i % BLOCK] = s
        rows.append(row)
    tiny = below(0x7F7FFFFF, rng)  # FLT_MAX beside values whose FP32 quotient by the scale underflows
    tiny[1:] = f32_bits(-np.ldexp(rng.random(BLOCK - 1).astype(np.float32), -100))
    rows.append(tiny)
    rows.append(np.zeros(BLOCK, dtype=np.uint32))
    rows.append(np.full(BLOCK, 0x80000000, dtype=np.uint32))
    lone = np.zeros(BLOCK, dtype=np.uint32)
    lone[7] = 0x80000000
    rows.append(lone)
    return np.array(rows, dtype=np.uint32)


def inputs(n, rng):
    edges = edge_rows(rng)
    total = -(-(len(edges) + n) // ROWS_MULTIPLE) * ROWS_MULTIPLE
    return np.concatenate([edges, random_rows(total - len(edges), rng)])


@pytest.fixture(scope="module")
def autoround(request):
    return load_mxfp(request.config.getoption("--autoround-path"))


@pytest.fixture(scope="module")
def bits(request):
    n = request.config.getoption("--blocks")
    return inputs(DEFAULT_BLOCKS if n is None else n, np.random.default_rng(SEED))


@pytest.fixture(scope="module")
def mxref_values(mxref, bits):
    """mxref's fake-quantized FP32 bit patterns for a format and profile, computed once."""
    cache = {}

    def values(fmt, profile):
        if (fmt, profile) not in cache:
            cache[fmt, profile] = mxref_fakequant(mxref, fmt, profile, bits)
        return cache[fmt, profile]
    return values


@pytest.fixture(scope="module")
def library_values(autoround, bits):
    """auto-round's results on a device, computed once."""
    mxfp, _ = autoround
    cache = {}

    def values(function, fmt, rounding, device):
        if (function, fmt, rounding, device) not in cache:
            a = torch.from_numpy(bits.view(np.float32).copy()).to(device)
            y, _, _ = getattr(mxfp, function)(a, bits=8, group_size=BLOCK, mantissa_rounding=rounding,
                                              data_type=ELEMENTS[fmt])
            cache[function, fmt, rounding, device] = y.cpu().numpy().astype(np.float32).view(np.uint32)
        return cache[function, fmt, rounding, device]
    return values


def device_key(device):
    return "cuda" if device == "cuda" else "cpu-" + torch.backends.cpu.get_cpu_capability()


def skip_without(device):
    if device == "cuda" and not torch.cuda.is_available():
        pytest.skip("no CUDA device")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("rounding", ROUNDINGS)
@pytest.mark.parametrize("fmt", ELEMENTS)
@pytest.mark.parametrize("function", FUNCTIONS)
def test_fake_quantization_matches(autoround, bits, mxref_values, library_values, function, fmt, rounding, device):
    """Every value bit for bit, the sign of zero included; NaN exactly where mxref has NaN (its bits:
    test_nan_codes)."""
    skip_without(device)
    profile = profile_name(function, device, rounding)
    want = mxref_values(fmt, profile)
    got = library_values(function, fmt, rounding, device)
    want_nan, got_nan = np.isnan(want.view(np.float32)), np.isnan(got.view(np.float32))
    assert np.all(want[want_nan] == MXREF_NAN), "mxref's NaN is 0x7FC00000"
    bad = np.argwhere(((got != want) & ~(want_nan & got_nan)))
    examples = "; ".join(f"block {i} value {j} (input {bits[i, j]:08x}): mxref {want[i, j]:08x}, "
                         f"auto-round {got[i, j]:08x}" for i, j in bad[:4])
    assert len(bad) == 0, (f"{function} {ELEMENTS[fmt]} {rounding} (mxref {profile}) on {device}, auto-round "
                           f"{autoround[1]}, torch {torch.__version__}: {len(bad)} of {bits.size} values differ: "
                           f"{examples}")


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("function", FUNCTIONS)
def test_nan_codes(bits, library_values, function, device):
    """Every NaN auto-round returns has the one code torch's loops give on this device (NAN_BITS)."""
    skip_without(device)
    key = device_key(device)
    if key not in NAN_BITS:
        pytest.skip(f"NaN bits on {key} not measured (scalar loops pass NaN payloads through)")
    seen = set()
    for fmt in ELEMENTS:
        for rounding in ROUNDINGS:
            got = library_values(function, fmt, rounding, device)
            seen |= {int(v) for v in np.unique(got[np.isnan(got.view(np.float32))])}
    assert seen, "the inputs hold NaN and Inf blocks"
    assert seen == {NAN_BITS[key]}, (f"{function} on {key}, torch {torch.__version__}: NaN codes "
                                     f"{sorted(hex(v) for v in seen)}, expected {NAN_BITS[key]:#010x}")
