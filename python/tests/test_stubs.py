"""The committed type stubs (python/mxref/_mxref.pyi) are what nanobind's stubgen makes of the extension as
built, so a change to the bindings without new stubs fails here (nanobind 3.1.0, tools/setup.sh's pin, writes
them; another version's stubgen may format them otherwise, and then only the names are compared)."""
import ast
import os
import subprocess
import sys

import pytest

import mxref

STUB = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "mxref", "_mxref.pyi")


def top_level_names(text):
    return {node.name for node in ast.parse(text).body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}


def test_every_binding_has_a_stub():
    with open(STUB) as f:
        stubbed = top_level_names(f.read())
    public = {name for name in dir(mxref._mxref) if not name.startswith("_")}
    assert stubbed == public


def test_stubs_are_stubgens(tmp_path):
    nanobind = pytest.importorskip("nanobind")
    if nanobind.__version__ != "3.1.0":
        pytest.skip(f"nanobind {nanobind.__version__}: the stubs were written by 3.1.0")
    out = tmp_path / "_mxref.pyi"
    subprocess.run([sys.executable, "-m", "nanobind.stubgen", "-q", "-m", "mxref._mxref", "-o", str(out)], check=True)
    with open(STUB) as f:
        assert out.read_text() == f.read(), "regenerate: python -m nanobind.stubgen -m mxref._mxref -o " + STUB
