"""Options and fixtures shared by the Python tests of mxref (run with pytest; ctest runs each module as one
test, tools/tests/CMakeLists.txt).

Options: --mxref BINARY (required), --root SOURCE_DIR (default: this checkout), --plugin SO (the conformance
plug-in a module puts to test), --adapter PROGRAM (cuda_casts), --mx-path DIR (microxcaling's checkout),
--autoround-path DIR (the folder holding auto-round's `auto_round` package), --mmasim-path DIR (the folder
holding MMA-Sim's `mmasim` package), --blocks N, --fp32-samples N and --count N (sizes; each module has its own default).

A module whose third party is missing skips; when nothing ran but skips, the summary ends with the line
ALL_SKIPPED_LINE, which ctest reads as skipped (SKIP_REGULAR_EXPRESSION), where pytest alone exits 0 (or 5
when a whole module is skipped while it is collected)."""
import collections
import json
import os
import subprocess
import sys

import pytest

SOURCE_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ALL_SKIPPED_LINE = "mxref tests: every test skipped"


def pytest_addoption(parser):
    group = parser.getgroup("mxref")
    group.addoption("--mxref", help="the mxref binary under test")
    group.addoption("--root", default=SOURCE_DIR, help="the source folder (vectors/golden, conformance/)")
    group.addoption("--plugin", help="the conformance plug-in (.so) the module puts to test")
    group.addoption("--adapter", help="cuda_casts: the program running CUDA's own conversions")
    group.addoption("--mx-path", help="microxcaling: the folder that holds its `mx` package")
    group.addoption("--autoround-path", help="auto-round: the folder that holds its `auto_round` package")
    group.addoption("--mmasim-path", help="MMA-Sim: the folder that holds its `mmasim` package")
    group.addoption("--blocks", type=int, help="blocks (or rows) of random values to compare")
    group.addoption("--fp32-samples", type=int, help="random fp32 inputs to compare")
    group.addoption("--count", type=int, help="vectors per class of each generated suite; dots per preset (MMA-Sim)")


def pytest_configure(config):
    # microxcaling is not on PyPI: its checkout is imported from where the option says.
    if config.getoption("--mx-path"):
        sys.path.insert(0, os.path.abspath(config.getoption("--mx-path")))
    # Nor is MMA-Sim.
    if config.getoption("--mmasim-path"):
        sys.path.insert(0, os.path.abspath(config.getoption("--mmasim-path")))


@pytest.fixture(scope="module")
def mxref(request):
    path = request.config.getoption("--mxref")
    if not path:
        raise pytest.UsageError("--mxref BINARY is required")
    return os.path.abspath(path)  # the runs happen in temporary folders


@pytest.fixture(scope="module")
def root(request):
    return os.path.abspath(request.config.getoption("--root"))


@pytest.fixture(scope="module")
def plugin(request):
    path = request.config.getoption("--plugin")
    return os.path.abspath(path) if path else None


@pytest.fixture(scope="module")
def run(mxref, folder):
    """mxref with these arguments in the module's `folder` fixture: the finished process, output as text."""
    def run(*args):
        return subprocess.run([mxref, *args], capture_output=True, text=True, cwd=folder)
    return run


@pytest.fixture(scope="module")
def refuses_nvfp4_suite(run, folder):
    """Whether `mxref conform` refuses a plug-in that does not run NVFP4 (exit 2, "refused suite")."""
    def refuses(plugin):
        suite = {"name": "n", "kind": "block", "from": "f32", "format": "nvfp4", "profile": "nvfp4",
                 "classes": ["zero"], "count": 1}
        with open(folder / "n.json", "w") as f:
            json.dump(suite, f)
        run("gen", "--suite", "n.json", "--out", "n")
        r = run("conform", "--suite", "n", "--plugin", plugin)
        return r.returncode == 2 and "refused suite" in r.stderr
    return refuses


# ---- all skipped: one line that ctest reads ------------------------------------------------------------

_outcomes = collections.Counter()


def pytest_collectreport(report):
    if not report.passed:
        _outcomes[report.outcome] += 1


def pytest_runtest_logreport(report):
    if report.when == "call" or not report.passed:  # a test passes in its call; it may skip or fail in any phase
        _outcomes[report.outcome] += 1


def pytest_terminal_summary(terminalreporter):
    nothing_ran = _outcomes["passed"] == 0 and _outcomes["failed"] == 0
    if nothing_ran and _outcomes["skipped"]:
        terminalreporter.write_line(ALL_SKIPPED_LINE)
