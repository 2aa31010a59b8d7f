#!/usr/bin/env bash
# Installs what is missing (Debian packages), builds mxref, then runs the main job or the test suite.
#   tools/setup.sh main   build, then print the property table of every built-in format
#   tools/setup.sh test   build, then run every test
# Safe to run again: installed packages and an existing build are reused.
set -euo pipefail

mode=${1:-main}
case "$mode" in main | test) ;; *) echo "usage: tools/setup.sh main|test" >&2; exit 2 ;; esac
cd "$(dirname "$0")/.."

packages=(cmake ninja-build g++ pkg-config libboost-dev libmpfr-dev libgmp-dev libgtest-dev
          librapidcheck-dev nlohmann-json3-dev libcli11-dev libbenchmark-dev)
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

build=${MXREF_BUILD_DIR:-build}
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --parallel "$(nproc)"

if [ "$mode" = main ]; then
  "$build/tools/mxref" spec --all
else
  ctest --test-dir "$build" --output-on-failure --parallel "$(nproc)"
fi
