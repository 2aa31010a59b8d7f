"""Options and fixtures of the Python module's tests: --mxref BINARY, the CLI the module must agree with.
The module itself is imported from PYTHONPATH (ctest points it at the build tree's python/ folder)."""
import subprocess

import pytest


def pytest_addoption(parser):
    parser.addoption("--mxref", help="the mxref binary the module must agree with")


@pytest.fixture(scope="session")
def cli(request):
    binary = request.config.getoption("--mxref")
    if not binary:
        pytest.skip("needs --mxref")

    def run(*args, stdin=None, cwd=None):
        r = subprocess.run([binary, *map(str, args)], input=stdin, capture_output=True, text=True, cwd=cwd,
                           check=False)
        assert r.returncode == 0, r.stderr
        return r.stdout
    return run
