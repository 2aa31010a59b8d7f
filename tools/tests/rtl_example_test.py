#!/usr/bin/env python3
"""The RTL example (conformance/examples/rtl): Icarus Verilog runs the test bench over the golden
e4m3-cast suite's $readmemh files, and must report PASS; a deliberately wrong expected file must make
it report FAIL. Usage: rtl_example_test.py MXREF REPO_ROOT. Exit 77 without iverilog."""
import os
import shutil
import subprocess
import sys
import tempfile

from checklist import Checklist


def main():
    root = os.path.abspath(sys.argv[2])
    if not shutil.which("iverilog") or not shutil.which("vvp"):
        print("skipped: iverilog is not installed")
        return 77
    checks = Checklist()
    rtl = os.path.join(root, "conformance", "examples", "rtl")
    suite = os.path.join(root, "vectors", "golden", "e4m3-cast")

    def bench(expected, where):
        count = sum(1 for _ in open(os.path.join(suite, "inputs.memh")))
        binary = os.path.join(where, "tb")
        subprocess.run(["iverilog", "-g2005", f"-DN={count}", f'-DINPUTS="{os.path.join(suite, "inputs.memh")}"',
                        f'-DEXPECTED="{expected}"', "-o", binary, os.path.join(rtl, "fp32_to_e4m3.v"),
                        os.path.join(rtl, "tb_fp32_to_e4m3.v")], check=True)
        return subprocess.run(["vvp", binary], capture_output=True, text=True).stdout

    with tempfile.TemporaryDirectory() as d:
        out = bench(os.path.join(suite, "expected.memh"), d)
        checks.check("the E4M3 encoder passes every golden vector", "PASS 5399 vectors" in out)
        # A corrupted expectation (the first max-magnitude result changed) must be reported.
        lines = open(os.path.join(suite, "expected.memh")).read().splitlines()
        first = next(i for i, l in enumerate(lines) if l == "7e")
        lines[first] = "7d"
        wrong = os.path.join(d, "wrong.memh")
        open(wrong, "w").write("\n".join(lines) + "\n")
        out = bench(wrong, d)
        checks.check("the test bench reports a wrong vector", "FAIL 1 of 5399 vectors" in out)
    return checks.status()


if __name__ == "__main__":
    sys.exit(main())
