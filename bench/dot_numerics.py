"""How far each accumulation model of `mxref dot` lands from the exact dot product, as K grows:

    python3 bench/dot_numerics.py --mxref build/tools/mxref [--trials N] [--json OUT.json] [--plot OUT.png]
    python3 bench/dot_numerics.py --from OUT.json [--plot OUT.png] [--table]   # plot or tabulate stored rows
    python3 bench/dot_numerics.py --mxref MXREF --probe MMA_PROBE --json OUT.json   # the tensor cores (GPU)

For each model and K (32 to 4096), N dots of random operands and N adversarial ones (a cancelling
half, and an accumulator C that dominates the products) are run through `mxref dot --model M` and
`--model exact`; the distance of each FP32 result from the exact one is counted in units in the last
place (the number of FP32 values between them), and in ulps of sum |a_i b_i| + |C| (FP32's ulp at the
magnitude the summands reach: the measure for cancelling inputs, whose exact result is 0). The JSON
lines (one per model, K and input kind: worst, mean, 50th and 99th percentile, the share of results
that are exact) are what docs/dot-numerics.md's tables are made from; the plot (matplotlib) shows the
worst distance against K.
With --probe (conformance/hardware/mma_probe, on an sm_90a GPU) the same measure is taken of the tensor
cores themselves: mma.sync and wgmma on plain E4M3 operands (unit scales), and their BF16 forms on the same
values converted to BF16 (exact), chained through K / k instructions; every output is also compared with
the instruction's preset, bit for bit. A tile's M x 8 outputs share A's rows and B's columns.
Deterministic: numpy default_rng(2026), formats drawn in sorted order."""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "conformance", "hardware"))
import mma_check  # noqa: E402  (the probe's input format and `mxref dot` lines, shared)

KS = [32, 64, 128, 256, 512, 1024, 2048, 4096]
# The models and the block format each is meant for: the FP8 and sequential models on MXFP8 E4M3, the
# Blackwell FP4 models on MXFP4.
MODELS = {"fp32-sequential": "mxfp8_e4m3", "fp32-fma-sequential": "mxfp8_e4m3",
          "sm90-wgmma-fp8": "mxfp8_e4m3", "sm90-mma-fp8": "mxfp8_e4m3", "sm90-wgmma-bf16": "mxfp8_e4m3", "sm100-mxf8f6f4": "mxfp8_e4m3",
          "cdna3-fp8": "mxfp8_e4m3", "sm100-mxf4": "mxfp4_e2m1", "sm100-mxf4nvf4": "mxfp4_e2m1"}
# Element codes that are finite and not NaN: E4M3 without 0x7F/0xFF, every E2M1 code.
FINITE = {"mxfp8_e4m3": np.array([c for c in range(256) if c & 0x7F != 0x7F]), "mxfp4_e2m1": np.arange(16)}
BLOCK = 32
# The tensor-core instructions measured with --probe: name, mma_probe kind, the preset they equal.
INSTRUCTIONS = {"H200 mma.sync m16n8k32 E4M3": ("e4m3.e4m3", "sm90-mma-fp8"),
                "H200 wgmma m64n8k32 E4M3": ("wgmma.e4m3.e4m3", "sm90-wgmma-fp8"),
                "H200 mma.sync m16n8k16 BF16": ("bf16", "sm90-wgmma-bf16"),
                "H200 wgmma m64n8k16 BF16": ("wgmma.bf16", "sm90-wgmma-bf16")}


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


def unsigned(fmt, text):
    """The same rows with every sign bit cleared: elements, and C."""
    sign = 0x80 if fmt == "mxfp8_e4m3" else 0x8
    rows = []
    for line in text.splitlines():
        tokens = line.split()
        per_block = BLOCK + 1
        cleared = [t if i % per_block == 0 else f"{int(t, 16) & ~sign:0{len(t)}x}" for i, t in enumerate(tokens[:-1])]
        rows.append(" ".join(cleared + [f"{int(tokens[-1], 16) & 0x7FFFFFFF:08x}"]))
    return "\n".join(rows) + "\n"


def as_float(bits):
    return bits.astype(np.uint32).view(np.float32).astype(np.float64)


def sum_abs_ulp(bits):
    """FP32's ulp at each value (at least the smallest subnormal's, 2^-149)."""
    v = as_float(bits)
    return np.ldexp(1.0, np.maximum(np.floor(np.log2(np.maximum(v, 2.0 ** -149))).astype(int) - 23, -149))


def ordered(bits):
    """FP32 bit patterns on one integer line, -0 and +0 adjacent, so that a difference counts ulps."""
    return np.where(bits & 0x80000000, -(bits & 0x7FFFFFFF), bits)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mxref")
    parser.add_argument("--from", dest="stored", help="rows written by an earlier --json, instead of running mxref")
    parser.add_argument("--table", action="store_true", help="print docs/dot-numerics.md's tables (Markdown)")
    parser.add_argument("--trials", type=int, default=400)
    parser.add_argument("--json")
    parser.add_argument("--plot")
    parser.add_argument("--probe", help="mma_probe: measure the GPU's tensor cores instead of the models")
    args = parser.parse_args()
    if args.stored:
        with open(args.stored) as f:
            rows = [json.loads(line) for line in f if line.strip()]
    elif args.mxref and args.probe:
        rows = measure_hardware(args.mxref, args.probe, args.trials)
    elif args.mxref:
        rows = measure(args.mxref, args.trials)
    else:
        parser.error("give --mxref (to measure) or --from (stored rows)")
    if args.json and not args.stored:
        write_atomically(args.json, "".join(json.dumps(r) + "\n" for r in rows))
    if args.plot:
        plot(rows, args.plot)
    if args.table:
        measured = [r for r in rows if r["model"] in INSTRUCTIONS]
        print(hardware_table(measured) if measured else table(rows), end="")


def write_atomically(path, text):
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=directory, delete=False) as f:
        f.write(text)
    os.replace(f.name, path)


def measure(mxref, trials):
    rng = np.random.default_rng(2026)
    rows = []
    for kind in ("random", "cancelling", "c-dominant"):
        for k in KS:
            texts = {fmt: operands(rng, fmt, k, trials, kind) for fmt in sorted(set(MODELS.values()))}
            exact = {fmt: dot(mxref, fmt, k, "exact", text) for fmt, text in texts.items()}
            # ulp(sum |a_i b_i| + |C|): the exact dot of the operands with every sign bit cleared.
            scale = {fmt: sum_abs_ulp(dot(mxref, fmt, k, "exact", unsigned(fmt, text))) for fmt, text in texts.items()}
            for model, fmt in MODELS.items():
                got = dot(mxref, fmt, k, model, texts[fmt])
                ulps, relative = distances(got, exact[fmt], scale[fmt])
                row = {"model": model, "format": fmt, "k": k, "inputs": kind, "trials": trials,
                       **summary(ulps, relative)}
                rows.append(row)
                print(json.dumps(row), file=sys.stderr, flush=True)
    return rows


def distances(got, exact, scale):
    """Per output: FP32 ulps from exact, and the distance in ulps of sum |a_i b_i| + |C|."""
    return np.abs(ordered(got) - ordered(exact)), np.abs(as_float(got) - as_float(exact)) / scale


def summary(ulps, relative):
    return {"worst_ulps": int(ulps.max()), "mean_ulps": float(ulps.mean()),
            "p50_ulps": float(np.percentile(ulps, 50)), "p99_ulps": float(np.percentile(ulps, 99)),
            "exact_share": float((ulps == 0).mean()), "worst_sum_abs_ulps": float(relative.max()),
            "p99_sum_abs_ulps": float(np.percentile(relative, 99))}


def hardware_operands(rng, k, tiles, m, kind):
    """E4M3 codes for A (tiles x m x K) and B (tiles x 8 x K) and FP32 bits for C, as `operands` draws them."""
    codes = FINITE["mxfp8_e4m3"]
    a = rng.choice(codes, size=(tiles, m, k)).astype(np.uint32)
    b = rng.choice(codes, size=(tiles, 8, k)).astype(np.uint32)
    c = np.zeros((tiles, m, 8), dtype=np.uint32)
    if kind == "cancelling" and k > BLOCK:
        half = k // 2
        a[:, :, half:] = a[:, :, :half] ^ 0x80
        b[:, :, half:] = b[:, :, :half]
    if kind == "c-dominant":
        shape = c.shape
        c = ((rng.integers(0, 2, size=shape, dtype=np.uint32) << 31) |
             (rng.integers(150, 160, size=shape, dtype=np.uint32) << 23) |
             rng.integers(0, 1 << 23, size=shape, dtype=np.uint32)).astype(np.uint32)
    return a, b, c


def e4m3_to_bf16(codes):
    """E4M3 codes as BF16 codes of the same value (every finite E4M3 value is a BF16)."""
    magnitude = codes & 0x7F
    field, mantissa = magnitude >> 3, magnitude & 7
    value = np.where(field == 0, mantissa / 8 * 2.0 ** -6, (1 + mantissa / 8) * np.exp2(field.astype(float) - 7))
    value = np.where(codes & 0x80, -value, value).astype(np.float32)
    return (value.view(np.uint32) >> 16).astype(np.uint32)


def measure_hardware(mxref, probe, trials):
    rng = np.random.default_rng(2026)
    e4m3, bf16 = mma_check.Codes("e4m3"), mma_check.Codes("bf16")
    rows = []
    for kind in ("random", "cancelling", "c-dominant"):
        for k in KS:
            for name, (instruction, preset) in INSTRUCTIONS.items():
                m = mma_check.rows_of(instruction)
                a, b, c = hardware_operands(rng, k, -(-trials // (m * 8)), m, kind)
                exact_text = mma_check.lines(a, b, c, e4m3, e4m3, BLOCK)
                exact = mma_check.mxref_dot(mxref, "mxfp8_e4m3", "mxfp8_e4m3", k // BLOCK, "exact", exact_text, 1)
                unsigned_text = mma_check.lines(a & 0x7F, b & 0x7F, c & 0x7FFFFFFF, e4m3, e4m3, BLOCK)
                scale = sum_abs_ulp(mma_check.mxref_dot(mxref, "mxfp8_e4m3", "mxfp8_e4m3", k // BLOCK, "exact",
                                                        unsigned_text, 1).astype(np.int64))
                if instruction.endswith("bf16"):
                    a, b = e4m3_to_bf16(a), e4m3_to_bf16(b)
                    fmt, codes, block = "bf16/e8m0/16", bf16, 16
                else:
                    fmt, codes, block = "mxfp8_e4m3", e4m3, BLOCK
                got = mma_check.probe(probe, instruction, k, a, b, c, codes).reshape(-1).astype(np.int64)
                ours = mma_check.mxref_dot(mxref, fmt, fmt, k // block, preset, mma_check.lines(a, b, c, codes, codes, block),
                                           os.cpu_count() or 1).astype(np.int64)
                ulps, relative = distances(got, exact.astype(np.int64), scale)
                row = {"model": name, "format": "e4m3 (unit scales)", "k": k, "inputs": kind, "trials": int(got.size),
                       "preset": preset, "preset_mismatches": int((ours != got).sum()), **summary(ulps, relative)}
                rows.append(row)
                print(json.dumps(row), file=sys.stderr, flush=True)
    return rows


def tables(rows, names, title, columns, lead, tail=None):
    """One Markdown table per input kind: a row per name in `names` with the rows measured for it, its first
    cells lead(name, a row), then worst / 99th percentile ulps per K, then tail = (header, cells(name, rows))."""
    ks = sorted({r["k"] for r in rows})
    out = []
    for kind in ("random", "cancelling", "c-dominant"):
        relative = kind == "cancelling"  # the exact result is 0: count in ulps of sum |a_i b_i| + |C| instead
        unit = "ulps of Σ|aᵢbᵢ| + |C|" if relative else "FP32 ulps of the result"
        out.append(f"**{kind} inputs{title}** — worst / 99th percentile distance from `exact`, {unit}\n\n")
        headers = [*columns, *(f"K = {k}" for k in ks), *([tail[0]] if tail else [])]
        out.append("| " + " | ".join(headers) + " |\n")
        out.append("|" + " --- |" * len(headers) + "\n")
        for name in names:
            cells = {r["k"]: r for r in rows if r["model"] == name and r["inputs"] == kind}
            if not cells:
                continue
            row = [*lead(name, next(iter(cells.values()))), *(cell(cells[k], relative) if k in cells else "" for k in ks)]
            if tail:
                row.append(tail[1](name, cells.values()))
            out.append("| " + " | ".join(row) + " |\n")
        out.append("\n")
    return "".join(out)


def table(rows):
    """The models' rows: a row per model, worst / 99th percentile ulps per K."""
    return tables(rows, MODELS, "", ["model", "format"], lambda name, first: [f"`{name}`", first["format"]])


def hardware_table(rows):
    """The tensor cores' rows, and how many outputs differ from each instruction's preset."""
    return tables(rows, INSTRUCTIONS, ", measured", ["instruction", "outputs per K"],
                  lambda name, first: [name, str(first["trials"])],
                  ("outputs unlike the preset", lambda name, cells: f"{sum(r['preset_mismatches'] for r in cells)} "
                                                                    f"(`{next(iter(cells))['preset']}`)"))


def cell(row, relative):
    if relative:
        return f"{row['worst_sum_abs_ulps']:.3g} / {row['p99_sum_abs_ulps']:.3g}"
    return f"{row['worst_ulps']} / {row['p99_ulps']:.0f}"


def plot(rows, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    kinds = ["random", "cancelling", "c-dominant"]
    fig, axes = plt.subplots(1, len(kinds), figsize=(15, 4.5), sharey=True)
    for ax, kind in zip(axes, kinds):
        for model in MODELS:
            r = [x for x in rows if x["model"] == model and x["inputs"] == kind]
            key = "worst_sum_abs_ulps" if kind == "cancelling" else "worst_ulps"
            ax.plot([x["k"] for x in r], [max(x[key], 0.5) for x in r], marker="o", label=model)
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_title(f"{kind} inputs: worst distance from exact")
        ax.set_xlabel("K")
    axes[0].set_ylabel("FP32 ulps (0 drawn at 0.5); cancelling: ulps of sum |a b| + |C|")
    axes[-1].legend(fontsize=7)
    fig.tight_layout()
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    fig.savefig(path + ".tmp.png", dpi=110)
    os.replace(path + ".tmp.png", path)


if __name__ == "__main__":
    main()
