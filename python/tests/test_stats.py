"""mxref.stats, mxref.compare and mxref.plot: the CLI's documents through the module, and the pictures."""
import json
import subprocess

import numpy as np
import pytest

import mxref


def test_stats_and_compare_equal_the_cli(tmp_path, request):
    binary = request.config.getoption("--mxref")
    if not binary:
        pytest.skip("needs --mxref")
    x = np.random.default_rng(8).standard_normal((16, 128)).astype(np.float32)
    x[2, 3] = np.nan
    np.save(tmp_path / "x.npy", x)
    cli = json.loads(subprocess.run([binary, "stats", "--in", "x.npy", "--format", "mxfp6_e2m3", "--json"],
                                    capture_output=True, text=True, cwd=tmp_path, check=True).stdout)
    mine = mxref.stats(x, "mxfp6_e2m3")
    assert mine == {k: (float(v) if v in ("inf", "-inf") else v) for k, v in cli.items()}
    formats = ["mxfp8_e4m3", "mxfp4_e2m1", "mxint8"]
    cli = json.loads(subprocess.run([binary, "compare", "--in", "x.npy", "--formats", ",".join(formats), "--json"],
                                    capture_output=True, text=True, cwd=tmp_path, check=True).stdout)
    assert mxref.compare(x, formats) == cli
    # An exact quantization has an infinite SQNR, as a float.
    assert mxref.stats(np.zeros(32, np.float32), "mxfp4_e2m1")["sqnr_db"] == float("inf")


def test_plot_writes_a_png(tmp_path):
    pytest.importorskip("matplotlib")
    import mxref.plot
    x = np.random.default_rng(9).standard_t(3, (32, 64)).astype(np.float32)
    rows = mxref.plot.compare(x, ["mxfp8_e4m3", "mxfp4_e2m1"], str(tmp_path / "f.png"))
    assert [r["format"] for r in rows] == ["mxfp8_e4m3", "mxfp4_e2m1"]  # by SQNR
    assert (tmp_path / "f.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
