#!/usr/bin/env bash
# The conformance runs recorded in docs/conformance.md that need an NVIDIA GPU: CUDA's conversions
# in a kernel (hardware cvt where the GPU has it), and torch / ml_dtypes / torchao through the Python
# adapter on the CPU and the GPU, each with profile inference.
# Usage (on the GPU machine, from the repository root): conformance/device_checks.sh MXREF
set -uo pipefail
mxref=$1
nvcc -O2 -std=c++17 -arch=native -o /tmp/cuda_casts conformance/adapters/cuda_casts.cu || exit 1
adapter="python3 conformance/adapters/python_adapter.py"
conform() {  # suite, label, command
  echo "== $2"
  "$mxref" conform --suite "vectors/golden/$1" --cmd "$3" --infer --max-mismatches 3 | grep -v "^  [a-z-]*: [0-9]* passed, 0 failed$"
}
conform e4m3-cast "CUDA __nv_cvt_float_to_fp8 E4M3 satfinite, GPU kernel" "/tmp/cuda_casts e4m3 satfinite rn --device"
conform e4m3-cast "CUDA __nv_cvt_float_to_fp8 E4M3 nosat, GPU kernel" "/tmp/cuda_casts e4m3 nosat rn --device"
conform e4m3-cast "ml_dtypes float8_e4m3fn" "$adapter cast ml_dtypes float8_e4m3fn"
conform e4m3-cast "torch float8_e4m3fn, CPU" "$adapter cast torch float8_e4m3fn cpu"
conform e4m3-cast "torch float8_e4m3fn, CUDA" "$adapter cast torch float8_e4m3fn cuda"
for mode in FLOOR CEIL EVEN RCEIL; do
  conform mxfp8-e4m3-ocp "torchao to_mx float8_e4m3fn $mode, CUDA" "$adapter torchao-mx float8_e4m3fn $mode cuda"
  conform mxfp4-e2m1-ocp "torchao to_mx fp4 $mode, CUDA" "$adapter torchao-mx fp4 $mode cuda"
done
