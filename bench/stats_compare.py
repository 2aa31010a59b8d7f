"""`mxref compare` across the six MX formats on a large FP32 tensor, beside two peers in the same run: numpy
computing MSE and SQNR in float64 from mxref's own fake-quantized values (rounded statistics, the same
quantization), and pychop's compare_mx_formats (its NumPy backend, its own quantizer), which is timed on a
slice and reported per value. JSON lines.

    PYTHONPATH=build/python python3 bench/stats_compare.py --mxref build/tools/mxref [--mib 256] [--pychop-mib 1]"""
import argparse
import contextlib
import importlib.util
import io
import json
import os
import platform
import subprocess
import tempfile
import time

import numpy as np

import mxref

FORMATS = ["mxfp8_e4m3", "mxfp8_e5m2", "mxfp6_e3m2", "mxfp6_e2m3", "mxfp4_e2m1", "mxint8"]


def seconds(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mxref", required=True)
    parser.add_argument("--mib", type=int, default=256)
    parser.add_argument("--pychop-mib", type=int, default=1)
    args = parser.parse_args()
    print(json.dumps({"machine": platform.processor() or platform.machine(), "cpus": os.cpu_count(),
                      "numpy": np.__version__}), flush=True)
    x = np.random.default_rng(2026).standard_normal((args.mib * (1 << 20) // 4 // 4096, 4096)).astype(np.float32)
    values = x.size
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "x.npy")
        np.save(path, x)
        t = seconds(lambda: subprocess.run([args.mxref, "compare", "--in", path, "--formats", ",".join(FORMATS),
                                            "--csv"], check=True, capture_output=True))
    print(json.dumps({"what": "mxref compare (exact figures, file read included)", "mib": args.mib,
                      "formats": len(FORMATS), "seconds": round(t, 3), "ns_per_value_and_format":
                      round(t / values / len(FORMATS) * 1e9, 2)}), flush=True)

    def numpy_stats():
        x64 = x.astype(np.float64)
        signal = np.sum(x64 * x64)
        for fmt in FORMATS:
            e = mxref.fakequant(x, fmt).astype(np.float64) - x64
            mse = np.mean(e * e)
            10 * np.log10(signal / np.sum(e * e)), mse
    t_numpy = seconds(numpy_stats)
    print(json.dumps({"what": "mxref.fakequant + numpy float64 MSE and SQNR (rounded sums)", "mib": args.mib,
                      "seconds": round(t_numpy, 3), "ns_per_value_and_format":
                      round(t_numpy / values / len(FORMATS) * 1e9, 2), "mxref_compare_over_this": round(t / t_numpy, 2)}),
          flush=True)
    spec = importlib.util.find_spec("pychop")
    if spec is not None and spec.origin is not None:
        module_spec = importlib.util.spec_from_file_location(
            "pychop_np_mx", os.path.join(os.path.dirname(spec.origin), "np", "mx_formats.py"))
        mx = importlib.util.module_from_spec(module_spec)
        module_spec.loader.exec_module(mx)
        part = x.reshape(-1)[: args.pychop_mib * (1 << 20) // 4]
        with contextlib.redirect_stdout(io.StringIO()):
            t_pychop = seconds(lambda: mx.compare_mx_formats(part, FORMATS, 32))
        per = t_pychop / part.size / len(FORMATS)
        print(json.dumps({"what": "pychop 0.6.2 compare_mx_formats (NumPy backend)", "mib": args.pychop_mib,
                          "seconds": round(t_pychop, 3), "ns_per_value_and_format": round(per * 1e9, 2),
                          "mxref_compare_per_value_over_this": round(t / values / len(FORMATS) / per, 5)}), flush=True)


if __name__ == "__main__":
    main()
