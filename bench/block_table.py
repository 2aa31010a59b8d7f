#!/usr/bin/env python3
"""Markdown tables from one run of bench/block_bench (--benchmark_out=FILE.json) and, optionally,
bench/block_peers.py --json on the same machine: GB/s of the FP32 tensor, and each kernel as a
fraction of the copy of the same size and thread count measured in that run.
Usage: block_table.py BENCH.json [PEERS.json]. With repetitions, each case is its median."""
import json
import sys


def main():
    runs = json.load(open(sys.argv[1]))
    context = runs["context"]
    rate = {}  # (kind, element, mib, threads) -> GB/s
    for b in runs["benchmarks"]:
        # With --benchmark_repetitions the median of the repetitions stands for the case.
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") != "median":
            continue
        parts = b.get("run_name", b["name"]).split("/")  # quantize/e4m3/16/1/real_time, copy/16/1/real_time
        if parts[1].isdigit():  # copy/16/1, and scalar_loop/16/1 and reference/1/1, which are E4M3
            key = (parts[0], "" if parts[0] == "copy" else "e4m3", int(parts[1]), int(parts[2]))
        else:
            key = (parts[0], parts[1], int(parts[2]), int(parts[3]))
        rate[key] = b["bytes_per_second"] / 1e9
    print(f"Machine: {context.get('host_name', '?')}, {context.get('num_cpus')} CPUs at "
          f"{context.get('mhz_per_cpu')} MHz; {context.get('date')}\n")
    elements = ["e4m3", "e2m3", "e2m1"]
    head = ["MiB", "threads", "copy GB/s"] + [f"quantize {e}" for e in elements] + [f"dequantize {e}" for e in elements]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    for threads in sorted({k[3] for k in rate}, key=lambda t: (t == 0, t)):
        for mib in sorted({k[2] for k in rate if k[0] == "copy"}):
            copy = rate.get(("copy", "", mib, threads))
            if copy is None:
                continue
            cells = [str(mib), "all" if threads == 0 else str(threads), f"{copy:.1f}"]
            for kind in ("quantize", "dequantize"):
                for e in elements:
                    r = rate.get((kind, e, mib, threads))
                    cells.append("" if r is None else f"{r:.1f} ({100 * r / copy:.0f}%)")
            print("| " + " | ".join(cells) + " |")
    print()
    for mib in sorted({k[2] for k in rate if k[0] == "scalar_loop"}):
        fast, scalar = rate[("quantize", "e4m3", mib, 1)], rate[("scalar_loop", "e4m3", mib, 1)]
        print(f"- {mib} MiB, one thread: fast quantize e4m3 {fast:.2f} GB/s = {fast / scalar:.1f}x the scalar loop ({scalar:.3f} GB/s)")
    if ("reference", "e4m3", 1, 1) in rate:
        fast, ref = rate[("quantize", "e4m3", 1, 1)], rate[("reference", "e4m3", 1, 1)]
        print(f"- 1 MiB, one thread: fast quantize e4m3 = {fast / ref:.0f}x the reference ({ref * 1000:.2f} MB/s)")
    if len(sys.argv) > 2:
        print("\n| peer (same machine, same run) | MiB | threads | GB/s | fast quantize e4m3, same size and threads |")
        print("|---|---|---|---|---|")
        for p in json.load(open(sys.argv[2])):
            threads = 1 if p["threads"] == 1 else 0
            fast = rate.get(("quantize", "e4m3", p["mib"], threads))
            ratio = "" if fast is None else f"{fast:.1f} GB/s = {fast / p['gb_per_s']:.1f}x"
            print(f"| {p['name']} | {p['mib']} | {p['threads']} | {p['gb_per_s']:.2f} | {ratio} |")


if __name__ == "__main__":
    main()
