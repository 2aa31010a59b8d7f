"""The GPU GEMM peers of mxref's exact GEMM, timed in the same run on the same shapes (CUDA events, the
median of --repeat runs after a warm-up): torchao-style emulation (MX codes dequantized to BF16 through a
lookup table times the block scale, then torch.matmul in BF16) for MXFP8 E4M3 and MXFP4 E2M1, and
torch._scaled_mm on FP8 E4M3 with unit scales (FP32 out).

    python3 bench/gemm_peers.py SIZE [--repeat N]     # JSON lines, one per peer"""
import argparse
import json

import torch


def element_table(name):
    codes = torch.arange(256, dtype=torch.int32)
    if name == "e4m3":
        return codes.to(torch.uint8).view(torch.float8_e4m3fn).to(torch.bfloat16)
    e2m1 = [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 6.0]
    return torch.tensor([(-1 if c & 8 else 1) * e2m1[c & 7] if c < 16 else 0.0 for c in range(256)], dtype=torch.bfloat16)


def timed(fn, repeat):
    fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(repeat):
        start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        stop.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(stop) / 1000)
    times.sort()
    return times[len(times) // 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("size", type=int)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    s = args.size
    g = torch.Generator(device="cuda").manual_seed(1)
    for name, top in (("e4m3", 256), ("e2m1", 16)):
        table = element_table(name).cuda()
        a = torch.randint(0, top, (s, s), device="cuda", generator=g, dtype=torch.int32)
        b = torch.randint(0, top, (s, s), device="cuda", generator=g, dtype=torch.int32)
        if name == "e4m3":  # no NaN codes
            a[(a & 0x7F) == 0x7F] = 0
            b[(b & 0x7F) == 0x7F] = 0
        sa = torch.randint(117, 138, (s, s // 32), device="cuda", generator=g)
        sb = torch.randint(117, 138, (s, s // 32), device="cuda", generator=g)

        def emulated():
            xa = (table[a].view(s, s // 32, 32) * torch.exp2(sa.float() - 127).to(torch.bfloat16)[..., None]).view(s, s)
            xb = (table[b].view(s, s // 32, 32) * torch.exp2(sb.float() - 127).to(torch.bfloat16)[..., None]).view(s, s)
            return torch.matmul(xa, xb.t())
        print(json.dumps({"peer": f"torchao-style emulation mx{name} (dequantize to BF16 + torch.matmul)", "m": s, "n": s,
                          "k": s, "seconds": round(timed(emulated, args.repeat), 5)}), flush=True)
    a8 = torch.randn(s, s, device="cuda", generator=g).to(torch.float8_e4m3fn)
    b8 = torch.randn(s, s, device="cuda", generator=g).to(torch.float8_e4m3fn)
    one = torch.tensor(1.0, device="cuda")
    print(json.dumps({"peer": "torch._scaled_mm FP8 E4M3, unit scales, FP32 out", "m": s, "n": s, "k": s,
                      "seconds": round(timed(lambda: torch._scaled_mm(a8, b8.t(), scale_a=one, scale_b=one,
                                                                      out_dtype=torch.float32), args.repeat), 6)}),
          flush=True)
    print(json.dumps({"torch": torch.__version__, "device": torch.cuda.get_device_name()}))


if __name__ == "__main__":
    main()
