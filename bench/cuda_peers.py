"""The GPU peers of bench/cuda_block_bench.cu, timed the same way on the same GPU: a device copy,
tensor.to(torch.float8_e4m3fn), and MX quantization written in plain torch the way torchao's to_mx
does it (FLOOR scale from the FP32 exponent field of the block amax, division by the FP32 scale,
clamp, cast; FP4 rounded with torch ops and packed two per byte), eager and torch.compile'd.

    python3 bench/cuda_peers.py [max_mib] > peers.json     (JSON lines, as cuda_block_bench)
"""
import json
import sys

import torch

BLOCK = 32


def scales_floor(blocks, emax):
    amax = blocks.abs().amax(dim=1, keepdim=True)
    exponent = ((amax.view(torch.int32) >> 23) & 0xFF) - 127
    biased = (exponent - emax).clamp(-127, 128) + 127
    scale = (biased.to(torch.int32) << 23).view(torch.float32).clamp(min=2.0 ** -126)
    return biased.to(torch.uint8), scale


def mx_e4m3(x):
    blocks = x.view(-1, BLOCK).float()
    codes, scale = scales_floor(blocks, 8)
    q = (blocks / scale).clamp(-448.0, 448.0).to(torch.float8_e4m3fn)
    return q, codes


def mx_e2m1(x):
    blocks = x.view(-1, BLOCK).float()
    codes, scale = scales_floor(blocks, 2)
    v = blocks / scale
    a = v.abs().clamp(max=6.0)
    # round half to even onto 0, 0.5, 1, 1.5, 2, 3, 4, 6: the code is round(2a), round(a) + 2 or round(a / 2) + 4
    code = torch.where(a < 2.0, torch.round(a * 2.0), torch.where(a < 4.0, torch.round(a) + 2.0, torch.round(a * 0.5) + 4.0))
    nibble = code.to(torch.uint8) | ((v < 0).to(torch.uint8) << 3)
    pairs = nibble.view(-1, 2)
    return pairs[:, 0] | (pairs[:, 1] << 4), codes


def median_ms(fn, sets):
    start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    for i in range(3):
        fn(i % sets)
    times = []
    for i in range(20):
        start.record()
        fn(i % sets)
        stop.record()
        stop.synchronize()
        times.append(start.elapsed_time(stop))
    times.sort()
    return times[len(times) // 2]


def row(op, element, data, mib, moved, ms, copy_gbs):
    gbs = moved / (ms * 1e-3) / 1e9
    print(json.dumps({"op": op, "element": element, "rule": "torchao-floor", "data": data, "axis": "last",
                      "input_mib": mib, "bytes": moved, "ms": round(ms, 4), "gbs": round(gbs, 1),
                      "of_copy": round(gbs / copy_gbs, 4)}), flush=True)


def main():
    max_mib = int(sys.argv[1]) if len(sys.argv) > 1 else 4096
    print(f"device: {torch.cuda.get_device_name()}, torch {torch.__version__}", file=sys.stderr)
    compiled = {f: torch.compile(f, dynamic=True) for f in (mx_e4m3, mx_e2m1)}
    mib = 16
    while mib <= max_mib:
        nbytes = mib << 20
        sets = max(1, 512 // mib)
        for dtype, name, size in ((torch.float32, "fp32", 4), (torch.bfloat16, "bf16", 2)):
            xs = [torch.randn(nbytes // size, device="cuda", dtype=dtype) for _ in range(sets)]
            outs = [torch.empty_like(x) for x in xs]
            if dtype == torch.float32:
                copy_ms = median_ms(lambda s: outs[s].copy_(xs[s]), sets)
                copy_gbs = 2 * nbytes / (copy_ms * 1e-3) / 1e9
                print(json.dumps({"op": "copy", "element": "-", "rule": "torch", "data": "-", "axis": "-",
                                  "input_mib": mib, "bytes": 2 * nbytes, "ms": round(copy_ms, 4),
                                  "gbs": round(copy_gbs, 1), "of_copy": 1.0}), flush=True)
            values = nbytes // size
            row("torch_cast_e4m3", "e4m3", name, mib, nbytes + values, median_ms(lambda s: xs[s].to(torch.float8_e4m3fn), sets), copy_gbs)
            for element, f, code_bytes in (("e4m3", mx_e4m3, values), ("e2m1", mx_e2m1, values // 2)):
                moved = nbytes + code_bytes + values // BLOCK
                try:
                    row("torch_eager_to_mx", element, name, mib, moved, median_ms(lambda s: f(xs[s]), sets), copy_gbs)
                except torch.OutOfMemoryError:
                    print(f"eager {element} {name} {mib} MiB: out of memory", file=sys.stderr)
                torch.cuda.empty_cache()
                row("torch_compiled_to_mx", element, name, mib, moved, median_ms(lambda s: compiled[f](xs[s]), sets), copy_gbs)
            del xs, outs
            torch.cuda.empty_cache()
        mib *= 4


if __name__ == "__main__":
    main()
