"""Assertions for third parties' test suites: a quantizer's output against mxref's, bit for bit.

    from mxref.testing import assert_quantized_equal
    assert_quantized_equal(x, my_elements, my_scales, "mxfp4_e2m1", profile="ocp")

A failure raises AssertionError naming how many blocks differ and showing the first of them: the scale codes,
each differing element (index, input, expected and actual codes) and, where one known rule explains the
block, the conformance runner's diagnosis (a scale one binade off, ties away from zero, truncation, ...).
"""
from __future__ import annotations

from typing import Any, Optional

import numpy as np

from . import _array, _block_codes, _by_block, _mxref, _values, cast, dequantize, fakequant, quantize

__all__ = ["assert_quantized_equal", "assert_fakequant_equal", "assert_dequantized_equal", "assert_codes_equal"]


def assert_quantized_equal(x: Any, elements: Any, scales: Any, format: str, *, profile: str = "ocp",
                           axis: int = -1, block: Optional[int] = None, src: Optional[str] = None,
                           tensor_amax: Any = None, show: int = 3) -> None:
    """Asserts that `elements` and `scales` (codes: elements in x's shape, scales one per block in the
    archive's layout) are what `profile` makes of `x`; `show` differing blocks are described."""
    q = quantize(x, format, profile=profile, axis=axis, block=block, src=src, tensor_amax=tensor_amax)
    got_e, got_s = _array(elements, "elements"), _array(scales, "scales")
    if got_e.shape != q.elements.shape:
        raise AssertionError(f"elements have shape {got_e.shape}; {format} of x has {q.elements.shape}")
    if got_s.size != q.scales.size:
        raise AssertionError(f"scales have {got_s.size} codes; {format} of x has {q.scales.size} ({q.scales.shape})")
    a, fmt = _values(x, "x", src)
    want_e, want_s, size = _block_codes(q, q.elements, q.scales, axis)
    have_e, have_s, _ = _block_codes(q, got_e, got_s, axis)
    inputs = _by_block(np.ascontiguousarray(a).view(np.dtype(f"u{a.dtype.itemsize}")), axis, size, want_s.shape[1])
    length = np.moveaxis(q.elements, axis, -1).shape[-1]
    wrong = (want_e != have_e).any(axis=2) | (want_s != have_s)
    count = int(np.count_nonzero(wrong))
    if count == 0:
        return
    lines = [f"{count} of {wrong.size} {format} blocks differ from mxref's profile {profile}"
             f" (axis {axis}, block {size}):"]
    for row, column in list(zip(*np.nonzero(wrong)))[:show]:
        n = min(size, length - column * size)
        block_inputs = [int(v) for v in inputs[row, column, :n]]
        expected = [int(want_s[row, column])] + [int(v) for v in want_e[row, column, :n]]
        got = [int(have_s[row, column])] + [int(v) for v in have_e[row, column, :n]]
        lines.append(_describe(format, profile, fmt, row, column, block_inputs, expected, got))
    raise AssertionError("\n".join(lines))


def _describe(format, profile, fmt, row, column, inputs, expected, got) -> str:
    head = f"  block {column} of row {row}: " + (f"scale {got[0]:#x}, as expected" if expected[0] == got[0] else
                                                   f"scale expected {expected[0]:#x}, got {got[0]:#x}")
    try:
        d = _mxref.diagnose_block(format, profile, fmt, inputs, expected, got)
    except ValueError:
        d = {}
    if not d:
        wrong = [i for i in range(len(inputs)) if expected[1 + i] != got[1 + i]]
        return head + "".join(f"\n    element {i}: input {inputs[i]:#x}, expected {expected[1 + i]:#x}, got "
                              f"{got[1 + i]:#x}" for i in wrong[:8])
    if d.get("binades") is not None:
        head += f" ({d['binades']:+d} binades)"
    text = head
    for index, value, want, have in d["elements"][:8]:
        text += f"\n    element {index}: input {value:#x}, expected {want:#x}, got {have:#x}"
    if len(d["elements"]) > 8:
        text += f"\n    ... {len(d['elements']) - 8} more elements differ"
    if d["diagnosis"]:
        text += f"\n    diagnosis: {d['diagnosis']}"
    return text


def assert_codes_equal(expected: Any, actual: Any, *, what: str = "codes", show: int = 8) -> None:
    """Asserts that two arrays of codes (or of values, compared by their bits) are identical: NaN codes and the
    sign of zero count. The first `show` differences are listed."""
    e, a = _array(expected, "expected"), _array(actual, "actual")
    if e.shape != a.shape:
        raise AssertionError(f"{what}: shapes differ: expected {e.shape}, got {a.shape}")
    if e.dtype.itemsize != a.dtype.itemsize:
        raise AssertionError(f"{what}: expected {e.dtype.name} codes, got {a.dtype.name}")
    bits = np.dtype(f"u{e.dtype.itemsize}")
    eb, ab = e.view(bits), a.view(bits)
    wrong = np.flatnonzero(eb.reshape(-1) != ab.reshape(-1))
    if wrong.size == 0:
        return
    lines = [f"{what}: {wrong.size} of {eb.size} differ"]
    for i in wrong[:show]:
        index = np.unravel_index(i, e.shape)
        lines.append(f"  {tuple(int(v) for v in index)}: expected {int(eb.reshape(-1)[i]):#x}, got "
                     f"{int(ab.reshape(-1)[i]):#x}")
    raise AssertionError("\n".join(lines))


def assert_fakequant_equal(x: Any, actual: Any, format: str, *, profile: str = "ocp", axis: int = -1,
                           block: Optional[int] = None, src: Optional[str] = None) -> None:
    """Asserts that `actual` is `x` fake-quantized under `profile`, bit for bit, in actual's dtype."""
    a = _array(actual, "actual")
    expected = fakequant(x, format, profile=profile, axis=axis, block=block, src=src, dtype=a.dtype)
    assert_codes_equal(expected, a, what=f"fakequant {format} ({profile})")


def assert_dequantized_equal(q: Any, actual: Any) -> None:
    """Asserts that `actual` holds the values of the quantized tensor `q`, rounded once to actual's dtype."""
    a = _array(actual, "actual")
    assert_codes_equal(dequantize(q, dtype=a.dtype), a, what=f"dequantize {q.format}")


def assert_cast_equal(x: Any, actual_codes: Any, to: str, **options: Any) -> None:
    """Asserts that `actual_codes` are `x` cast to `to` under `options` (as mxref.cast takes them)."""
    assert_codes_equal(cast(x, to, **options), _array(actual_codes, "actual").astype(np.uint64).astype(
        cast(x, to, **options).dtype), what=f"cast to {to}")
