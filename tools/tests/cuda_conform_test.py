"""The GPU path (fast/cuda) through the conformance runner, as the fast CPU path is in fast_path_test.py:
`mxref conform --plugin cuda_plugin.so` passes the checked-in golden block suites and a generated suite
of every block class for each of the 36 element x profile pairs, FP32 and BF16 inputs, with the blocks
along the contiguous axis and across rows (MXREF_CUDA_AXIS=last, rows); and the GPU GEMMs (exact and every
NVIDIA fused-sum preset) pass the checked-in golden dot suites they run and a generated dot suite of every
class for each preset and format.
Run: python3 -m pytest tools/tests/cuda_conform_test.py --mxref MXREF [--root REPO_ROOT] --plugin CUDA_PLUGIN
[--count N] (N vectors per class, default 16). Skips without an NVIDIA GPU."""
import json
import os
import subprocess

import pytest

from fast_pairs import ELEMENTS, PROFILES, pair_suite

AXES = ["last", "rows"]
DEFAULT_COUNT = 16


def gpu_present():
    try:
        return subprocess.run(["nvidia-smi", "-L"], capture_output=True).returncode == 0
    except OSError:
        return False


if not gpu_present():
    pytest.skip("no NVIDIA GPU", allow_module_level=True)


@pytest.fixture(scope="module")
def cuda_plugin(plugin):
    if not plugin:
        pytest.skip("no --plugin (cuda_plugin.so)")
    return plugin


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("cuda_conform")


@pytest.fixture(scope="module")
def run(mxref, folder):
    def run(*args, axis="last"):
        return subprocess.run([mxref, *args], capture_output=True, text=True, cwd=folder,
                              env=dict(os.environ, MXREF_CUDA_AXIS=axis))
    return run


@pytest.fixture(scope="module")
def passes(run, cuda_plugin):
    def passes(suite, axis):
        r = run("conform", "--suite", suite, "--plugin", cuda_plugin, axis=axis)
        return r.returncode == 0 and " 0 failed" in r.stdout and " passed" in r.stdout
    return passes


def golden_block_suites(root):
    golden = os.path.join(root, "vectors", "golden")
    for suite in sorted(os.listdir(golden)):
        with open(os.path.join(golden, suite, "vectors.json")) as f:
            kind = json.load(f)["suite"]["kind"]
        if kind == "block":  # the GPU path has no element-cast API (fast_cuda_sweep casts covers its casts)
            yield suite


def pytest_generate_tests(metafunc):
    if "golden_suite" in metafunc.fixturenames:
        metafunc.parametrize("golden_suite", list(golden_block_suites(metafunc.config.getoption("--root"))))


@pytest.mark.parametrize("axis", AXES)
def test_gpu_plugin_passes_golden_suite(root, passes, golden_suite, axis):
    assert passes(os.path.join(root, "vectors", "golden", golden_suite), axis)


@pytest.fixture(scope="module")
def generated(request, run, folder):
    """A pair's suite, generated once for both axes: its folder name, and whether gen succeeded."""
    count = request.config.getoption("--count")
    made = {}

    def generated(element, profile, source):
        suite = pair_suite(element, profile, source, count=DEFAULT_COUNT if count is None else count, seed=6)
        name = suite["name"]
        if name not in made:
            with open(folder / (name + ".json"), "w") as f:
                json.dump(suite, f)
            made[name] = run("gen", "--suite", name + ".json", "--out", name).returncode == 0
        return name, made[name]
    return generated


PAIRS = [pytest.param(element, profile, source, id=f"{element}-{profile}-{source}")
         for element in ELEMENTS for profile in PROFILES for source in ("f32", "bf16")]


@pytest.mark.parametrize("axis", AXES)
@pytest.mark.parametrize("element, profile, source", PAIRS)
def test_gpu_plugin_passes_every_block_class(passes, generated, element, profile, source, axis):
    name, gen_ok = generated(element, profile, source)
    assert gen_ok and passes(name, axis)


def test_the_gpu_plugin_refuses_what_it_does_not_run(refuses_nvfp4_suite, cuda_plugin):
    assert refuses_nvfp4_suite(cuda_plugin)


DOT_CLASSES = ["random", "cancel", "near-cancel", "scale-range", "nan-scale", "specials", "subnormal", "alignment",
               "c-dominant", "ties", "model-split"]
GPU_DOT_MODELS = ["exact", "sm70-mma-fp16", "sm80-mma-bf16", "sm80-mma-fp16", "sm89-mma-fp8", "sm90-wgmma-fp8",
                  "sm90-mma-fp8", "sm90-wgmma-bf16", "sm90-wgmma-fp16", "sm100-mxf8f6f4", "sm100-mxf4",
                  "sm100-mxf4nvf4", "cdna3-fp8"]
DOT_FORMATS = ["mxfp8_e4m3", "mxfp8_e5m2", "mxfp6_e3m2", "mxfp4_e2m1", "mxint8", "nvfp4"]


@pytest.mark.parametrize("suite", ["dot-mxfp4-e2m1-rtl", "dot-mxfp8-e4m3-exact", "dot-mxfp8-e4m3-sm100",
                                   "dot-mxfp8-e4m3-sm90"])
def test_gpu_plugin_passes_golden_dot_suite(root, passes, suite):
    assert passes(os.path.join(root, "vectors", "golden", suite), "last")


def test_gpu_plugin_refuses_the_dot_suites_it_does_not_run(root, run, cuda_plugin):
    # The exact GEMM's block sums of E5M2 can pass its integers: the plug-in says so instead of answering.
    r = run("conform", "--suite", os.path.join(root, "vectors", "golden", "dot-mxfp8-e5m2-exact"), "--plugin",
            cuda_plugin)
    assert r.returncode != 0 and " passed" not in r.stdout


@pytest.mark.parametrize("fmt", DOT_FORMATS)
@pytest.mark.parametrize("model", GPU_DOT_MODELS)
def test_gpu_plugin_passes_every_dot_class(request, run, folder, passes, model, fmt):
    if model == "exact" and fmt == "mxfp8_e5m2":
        pytest.skip("the exact GEMM does not take E5M2 (above)")
    count = request.config.getoption("--count") or DEFAULT_COUNT
    name = f"dot-{model}-{fmt}"
    suite = {"name": name, "kind": "dot", "format": fmt, "blocks": 2, "model": model, "out": "f32",
             "rounding": "rne", "count": count, "seed": 8,
             "classes": [c for c in DOT_CLASSES if not (fmt == "mxint8" and c == "subnormal")]}  # MXINT8 has none
    with open(folder / (name + ".json"), "w") as f:
        json.dump(suite, f)
    assert run("gen", "--suite", name + ".json", "--out", name).returncode == 0
    assert passes(name, "last")
