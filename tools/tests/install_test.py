"""`cmake --install` and what a downstream project does with it: find_package(mxref) and pkg-config both
build examples/consumer against the installed tree, and the program prints the codes worked out by hand in
its source. Run: python3 -m pytest tools/tests/install_test.py --mxref BUILD/tools/mxref [--root REPO_ROOT]
(the build folder is the one holding MXREF)."""
import os
import shutil
import subprocess

import pytest

EXPECTED = "3c 81 28 30 7e"  # examples/consumer/main.cpp: E4M3(1.5); the MXFP8 block's scale and elements


@pytest.fixture(scope="module")
def prefix(mxref, tmp_path_factory):
    build = os.path.dirname(os.path.dirname(mxref))
    where = tmp_path_factory.mktemp("install") / "prefix"
    subprocess.run(["cmake", "--install", build, "--prefix", str(where)], check=True, capture_output=True)
    return where


def test_the_tree_holds_the_libraries_headers_and_packages(prefix):
    for path in ("bin/mxref", "lib/libmxref_ref.a", "lib/libmxref_dpi.so", "include/mxref/ref/format.hpp",
                 "include/mxref/ref/dot/dot.hpp", "include/mxref/conformance/dpi/mxref_dpi.h",
                 "share/mxref/dpi/mxref_dpi.sv", "lib/cmake/mxref/mxrefConfig.cmake",
                 "lib/cmake/mxref/mxrefTargets.cmake", "lib/pkgconfig/mxref.pc"):
        assert (prefix / path).exists(), path
    assert not list((prefix / "include").rglob("*_test.cpp"))
    r = subprocess.run([str(prefix / "bin" / "mxref"), "spec", "e4m3"], capture_output=True, text=True)
    assert r.returncode == 0 and "448" in r.stdout


def test_find_package_builds_the_consumer(root, prefix, tmp_path):
    source = os.path.join(root, "examples", "consumer")
    subprocess.run(["cmake", "-S", source, "-B", str(tmp_path), "-G", "Ninja", f"-DCMAKE_PREFIX_PATH={prefix}"], check=True,
                   capture_output=True)
    subprocess.run(["cmake", "--build", str(tmp_path)], check=True, capture_output=True)
    out = subprocess.run([str(tmp_path / "consumer")], capture_output=True, text=True, check=True).stdout
    assert out.strip() == EXPECTED


def test_pkg_config_builds_the_consumer(root, prefix, tmp_path):
    if not shutil.which("pkg-config"):
        pytest.skip("pkg-config is not installed")
    env = dict(os.environ, PKG_CONFIG_PATH=str(prefix / "lib" / "pkgconfig"))
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "mxref"], capture_output=True, text=True, env=env,
                           check=True).stdout.split()
    compiler = os.environ.get("CXX") or shutil.which("c++") or "g++"
    subprocess.run([compiler, "-std=c++20", os.path.join(root, "examples", "consumer", "main.cpp"), *flags, "-o",
                    str(tmp_path / "consumer")], check=True, capture_output=True)
    out = subprocess.run([str(tmp_path / "consumer")], capture_output=True, text=True, check=True).stdout
    assert out.strip() == EXPECTED
