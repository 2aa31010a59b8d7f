"""torch's casts against `mxref cast --profile torch` on the CPU and `--profile torch-cuda` on CUDA (where a
GPU is present): every bf16 input and N random fp32 inputs into torch's float8 types, float16 and bfloat16,
NaN codes included. Results on CUDA machines: docs/crosschecks.md.
Run: python3 -m pytest tools/tests/torch_profile_test.py --mxref MXREF [--fp32-samples N] (default 100000).
Skips without numpy or torch."""
import pytest

np = pytest.importorskip("numpy")
torch = pytest.importorskip("torch")
from mxref_process import fp32_edges, mxref_cast  # noqa: E402  (needs numpy)

TARGETS = {"e4m3": "float8_e4m3fn", "e5m2": "float8_e5m2", "e4m3fnuz": "float8_e4m3fnuz",
           "e5m2fnuz": "float8_e5m2fnuz", "e8m0": "float8_e8m0fnu", "fp16": "float16", "bf16": "bfloat16"}
PAIRS = [pytest.param(source, target, id=f"{source}-{target}") for source in ("bf16", "f32") for target in TARGETS
         if not (source == "bf16" and target == "bf16")]
DEVICES = {"cpu": "torch", "cuda": "torch-cuda"}  # the mxref profile of each device
DEFAULT_FP32_SAMPLES = 100000
SEED = 2026


def torch_cast(bits, source, type_name, device):
    src = {"bf16": (torch.int16, torch.bfloat16), "f32": (torch.int32, torch.float32)}[source]
    x = torch.from_numpy(bits.astype(np.int64)).to(src[0]).view(src[1]).to(device)
    y = x.to(getattr(torch, type_name)).cpu()
    width = y.element_size()
    raw = y.view(torch.uint8 if width == 1 else torch.int16).numpy()
    return raw.astype(np.uint64) & ((1 << (8 * width)) - 1)


@pytest.fixture(scope="module")
def inputs(request):
    samples = request.config.getoption("--fp32-samples")
    samples = DEFAULT_FP32_SAMPLES if samples is None else samples
    return {"bf16": np.arange(1 << 16, dtype=np.uint64),
            "f32": np.concatenate([fp32_edges(),
                                   np.random.default_rng(SEED).integers(0, 1 << 32, size=samples, dtype=np.uint64)])}



@pytest.fixture(scope="module")
def mxref_codes(mxref, inputs):
    """mxref's codes for a source and target, computed once for both devices."""
    cache = {}

    def codes(source, target, profile):
        if (source, target, profile) not in cache:
            digits = 4 if source == "bf16" else 8
            cache[source, target, profile] = mxref_cast(mxref, source, target, inputs[source], digits, profile)
        return cache[source, target, profile]
    return codes


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("source, target", PAIRS)
def test_cast_matches_torch(inputs, mxref_codes, source, target, device):
    type_name = TARGETS[target]
    if not hasattr(torch, type_name):
        pytest.skip(f"torch {torch.__version__} has no {type_name}")
    if device == "cuda" and not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    codes = inputs[source]
    digits = 4 if source == "bf16" else 8
    expected = mxref_codes(source, target, DEVICES[device])
    try:
        got = torch_cast(codes, source, type_name, device)
    except (RuntimeError, TypeError) as e:
        pytest.skip(f"{source} -> {type_name} on {device}: torch cannot cast ({e})")
    bad = np.nonzero(got != expected)[0]
    examples = "; ".join(f"input {int(codes[i]):0{digits}x}: mxref {int(expected[i]):x}, torch {int(got[i]):x}"
                         for i in bad[:8])
    assert len(bad) == 0, (f"{source} -> {type_name} on {device}, torch {torch.__version__}: {len(bad)} of {len(codes)} "
                     f"differ: {examples}")
