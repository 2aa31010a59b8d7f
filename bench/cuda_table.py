"""Markdown tables from cuda_block_bench and cuda_peers JSON lines (one run, one GPU):

    python3 bench/cuda_table.py mxref.json peers.json

Per size: GB/s of bytes moved and the share of a device copy of the same input; then, at each size, the
mxref kernel against the compiled torch version of the same quantization.
"""
import json
import sys


def load(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.startswith("{")]


def main():
    rows = [r for path in sys.argv[1:] for r in load(path)]
    sizes = sorted({r["input_mib"] for r in rows})
    key = lambda r: (r["op"], r["element"], r["rule"], r["data"], r["axis"])
    table = {}
    for r in rows:
        if r["op"] == "copy" and r["rule"] == "torch":
            key_ = ("copy (torch)", "-", "-", "-", "-")
        else:
            key_ = key(r)
        table.setdefault(key_, {})[r["input_mib"]] = r
    size_names = [f"{m} MiB" if m < 1024 else f"{m // 1024} GiB" for m in sizes]
    print("| what | element | rule | in | blocks along | " + " | ".join(size_names) + " |")
    print("| --- | --- | --- | --- | --- |" + " ---: |" * len(sizes))
    for k in table:
        cells = []
        for m in sizes:
            r = table[k].get(m)
            cells.append(f"{r['gbs']:.0f} ({100 * r['of_copy']:.0f}%)" if r else "")
        print(f"| {' | '.join(k)} | " + " | ".join(cells) + " |")
    print()
    print("| at each size | in | mxref quantize | torch compiled to_mx | ratio |")
    print("| --- | --- | ---: | ---: | ---: |")
    for element in ("e4m3", "e2m1"):
        for data in ("fp32", "bf16"):
            for m in sizes:
                ours = table.get(("quantize", element, "ocp", data, "last"), {}).get(m)
                theirs = table.get(("torch_compiled_to_mx", element, "torchao-floor", data, "last"), {}).get(m)
                if ours and theirs:
                    print(f"| {element} {m} MiB | {data} | {ours['gbs']:.0f} | {theirs['gbs']:.0f} | "
                          f"{ours['gbs'] / theirs['gbs']:.2f}x |")


if __name__ == "__main__":
    main()
