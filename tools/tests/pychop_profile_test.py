"""pychop's NumPy MX and BFP quantizers (mx_quantize, bfp_quantize) against `mxref fakequant --profile
pychop / pychop-bfp`, bit for bit on the FP32 results. Only pychop's NumPy backend files are loaded (by
path), so its heavier optional dependencies are not needed.
Run: python3 -m pytest tools/tests/pychop_profile_test.py --mxref MXREF [--blocks N] (rows of 128 values,
default 200). Skips without numpy or pychop."""
import importlib.util
import os
import subprocess

import pytest

np = pytest.importorskip("numpy")
pychop_spec = importlib.util.find_spec("pychop")  # found, not imported: that would need its dependencies
if pychop_spec is None or pychop_spec.origin is None:
    pytest.skip("no module named 'pychop'", allow_module_level=True)
root = os.path.dirname(pychop_spec.origin)
DEFAULT_BLOCKS = 200
SEED = 2026


def load(name):
    """pychop/np/<name>.py, which imports its spec module from pychop/ by path itself."""
    spec = importlib.util.spec_from_file_location(f"pychop_np_{name}", os.path.join(root, "np", f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MX = ["mxfp8_e4m3", "mxfp8_e5m2", "mxfp6_e3m2", "mxfp6_e2m3", "mxfp4_e2m1", "mxint8"]
BFP = ["bfp16", "bfp12", "bfp8", "bfp6", "bfp4", "bfp3", "bfp2", "flexpoint16", "flexpoint8"]


def values(n, rng):
    """n x 128 FP32 values: random around a random exponent per 128, zeros, values just below powers of
    two, ±Inf and NaN in a few places."""
    centre = rng.integers(-130, 120, size=(n, 1))
    exponent = np.clip(centre - rng.integers(0, 14, size=(n, 128)), -126, 127)
    mantissa = rng.integers(0, 1 << 23, size=(n, 128))
    near = rng.random((n, 128)) < 0.1
    mantissa[near] = (1 << 23) - rng.integers(1, 4, size=int(near.sum()))
    bits = (rng.integers(0, 2, size=(n, 128)) << 31) | ((exponent + 127) << 23) | mantissa
    bits[rng.random((n, 128)) < 0.05] = 0
    bits[0, 0], bits[1, 5], bits[2, 9], bits[3, :] = 0x7FC00000, 0x7F800000, 0xFF800000, 0
    return bits.astype(np.uint32)


def fakequant(mxref, fmt, profile, bits):
    """mxref's fake-quantized FP32 bit patterns, in the shape of `bits`, in blocks of the format's size."""
    block = {"bfp16": 16, "bfp12": 16, "bfp3": 64, "bfp2": 128, "flexpoint16": 16}.get(fmt, 32)
    text = "\n".join(" ".join(f"{v:08x}" for v in row) for row in bits.reshape(-1, block)) + "\n"
    run = subprocess.run([mxref, "fakequant", "--format", fmt, "--profile", profile], input=text,
                         capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise RuntimeError(run.stderr)
    return np.array([int(t, 16) for t in run.stdout.split()], dtype=np.uint32).reshape(bits.shape)


@pytest.fixture(scope="module")
def bits(request):
    n = request.config.getoption("--blocks")
    return values(DEFAULT_BLOCKS if n is None else n, np.random.default_rng(SEED))


@pytest.fixture(scope="module")
def quantizers():
    mx, bfp = load("mx_formats"), load("bfp_formats")
    return {"pychop": mx.mx_quantize, "pychop-bfp": bfp.bfp_quantize}


@pytest.mark.parametrize("fmt, profile", [(fmt, "pychop") for fmt in MX] + [(fmt, "pychop-bfp") for fmt in BFP])
def test_fake_quantization_matches(mxref, bits, quantizers, fmt, profile):
    x = bits.view(np.float32)
    with np.errstate(all="ignore"):
        expected = np.vstack([quantizers[profile](row, fmt) for row in x])
    got = fakequant(mxref, fmt, profile, bits)
    want = expected.astype(np.float32).view(np.uint32)
    both_nan = np.isnan(got.view(np.float32)) & np.isnan(want.view(np.float32))
    bad = np.argwhere((got != want) & ~both_nan)
    examples = "; ".join(f"input {bits[i, j]:08x}: mxref {got[i, j]:08x}, pychop {want[i, j]:08x}" for i, j in bad[:5])
    assert len(bad) == 0, (f"{fmt} --profile {profile}, numpy {np.__version__}: {len(bad)} of {bits.size} values "
                           f"differ: {examples}")
