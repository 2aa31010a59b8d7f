"""The GPU path (fast/cuda) through the conformance runner, as the fast CPU path is in fast_path_test.py:
`mxref conform --plugin cuda_plugin.so` passes the checked-in golden block suites and a generated suite
of every block class for each of the 36 element x profile pairs, FP32 and BF16 inputs, with the blocks
along the contiguous axis and across rows (MXREF_CUDA_AXIS=last, rows).
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
