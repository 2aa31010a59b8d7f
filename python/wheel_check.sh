#!/usr/bin/env bash
# `pip wheel .` from a copy of the tracked tree, the wheel installed into a fresh virtual environment, and the
# module's tests run against that installation (no build tree on the path): what `pip install .` gives a user.
#   bash python/wheel_check.sh PYTHON MXREF    (ctest python_wheel, with -DMXREF_WHEEL_TEST=ON: minutes)
# PYTHON needs scikit-build-core and nanobind (tools/setup.sh test installs them); the build runs without
# isolation so that it needs no network.
set -euo pipefail
python=$1
mxref_cli=$2
source_dir="$(cd "$(dirname "$0")/.." && pwd)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/src"
git -C "$source_dir" ls-files -z | (cd "$source_dir" && xargs -0 tar -cf -) | tar -xf - -C "$work/src"
"$python" -m pip wheel "$work/src" -w "$work/wheels" --no-deps --no-build-isolation -q
"$python" -m venv --system-site-packages "$work/venv"
"$work/venv/bin/python" -m pip install -q --no-deps "$work"/wheels/mxref-*.whl
cd "$work"
"$work/venv/bin/python" - <<'PY'
import numpy as np
import mxref
assert mxref.__file__.startswith(__import__("sys").prefix), mxref.__file__  # the installed copy
q = mxref.quantize(np.array([1.0] + [0.0] * 31, np.float32), "mxfp8_e4m3")
assert q.scales.tolist() == [0x77] and q.elements.tolist() == [0x78] + [0] * 31
PY
"$work/venv/bin/python" -m pytest -q -p no:cacheprovider "$work/src/python/tests" --mxref="$mxref_cli"
