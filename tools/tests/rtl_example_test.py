"""The RTL examples (conformance/examples/rtl) under Icarus Verilog, each test bench over its golden suite's
$readmemh files: the FP32 -> E4M3 encoder over e4m3-cast, the MXFP4 dot-product unit over
dot-mxfp4-e2m1-rtl (and a larger suite generated from the same definition), the MXFP8 E4M3 block quantizer
over mxfp8-e4m3-rtl (its care mask honoured), and the quantizer's bench as a filter under `mxref conform
--cmd`. Each must report PASS, and a deliberately wrong expected file must make it report FAIL. Run: python3 -m pytest
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


# The MXFP8 E4M3 block quantizer (mxfp8_e4m3_quantize.v) against the fixed-size block suite made for it.
@pytest.fixture(scope="module")
def block_bench(root, tmp_path_factory):
    rtl = os.path.join(root, "conformance", "examples", "rtl")
    where = tmp_path_factory.mktemp("rtl_block")
    sources = [os.path.join(rtl, "mxfp8_e4m3_quantize.v"), os.path.join(rtl, "tb_mxfp8_e4m3_quantize.v")]

    def bench(suite, expected=None):
        with open(os.path.join(suite, "scales.memh")) as f:
            count = sum(1 for _ in f)
        files = {name.upper(): os.path.join(suite, f"{name}.memh") for name in ("inputs", "scales", "expected", "care")}
        if expected:
            files["EXPECTED"] = expected
        binary = os.path.join(where, "tb_block")
        subprocess.run(["iverilog", "-g2005", f"-DN={count}", *[f'-D{k}="{v}"' for k, v in files.items()], "-o",
                        binary, *sources], check=True)
        return subprocess.run(["vvp", "-n", binary], capture_output=True, text=True).stdout

    def filter_binary():
        binary = os.path.join(where, "tb_filter")
        subprocess.run(["iverilog", "-g2005", "-DFILTER", "-o", binary, *sources], check=True)
        return binary
    bench.filter_binary = filter_binary
    return bench


def rtl_block_suite(root):
    return os.path.join(root, "vectors", "golden", "mxfp8-e4m3-rtl")


def test_the_rtl_block_suite_has_whole_blocks_and_a_care_mask(root):
    suite = rtl_block_suite(root)
    lines = {name: open(os.path.join(suite, f"{name}.memh")).read().splitlines()
             for name in ("inputs", "scales", "expected", "care")}
    assert len(lines["inputs"]) == len(lines["expected"]) == len(lines["care"]) == 32 * len(lines["scales"])
    tags = [line.split("\t") for line in open(os.path.join(suite, "tags.tsv")).read().splitlines()]
    assert all(count == "32" and "ragged" not in labels for _, count, labels in tags)
    # Don't-care exactly where the scale is NaN.
    for block, scale in enumerate(lines["scales"]):
        assert set(lines["care"][32 * block:32 * block + 32]) == ({"0"} if scale == "ff" else {"1"})
    assert "ff" in lines["scales"]


def test_the_mxfp8_quantizer_passes_its_golden_suite(block_bench, root):
    assert "PASS 175 blocks" in block_bench(rtl_block_suite(root))


def test_the_block_bench_reports_a_wrong_element_and_skips_dont_care_ones(block_bench, root, tmp_path):
    suite = rtl_block_suite(root)
    expected = open(os.path.join(suite, "expected.memh")).read().splitlines()
    care = open(os.path.join(suite, "care.memh")).read().splitlines()
    cared, ignored = care.index("1"), care.index("0")
    wrong = list(expected)
    wrong[cared] = f"{int(wrong[cared], 16) ^ 1:02x}"
    (tmp_path / "wrong.memh").write_text("\n".join(wrong) + "\n")
    out = block_bench(suite, str(tmp_path / "wrong.memh"))
    assert "FAIL 1 of 175 blocks" in out and f"[{cared % 32}] expected" in out, out
    different = list(expected)
    different[ignored] = f"{int(different[ignored], 16) ^ 1:02x}"  # under a NaN scale: no check
    (tmp_path / "dontcare.memh").write_text("\n".join(different) + "\n")
    assert "PASS 175 blocks" in block_bench(suite, str(tmp_path / "dontcare.memh"))


def test_conform_runs_the_rtl_quantizer_as_a_command(block_bench, mxref, root):
    # The flow docs/conformance.md describes: the test bench as a filter, `mxref conform --cmd "vvp -n tb"`.
    r = subprocess.run([mxref, "conform", "--suite", rtl_block_suite(root), "--cmd",
                        f"vvp -n {block_bench.filter_binary()}", "--infer"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "ocp: 175 of 175 (consistent)" in r.stdout, r.stdout
