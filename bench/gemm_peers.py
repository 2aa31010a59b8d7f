"""The GPU GEMM peers of mxref's exact GEMM, timed in the same run on the same shapes (CUDA events, the
median of --repeat runs after a warm-up): torchao-style emulation (MX codes dequantized to BF16 through a
lookup table times the block scale, then torch.matmul in BF16) for MXFP8 E4M3, MXFP4 E2M1 and NVFP4 (UE4M3
scales of 16 elements, times the tensor scales), and torch._scaled_mm on FP8 E4M3 with unit scales (FP32 out).

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
    ue4m3 = torch.arange(128, dtype=torch.int32).to(torch.uint8).view(torch.float8_e4m3fn).float().cuda()
    for name, top, block in (("e4m3", 256, 32), ("e2m1", 16, 32), ("nvfp4", 16, 16)):
        table = element_table("e2m1" if name == "nvfp4" else name).cuda()
        a = torch.randint(0, top, (s, s), device="cuda", generator=g, dtype=torch.int32)
        b = torch.randint(0, top, (s, s), device="cuda", generator=g, dtype=torch.int32)
        if name == "e4m3":  # no NaN codes
            a[(a & 0x7F) == 0x7F] = 0
            b[(b & 0x7F) == 0x7F] = 0
        if name == "nvfp4":  # UE4M3 scales 2^-3 .. 2^3, tensor scales 0.37 and 1.9
            sa = torch.randint(0x20, 0x51, (s, s // block), device="cuda", generator=g)
            sb = torch.randint(0x20, 0x51, (s, s // block), device="cuda", generator=g)
            tensor_a, tensor_b = 0.37, 1.9

            def scale_of(codes, tensor):
                return ue4m3[codes] * tensor
        else:
            sa = torch.randint(117, 138, (s, s // block), device="cuda", generator=g)
            sb = torch.randint(117, 138, (s, s // block), device="cuda", generator=g)
            tensor_a = tensor_b = 1.0

            def scale_of(codes, tensor):
                return torch.exp2(codes.float() - 127)

        def emulated():
            xa = (table[a].view(s, s // block, block) * scale_of(sa, tensor_a).to(torch.bfloat16)[..., None]).view(s, s)
            xb = (table[b].view(s, s // block, block) * scale_of(sb, tensor_b).to(torch.bfloat16)[..., None]).view(s, s)
            return torch.matmul(xa, xb.t())
        label = "nvfp4" if name == "nvfp4" else f"mx{name}"
        print(json.dumps({"peer": f"torchao-style emulation {label} (dequantize to BF16 + torch.matmul)", "m": s, "n": s,
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
