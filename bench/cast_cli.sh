#!/usr/bin/env bash
# Times `mxref cast` over 2^24 fp32 inputs (the slow reference path that later fast paths are measured
# against), each rounding model, side by side with ml_dtypes' astype on the same inputs as the peer.
# Usage: bench/cast_cli.sh [path/to/mxref] [log2 count]   (defaults: build/tools/mxref, 24)
set -euo pipefail
mxref=${1:-build/tools/mxref}
log2n=${2:-24}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$work/in.hex" "$log2n" <<'PY'
import sys, numpy as np
n = 1 << int(sys.argv[2])
bits = np.random.default_rng(2026).integers(0, 1 << 32, size=n, dtype=np.uint64).astype(np.uint32)
np.savetxt(sys.argv[1], bits, fmt="%08x")
PY

seconds() { local t0 t1; t0=$(date +%s.%N); "$@" > "$work/out.hex"; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), inputs: 2^$log2n fp32 patterns"
printf '%-40s %10s %14s\n' "command" "seconds" "values/s"
for target in e4m3 e2m1; do
  for model in integer mpfr; do
    s=$(seconds "$mxref" cast --to "$target" --model "$model" --nan max < "$work/in.hex")
    printf '%-40s %10.2f %14.0f\n' "mxref cast --to $target --model $model" "$s" "$(echo "2^$log2n / $s" | bc -l)"
  done
done
python3 - "$work/in.hex" "$log2n" <<'PY'
import sys, time, numpy as np, ml_dtypes
n = 1 << int(sys.argv[2])
t0 = time.perf_counter()
bits = np.loadtxt(sys.argv[1], dtype=np.uint32, converters=lambda s: int(s, 16))
t1 = time.perf_counter()
x = bits.view(np.float32)
np.seterr(all="ignore")
for name, t in (("float8_e4m3fn", ml_dtypes.float8_e4m3fn), ("float4_e2m1fn", ml_dtypes.float4_e2m1fn)):
    t2 = time.perf_counter(); y = x.astype(t); t3 = time.perf_counter()
    print(f"{'ml_dtypes astype ' + name:<40} {t3 - t2:10.2f} {n / (t3 - t2):14.0f}  (array cast only)")
print(f"{'numpy hex parse (for scale)':<40} {t1 - t0:10.2f} {n / (t1 - t0):14.0f}")
PY
