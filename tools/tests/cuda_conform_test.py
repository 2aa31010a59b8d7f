#!/usr/bin/env python3
"""The GPU path (fast/cuda) through the conformance runner, as the fast CPU path is in fast_path_test.py:
`mxref conform --plugin cuda_plugin.so` passes the checked-in golden block suites and a generated suite
of every block class for each of the 36 element x profile pairs, FP32 and BF16 inputs, with the blocks
along the contiguous axis and across rows (MXREF_CUDA_AXIS=last, rows). Exit 77 without a GPU.
Usage: cuda_conform_test.py MXREF REPO_ROOT CUDA_PLUGIN [COUNT]  (COUNT vectors per class, 16)."""
import json
import os
import subprocess
import sys
import tempfile

from checklist import Checklist
from fast_pairs import ELEMENTS, PROFILES, pair_suite


def gpu_present():
    try:
        return subprocess.run(["nvidia-smi", "-L"], capture_output=True).returncode == 0
    except OSError:
        return False


def main():
    if not gpu_present():
        print("skipped: no NVIDIA GPU")
        return 77
    mxref, root, plugin = (os.path.abspath(a) for a in sys.argv[1:4])
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 16
    checks = Checklist()
    with tempfile.TemporaryDirectory() as d:
        def run(*args, axis="last"):
            return subprocess.run([mxref, *args], capture_output=True, text=True, cwd=d,
                                  env=dict(os.environ, MXREF_CUDA_AXIS=axis))

        def passes(suite, axis):
            r = run("conform", "--suite", suite, "--plugin", plugin, axis=axis)
            return r.returncode == 0 and " 0 failed" in r.stdout and " passed" in r.stdout

        golden = os.path.join(root, "vectors", "golden")
        for suite in sorted(os.listdir(golden)):
            kind = json.load(open(os.path.join(golden, suite, "vectors.json")))["suite"]["kind"]
            if kind != "block":
                continue  # the GPU path has no element-cast API (fast_cuda_sweep casts covers its casts)
            for axis in ("last", "rows"):
                checks.check(f"GPU plug-in ({axis}) passes golden suite {suite}", passes(os.path.join(golden, suite), axis))
        for element in ELEMENTS:
            for profile in PROFILES:
                for source in ("f32", "bf16"):
                    suite = pair_suite(element, profile, source, count=count, seed=6)
                    name = suite["name"]
                    with open(os.path.join(d, name + ".json"), "w") as f:
                        json.dump(suite, f)
                    gen = run("gen", "--suite", name + ".json", "--out", name)
                    for axis in ("last", "rows"):
                        checks.check(f"GPU plug-in ({axis}) passes {name}", gen.returncode == 0 and passes(name, axis))
        nvfp4 = {"name": "n", "kind": "block", "from": "f32", "format": "nvfp4", "profile": "nvfp4", "classes": ["zero"], "count": 1}
        with open(os.path.join(d, "n.json"), "w") as f:
            json.dump(nvfp4, f)
        run("gen", "--suite", "n.json", "--out", "n")
        r = run("conform", "--suite", "n", "--plugin", plugin)
        checks.check("the GPU plug-in refuses what it does not run", r.returncode == 2 and "refused suite" in r.stderr)
    return checks.status()


if __name__ == "__main__":
    sys.exit(main())
