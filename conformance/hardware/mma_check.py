"""Tensor-core outputs against mxref's accumulation models, bit for bit.

    python3 conformance/hardware/mma_check.py --mxref MXREF --probe MMA_PROBE [--tiles N] [--json OUT]

For each operand kind (FP8 E4M3/E5M2 and their mixes through mma.sync m16n8k32; BF16 and FP16 through
m16n8k16, all with FP32 accumulation; "wgmma.X" for the same operands through wgmma m64n8k32 / m64n8k16)
and each K (one instruction, and --chain of them chained through the accumulator), tiles of A (M x K, M = 16
for mma.sync and 64 for wgmma), B (8 x K) and C (M x 8) are drawn per input class (random, cancel,
alignment, subnormal, c-dominant, specials, zero-sign, sparse), run through `mma_probe` on the GPU, and every one
of the M x 8 dot products of a tile is recomputed with `mxref dot --model M` for each model (plain FP8 and
16-bit operands are block formats with unit scales). Prints, per kind, K, class and model, how many
results differ; --json writes the same as JSON lines. Deterministic: numpy default_rng(--seed)."""
import argparse
import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

CLASSES = ["random", "cancel", "alignment", "subnormal", "c-dominant", "specials", "zero-sign", "sparse"]


class Codes:
    """A format's codes: width, sign bit, finite / subnormal codes, a NaN and an Inf (if any)."""

    def __init__(self, name):
        self.name = name
        if name in ("e4m3", "e5m2"):
            self.bytes, self.sign = 1, 0x80
            every = np.arange(256, dtype=np.uint32)
            if name == "e4m3":
                finite = every[(every & 0x7F) != 0x7F]
                self.subnormal = every[((every & 0x78) == 0) & ((every & 7) != 0)]
                self.nan, self.inf = 0x7F, None
                self.big = 0x7E
            else:
                finite = every[(every & 0x7C) != 0x7C]
                self.subnormal = every[((every & 0x7C) == 0) & ((every & 3) != 0)]
                self.nan, self.inf = 0x7E, 0x7C
                self.big = 0x7B
            self.finite = finite
        else:
            self.bytes, self.sign = 2, 0x8000
            exponent_bits = 8 if name == "bf16" else 5
            mantissa_bits = 15 - exponent_bits
            bias = (1 << (exponent_bits - 1)) - 1
            every = np.arange(1 << 16, dtype=np.uint32)
            field = (every >> mantissa_bits) & ((1 << exponent_bits) - 1)
            # bf16: binades within 2^±16 of 1 (products and sums stay in FP32's range); f16: all of them.
            moderate = (field >= bias - 16) & (field <= bias + 16) if name == "bf16" else field < (1 << exponent_bits) - 1
            self.finite = every[moderate]
            self.subnormal = every[(field == 0) & ((every & ((1 << mantissa_bits) - 1)) != 0)]
            top = (1 << exponent_bits) - 1
            self.inf = top << mantissa_bits
            self.nan = self.inf | (1 << (mantissa_bits - 1))
            self.big = ((top - 1) << mantissa_bits) | ((1 << mantissa_bits) - 1) if name == "f16" else \
                ((bias + 16) << mantissa_bits)

    @property
    def digits(self):
        return 2 * self.bytes


MMA_KINDS = {"e4m3.e4m3": ("e4m3", "e4m3", 32), "e4m3.e5m2": ("e4m3", "e5m2", 32), "e5m2.e4m3": ("e5m2", "e4m3", 32),
             "e5m2.e5m2": ("e5m2", "e5m2", 32), "bf16": ("bf16", "bf16", 16), "f16": ("f16", "f16", 16)}
# "wgmma.X": the same operands through wgmma (64-row tiles).
KINDS = {**MMA_KINDS, **{f"wgmma.{k}": v for k, v in MMA_KINDS.items()}}
MODELS = {32: ["exact", "sm90-mma-fp8", "sm90-wgmma-fp8", "sm100-mxf8f6f4", "fp32-sequential"],
          16: ["exact", "sm90-wgmma-bf16", "sm90-wgmma-fp16", "fp32-sequential"]}


def rows_of(kind):
    return 64 if kind.startswith("wgmma.") else 16


def random_c(rng, shape, zero_share=0.5):
    v = (rng.standard_normal(shape) * np.exp2(rng.integers(-8, 8, size=shape))).astype(np.float32)
    v[rng.random(shape) < zero_share] = 0
    return v.view(np.uint32)


def draw(rng, cls, ca, cb, tiles, k, m):
    a = rng.choice(ca.finite, size=(tiles, m, k)).astype(np.uint32)
    b = rng.choice(cb.finite, size=(tiles, 8, k)).astype(np.uint32)
    c = random_c(rng, (tiles, m, 8))
    if cls == "cancel":  # the second half of each row repeats the first with A's signs flipped
        h = k // 2
        a[:, :, h:] = a[:, :, :h] ^ ca.sign
        b[:, :, h:] = b[:, :, :h]
        c = np.where(rng.random((tiles, m, 8)) < 0.5, np.uint32(0), np.uint32(0x80000000)).astype(np.uint32)
    elif cls == "alignment":  # one large product, the rest tiny: shifts beyond any fraction width
        a = rng.choice(ca.subnormal, size=a.shape).astype(np.uint32) ^ (rng.integers(0, 2, a.shape).astype(np.uint32) * ca.sign)
        p = rng.integers(0, k, size=tiles)
        a[np.arange(tiles), :, p] = ca.big
        b[np.arange(tiles), :, p] = cb.big
        c = random_c(rng, (tiles, m, 8), 0.8)
    elif cls == "subnormal":
        a = rng.choice(ca.subnormal, size=a.shape).astype(np.uint32) ^ (rng.integers(0, 2, a.shape).astype(np.uint32) * ca.sign)
        b = rng.choice(cb.subnormal, size=b.shape).astype(np.uint32) ^ (rng.integers(0, 2, b.shape).astype(np.uint32) * cb.sign)
        c = random_c(rng, (tiles, m, 8), 0.9)
    elif cls == "c-dominant":
        c = ((rng.standard_normal((tiles, m, 8)) + 2) * np.exp2(rng.integers(20, 30, size=(tiles, m, 8)))).astype(np.float32).view(np.uint32)
    elif cls == "specials":  # NaN and Inf elements here and there, Inf and NaN accumulators
        for codes, operand in ((ca, a), (cb, b)):
            hit = rng.random(operand.shape) < 0.02
            special = [codes.nan] + ([codes.inf, codes.inf | codes.sign] if codes.inf is not None else [])
            operand[hit] = rng.choice(np.array(special, dtype=np.uint32), size=int(hit.sum()))
        pick = rng.random((tiles, m, 8))
        c = np.where(pick < 0.05, np.uint32(0x7F800000), np.where(pick < 0.1, np.uint32(0xFF800000), c)).astype(np.uint32)
    elif cls == "sparse":  # a few nonzero products per dot: the alignment and rounding of each show
        a[rng.random(a.shape) < 0.85] = 0
        b[rng.random(b.shape) < 0.5] = 0
    elif cls == "zero-sign":
        a = (rng.integers(0, 2, a.shape).astype(np.uint32) * ca.sign)
        b = (rng.integers(0, 2, b.shape).astype(np.uint32) * cb.sign)
        c = np.where(rng.random((tiles, m, 8)) < 0.5, np.uint32(0), np.uint32(0x80000000)).astype(np.uint32)
    return a, b, c


def probe(path, kind, k, a, b, c, ca):
    tiles = a.shape[0]
    dtype = np.uint8 if ca.bytes == 1 else np.dtype("<u2")
    parts = np.concatenate([a.astype(dtype).reshape(tiles, -1).view(np.uint8), b.astype(dtype).reshape(tiles, -1).view(np.uint8),
                            c.astype("<u4").reshape(tiles, -1).view(np.uint8)], axis=1)
    with tempfile.TemporaryDirectory() as where:
        src, dst = os.path.join(where, "in.bin"), os.path.join(where, "out.bin")
        parts.tofile(src)
        subprocess.run([path, kind, str(k), str(tiles), src, dst], check=True)
        return np.fromfile(dst, dtype="<u4").reshape(tiles, a.shape[1], 8)


def hex_digits(m, digits):
    """Codes as lowercase hex characters: (..., n) -> (..., n, digits) bytes."""
    shifts = 4 * np.arange(digits - 1, -1, -1)
    return np.frombuffer(b"0123456789abcdef", dtype=np.uint8)[(m.astype(np.int64)[..., None] >> shifts) & 15]


def lines(a, b, c, ca, cb, block):
    """`mxref dot` input, one line per (tile, row, column) as a row of bytes (all of one width): unit scales
    (7f) on every block, then C."""
    def operand(m, codes):  # (tiles, rows, K) -> (tiles, rows, width): "7f xx xx ... " per block
        t, r, k = m.shape
        spaced = np.concatenate([hex_digits(m, codes.digits), np.full((t, r, k, 1), ord(" "), np.uint8)], axis=-1)
        spaced = spaced.reshape(t, r, k // block, -1)
        scale = np.broadcast_to(np.frombuffer(b"7f ", np.uint8), (t, r, k // block, 3))
        return np.concatenate([scale, spaced], axis=-1).reshape(t, r, -1)
    ra, rb = operand(a, ca), operand(b, cb)
    tiles, m = ra.shape[:2]
    parts = [np.broadcast_to(ra[:, :, None, :], (tiles, m, 8, ra.shape[-1])),
             np.broadcast_to(rb[:, None, :, :], (tiles, m, 8, rb.shape[-1])), hex_digits(c, 8),
             np.full((tiles, m, 8, 1), ord("\n"), np.uint8)]
    return np.concatenate(parts, axis=-1).reshape(tiles * m * 8, -1)


def mxref_dot(mxref, fa, fb, blocks, model, text, jobs):
    """Every line's result under `model`, the lines split into `jobs` runs of mxref side by side."""
    bounds = np.linspace(0, text.shape[0], jobs + 1).astype(int)

    def run(first, last):
        r = subprocess.run([mxref, "dot", "--format", fa, "--format-b", fb, "--blocks", str(blocks), "--model", model],
                           input=text[first:last].tobytes(), capture_output=True)
        if r.returncode != 0:
            sys.exit(f"mxref dot --model {model}: {r.stderr.decode().strip()}")
        return np.array([int(x, 16) for x in r.stdout.split()], dtype=np.uint64)
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        return np.concatenate(list(pool.map(run, bounds[:-1], bounds[1:])))


def block_format(name):
    return {"e4m3": "mxfp8_e4m3", "e5m2": "mxfp8_e5m2", "bf16": "bf16/e8m0/16", "f16": "f16/e8m0/16"}[name]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mxref", required=True)
    parser.add_argument("--probe", required=True)
    parser.add_argument("--tiles", type=int, default=64, help="tiles (M x 8 dots each) per kind, K and class")
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--chain", type=int, default=4, help="instructions chained for the longer K")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--json")
    parser.add_argument("--examples", type=int, default=2, help="mismatches shown per model")
    parser.add_argument("--models", help="models to compare (default: those of the instruction's k)")
    parser.add_argument("--raw", help="also save every tile's A, B, C and the hardware's D here (.npz)")
    parser.add_argument("--classes", default=",".join(CLASSES))
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    rows = []
    raw = {}
    for kind in args.kinds.split(","):
        na, nb, step = KINDS[kind]
        ca, cb = Codes(na), Codes(nb)
        block = 32 if step == 32 else 16
        for k in (step, step * args.chain):
            for cls in args.classes.split(","):
                a, b, c = draw(rng, cls, ca, cb, args.tiles, k, rows_of(kind))
                d = probe(args.probe, kind, k, a, b, c, ca)
                if args.raw:
                    for name, m in (("a", a), ("b", b), ("c", c), ("d", d)):
                        raw[f"{kind}/{k}/{cls}/{name}"] = m.astype(np.uint16 if name in "ab" else np.uint32)
                hardware = d.reshape(-1).astype(np.uint64)
                text = lines(a, b, c, ca, cb, block)
                for model in (args.models.split(",") if args.models else MODELS[step]):
                    ours = mxref_dot(args.mxref, block_format(na), block_format(nb), k // block, model, text, args.jobs)
                    wrong = np.nonzero(ours != hardware)[0]
                    row = {"kind": kind, "k": k, "class": cls, "model": model, "dots": int(hardware.size),
                           "mismatches": int(wrong.size),
                           "examples": [{"line": text[i].tobytes().decode().strip(), "hardware": f"{int(hardware[i]):08x}",
                                         "mxref": f"{int(ours[i]):08x}"} for i in wrong[:args.examples]]}
                    rows.append(row)
                    print(f"{kind:10} K={k:4} {cls:11} {model:20} {row['mismatches']:8} of {row['dots']}", flush=True)
    print("summary: mismatches over every class, per kind, K and model")
    for kind in args.kinds.split(","):
        for k in sorted({r["k"] for r in rows if r["kind"] == kind}):
            models = args.models.split(",") if args.models else MODELS[KINDS[kind][2]]
            dots = sum(r["dots"] for r in rows if (r["kind"], r["k"], r["model"]) == (kind, k, models[0]))
            cells = [f"{m} {sum(r['mismatches'] for r in rows if (r['kind'], r['k'], r['model']) == (kind, k, m))}"
                     for m in models]
            print(f"  {kind} K={k} ({dots} dots): " + ", ".join(cells))
    if args.raw:
        np.savez_compressed(args.raw, **raw)
    if args.json:
        with open(args.json, "w") as f:
            f.writelines(json.dumps(r) + "\n" for r in rows)


if __name__ == "__main__":
    main()
