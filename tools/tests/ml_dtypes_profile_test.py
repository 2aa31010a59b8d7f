#!/usr/bin/env python3
"""`mxref cast --profile ml_dtypes` against ml_dtypes itself: every bf16 and every fp16 input into every
format ml_dtypes has, bit for bit. Also runs on the lent GPU machine, beside torch (see
docs/crosschecks.md). Usage: ml_dtypes_profile_test.py MXREF [--fp32-samples N]. Exit 77: skipped."""
import sys

try:
    import numpy as np
    from mxref_process import mxref_cast
    import ml_dtypes as md
except ImportError as e:  # the suite runs without them; CI installs them (tools/setup.sh test)
    print(f"skipped: {e}")
    sys.exit(77)

# mxref target name -> the ml_dtypes (or numpy) type, looked up lazily: older ml_dtypes lack some.
TARGETS = {
    "e4m3": "float8_e4m3fn", "e5m2": "float8_e5m2", "e4m3fnuz": "float8_e4m3fnuz",
    "e5m2fnuz": "float8_e5m2fnuz", "e3m4": "float8_e3m4", "e3m2": "float6_e3m2fn",
    "e2m3": "float6_e2m3fn", "e2m1": "float4_e2m1fn", "e8m0": "float8_e8m0fnu",
    "fp16": "float16", "bf16": "bfloat16",
}
SOURCES = {"bf16": (md.bfloat16, np.uint16), "f16": (np.float16, np.uint16), "f32": (np.float32, np.uint32)}


def dtype_of(name):
    return np.float16 if name == "float16" else getattr(md, name, None)




def check(mxref, profile, source, codes):
    src_type, bits_type = SOURCES[source]
    x = codes.astype(bits_type).view(src_type)
    digits = 2 * np.dtype(bits_type).itemsize
    failures = 0
    for target, type_name in TARGETS.items():
        t = dtype_of(type_name)
        if t is None or np.dtype(t) == np.dtype(src_type):
            continue
        if source == "f32" and type_name == "float16":
            continue  # numpy's own float32 -> float16 (keeps signalling NaN payloads), not ml_dtypes
        with np.errstate(all="ignore"):
            y = x.astype(t)
        expected = y.view(np.uint16 if np.dtype(t).itemsize == 2 else np.uint8).astype(np.uint64)
        got = mxref_cast(mxref, source, target, codes, digits, profile)
        bad = np.nonzero(got != expected)[0]
        print(f"{source} -> {target} ({type_name}): {len(codes)} compared, {len(bad)} mismatches")
        for i in bad[:10]:
            print(f"  input {int(codes[i]):0{digits}x}: mxref {int(got[i]):x}, ml_dtypes {int(expected[i]):x}")
        failures += len(bad)
    return failures


def profile_for(version):
    """ml_dtypes 0.7 changed float8_e8m0fnu for FP32/BF16 subnormals; 0.6 and earlier: `ml_dtypes-0.6`."""
    major, minor = (int(part) for part in version.split(".")[:2])
    return "ml_dtypes" if (major, minor) >= (0, 7) else "ml_dtypes-0.6"


def main():
    mxref = sys.argv[1]
    profile = profile_for(md.__version__)
    samples = int(sys.argv[sys.argv.index("--fp32-samples") + 1]) if "--fp32-samples" in sys.argv else 0
    failures = 0
    every16 = np.arange(1 << 16, dtype=np.uint64)
    failures += check(mxref, profile, "bf16", every16)
    failures += check(mxref, profile, "f16", every16)
    if samples:
        rng = np.random.default_rng(2026)
        failures += check(mxref, profile, "f32", rng.integers(0, 1 << 32, size=samples, dtype=np.uint64))
    print(f"ml_dtypes {md.__version__} (profile {profile}), numpy {np.__version__}: {failures} mismatches in all")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
