"""The Python module's speed, in one run beside its peers on the same machine: the overhead of one call on a
small array (mxref.quantize and mxref.cast on one 32-value block), and quantizing a large FP32 array to MXFP8
E4M3 through the module, through `mxref quantize --fast` (file in, archive out, the same codes), with numpy +
ml_dtypes (a plain MX quantizer: amax, a power-of-two scale, astype(float8_e4m3fn)) and with torchao's to_mx
on the CPU where torch and torchao are importable. Medians of --repeat runs after a warm-up; JSON lines.

    python3 bench/python_module.py --mxref build/tools/mxref [--mib 256] [--repeat 5]
    (PYTHONPATH=build/python, or the module installed with pip)"""
import argparse
import json
import os
import platform
import subprocess
import tempfile
import time

# OpenBLAS's idle threads spin after numpy starts them and take a core from the calls being timed (none of
# the work here is BLAS).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

import mxref  # noqa: E402


def median_seconds(fn, repeat):
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    times.sort()
    return times[len(times) // 2]


def per_call(fn, calls, repeat=7):
    """Seconds per call: the least over `repeat` loops of `calls` calls (what the call costs when nothing else
    on the machine interrupts it)."""
    fn()
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        best = min(best, (time.perf_counter() - start) / calls)
    return best


def numpy_mx_e4m3(x):
    import ml_dtypes
    blocks = x.reshape(-1, 32)
    amax = np.abs(blocks).max(axis=1, keepdims=True)
    exponent = np.floor(np.log2(np.where(amax > 0, amax, 1))) - 8
    scaled = (blocks / np.exp2(exponent)).clip(-448, 448)
    return scaled.astype(ml_dtypes.float8_e4m3fn), (exponent + 127).astype(np.uint8)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mxref", required=True)
    parser.add_argument("--mib", type=int, default=256)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps({"machine": platform.processor() or platform.machine(), "cpus": os.cpu_count(),
                      "mxref": mxref.__version__, "numpy": np.__version__}), flush=True)

    small = np.linspace(-3, 3, 32, dtype=np.float32)
    one = small[:1].copy()
    raw = mxref._mxref.BlockArguments()
    raw.format, raw.src, raw.name = "mxfp8_e4m3", "f32", "x"
    for name, fn in (("mxref.quantize, one block of 32 values", lambda: mxref.quantize(small, "mxfp8_e4m3")),
                     ("mxref._mxref.quantize (the extension alone), one block of 32 values",
                      lambda: mxref._mxref.quantize(small, [32], raw, None)),
                     ("mxref.cast, 1 value", lambda: mxref.cast(one, "e4m3")),
                     ("mxref.cast, 32 values (the reference cast, value by value)", lambda: mxref.cast(small, "e4m3")),
                     ("numpy abs().max() of the same 32 values", lambda: np.abs(small).max())):
        print(json.dumps({"what": name, "microseconds_per_call": round(per_call(fn, 20000) * 1e6, 2)}), flush=True)

    count = args.mib * (1 << 20) // 4
    x = np.random.default_rng(1).standard_normal(count).astype(np.float32).reshape(-1, 4096)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "x.npy")
        np.save(path, x)
        out = os.path.join(folder, "q.npz")
        cli = median_seconds(lambda: subprocess.run([args.mxref, "quantize", "--format", "mxfp8_e4m3", "--fast", "--in",
                                                     path, "--out", out], check=True), args.repeat)
        q = mxref.quantize(x, "mxfp8_e4m3")
        with np.load(out) as archive:
            same = archive["elements"].tobytes() == q.elements.tobytes() and \
                archive["scales"].tobytes() == q.scales.tobytes()
    module = median_seconds(lambda: mxref.quantize(x, "mxfp8_e4m3"), args.repeat)
    rows = [("mxref.quantize (module, fast path)", module, same),
            ("mxref quantize --fast (CLI: .npy in, .npz out)", cli, same)]
    try:
        rows.append(("numpy + ml_dtypes MX quantizer", median_seconds(lambda: numpy_mx_e4m3(x), args.repeat), None))
    except ImportError:
        pass
    try:
        import torch
        from torchao.prototype.mx_formats.mx_tensor import to_mx
        t = torch.from_numpy(x)
        rows.append(("torchao to_mx (CPU)", median_seconds(lambda: to_mx(t, torch.float8_e4m3fn, 32), args.repeat),
                     None))
    except ImportError as error:
        print(json.dumps({"what": "torchao to_mx (CPU)", "skipped": str(error)}), flush=True)
    for name, seconds, equal in rows:
        print(json.dumps({"what": name, "mib": args.mib, "seconds": round(seconds, 4),
                          "gb_per_s": round(x.nbytes / seconds / 1e9, 3), "module_over_this": round(module / seconds, 3),
                          **({"same_codes_as_module": equal} if equal is not None else {})}), flush=True)


if __name__ == "__main__":
    main()
