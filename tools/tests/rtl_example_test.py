"""The RTL example (conformance/examples/rtl): Icarus Verilog runs the test bench over the golden
e4m3-cast suite's $readmemh files, and must report PASS; a deliberately wrong expected file must make
it report FAIL. Run: python3 -m pytest tools/tests/rtl_example_test.py [--root REPO_ROOT]. Skips without
iverilog."""
import os
import shutil
import subprocess

import pytest

if not shutil.which("iverilog") or not shutil.which("vvp"):
    pytest.skip("iverilog is not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def suite(root):
    return os.path.join(root, "vectors", "golden", "e4m3-cast")


@pytest.fixture(scope="module")
def bench(root, suite, tmp_path_factory):
    """The test bench's output over the suite's inputs against an expected file."""
    rtl = os.path.join(root, "conformance", "examples", "rtl")
    where = tmp_path_factory.mktemp("rtl")

    def bench(expected):
        with open(os.path.join(suite, "inputs.memh")) as f:
            count = sum(1 for _ in f)
        binary = os.path.join(where, "tb")
        subprocess.run(["iverilog", "-g2005", f"-DN={count}", f'-DINPUTS="{os.path.join(suite, "inputs.memh")}"',
                        f'-DEXPECTED="{expected}"', "-o", binary, os.path.join(rtl, "fp32_to_e4m3.v"),
                        os.path.join(rtl, "tb_fp32_to_e4m3.v")], check=True)
        return subprocess.run(["vvp", binary], capture_output=True, text=True).stdout
    return bench


def test_the_e4m3_encoder_passes_every_golden_vector(bench, suite):
    out = bench(os.path.join(suite, "expected.memh"))
    assert "PASS 5399 vectors" in out, out


def test_the_test_bench_reports_a_wrong_vector(bench, suite, tmp_path):
    # A corrupted expectation (the first max-magnitude result changed) must be reported.
    with open(os.path.join(suite, "expected.memh")) as f:
        lines = f.read().splitlines()
    first = next(i for i, line in enumerate(lines) if line == "7e")
    lines[first] = "7d"
    wrong = os.path.join(tmp_path, "wrong.memh")
    with open(wrong, "w") as f:
        f.write("\n".join(lines) + "\n")
    out = bench(wrong)
    assert "FAIL 1 of 5399 vectors" in out, out
