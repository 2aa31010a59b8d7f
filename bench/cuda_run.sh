#!/usr/bin/env bash
# The GPU path's checks and benchmarks in one go, on a machine with an NVIDIA GPU (the record of each
# run is in docs/performance.md):
#   bench/cuda_run.sh BIN_DIR OUT_DIR [sweep_blocks] [max_mib]
# BIN_DIR holds (at any depth) fast_cuda_block_test, fast_cuda_sweep and cuda_block_bench, built with
# nvcc for sm_90 (cmake -B build && cmake --build build --target fast_cuda_block_test fast_cuda_sweep
# cuda_block_bench). Writes OUT_DIR/{test,casts,blocks}.log, mxref.json, peers.json and table.md.
set -uo pipefail
bin_dir=${1:?BIN_DIR}; out=${2:?OUT_DIR}; blocks=${3:-100000000}; max_mib=${4:-4096}
here=$(cd "$(dirname "$0")" && pwd)
find_bin() { find "$bin_dir" -name "$1" -type f -perm -u+x | head -1; }
mkdir -p "$out"
status=0
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem --format=csv | tee "$out/device.txt"
"$(find_bin fast_cuda_block_test)" 2>&1 | tail -40 | tee "$out/test.log" || status=1
"$(find_bin fast_cuda_sweep)" casts 2>&1 | tee "$out/casts.log" || status=1
"$(find_bin cuda_block_bench)" "$max_mib" > "$out/mxref.json" || status=1
python3 "$here/cuda_peers.py" "$max_mib" > "$out/peers.json" || status=1
python3 "$here/cuda_table.py" "$out/mxref.json" "$out/peers.json" | tee "$out/table.md"
if [ "$blocks" != 0 ]; then "$(find_bin fast_cuda_sweep)" blocks "$blocks" 2>&1 | tee "$out/blocks.log" || status=1; fi
exit $status
