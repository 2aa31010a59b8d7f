"""Pictures of mxref.compare: how each block format's errors are distributed, SQNR against bits per element, and
which scale codes the blocks took. matplotlib is an optional dependency (pip install matplotlib); the figures
are drawn without a display (Agg) and written as PNG.

    import mxref.plot
    mxref.plot.compare(x, ["mxfp8_e4m3", "mxfp6_e2m3", "mxfp4_e2m1"], "formats.png")
"""
from __future__ import annotations

from typing import Any, Optional, Sequence

import numpy as np

from . import _array, compare as compare_rows, dequantize, quantize


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise ImportError("mxref.plot needs matplotlib (pip install matplotlib)") from None
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def compare(x: Any, formats: Sequence[str], path: str, *, profiles: Sequence[str] = ("ocp",), axis: int = -1,
            block: Optional[int] = None, title: Optional[str] = None) -> list:
    """Draws three panels for `x` under every format x profile pair and writes them to `path` (PNG): a histogram
    of log10 |error| per pair (error = the exact dequantized value minus x, shown at double precision; exact
    zeros counted apart in the legend), SQNR in dB against bits per element, and the histogram of scale codes.
    Returns mxref.compare's rows (the exact figures the panels show)."""
    plt = _pyplot()
    a = _array(x, "x")
    rows = compare_rows(a, formats, profiles=profiles, axis=axis, block=block)
    values = a.astype(np.float64)
    fig, (errors, sqnr, scales) = plt.subplots(1, 3, figsize=(16, 4.8))
    for row in rows:
        label = f"{row['format']} ({row['profile']})" if len(profiles) > 1 else row["format"]
        q = quantize(a, row["format"], profile=row["profile"], axis=axis, block=block)
        e = dequantize(q, dtype=np.float64) - values
        e = e[np.isfinite(e)]
        nonzero = np.abs(e[e != 0])
        if nonzero.size:
            errors.hist(np.log10(nonzero), bins=80, histtype="step", log=True,
                        label=f"{label}: {e.size - nonzero.size} exact")
        if isinstance(row["sqnr_db"], float) and np.isfinite(row["sqnr_db"]):
            sqnr.scatter(row["bits_per_element"], row["sqnr_db"])
            sqnr.annotate(label, (row["bits_per_element"], row["sqnr_db"]), fontsize=8, xytext=(4, 2),
                          textcoords="offset points")
        codes = sorted((int(code, 16), n) for code, n in row["scale_codes"].items())
        if codes:
            scales.step([c for c, _ in codes], [n for _, n in codes], where="mid", label=label)
    errors.set_xlabel("log10 |dequantized - x|")
    errors.set_ylabel("values")
    errors.set_title("errors")
    errors.legend(fontsize=7)
    sqnr.set_xlabel("bits per element (scales included)")
    sqnr.set_ylabel("SQNR (dB)")
    sqnr.set_title("SQNR against storage")
    sqnr.grid(alpha=0.3)
    scales.set_xlabel("scale code")
    scales.set_ylabel("blocks")
    scales.set_title("scale codes")
    scales.legend(fontsize=7)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)
    return rows
