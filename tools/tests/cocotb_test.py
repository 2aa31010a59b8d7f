"""The cocotb example (conformance/examples/cocotb): the RTL MXFP8 E4M3 quantizer under Icarus Verilog,
driven by cocotb with mxref (libmxref_dpi.so) as its model. It must pass the quantizer and fail a broken
copy of it. Run: python3 -m pytest tools/tests/cocotb_test.py --mxref MXREF --plugin libmxref_dpi.so
[--root REPO_ROOT]. Skips without cocotb or iverilog."""
import os
import shutil

import pytest

cocotb_runner = pytest.importorskip("cocotb.runner")
if not shutil.which("iverilog"):
    pytest.skip("iverilog is not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def simulate(root, plugin, tmp_path_factory):
    if not plugin:
        pytest.skip("no --plugin (libmxref_dpi.so)")

    def simulate(source, blocks):
        build = tmp_path_factory.mktemp("cocotb")
        # The test module runs from the build folder, where cocotb also writes its results.
        shutil.copy(os.path.join(root, "conformance", "examples", "cocotb", "test_mxfp8_e4m3_quantize.py"), build)
        runner = cocotb_runner.get_runner("icarus")
        runner.build(verilog_sources=[source], hdl_toplevel="mxfp8_e4m3_quantize", build_dir=str(build))
        # Outside pytest's view, cocotb's runner returns the results file instead of raising on a failure.
        current = os.environ.pop("PYTEST_CURRENT_TEST", None)
        try:
            results = runner.test(hdl_toplevel="mxfp8_e4m3_quantize", test_module="test_mxfp8_e4m3_quantize",
                                  test_dir=str(build), build_dir=str(build), results_xml=str(build / "results.xml"),
                                  extra_env={"MXREF_DPI_LIB": os.path.abspath(plugin), "MXREF_BLOCKS": str(blocks),
                                             "MXREF_SEED": "7"})
        finally:
            if current is not None:
                os.environ["PYTEST_CURRENT_TEST"] = current
        return cocotb_runner.get_results(results)  # (tests, failures)
    return simulate


def quantizer(root):
    return os.path.join(root, "conformance", "examples", "rtl", "mxfp8_e4m3_quantize.v")


def test_the_quantizer_matches_mxref_under_cocotb(simulate, root):
    assert simulate(quantizer(root), 1000) == (1, 0)


def test_cocotb_catches_a_broken_quantizer(simulate, root, tmp_path):
    with open(quantizer(root)) as f:
        source = f.read()
    broken = source.replace("r = r + ((round_bit && (sticky || (r % 2 == 1))) ? 1 : 0);", "r = r + 0;")
    assert broken != source  # elements truncated instead of rounded to nearest
    (tmp_path / "mxfp8_e4m3_quantize.v").write_text(broken)
    assert simulate(str(tmp_path / "mxfp8_e4m3_quantize.v"), 1000) == (1, 1)
