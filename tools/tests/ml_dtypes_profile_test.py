"""`mxref cast --profile ml_dtypes` against ml_dtypes itself: every bf16 and every fp16 input (and, with
--fp32-samples N, N random fp32 inputs) into every format ml_dtypes has, bit for bit. Also run on CUDA
machines beside torch_profile_test.py (docs/crosschecks.md).
Run: python3 -m pytest tools/tests/ml_dtypes_profile_test.py --mxref MXREF [--fp32-samples N]. Skips without
numpy or ml_dtypes."""
import pytest

np = pytest.importorskip("numpy")  # the suite runs without them; CI installs them (tools/setup.sh test)
md = pytest.importorskip("ml_dtypes")
from mxref_process import fp32_edges, mxref_cast  # noqa: E402  (needs numpy)

# mxref target name -> the ml_dtypes (or numpy) type, looked up lazily: older ml_dtypes lack some.
TARGETS = {
    "e4m3": "float8_e4m3fn", "e5m2": "float8_e5m2", "e4m3fnuz": "float8_e4m3fnuz",
    "e5m2fnuz": "float8_e5m2fnuz", "e3m4": "float8_e3m4", "e3m2": "float6_e3m2fn",
    "e2m3": "float6_e2m3fn", "e2m1": "float4_e2m1fn", "e8m0": "float8_e8m0fnu",
    "e4m3b11fnuz": "float8_e4m3b11fnuz", "e4m3ieee": "float8_e4m3", "fp16": "float16", "bf16": "bfloat16",
}
SOURCES = {"bf16": (md.bfloat16, np.uint16), "f16": (np.float16, np.uint16), "f32": (np.float32, np.uint32)}
SEED = 2026


def dtype_of(name):
    return np.float16 if name == "float16" else getattr(md, name, None)


def profile_for(version):
    """ml_dtypes 0.7 changed float8_e8m0fnu for FP32/BF16 subnormals; 0.6 and earlier: `ml_dtypes-0.6`."""
    major, minor = (int(part) for part in version.split(".")[:2])
    return "ml_dtypes" if (major, minor) >= (0, 7) else "ml_dtypes-0.6"


def pairs():
    """Every source and target but a type into itself, and numpy's own float32 -> float16 (which keeps
    signalling NaN payloads): that one is not ml_dtypes'."""
    for source, (src_type, _) in SOURCES.items():
        for target, type_name in TARGETS.items():
            t = dtype_of(type_name)
            if t is not None and np.dtype(t) == np.dtype(src_type):
                continue
            if source == "f32" and type_name == "float16":
                continue
            yield pytest.param(source, target, id=f"{source}-{target}")


@pytest.fixture(scope="module")
def inputs(request):
    """Every 16-bit code, and the fp32 edges and samples (no samples without --fp32-samples)."""
    samples = request.config.getoption("--fp32-samples") or 0
    every16 = np.arange(1 << 16, dtype=np.uint64)
    rng = np.random.default_rng(SEED)
    return {"bf16": every16, "f16": every16,
            "f32": np.concatenate([fp32_edges(), rng.integers(0, 1 << 32, size=samples, dtype=np.uint64)])}


@pytest.mark.parametrize("source, target", list(pairs()))
def test_cast_matches_ml_dtypes(mxref, inputs, source, target):
    type_name = TARGETS[target]
    t = dtype_of(type_name)
    if t is None:
        pytest.skip(f"ml_dtypes {md.__version__} has no {type_name}")
    codes = inputs[source]
    if len(codes) == 0:
        pytest.skip("no --fp32-samples")
    src_type, bits_type = SOURCES[source]
    x = codes.astype(bits_type).view(src_type)
    digits = 2 * np.dtype(bits_type).itemsize
    with np.errstate(all="ignore"):
        y = x.astype(t)
    expected = y.view(np.uint16 if np.dtype(t).itemsize == 2 else np.uint8).astype(np.uint64)
    profile = profile_for(md.__version__)
    got = mxref_cast(mxref, source, target, codes, digits, profile)
    bad = np.nonzero(got != expected)[0]
    examples = "; ".join(f"input {int(codes[i]):0{digits}x}: mxref {int(got[i]):x}, ml_dtypes {int(expected[i]):x}"
                         for i in bad[:10])
    assert len(bad) == 0, (f"{source} -> {target} ({type_name}), ml_dtypes {md.__version__} (profile {profile}), "
                           f"numpy {np.__version__}: {len(bad)} of {len(codes)} differ: {examples}")
