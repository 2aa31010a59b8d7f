#!/usr/bin/env python3
"""`mxref gen` and `mxref conform`: the checked-in golden sets regenerate byte for byte and match their
manifests (SHA-256 recomputed here with hashlib), and the runner catches each injected fault class in
the vectors tagged for it; the C-ABI plug-in path runs the example plugin. Usage: vectors_test.py MXREF
REPO_ROOT [PLUGIN]."""
import hashlib
import json
import os
import subprocess
import sys
import tempfile

from checklist import Checklist

checks = Checklist()
check = checks.check


def main():
    mxref, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    golden = os.path.join(root, "vectors", "golden")
    with tempfile.TemporaryDirectory() as d:
        for suite in sorted(os.listdir(golden)):
            ours = os.path.join(golden, suite)
            fresh = os.path.join(d, suite)
            run = subprocess.run([mxref, "gen", "--suite", os.path.join(root, "vectors", "suites", suite + ".json"),
                                  "--out", fresh], capture_output=True, text=True)
            check(f"{suite}: gen runs", run.returncode == 0)
            same = sorted(os.listdir(ours)) == sorted(os.listdir(fresh)) and all(
                open(os.path.join(ours, f), "rb").read() == open(os.path.join(fresh, f), "rb").read()
                for f in os.listdir(ours))
            check(f"{suite}: the checked-in set regenerates byte for byte", same)
            manifest = json.load(open(os.path.join(ours, "manifest.json")))
            check(f"{suite}: manifest SHA-256 of every file", all(
                hashlib.sha256(open(os.path.join(ours, f), "rb").read()).hexdigest() == h
                for f, h in manifest["sha256"].items()) and len(manifest["sha256"]) == len(os.listdir(ours)) - 1)

        cast = os.path.join(golden, "e4m3-cast")
        block = os.path.join(golden, "mxfp4-e2m1-ocp")
        reference_cast = f"{mxref} cast --to e4m3 --overflow saturate --nan zero"
        reference_block = f"{mxref} quantize --format mxfp4_e2m1 --ragged"

        def conform(suite, command):
            r = subprocess.run([mxref, "conform", "--suite", suite, "--cmd", command, "--report", "json"],
                               capture_output=True, text=True)
            return r.returncode, json.loads(r.stdout) if r.stdout else {}

        status, report = conform(cast, reference_cast)
        check("the reference itself passes the cast suite", status == 0 and report["failed"] == 0)
        status, report = conform(block, reference_block)
        check("the reference itself passes the block suite", status == 0 and report["failed"] == 0)

        def failed(report, tag):
            return report.get("tags", {}).get(tag, {}).get("failed", 0)

        # Injected faults, each caught in the vectors tagged for it (and exit status 1).
        status, report = conform(cast, reference_cast + " --rounding rna")
        check("ties away instead of to even: 'tie' vectors fail", status == 1 and failed(report, "tie") > 0
              and failed(report, "inexact") == 0)
        status, report = conform(cast, reference_cast.replace("--overflow saturate", "--overflow nan"))
        check("no saturation: 'saturate' vectors fail", status == 1 and failed(report, "saturate") > 0)
        nan_to_zero = f"{reference_cast} | sed 's/^7f$/00/; s/^ff$/80/'"
        status, report = conform(cast, nan_to_zero)
        check("NaN mishandled: 'nan-in' vectors fail, and only NaN ones", status == 1 and failed(report, "nan-in") > 0
              and report["failed"] == failed(report, "nan-in") + failed(report, "nan-out"))
        def through(program):  # the reference's output, rewritten line by line by a Python filter
            return f"{reference_block} | {sys.executable} -c '{program}'"

        scale_plus_one = through("import sys\nfor l in sys.stdin:\n t = l.split(); t[0] = format(int(t[0], 16) + 1, \"02x\"); print(*t)")
        status, report = conform(block, scale_plus_one)
        check("scale off by one: every block fails", status == 1 and report["passed"] == 0)
        swapped = through("import sys\nfor l in sys.stdin:\n t = l.split(); e = t[1:]; e[0:len(e) - len(e) % 2] = [e[i ^ 1] for i in range(len(e) - len(e) % 2)]; print(t[0], *e)")
        status, report = conform(block, swapped)
        # Only blocks whose neighbouring elements differ can show it: NaN blocks (all elements alike) pass.
        check("element pairs swapped (nibble order): blocks with differing neighbours fail", status == 1
              and failed(report, "random-wide") > 0 and failed(report, "nan-block") == 0)
        # Profile inference names the profile an implementation follows.
        r = subprocess.run([mxref, "conform", "--suite", block, "--infer", "--cmd",
                            reference_block + " --profile torchao-floor"], capture_output=True, text=True)
        inference = r.stdout.split("profile inference:")[-1].splitlines()
        check("inference: a torchao-floor implementation is consistent with torchao-floor first",
              r.returncode == 1 and inference[1].strip() == "torchao-floor: 207 of 207 (consistent)")
        if len(sys.argv) > 3:  # the example plug-in: an FP32 -> E4M3 encoder in C
            r = subprocess.run([mxref, "conform", "--suite", cast, "--plugin", sys.argv[3]], capture_output=True, text=True)
            check("the example plug-in passes the cast suite", r.returncode == 0 and "5399 passed, 0 failed" in r.stdout)
            r = subprocess.run([mxref, "conform", "--suite", block, "--plugin", sys.argv[3]], capture_output=True, text=True)
            check("a plug-in that refuses a suite stops the run with a clear error",
                  r.returncode == 2 and "refused suite" in r.stderr)
            r = subprocess.run([mxref, "conform", "--suite", cast, "--plugin", "/nonexistent.so"], capture_output=True, text=True)
            check("an unloadable plug-in is a usage error", r.returncode == 2 and "cannot load --plugin" in r.stderr)
        r = subprocess.run([mxref, "conform", "--suite", block, "--cmd", "true"], capture_output=True, text=True)
        check("no output at all fails every vector", r.returncode == 1 and "207 failed" in r.stdout)
        r = subprocess.run([mxref, "conform", "--suite", block], capture_output=True, text=True)
        check("neither --results nor --cmd: usage error", r.returncode == 2 and r.stderr.startswith("mxref: "))
        r = subprocess.run([mxref, "conform", "--suite", block, "--cmd", reference_block, "--report", "junit"],
                           capture_output=True, text=True)
        check("JUnit report", r.returncode == 0 and r.stdout.startswith("<?xml") and "<testcase" in r.stdout)
    return checks.status()


if __name__ == "__main__":
    sys.exit(main())
