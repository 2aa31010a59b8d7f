"""How far cuBLAS (through torch) lands from mxref's accumulation models: torch._scaled_mm on FP8 E4M3 with
unit scales (FP32 out) and torch.matmul on BF16 (BF16 out), against `mxref dot --model M` on every output.
cuBLAS picks its own kernel and summation order, so this reports, it does not require equality.

    python3 conformance/hardware/cublas_check.py --mxref MXREF [--size 64] [--ks 32,256,4096]

Prints one JSON line per (op, K, model): the share of outputs equal bit for bit, and the largest and mean
distance in units in the last place of the output format."""
import argparse
import concurrent.futures
import json
import os
import subprocess

import numpy as np
import torch


def dot_lines(a, b, digits, c_digits):
    """mxref dot lines for every (i, j): unit scales (0x7f) on every 32-element block (16 for BF16)."""
    block = 32 if digits == 2 else 16
    def rows(m):
        return [" ".join(" ".join(["7f"] + [f"{int(x):0{digits}x}" for x in r[j:j + block]])
                         for j in range(0, len(r), block)) for r in m]
    ra, rb = rows(a), rows(b)
    return [f"{x} {y} {0:0{c_digits}x}\n" for x in ra for y in rb]


def run(mxref, args, lines, jobs):
    chunks = [lines[i::jobs] for i in range(jobs)]
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        outs = list(pool.map(lambda ch: subprocess.run([mxref, "dot", *args], input="".join(ch), capture_output=True,
                                                       text=True, check=True).stdout.split(), chunks))
    result = np.zeros(len(lines), dtype=np.int64)
    for i, o in enumerate(outs):
        result[i::jobs] = [int(x, 16) for x in o]
    return result


def ordered(bits, width):
    sign = 1 << (width - 1)
    return np.where(bits & sign, -(bits & (sign - 1)), bits)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mxref", required=True)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--ks", default="32,256,4096")
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    args = parser.parse_args()
    g = torch.Generator(device="cuda").manual_seed(3)
    s = args.size
    for k in (int(x) for x in args.ks.split(",")):
        a = torch.randn(s, k, device="cuda", generator=g).to(torch.float8_e4m3fn)
        b = torch.randn(s, k, device="cuda", generator=g).to(torch.float8_e4m3fn)
        one = torch.tensor(1.0, device="cuda")
        d = torch._scaled_mm(a, b.t(), scale_a=one, scale_b=one, out_dtype=torch.float32)
        hw = d.cpu().view(torch.int32).numpy().astype(np.int64).reshape(-1) & 0xFFFFFFFF
        lines = dot_lines(a.cpu().view(torch.uint8).numpy(), b.cpu().view(torch.uint8).numpy(), 2, 8)
        for model in ("exact", "sm90-wgmma-fp8", "sm90-wgmma-bf16", "fp32-sequential"):
            ours = run(args.mxref, ["--format", "mxfp8_e4m3", "--blocks", str(k // 32), "--model", model], lines, args.jobs)
            ulps = np.abs(ordered(ours, 32) - ordered(hw, 32))
            print(json.dumps({"op": "torch._scaled_mm e4m3 fp32-out", "k": k, "model": model, "outputs": int(hw.size),
                              "equal_share": round(float((ulps == 0).mean()), 4), "max_ulps": int(ulps.max()),
                              "mean_ulps": round(float(ulps.mean()), 3)}), flush=True)
        a16 = torch.randn(s, k, device="cuda", generator=g).to(torch.bfloat16)
        b16 = torch.randn(s, k, device="cuda", generator=g).to(torch.bfloat16)
        hw = torch.matmul(a16, b16.t()).cpu().view(torch.int16).numpy().astype(np.int64).reshape(-1) & 0xFFFF
        lines = dot_lines(a16.cpu().view(torch.int16).numpy().astype(np.int64) & 0xFFFF,
                          b16.cpu().view(torch.int16).numpy().astype(np.int64) & 0xFFFF, 4, 4)
        for model in ("exact", "sm90-wgmma-bf16", "fp32-sequential"):
            ours = run(args.mxref, ["--format", "bf16/e8m0/16", "--blocks", str(k // 16), "--model", model, "--out",
                                    "bf16"], lines, args.jobs)
            ulps = np.abs(ordered(ours, 16) - ordered(hw, 16))
            print(json.dumps({"op": "torch.matmul bf16 (bf16 out)", "k": k, "model": model, "outputs": int(hw.size),
                              "equal_share": round(float((ulps == 0).mean()), 4), "max_ulps": int(ulps.max()),
                              "mean_ulps": round(float(ulps.mean()), 3)}), flush=True)
    print(json.dumps({"torch": torch.__version__, "device": torch.cuda.get_device_name()}))


if __name__ == "__main__":
    main()
