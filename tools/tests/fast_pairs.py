"""The element x profile pairs that mxref's fast paths (fast/cpu, fast/cuda) run, and the generated block
suite that the conformance tests of both (fast_path_test.py, cuda_conform_test.py) put to each pair."""

ELEMENTS = ["mxfp8_e4m3", "mxfp8_e5m2", "mxfp6_e3m2", "mxfp6_e2m3", "mxfp4_e2m1", "mxint8"]
PROFILES = ["ocp", "nvidia-rceil", "torchao-floor", "torchao-ceil", "torchao-even", "torchao-rceil"]
CLASSES = ["random-wide", "outlier", "zero", "nan-inf", "amax-pow2", "amax-elem-max", "scale-clamp",
           "subnormal", "ties", "ragged"]


def pair_suite(element, profile, source, count, seed):
    """A block suite of every class for one pair, FP32 ("f32") or BF16 input, named after all three."""
    return {"name": f"{element}-{profile}-{source}", "kind": "block", "from": source, "format": element,
            "profile": profile, "classes": CLASSES, "count": count, "seed": seed}
