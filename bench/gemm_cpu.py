"""`mxref gemm` on the CPU: the reference path against `--fast` (the exact model on machine integers) in one
run, same archives, same thread count; checks that both write the same bytes.

    python3 bench/gemm_cpu.py --mxref build/tools/mxref [--sizes 256,512,1024] [--threads 2] [--json OUT]

Per size S: A and B are S x S standard normal FP32 quantized to MXFP8 E4M3 along K (numpy default_rng(1)),
D = A B^T under `exact`; the wall time of each command is the best of --repeat runs. JSON lines: size,
path, threads, seconds, and the reference-to-fast ratio."""
import argparse
import json
import os
import subprocess
import tempfile
import time

import numpy as np


def timed(command, repeat):
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mxref", required=True)
    parser.add_argument("--sizes", default="256,512,1024")
    parser.add_argument("--threads", default=str(os.cpu_count()))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json")
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    rows = []
    with tempfile.TemporaryDirectory() as where:
        for size in (int(s) for s in args.sizes.split(",")):
            paths = {}
            for name in ("a", "b"):
                np.save(os.path.join(where, f"{name}.npy"), rng.standard_normal((size, size)).astype(np.float32))
                paths[name] = os.path.join(where, f"{name}{size}.npz")
                subprocess.run([args.mxref, "quantize", "--format", "mxfp8_e4m3", "--in",
                                os.path.join(where, f"{name}.npy"), "--out", paths[name]], check=True)
            base = [args.mxref, "gemm", "--format", "mxfp8_e4m3", "--a", paths["a"], "--b", paths["b"],
                    "--threads", args.threads]
            out = {p: os.path.join(where, f"d-{p}.npy") for p in ("reference", "fast")}
            seconds = {"reference": timed(base + ["--out", out["reference"]], 1 if size > 512 else args.repeat),
                       "fast": timed(base + ["--fast", "--out", out["fast"]], args.repeat)}
            with open(out["reference"], "rb") as f, open(out["fast"], "rb") as g:
                same = f.read() == g.read()
            for path in ("reference", "fast"):
                row = {"size": size, "path": path, "threads": int(args.threads), "seconds": round(seconds[path], 3),
                       "reference_over_fast": round(seconds["reference"] / seconds["fast"], 1), "same_bytes": same}
                rows.append(row)
                print(json.dumps(row), flush=True)
    if args.json:
        with open(args.json, "w") as f:
            f.writelines(json.dumps(r) + "\n" for r in rows)


if __name__ == "__main__":
    main()
