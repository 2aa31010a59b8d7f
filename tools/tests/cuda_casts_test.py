"""CUDA's own float -> FP8/FP6/FP4/E8M0 conversions (conformance/adapters/cuda_casts.cu, host path)
against `mxref conform` suites generated for the cuda-satfinite / cuda-nosat profiles: every target,
saturation mode and rounding mode the headers offer. Needs nvcc to build the adapter, not a GPU.
Run: python3 -m pytest tools/tests/cuda_casts_test.py --mxref MXREF --adapter CUDA_CASTS. Skips where the
adapter was not built (no nvcc)."""
import json
import os
import subprocess

import pytest

# target -> the CUDA rounding modes it offers, and whether it has a NOSAT mode.
TARGETS = {"e4m3": (["rn"], True), "e5m2": (["rn"], True), "e3m2": (["rn", "rz"], False),
           "e2m3": (["rn", "rz"], False), "e2m1": (["rn", "rz"], False), "e8m0": (["rz", "ru"], True)}
MXREF_ROUNDING = {"rn": "rne", "rz": "rtz", "ru": "rup"}
CASES = [pytest.param(target, saturation, rounding, id=f"cuda-{target}-{saturation}-{rounding}")
         for target, (roundings, has_nosat) in TARGETS.items()
         for saturation in ["satfinite"] + (["nosat"] if has_nosat else [])
         for rounding in roundings]


@pytest.fixture(scope="module")
def adapter(request):
    path = request.config.getoption("--adapter")
    if not path or not os.path.exists(path):
        pytest.skip("the CUDA adapter was not built (no nvcc)")
    return path


@pytest.mark.parametrize("target, saturation, rounding", CASES)
def test_cuda_conversions_conform(mxref, adapter, tmp_path, target, saturation, rounding):
    name = f"cuda-{target}-{saturation}-{rounding}"
    suite = {"name": name, "kind": "cast", "to": target, "profile": f"cuda-{saturation}",
             "rounding": MXREF_ROUNDING[rounding],
             "classes": ["rounding-decisions", "boundaries", "specials", "random"], "count": 4096, "seed": 3}
    definition = os.path.join(tmp_path, name + ".json")
    with open(definition, "w") as f:
        json.dump(suite, f)
    subprocess.run([mxref, "gen", "--suite", definition, "--out", os.path.join(tmp_path, name)],
                   check=True, capture_output=True)
    r = subprocess.run([mxref, "conform", "--suite", os.path.join(tmp_path, name), "--cmd",
                        f"{adapter} {target} {saturation} {rounding}"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout.splitlines()[0] if r.stdout else r.stderr.strip()
