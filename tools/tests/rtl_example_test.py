"""The RTL examples (conformance/examples/rtl) under Icarus Verilog, each test bench over its golden suite's
$readmemh files: the FP32 -> E4M3 encoder over e4m3-cast, the MXFP4 dot-product unit over
dot-mxfp4-e2m1-rtl (and a larger suite generated from the same definition). Each must report PASS, and a
deliberately wrong expected file must make it report FAIL. Run: python3 -m pytest
tools/tests/rtl_example_test.py --mxref MXREF [--root REPO_ROOT]. Skips without iverilog."""
import json
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


# The MXFP4 dot-product unit (mxfp4_dot.v) against the golden dot suite made for it: one $readmemh word a dot.
@pytest.fixture(scope="module")
def dot_bench(root, tmp_path_factory):
    rtl = os.path.join(root, "conformance", "examples", "rtl")
    where = tmp_path_factory.mktemp("rtl_dot")

    def bench(suite, expected=None):
        inputs = os.path.join(suite, "inputs.memh")
        with open(inputs) as f:
            count = sum(1 for _ in f)
        binary = os.path.join(where, "tb_dot")
        subprocess.run(["iverilog", "-g2005", f"-DN={count}", f'-DINPUTS="{inputs}"',
                        f'-DEXPECTED="{expected or os.path.join(suite, "expected.memh")}"', "-o", binary,
                        os.path.join(rtl, "mxfp4_dot.v"), os.path.join(rtl, "tb_mxfp4_dot.v")], check=True)
        return subprocess.run(["vvp", "-n", binary], capture_output=True, text=True).stdout
    return bench


def test_the_mxfp4_dot_unit_passes_its_golden_suite(dot_bench, root):
    out = dot_bench(os.path.join(root, "vectors", "golden", "dot-mxfp4-e2m1-rtl"))
    assert "PASS 448 vectors" in out, out


def test_the_mxfp4_dot_unit_passes_a_larger_generated_suite(dot_bench, mxref, root, tmp_path):
    # The same classes as the golden suite, 512 vectors per class and another seed.
    with open(os.path.join(root, "vectors", "suites", "dot-mxfp4-e2m1-rtl.json")) as f:
        definition = json.load(f)
    definition.update(name="dot-mxfp4-e2m1-rtl-large", count=512, seed=77)
    (tmp_path / "suite.json").write_text(json.dumps(definition))
    subprocess.run([mxref, "gen", "--suite", str(tmp_path / "suite.json"), "--out", str(tmp_path / "suite"),
                    "--format", "memh"], check=True, capture_output=True)
    with open(tmp_path / "suite" / "inputs.memh") as f:
        count = sum(1 for _ in f)
    out = dot_bench(str(tmp_path / "suite"))
    assert f"PASS {count} vectors" in out and count > 3000, out


def test_the_dot_bench_reports_a_wrong_result(dot_bench, root, tmp_path):
    suite = os.path.join(root, "vectors", "golden", "dot-mxfp4-e2m1-rtl")
    with open(os.path.join(suite, "expected.memh")) as f:
        lines = f.read().splitlines()
    lines[5] = f"{int(lines[5], 16) ^ 1:08x}"  # one result's last bit
    wrong = tmp_path / "wrong.memh"
    wrong.write_text("\n".join(lines) + "\n")
    assert "FAIL 1 of 448 vectors" in dot_bench(suite, str(wrong))
