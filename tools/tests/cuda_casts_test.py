#!/usr/bin/env python3
"""CUDA's own float -> FP8/FP6/FP4/E8M0 conversions (conformance/adapters/cuda_casts.cu, host path)
against `mxref conform` suites generated for the cuda-satfinite / cuda-nosat profiles: every target,
saturation mode and rounding mode the headers offer. Usage: cuda_casts_test.py MXREF ADAPTER.
Exit 77 when the adapter was not built (no nvcc)."""
import json
import os
import subprocess
import sys
import tempfile

from checklist import Checklist

# target -> the CUDA rounding modes it offers, and whether it has a NOSAT mode.
TARGETS = {"e4m3": (["rn"], True), "e5m2": (["rn"], True), "e3m2": (["rn", "rz"], False),
           "e2m3": (["rn", "rz"], False), "e2m1": (["rn", "rz"], False), "e8m0": (["rz", "ru"], True)}
MXREF_ROUNDING = {"rn": "rne", "rz": "rtz", "ru": "rup"}


def main():
    mxref, adapter = os.path.abspath(sys.argv[1]), sys.argv[2]
    if not os.path.exists(adapter):
        print("skipped: the CUDA adapter was not built (no nvcc)")
        return 77
    checks = Checklist()
    with tempfile.TemporaryDirectory() as d:
        for target, (roundings, has_nosat) in TARGETS.items():
            for saturation in ["satfinite"] + (["nosat"] if has_nosat else []):
                for rounding in roundings:
                    name = f"cuda-{target}-{saturation}-{rounding}"
                    suite = {"name": name, "kind": "cast", "to": target, "profile": f"cuda-{saturation}",
                             "rounding": MXREF_ROUNDING[rounding],
                             "classes": ["rounding-decisions", "boundaries", "specials", "random"],
                             "count": 4096, "seed": 3}
                    definition = os.path.join(d, name + ".json")
                    json.dump(suite, open(definition, "w"))
                    subprocess.run([mxref, "gen", "--suite", definition, "--out", os.path.join(d, name)],
                                   check=True, capture_output=True)
                    r = subprocess.run([mxref, "conform", "--suite", os.path.join(d, name), "--cmd",
                                        f"{adapter} {target} {saturation} {rounding}"], capture_output=True, text=True)
                    print(r.stdout.splitlines()[0] if r.stdout else r.stderr.strip())
                    checks.check(name, r.returncode == 0)
    return checks.status()


if __name__ == "__main__":
    sys.exit(main())
