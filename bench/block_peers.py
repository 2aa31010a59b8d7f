#!/usr/bin/env python3
"""The peers a user would reach for on a CPU, timed on the same FP32 tensors as bench/block_bench.cpp
(activations-like values), in GB/s of the FP32 tensor: numpy's copy (the ceiling, as Python sees it),
ml_dtypes' and torch's FP32 -> E4M3 casts, and MXFP8 E4M3 block quantization written in numpy and in
torch eager the way torchao's to_mx does it (amax per block of 32, floor(log2) - 8, divide, clamp, cast).
Usage: block_peers.py [--mib 16,256] [--json OUT.json]; torch runs with 1 and with all threads."""
import argparse
import json
import os
import time

import numpy as np


def tensor(mib):
    rng = np.random.default_rng(mib)
    n = mib * (1 << 20) // 4
    bits = (rng.integers(0, 2, n, dtype=np.uint32) << 31) | ((107 + rng.integers(0, 40, n, dtype=np.uint32)) << 23) \
        | rng.integers(0, 1 << 23, n, dtype=np.uint32)
    return bits.view(np.float32)


def best_seconds(fn, min_total=1.0, min_runs=3):
    fn()  # warm-up
    times, start = [], time.perf_counter()
    while len(times) < min_runs or time.perf_counter() - start < min_total:
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", default="16,256")
    parser.add_argument("--json")
    args = parser.parse_args()
    rows = []

    def record(name, mib, threads, seconds):
        gbs = mib * (1 << 20) / seconds / 1e9
        rows.append({"name": name, "mib": mib, "threads": threads, "gb_per_s": gbs})
        print(f"{name:36s} {mib:5d} MiB  {threads:3d} threads  {gbs:8.2f} GB/s", flush=True)

    for mib in [int(m) for m in args.mib.split(",")]:
        x = tensor(mib)
        out = np.empty_like(x)
        record("numpy_copy", mib, 1, best_seconds(lambda: np.copyto(out, x)))
        try:
            import ml_dtypes
            e4m3 = ml_dtypes.float8_e4m3fn
            record("ml_dtypes_cast_e4m3", mib, 1, best_seconds(lambda: x.astype(e4m3)))

            def numpy_mx():
                b = x.reshape(-1, 32)
                amax = np.abs(b).max(axis=1, keepdims=True)
                _, e = np.frexp(amax)  # amax = m x 2^e, m in [0.5, 1): floor(log2 amax) = e - 1
                e = np.clip(e - 1 - 8, -127, 127)
                q = np.clip(np.ldexp(b, -e), -448, 448).astype(e4m3)
                return q, (e + 127).astype(np.uint8)
            record("numpy_ml_dtypes_mx_e4m3", mib, 1, best_seconds(numpy_mx))
        except ImportError:
            print("ml_dtypes not importable: skipped")
        try:
            import torch
            t = torch.from_numpy(x)
            for threads in (1, os.cpu_count()):
                torch.set_num_threads(threads)
                record("torch_copy", mib, threads, best_seconds(lambda: t.clone()))
                record("torch_cast_e4m3", mib, threads, best_seconds(lambda: t.to(torch.float8_e4m3fn)))

                def torch_mx():
                    b = t.view(-1, 32)
                    amax = b.abs().amax(dim=1, keepdim=True)
                    e = (torch.floor(torch.log2(amax)) - 8).clamp(-127, 127)
                    q = (b / torch.exp2(e)).clamp(-448, 448).to(torch.float8_e4m3fn)
                    return q, (e + 127).to(torch.uint8)
                record("torch_eager_mx_e4m3", mib, threads, best_seconds(torch_mx))
        except ImportError:
            print("torch not importable: skipped")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
