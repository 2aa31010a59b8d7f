"""How far each accumulation model of `mxref dot` lands from the exact dot product, as K grows:

    python3 bench/dot_numerics.py --mxref build/tools/mxref [--trials N] [--json OUT.json] [--plot OUT.png]

For each model and K (32 to 4096), N dots of random operands and N adversarial ones (a cancelling
half, and an accumulator C that dominates the products) are run through `mxref dot --model M` and
`--model exact`; the distance of each FP32 result from the exact one is counted in units in the last
place (the number of FP32 values between them). The JSON lines (one per model, K and input kind: worst,
mean, 50th and 99th percentile, the share of results that are exact) are what docs/dot-numerics.md's
table is made from; the plot (matplotlib) shows the worst and the 99th percentile against K.
Deterministic: numpy default_rng(2026)."""
import argparse
import json
import subprocess
import sys

import numpy as np

KS = [32, 64, 128, 256, 512, 1024, 2048, 4096]
# The models and the block format each is meant for: the FP8 and sequential models on MXFP8 E4M3, the
# Blackwell FP4 models on MXFP4.
MODELS = {"fp32-sequential": "mxfp8_e4m3", "fp32-fma-sequential": "mxfp8_e4m3",
          "sm90-wgmma-fp8": "mxfp8_e4m3", "sm90-wgmma-bf16": "mxfp8_e4m3", "sm100-mxf8f6f4": "mxfp8_e4m3",
          "cdna3-fp8": "mxfp8_e4m3", "sm100-mxf4": "mxfp4_e2m1", "sm100-mxf4nvf4": "mxfp4_e2m1"}
# Element codes that are finite and not NaN: E4M3 without 0x7F/0xFF, every E2M1 code.
FINITE = {"mxfp8_e4m3": np.array([c for c in range(256) if c & 0x7F != 0x7F]), "mxfp4_e2m1": np.arange(16)}
BLOCK = 32


def operands(rng, fmt, k, trials, kind):
    """Rows of hex tokens: A's blocks (scale, 32 codes each), B's, then C (FP32 bits)."""
    blocks = k // BLOCK
    codes = FINITE[fmt]
    a = rng.choice(codes, size=(trials, blocks, BLOCK))
    b = rng.choice(codes, size=(trials, blocks, BLOCK))
    sa = rng.integers(124, 131, size=(trials, blocks))
    sb = rng.integers(124, 131, size=(trials, blocks))
    c = np.zeros(trials, dtype=np.uint32)
    if kind == "cancelling":  # the second half of A repeats the first with the signs flipped
        sign = 0x80 if fmt == "mxfp8_e4m3" else 0x8
        half = blocks // 2 if blocks > 1 else 0
        if half:
            a[:, half:2 * half] = a[:, :half] ^ sign
            b[:, half:2 * half] = b[:, :half]
            sa[:, half:2 * half], sb[:, half:2 * half] = sa[:, :half], sb[:, :half]
    if kind == "c-dominant":  # |C| around 2^20 above a typical product
        c = (rng.integers(0, 2, size=trials, dtype=np.uint32) << 31) | \
            ((rng.integers(150, 160, size=trials, dtype=np.uint32)) << 23) | \
            rng.integers(0, 1 << 23, size=trials, dtype=np.uint32)
    digits = 2 if fmt == "mxfp8_e4m3" else 1
    lines = []
    for t in range(trials):
        tokens = []
        for scales, elems in ((sa[t], a[t]), (sb[t], b[t])):
            for j in range(blocks):
                tokens.append(f"{scales[j]:02x}")
                tokens += [f"{e:0{digits}x}" for e in elems[j]]
        tokens.append(f"{c[t]:08x}")
        lines.append(" ".join(tokens))
    return "\n".join(lines) + "\n"


def dot(mxref, fmt, k, model, text):
    run = subprocess.run([mxref, "dot", "--format", fmt, "--blocks", str(k // BLOCK), "--model", model],
                         input=text, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        sys.exit(f"mxref dot --model {model}: {run.stderr.strip()}")
    return np.array([int(t, 16) for t in run.stdout.split()], dtype=np.int64)


def ordered(bits):
    """FP32 bit patterns on one integer line, -0 and +0 adjacent, so that a difference counts ulps."""
    return np.where(bits & 0x80000000, -(bits & 0x7FFFFFFF), bits)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mxref", required=True)
    parser.add_argument("--trials", type=int, default=400)
    parser.add_argument("--json")
    parser.add_argument("--plot")
    args = parser.parse_args()
    rng = np.random.default_rng(2026)
    rows = []
    for kind in ("random", "cancelling", "c-dominant"):
        for k in KS:
            texts = {fmt: operands(rng, fmt, k, args.trials, kind) for fmt in set(MODELS.values())}
            exact = {fmt: dot(args.mxref, fmt, k, "exact", text) for fmt, text in texts.items()}
            for model, fmt in MODELS.items():
                ulps = np.abs(ordered(dot(args.mxref, fmt, k, model, texts[fmt])) - ordered(exact[fmt]))
                row = {"model": model, "format": fmt, "k": k, "inputs": kind, "trials": args.trials,
                       "worst_ulps": int(ulps.max()), "mean_ulps": float(ulps.mean()),
                       "p50_ulps": float(np.percentile(ulps, 50)), "p99_ulps": float(np.percentile(ulps, 99)),
                       "exact_share": float((ulps == 0).mean())}
                rows.append(row)
                print(json.dumps(row), flush=True)
    if args.json:
        with open(args.json, "w") as f:
            f.writelines(json.dumps(r) + "\n" for r in rows)
    if args.plot:
        plot(rows, args.plot)


def plot(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    kinds = ["random", "cancelling", "c-dominant"]
    fig, axes = plt.subplots(1, len(kinds), figsize=(15, 4.5), sharey=True)
    for ax, kind in zip(axes, kinds):
        for model in MODELS:
            r = [x for x in rows if x["model"] == model and x["inputs"] == kind]
            ax.plot([x["k"] for x in r], [max(x["worst_ulps"], 0.5) for x in r], marker="o", label=model)
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_title(f"{kind} inputs: worst distance from exact")
        ax.set_xlabel("K")
    axes[0].set_ylabel("FP32 ulps (0 drawn at 0.5)")
    axes[-1].legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


if __name__ == "__main__":
    main()
