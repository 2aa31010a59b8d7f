"""mxref: the bit-exact reference for block-scaled low-precision formats (OCP MX, NVFP4, ExMy), as a module.

Every function runs the same C++ code as the `mxref` command line with the same option names and defaults,
so an array quantized here has the codes `mxref quantize` writes. Arrays are numpy arrays (or anything with
``__array__`` or ``__dlpack__`` on the CPU: torch, JAX, CuPy host arrays); codes are unsigned integers of the
format's width, and values of the float formats numpy knows come back in their dtype (bf16 as
``ml_dtypes.bfloat16`` where ml_dtypes is installed). Errors are ValueError or TypeError with the CLI's
message. docs/python.md has a worked example.
"""
from __future__ import annotations

import functools
import json
import os
from typing import Any, Dict, Optional, Sequence, Tuple, Union

import numpy as np

from . import _mxref

__version__: str = _mxref.__version__
__all__ = ["spec", "cast", "decode", "quantize", "dequantize", "fakequant", "dot", "gemm", "QuantizedTensor",
           "conform", "infer_profile", "stats", "compare", "profiles", "models", "format_of_dtype", "as_ml_dtypes"]

_FLOAT_FORMATS = {np.dtype(np.float32): "f32", np.dtype(np.float64): "f64", np.dtype(np.float16): "f16"}
# Names resolve the same way every time: asked of the core once each (a call's overhead is mostly such lookups).
_format_info = functools.lru_cache(maxsize=None)(_mxref.format_info)
_block_format_info = functools.lru_cache(maxsize=None)(_mxref.block_format_info)


def _ml_dtypes():
    try:
        import ml_dtypes
    except ImportError:
        return None
    return ml_dtypes


def _unsigned(bits: int) -> np.dtype:
    return np.dtype({8: np.uint8, 16: np.uint16, 32: np.uint32, 64: np.uint64}[max(8, 1 << (bits - 1).bit_length())])


def profiles() -> list:
    """The block quantization profiles (`ocp` first, the default): each reproduces one implementation."""
    return list(_mxref.profiles())


def models() -> Dict[str, str]:
    """The accumulation models of dot and gemm, name -> summary (`exact` first, the default)."""
    return dict(_mxref.models())


def format_of_dtype(dtype: Any) -> Optional[str]:
    """mxref's name for the values of a numpy or ml_dtypes dtype (f32, bf16, e4m3, ...); None for integers."""
    return _format_of_dtype(np.dtype(dtype))


@functools.lru_cache(maxsize=None)
def _format_of_dtype(dtype: np.dtype) -> Optional[str]:
    if dtype in _FLOAT_FORMATS:
        return _FLOAT_FORMATS[dtype]
    if dtype.kind in "iub":
        return None
    try:
        return _format_info(dtype.name)[1]
    except ValueError:
        raise TypeError(f"no mxref format holds dtype {dtype.name}") from None


def as_ml_dtypes(codes: np.ndarray, fmt: str) -> np.ndarray:
    """Codes of `fmt` viewed as the ml_dtypes dtype of that format (a copy only to change the integer width)."""
    ml = _ml_dtypes()
    if ml is None:
        raise TypeError("as_ml_dtypes needs ml_dtypes")
    name = _format_info(fmt)[1]
    for candidate in dir(ml):
        if not (candidate.startswith("float") or candidate == "bfloat16"):
            continue
        try:
            if _format_info(candidate)[1] != name:
                continue
        except ValueError:
            continue
        dtype = np.dtype(getattr(ml, candidate))
        return np.asarray(codes).astype(_unsigned(8 * dtype.itemsize), copy=False).view(dtype)
    raise TypeError(f"ml_dtypes has no dtype for {name}")


def _array(x: Any, name: str) -> np.ndarray:
    """An array on the CPU, C-contiguous (a copy only where it is not already)."""
    if type(x) is np.ndarray and x.dtype.kind != "O":
        return x  # the core's argument conversion copies one that is not C-contiguous
    if not isinstance(x, np.ndarray) and hasattr(x, "__dlpack__") and not hasattr(x, "__array__"):
        x = np.from_dlpack(x)
    try:
        a = np.asarray(x)
    except Exception as error:  # e.g. a GPU tensor
        raise TypeError(f"{name}: not an array on the CPU ({type(x).__name__}): {error}") from None
    if a.dtype == object:
        raise TypeError(f"{name}: an array of numbers is needed, not of Python objects")
    return np.ascontiguousarray(a)


def _bytes(a: np.ndarray) -> np.ndarray:
    """A C-contiguous array as the core reads it, its bytes: numpy's own number types as they are, others
    (ml_dtypes' types) viewed as unsigned integers of their width."""
    if a.dtype in _FLOAT_FORMATS:
        return a
    return a if a.dtype.kind in "fiu" and a.dtype.isbuiltin else a.view(f"u{a.dtype.itemsize}")


def _shape(a: np.ndarray) -> tuple:
    return a.shape or (1,)  # a 0-d array: one value


def _values(x: Any, name: str, src: Optional[str]) -> Tuple[np.ndarray, str]:
    """An input tensor's array and its format: its dtype's, or `src` for unsigned bit patterns."""
    a = _array(x, name)
    fmt = _FLOAT_FORMATS.get(a.dtype) if src is None else None
    if fmt is not None:  # the common case, without the lookups below
        return a, fmt
    if src is not None:
        bits = _format_info(src)[0]
        if a.dtype.kind != "u" or a.dtype.itemsize != _unsigned(bits).itemsize:
            if a.dtype.kind != "u":
                fmt = format_of_dtype(a.dtype)
                if fmt is not None and _format_info(fmt)[1] == _format_info(src)[1]:
                    return a, src
            raise TypeError(f"{name}: src={src} codes must be {_unsigned(bits).name}, not {a.dtype.name}")
        return a, src
    fmt = format_of_dtype(a.dtype)
    if fmt is None:
        raise TypeError(f"{name}: dtype {a.dtype.name} holds no values; give src= to read it as codes of a format")
    return a, fmt


def _as_values(a: np.ndarray, fmt: str) -> np.ndarray:
    """An array the core returned as codes of `fmt`, in the dtype of its values where numpy has one."""
    if _format_info(fmt)[1] == "bf16":
        ml = _ml_dtypes()
        return a.view(ml.bfloat16) if ml is not None else a
    return a


def spec(fmt: str, *, table: bool = False, decimals: bool = False) -> Dict[str, Any]:
    """`mxref spec FMT --json`: the format's properties as a dict, with its code table for formats of up to 16
    bits (table=True: up to 24); values as exact hex floats and the nearest double (decimals=True: exact
    decimal strings too)."""
    return json.loads(_mxref.spec_json(fmt, table, decimals))


def cast(x: Any, to: str, *, src: Optional[str] = None, rounding: str = "rne", overflow: Optional[str] = None,
         nan: Optional[str] = None, ftz: bool = False, daz: bool = False, profile: Optional[str] = None,
         seed: Optional[int] = None, random_bits: Optional[int] = None, model: str = "integer") -> np.ndarray:
    """`mxref cast`: every value of `x` converted to `to`, as codes of `to` (unsigned, the array's shape).

    `x` holds values (float32, float64, float16, bfloat16, ml_dtypes float8/6/4) or, with `src`, unsigned codes
    of that format. `rounding` is rne, rna, rtz, rup, rdn, rto or stochastic (with `random_bits` and `seed`:
    value i draws splitmix64(seed + i), as line i of the CLI); `overflow` natural, saturate, inf or nan; `nan`
    error, zero or max; `profile` one converter's rules (ml_dtypes, torch, cuda-satfinite, ...)."""
    a, fmt = _values(x, "x", src)
    args = _cast_arguments(to, fmt, rounding, overflow, nan, ftz, daz, profile, seed, random_bits, model)
    return _mxref.cast(_bytes(a), a.dtype.itemsize, a.shape, args)


@functools.lru_cache(maxsize=256)
def _cast_arguments(to, fmt, rounding, overflow, nan, ftz, daz, profile, seed, random_bits, model):
    """The core's arguments for one set of options, made once (they are read, never changed, by the core)."""
    args = _mxref.CastArguments()
    args.to, args.src, args.rounding, args.model = to, fmt, rounding, model
    args.rounding_given = rounding != "rne"
    args.policy_given = overflow is not None or nan is not None or ftz or daz
    if overflow is not None:
        args.overflow = overflow
    if nan is not None:
        args.nan = nan
    args.ftz, args.daz = ftz, daz
    if profile is not None:
        args.profile = profile
    if seed is not None:
        args.seed = str(int(seed))
    if random_bits is not None:
        args.random_bits = int(random_bits)
    return args


def decode(codes: Any, fmt: str) -> np.ndarray:
    """The values of codes of `fmt` as float64 (exact for every format of up to 16 bits; NaN and Inf kept)."""
    return cast(codes, "f64", src=fmt).view(np.float64)


class QuantizedTensor:
    """What `quantize` returns: the archive `mxref quantize --out` writes, member by member.

    `elements` holds element codes in the input's shape (or packed bytes), `scales` one code per block (NVIDIA's
    swizzled layout with swizzle=True), `tensor_scale` NVFP4's per-tensor FP32 scale (1 for MX), `members` the
    archive's arrays by name. save() writes the .npz the CLI reads; load() reads one."""

    __slots__ = ("format", "elements", "scales", "block", "_layout", "_members")

    def __init__(self, format: str, elements: np.ndarray, scales: np.ndarray, layout: Dict[str, Any],
                 block: Optional[int] = None):
        # layout: the archive's other members as Python numbers (0-d) and tuples (1-d), or as arrays.
        self.format, self.elements, self.scales, self.block = format, elements, scales, block
        self._layout, self._members = layout, None

    @property
    def tensor_scale(self) -> float:
        return float(self._layout.get("tensor_scale", 1.0))

    @property
    def members(self) -> Dict[str, np.ndarray]:
        if self._members is None:  # made when asked: most calls never need them
            members = {"elements": self.elements, "scales": self.scales}
            for name, value in self._layout.items():
                dtype = np.float32 if name == "tensor_scale" else np.int64
                members[name] = np.asarray(value, dtype=dtype)
            self._members = members
        return self._members

    def __repr__(self) -> str:
        return (f"QuantizedTensor({self.format}, elements {self.elements.dtype.name}{list(self.elements.shape)}, "
                f"scales {self.scales.dtype.name}{list(self.scales.shape)}, tensor_scale {self.tensor_scale})")

    def save(self, path: str) -> None:
        np.savez(path, **self.members)

    @classmethod
    def load(cls, path: str, format: str, *, block: Optional[int] = None) -> "QuantizedTensor":
        with np.load(path) as archive:
            return cls._of(format, {name: archive[name] for name in archive.files}, block)

    @classmethod
    def _of(cls, format: str, members: Dict[str, Any], block: Optional[int]) -> "QuantizedTensor":
        layout = {name: value for name, value in members.items() if name not in ("elements", "scales")}
        return cls(format, members["elements"], members["scales"], layout, block)


@functools.lru_cache(maxsize=256)
def _block_arguments(format: str, profile: str, block: Optional[int], axis: int, tile: Optional[int],
                     threads: int, name: str, src: str = "f32", to: str = "f32", packed: bool = False,
                     swizzle: bool = False, bit_order: Optional[str] = None, scale: Optional[str] = None,
                     tensor_amax: Optional[str] = None, tensor_scale: Optional[str] = None):
    """The core's arguments for one set of options, made once (the core reads them, never changes them)."""
    args = _mxref.BlockArguments()
    args.format, args.profile, args.axis, args.name = format, profile, int(axis), name
    if block is not None:
        args.block = int(block)
    if tile is not None:
        args.tile = int(tile)
    args.threads = int(threads)
    args.src, args.to, args.packed, args.swizzle = src, to, packed, swizzle
    if bit_order is not None:
        args.bit_order = bit_order
    if scale is not None:
        args.scale = scale
    if tensor_amax is not None:
        args.tensor_amax = tensor_amax
    if tensor_scale is not None:
        args.tensor_scale = tensor_scale
    return args


@functools.lru_cache(maxsize=256)
def _plain_block_arguments(format: str, profile: str, axis: int, threads: int, src: str):
    """_block_arguments for a quantize that leaves every other option at its default (a shorter key)."""
    return _block_arguments(format, profile, None, axis, None, threads, "x", src)


def _hex32(value: Union[float, str, None]) -> Optional[str]:
    if value is None or isinstance(value, str):
        return value
    return format(int(np.array(value, dtype=np.float32).view(np.uint32)), "08x")


def quantize(x: Any, format: str, *, profile: str = "ocp", axis: int = -1, block: Optional[int] = None,
             tile: Optional[int] = None, packed: bool = False, bit_order: Optional[str] = None,
             swizzle: bool = False, scale: Optional[str] = None, src: Optional[str] = None,
             tensor_amax: Union[float, str, None] = None, tensor_scale: Union[float, str, None] = None,
             fast: Optional[bool] = None, threads: int = 0) -> QuantizedTensor:
    """`mxref quantize --in x --out q.npz`: `x` in blocks along `axis` (or 2-D tiles of `tile` rows) under
    `profile`. fast=None takes the vectorized path where it runs the job (the same codes), True insists on it,
    False runs the reference path; `threads` 0 is every core. NVFP4's tensor scale comes from the tensor, or
    from `tensor_amax` (float or FP32 hex) where given."""
    a, fmt = _values(x, "x", src)
    if (block is None and tile is None and not packed and not swizzle and bit_order is None and scale is None and
            tensor_amax is None and tensor_scale is None):
        args = _plain_block_arguments(format, profile, axis, threads, fmt)
    else:
        args = _block_arguments(format, profile, block, axis, tile, threads, "x", fmt, "f32", packed, swizzle,
                                bit_order, scale, _hex32(tensor_amax), _hex32(tensor_scale))
    elements, scales, layout = _mxref.quantize(_bytes(a), _shape(a), args, fast)
    return QuantizedTensor(format, elements, scales, layout, block)


def _members(q: QuantizedTensor) -> Dict[str, Tuple[str, list, np.ndarray]]:
    out = {}
    for name, member in q.members.items():
        m = np.ascontiguousarray(member)
        out[name] = (m.dtype.str, list(m.shape), _bytes(m))
    return out


def dequantize(q: QuantizedTensor, *, dtype: Any = np.float32, fast: Optional[bool] = None,
               threads: int = 0) -> np.ndarray:
    """`mxref dequantize`: the values of a quantized tensor in `dtype` (float32, float64, float16, bfloat16),
    rounded once from the exact value."""
    to = format_of_dtype(dtype)
    if to is None:
        raise TypeError(f"dequantize: dtype {np.dtype(dtype).name} holds no values")
    args = _block_arguments(q.format, "ocp", q.block, -1, None, threads, "q", "f32", to)
    return _as_values(_mxref.dequantize(_members(q), args, fast), to)


def fakequant(x: Any, format: str, *, profile: str = "ocp", axis: int = -1, block: Optional[int] = None,
              tile: Optional[int] = None, dtype: Any = None, src: Optional[str] = None, scale: Optional[str] = None,
              tensor_amax: Union[float, str, None] = None, fast: Optional[bool] = None, threads: int = 0) -> np.ndarray:
    """`mxref fakequant`: `x` quantized and dequantized again, in `dtype` (default: x's own)."""
    a, fmt = _values(x, "x", src)
    to = format_of_dtype(dtype) if dtype is not None else fmt
    if to is None:
        raise TypeError(f"fakequant: dtype {np.dtype(dtype).name} holds no values")
    args = _block_arguments(format, profile, block, axis, tile, threads, "x", fmt, to, scale=scale,
                            tensor_amax=_hex32(tensor_amax))
    return _as_values(_mxref.fakequant(_bytes(a), _shape(a), args, fast), to)


def dot(a_elements: Any, a_scales: Any, b_elements: Any, b_scales: Any, c: Any = 0, *, format: str,
        format_b: Optional[str] = None, model: str = "exact", out: str = "f32", rounding: str = "rne",
        overflow: str = "natural", tensor_scale_a: Union[float, str] = 1.0,
        tensor_scale_b: Union[float, str] = 1.0) -> np.ndarray:
    """`mxref dot`: Dot(A, B, C) of OCP MX §6 under an accumulation model, as codes of `out`.

    a_elements [..., K] element codes and a_scales [..., K / block] scale codes (B's alike, the same leading
    shape), c codes of `out` or values of its dtype (a scalar or [...]): one dot product per leading index. `model` is exact (one
    rounding of the exact sum) or a hardware preset (models())."""
    ae, asc, be, bsc = (_array(v, n) for v, n in ((a_elements, "a_elements"), (a_scales, "a_scales"),
                                                  (b_elements, "b_elements"), (b_scales, "b_scales")))
    lead = ae.shape[:-1]
    if asc.shape[:-1] != lead or be.shape[:-1] != lead or bsc.shape[:-1] != lead or ae.ndim < 1:
        raise ValueError("dot: a_elements, a_scales, b_elements and b_scales need the same leading shape")
    k, blocks = ae.shape[-1], asc.shape[-1]
    if blocks == 0 or k % blocks or be.shape[-1] != k or bsc.shape[-1] != blocks:
        raise ValueError(f"dot: K = {k} elements and {blocks} scales per operand are not whole blocks of one size")
    size = k // blocks
    n = int(np.prod(lead, dtype=np.int64))
    ca = _array(c, "c")
    if ca.dtype.kind not in "iu":  # values of `out` (float32 for f32, ...): their bits are the codes
        ca = ca.view(_unsigned(8 * ca.dtype.itemsize))
    cc = np.broadcast_to(ca, lead).reshape(n).astype(np.uint64)
    rows = [asc.reshape(n, blocks, 1), ae.reshape(n, blocks, size), bsc.reshape(n, blocks, 1),
            be.reshape(n, blocks, size)]
    rows = [r.astype(np.uint64) for r in rows]
    lines = np.concatenate([np.concatenate(rows[:2], axis=2).reshape(n, -1),
                            np.concatenate(rows[2:], axis=2).reshape(n, -1), cc.reshape(n, 1)], axis=1)
    args = _mxref.DotArguments()
    args.format, args.blocks, args.model, args.out = format, blocks, model, out
    args.rounding, args.overflow = rounding, overflow
    if format_b is not None:
        args.format_b = format_b
    args.tensor_scale_a, args.tensor_scale_b = _hex32(tensor_scale_a), _hex32(tensor_scale_b)
    result = _mxref.dot(np.ascontiguousarray(lines), args)
    return result.astype(_unsigned(_format_info(out)[0])).reshape(lead)


def gemm(a: QuantizedTensor, b: QuantizedTensor, c: Any = None, *, model: str = "exact", out: str = "f32",
         rounding: str = "rne", overflow: str = "natural", fast: Optional[bool] = None,
         threads: int = 0) -> np.ndarray:
    """`mxref gemm`: D[m, n] = Dot(A row m, B row n, C[m, n]) for A [M, K] and B [N, K] quantized along K.
    D (and C) in `out`'s dtype (float32 for f32; bf16 as ml_dtypes.bfloat16); fast=None runs the integer path
    where it takes the formats and model (the same codes)."""
    args = _mxref.GemmArguments()
    args.a, args.b, args.format, args.format_b = "a", "b", a.format, b.format
    if a.block is not None:
        args.block = int(a.block)
    args.model, args.out_format, args.rounding, args.overflow = model, out, rounding, overflow
    args.threads = int(threads)
    cm = None
    if c is not None:
        ca = _array(c, "c")
        want = format_of_dtype(ca.dtype) if ca.dtype.kind != "u" else None
        if want is not None and _format_info(want)[1] != _format_info(out)[1]:
            raise TypeError(f"gemm: c holds {want} values; out={out} needs C as {out}")
        cm = _bytes(ca)
    if fast is None:
        args.fast = True
        try:
            return _as_values(_mxref.gemm(_members(a), _members(b), cm, args), out)
        except ValueError as error:
            if "--fast" not in str(error):
                raise
        args.fast = False
    else:
        args.fast = bool(fast)
    return _as_values(_mxref.gemm(_members(a), _members(b), cm, args), out)


def _by_block(a: np.ndarray, axis: int, size: int, blocks: int) -> np.ndarray:
    """An array in the input's layout as [rows, blocks, size]: blocks along `axis`, a ragged last one padded."""
    moved = np.moveaxis(a, axis, -1)
    flat = moved.reshape(-1, moved.shape[-1])
    return np.pad(flat, ((0, 0), (0, blocks * size - flat.shape[1]))).reshape(flat.shape[0], blocks, size)


def _block_codes(q: "QuantizedTensor", elements: np.ndarray, scales: np.ndarray, axis: int):
    """Element and scale codes laid out as q's (1-D blocks along `axis`), block by block: elements as
    [rows, blocks, size], scales as [rows, blocks], in q's code dtypes; and the block size."""
    size = q.block or _block_format_info(q.format)[2]
    blocks = q.scales.shape[axis]
    by_block = _by_block(elements.astype(q.elements.dtype), axis, size, blocks)
    scale_codes = np.moveaxis(scales.reshape(q.scales.shape).astype(q.scales.dtype), axis, -1)
    return by_block, scale_codes.reshape(by_block.shape[0], blocks), size


def infer_profile(x: Any, elements: Any, scales: Any, format: str, *, axis: int = -1, block: Optional[int] = None,
                  src: Optional[str] = None) -> list:
    """Which profiles reproduce a quantizer's output: `x` quantized under every profile that takes `format`,
    each compared with `elements` and `scales` (codes, the archive's layout). A list of (profile, blocks that
    differ, elements that differ), best first; (p, 0, 0) means profile p reproduces the output exactly."""
    got_e, got_s = _array(elements, "elements"), _array(scales, "scales")
    found = []
    for profile in profiles():
        try:
            q = quantize(x, format, profile=profile, axis=axis, block=block, src=src)
        except ValueError:
            continue
        if q.elements.shape != got_e.shape or q.scales.size != got_s.size:
            raise ValueError(f"infer_profile: elements {got_e.shape} and scales {got_s.shape} are not {format}'s "
                             f"layout of x ({q.elements.shape} and {q.scales.shape})")
        want_e, want_s, _ = _block_codes(q, q.elements, q.scales, axis)
        have_e, have_s, _ = _block_codes(q, got_e, got_s, axis)
        element_wrong = want_e != have_e  # the padding of a ragged last block is equal on both sides
        blocks = int(np.count_nonzero(element_wrong.any(axis=2) | (want_s != have_s)))
        found.append((profile, blocks, int(np.count_nonzero(element_wrong))))
    found.sort(key=lambda t: (t[1], t[2]))
    return found


def conform(impl: Any, suite: str, *, infer: bool = False, keep: int = 20) -> Dict[str, Any]:
    """`mxref conform --suite SUITE --json [--infer]` with a Python implementation: `impl` is called once per
    vector of the generated suite folder with its input codes (a uint64 array, in the order of the suite's
    stdin.txt line) and returns its output codes (for a block suite: the scale, then the element codes; for
    a cast one code; for a dot product the result code). The report (passed, failed, by tag, mismatches with
    their diagnosis) as a dict; with infer=True also the profiles or models that explain the outputs."""
    with open(os.path.join(suite, "stdin.txt")) as f:
        lines = f.read().splitlines()
    out = []
    for line in lines:
        got = impl(np.array([int(token, 16) for token in line.split()], dtype=np.uint64))
        out.append(" ".join(format(int(v), "x") for v in np.asarray(got, dtype=np.uint64).reshape(-1)))
    results = "\n".join(out) + "\n"
    report = json.loads(_mxref.compare_json(suite, results, keep))
    if infer:
        report["inference"] = json.loads(_mxref.infer_json(suite, results))
    return report


def _stats(x: Any, formats: Sequence[str], profiles: Sequence[str], compare: bool, axis: int, block: Optional[int],
           tile: Optional[int], src: Optional[str], reference: bool, threads: int) -> Any:
    a, fmt = _values(x, "x", src)
    args = _mxref.StatsArguments()
    args.name, args.src, args.formats, args.profiles = "x", fmt, list(formats), list(profiles)
    args.axis, args.compare, args.reference_sums, args.threads = int(axis), compare, reference, int(threads)
    if block is not None:
        args.block = int(block)
    if tile is not None:
        args.tile = int(tile)
    document = json.loads(_mxref.stats_json(_bytes(a), _shape(a), args))
    rows = document if isinstance(document, list) else [document]
    for row in rows:  # the JSON's "inf" and "-inf" as floats
        for key, value in row.items():
            if value in ("inf", "-inf"):
                row[key] = float(value)
    return document


def stats(x: Any, format: str, *, profile: str = "ocp", axis: int = -1, block: Optional[int] = None,
          tile: Optional[int] = None, src: Optional[str] = None, reference: bool = False,
          threads: int = 0) -> Dict[str, Any]:
    """`mxref stats --json`: what quantizing `x` to `format` under `profile` does to it, exactly: mse, rmse, mae,
    max_abs_error, max_rel_error and sqnr_db (each the exact value rounded once to a double; None where no
    value counts, +inf for an exact quantization), counts (saturated, flushed_to_zero, subnormal_elements,
    nan_inputs, inf_inputs, nan_scale_blocks, zero_blocks), scale_codes (a histogram) and storage
    (bits_per_element, smaller_than_fp32, smaller_than_fp16). docs/stats.md."""
    return _stats(x, [format], [profile], False, axis, block, tile, src, reference, threads)


def compare(x: Any, formats: Sequence[str], *, profiles: Sequence[str] = ("ocp",), axis: int = -1,
            block: Optional[int] = None, tile: Optional[int] = None, src: Optional[str] = None,
            reference: bool = False, threads: int = 0) -> list:
    """`mxref compare --json`: stats() for every format x profile pair a profile can quantize, sorted by SQNR
    (best first)."""
    if isinstance(formats, str):
        formats = formats.split(",")
    if isinstance(profiles, str):
        profiles = profiles.split(",")
    return _stats(x, formats, profiles, True, axis, block, tile, src, reference, threads)
