"""The pictures of docs/stats.md: two seeded FP32 tensors (Student's t with 3 degrees of freedom, heavy-tailed
like many weights and activations; and a normal tensor with one outlier in every 256 values, 300 times the
rest) under the six MX formats, drawn by mxref.plot.compare, with their figures as JSON lines.

    PYTHONPATH=build/python python3 bench/stats_plots.py docs/images"""
import json
import os
import sys

import numpy as np

import mxref.plot

FORMATS = ["mxfp8_e4m3", "mxfp8_e5m2", "mxfp6_e3m2", "mxfp6_e2m3", "mxfp4_e2m1", "mxint8"]


def tensors():
    rng = np.random.default_rng(2026)
    heavy = rng.standard_t(3, (256, 1024)).astype(np.float32)
    outliers = rng.standard_normal((256, 1024)).astype(np.float32)
    outliers.reshape(-1)[rng.choice(outliers.size, outliers.size // 256, replace=False)] *= 300
    return {"heavy-tailed": heavy, "outliers": outliers}


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else "."
    for name, x in tensors().items():
        rows = mxref.plot.compare(x, FORMATS, os.path.join(folder, f"stats-{name}.png"),
                                  title=f"{name}: 256 x 1024 FP32, blocks of 32 along the rows")
        for row in rows:
            print(json.dumps({"tensor": name, **{k: row[k] for k in ("format", "bits_per_element", "mse", "sqnr_db",
                                                                     "saturated", "flushed_to_zero")}}))


if __name__ == "__main__":
    main()
