#!/usr/bin/env bash
# Installs what is missing (Debian packages), builds mxref, then runs the main job or the test suite.
#   tools/setup.sh main   build, then print the property table of every built-in format
#   tools/setup.sh test   check the C/C++/CUDA formatting (tools/format.sh --check), build with warnings as
#                         errors, then run every test; then build everything again with clang, ASan and
#                         UBSan (build-fuzz/, warnings as errors too) and run every test there, each fuzz
#                         target briefly among them (MXREF_FUZZ_SECONDS each, 20 by default)
# Safe to run again: installed packages and an existing build are reused.
set -euo pipefail

mode=${1:-main}
case "$mode" in main | test) ;; *) echo "usage: tools/setup.sh main|test" >&2; exit 2 ;; esac
cd "$(dirname "$0")/.."

packages=(cmake ninja-build g++ pkg-config libboost-dev libmpfr-dev libgmp-dev libgtest-dev
          librapidcheck-dev nlohmann-json3-dev libcli11-dev libbenchmark-dev libhwy-dev iverilog verilator clang
          libclang-rt-14-dev clang-format)
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Formatting first: an unformatted file fails the run before anything is built.
if [ "$mode" = test ] && ! bash tools/format.sh --check; then
  echo "setup: formatting check failed (the files above); fix with: bash tools/format.sh" >&2
  exit 1
fi

# The tests check mxref against real third parties where they are importable: numpy, ml_dtypes, and
# pychop, of which the tests load only the NumPy backend files (so its heavy dependencies are skipped);
# pytest runs the Python cross-checks; cocotb drives the RTL example with mxref as its model; nanobind
# (pinned: the committed type stubs are its stubgen's) builds the Python module (python/) and
# scikit-build-core its wheel.
python=$(command -v python3 || true)
have_python_peers() {
  "$python" -c 'import importlib.util as u, sys; sys.exit(not all(u.find_spec(m) for m in ("numpy", "ml_dtypes", "pychop", "pytest", "jsonschema", "cocotb", "nanobind", "scikit_build_core")))'
}
pip_install() {  # Debian's system Python wants --break-system-packages; a user's Python does not
  "$python" -m pip install --quiet "$@" 2>/dev/null || "$python" -m pip install --quiet --break-system-packages "$@"
}
if [ "$mode" = test ] && [ -n "$python" ] && ! have_python_peers; then
  echo "setup: installing numpy, ml_dtypes, pychop, pytest, jsonschema, cocotb, nanobind and scikit-build-core for $python" >&2
  if ! "$python" -m pip --version >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends python3-pip >/dev/null
  fi
  { pip_install numpy ml_dtypes pytest jsonschema cocotb==1.9.2 nanobind==3.1.0 scikit-build-core==1.1.2 &&
    pip_install --no-deps pychop==0.6.2; } ||
    echo "setup: numpy/ml_dtypes/pychop/pytest/jsonschema/cocotb/nanobind unavailable; their tests will be skipped" >&2
fi

# Warnings are errors in the test run (CI) and only printed in the main one; set each time, since the
# same build folder serves both.
werror=OFF
[ "$mode" = test ] && werror=ON
build=${MXREF_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DMXREF_WERROR="$werror" \
  ${python:+-DPython3_EXECUTABLE="$python"} >/dev/null
cmake --build "$build" --parallel "$(nproc)"

if [ "$mode" = main ]; then
  "$build/tools/mxref" spec --all
else
  ctest --test-dir "$build" --output-on-failure --parallel "$(nproc)"
  # The whole suite again under clang's ASan and UBSan (a report fails the test), with the fuzz targets
  # (fuzz/), each run briefly over its seed corpus. The heaviest sweeps cover a subset of their inputs
  # in this build (ref/tests/sanitizer_scale.hpp); the run above covers them in full. The CUDA sources
  # are left out here: nvcc compiles them without the sanitizers, and their tests need a GPU.
  fuzz_build=${MXREF_FUZZ_BUILD_DIR:-build-fuzz}
  CC=clang CXX=clang++ cmake -S . -B "$fuzz_build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DMXREF_FUZZ=ON \
    -DMXREF_BUILD_BENCH=OFF -DMXREF_CUDA=OFF -DMXREF_WERROR=ON -DMXREF_FUZZ_SECONDS="${MXREF_FUZZ_SECONDS:-20}" \
    -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined" \
    ${python:+-DPython3_EXECUTABLE="$python"} >/dev/null
  cmake --build "$fuzz_build" --parallel "$(nproc)"
  ctest --test-dir "$fuzz_build" --output-on-failure --parallel "$(nproc)"
fi
