// The loops of fast block quantization, written so the compiler vectorizes them: each block (or panel
// of blocks side by side) is gathered into lanes, reduced to its statistics, given its scale by
// block_rules.hpp, and cast lane by lane. Included only by block_quantize.cpp, which compiles these
// templates once per SIMD level; they rely on IEEE FP32 arithmetic with subnormals (no FTZ/DAZ).
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "fast/cpu/block_lanes.hpp"
#include "fast/cpu/block_quantize.hpp"
#include "fast/cpu/block_rules.hpp"
#include "fast/cpu/block_scalar.hpp"
#include "fast/cpu/element_cast.hpp"
#include "ref/block/operation.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

namespace mxref::fast::kernels {

[[gnu::always_inline]] inline std::uint32_t load(FloatData from, const std::uint8_t* bytes, std::size_t i) {
  if (from == FloatData::bf16) {
    std::uint16_t h;
    std::memcpy(&h, bytes + 2 * i, 2);
    return static_cast<std::uint32_t>(h) << 16;
  }
  std::uint32_t w;
  std::memcpy(&w, bytes + 4 * i, 4);
  return w;
}

[[gnu::always_inline]] inline void store(FloatData to, std::uint8_t* bytes, std::size_t i, std::uint32_t value) {
  if (to == FloatData::bf16) {
    const std::uint16_t h = bf16_of(value);
    std::memcpy(bytes + 2 * i, &h, 2);
  } else {
    std::memcpy(bytes + 4 * i, &value, 4);
  }
}

// Everything a worker needs; pointers are raw bytes (inputs need no alignment).
struct Job {
  BlockOperation operation = BlockOperation::quantize;
  BlockSpec spec;
  ElementConstants constants;
  AxisView view;
  FloatData from = FloatData::fp32, to = FloatData::fp32;
  const std::uint8_t* in = nullptr;         // values (quantize, fake_quantize) or element codes
  const std::uint8_t* scales_in = nullptr;  // dequantize
  std::uint8_t* out = nullptr;              // element codes (quantize) or values
  std::uint8_t* scales_out = nullptr;       // quantize
};

constexpr std::size_t max_block = 1024;    // fast_block_spec refuses larger blocks
constexpr std::size_t panel_columns = 16;  // blocks side by side in a strided panel

// Sixteen values' codes under their block's scale. A block of finite values (the usual case) skips
// the NaN handling: x * factor of a finite x is finite or overflows to Inf, which the cast saturates.
template <class E, bool Finite>
[[gnu::always_inline]] inline lanes::U32 element_codes(lanes::U32 x, const ScaleChoice& choice) {
  if constexpr (Finite) return lanes::block_cast<E, false>(lanes::as_bits(lanes::as_float(x) * choice.factor));
  else return lanes::block_cast<E>(lanes::scaled(x, choice.factor, choice.nan_keeps_sign ? 0x80000000u : 0u));
}

[[gnu::always_inline]] inline bool all_finite(const BlockStats& s) { return !s.any_nan && !s.any_infinity; }

// f.template operator()<Finite>() with Finite known at compile time.
template <class F>
[[gnu::always_inline]] inline void with_finiteness(bool finite, F&& f) {
  if (finite) f.template operator()<true>();
  else f.template operator()<false>();
}

// The largest magnitude's bits, NaN and Inf aside. One max reduction decides blocks of finite values
// (the only kind the compiler vectorizes well); a block holding NaN or Inf is looked at again.
template <FloatData From>
[[gnu::always_inline]] inline BlockStats block_stats(const std::uint8_t* in, std::size_t n) {
  std::uint32_t top = 0;
  for (std::size_t i = 0; i < n; ++i) top = std::max(top, load(From, in, i) & 0x7FFFFFFFu);
  if (top < 0x7F800000u) return {top, false, false};
  BlockStats s;
  for (std::size_t i = 0; i < n; ++i) include(s, load(From, in, i));
  return s;
}

// One contiguous block of n values at `base` (scale index b). Every pointer is read into a local first:
// a store through a byte pointer could alias the Job, and would stop the loops from vectorizing.
template <class E, FloatData From, FloatData To>
[[gnu::always_inline]] inline void contiguous_block(const Job& job, std::size_t base, std::size_t n, std::size_t b) {
  const std::uint8_t* const in = job.in + base * (job.operation == BlockOperation::dequantize ? 1
                                                  : From == FloatData::bf16                   ? 2
                                                                                              : 4);
  std::uint8_t* const out = job.out + base * (job.operation == BlockOperation::quantize ? 1
                                              : To == FloatData::bf16                   ? 2
                                                                                        : 4);
  std::uint32_t v[max_block];
  if (job.operation == BlockOperation::dequantize) {
    const std::uint8_t code = job.scales_in[b];
    const float scale = scale_value(code);
    const bool nan = code == 0xFF;
    for (std::size_t i = 0; i < n; ++i) v[i] = dequantized<E>(in[i], scale, nan);
  } else {
    const ScaleChoice s = choose_scale(job.spec.rule, block_stats<From>(in, n), job.constants);
    const std::uint32_t mask = s.nan_keeps_sign ? 0x80000000u : 0u;
    const float factor = s.factor;
    if (job.operation == BlockOperation::quantize) {
      for (std::size_t i = 0; i < n; ++i)
        out[i] = static_cast<std::uint8_t>(block_element<E>(scaled(load(From, in, i), factor, mask)));
      job.scales_out[b] = s.code;
      return;
    }
    const float scale = scale_value(s.code);
    const bool nan = s.code == 0xFF;
    for (std::size_t i = 0; i < n; ++i)
      v[i] = dequantized<E>(block_element<E>(scaled(load(From, in, i), factor, mask)), scale, nan);
  }
  for (std::size_t i = 0; i < n; ++i) store(To, out, i, v[i]);
}

// Bytes per value as stored.
template <FloatData D>
constexpr std::size_t value_size = D == FloatData::bf16 ? 2 : 4;

template <FloatData From>
[[gnu::always_inline]] inline lanes::U32 load_values(const std::uint8_t* p) {
  return From == FloatData::bf16 ? lanes::load_bf16(p) : lanes::load_fp32(p);
}

template <FloatData To>
[[gnu::always_inline]] inline void store_values(std::uint8_t* p, lanes::U32 v) {
  if constexpr (To == FloatData::bf16) lanes::store_bf16(p, lanes::bf16_of(v));
  else lanes::store_fp32(p, v);
}

// A block's statistics from one max reduction over its lanes (n a multiple of 16); a block holding
// NaN or Inf is looked at again by block_stats.
template <FloatData From>
[[gnu::always_inline]] inline BlockStats lane_stats(const std::uint8_t* in, std::size_t n) {
  lanes::U32 top{};
  for (std::size_t i = 0; i < n; i += lanes::width)
    top = lanes::max(top, load_values<From>(in + i * value_size<From>) & 0x7FFFFFFFu);
  const std::uint32_t largest = lanes::max_lane(top);
  return largest < 0x7F800000u ? BlockStats{largest, false, false} : block_stats<From>(in, n);
}

// One block of n values (a multiple of 16) under its chosen scale: element codes to `out` (quantize),
// or their dequantized values (fake_quantize). The scale code is the caller's to store.
template <class E, FloatData From, FloatData To>
[[gnu::always_inline]] inline void cast_block_in_lanes(BlockOperation operation, const std::uint8_t* in,
                                                       std::uint8_t* out, std::size_t n, const BlockStats& stats,
                                                       const ScaleChoice& s) {
  const float scale = scale_value(s.code);
  with_finiteness(all_finite(stats), [&]<bool Finite>() {
    for (std::size_t i = 0; i < n; i += lanes::width) {
      const lanes::U32 codes = element_codes<E, Finite>(load_values<From>(in + i * value_size<From>), s);
      if (operation == BlockOperation::quantize) lanes::store_codes(out + i, codes);
      else store_values<To>(out + i * value_size<To>, lanes::dequantized<E>(codes, scale, s.code == 0xFF));
    }
  });
}

// The same for a block of a multiple of 16 values, sixteen lanes at a time (block_lanes.hpp).
// N > 0: the block size, known to the compiler (MX's 32 unrolls into two steps of sixteen lanes).
template <class E, FloatData From, FloatData To, std::size_t N>
[[gnu::always_inline]] inline void contiguous_block_in_lanes(const Job& job, std::size_t base,
                                                             std::size_t n_at_run_time, std::size_t b) {
  const std::size_t n = N != 0 ? N : n_at_run_time;
  if (job.operation == BlockOperation::dequantize) {
    const std::uint8_t* const in = job.in + base;
    std::uint8_t* const out = job.out + base * value_size<To>;
    const std::uint8_t code = job.scales_in[b];
    const float scale = scale_value(code);
    for (std::size_t i = 0; i < n; i += lanes::width)
      store_values<To>(out + i * value_size<To>, lanes::dequantized<E>(lanes::load_codes(in + i), scale, code == 0xFF));
    return;
  }
  const std::uint8_t* const in = job.in + base * value_size<From>;
  std::uint8_t* const out = job.out + base * (job.operation == BlockOperation::quantize ? 1 : value_size<To>);
  const BlockStats stats = lane_stats<From>(in, n);
  const ScaleChoice s = choose_scale(job.spec.rule, stats, job.constants);
  cast_block_in_lanes<E, From, To>(job.operation, in, out, n, stats, s);
  if (job.operation == BlockOperation::quantize) job.scales_out[b] = s.code;
}

// `count` (up to 16) consecutive full blocks of 32 values from `base` on (scales from b): first every
// block's amax, then every scale (one loop, the rule chosen once), then the elements, so that no block
// waits on the one before it.
template <class E, FloatData From, FloatData To>
[[gnu::always_inline]] inline void group_of_32s(const Job& job, std::size_t base, std::size_t count, std::size_t b) {
  const std::size_t out_size = job.operation == BlockOperation::quantize ? 1 : value_size<To>;
  const std::uint8_t* const in = job.in + base * value_size<From>;
  std::uint8_t* const out = job.out + base * out_size;
  BlockStats stats[16];
  ScaleChoice choice[16];
  for (std::size_t g = 0; g < count; ++g) stats[g] = lane_stats<From>(in + 32 * g * value_size<From>, 32);
  choose_scales(job.spec.rule, stats, count, job.constants, choice);
  for (std::size_t g = 0; g < count; ++g) {
    cast_block_in_lanes<E, From, To>(job.operation, in + 32 * g * value_size<From>, out + 32 * g * out_size, 32,
                                     stats[g], choice[g]);
    if (job.operation == BlockOperation::quantize) job.scales_out[b + g] = choice[g].code;
  }
}

// Blocks [first, last) of a view with columns == 1.
template <class E, FloatData From, FloatData To>
[[gnu::always_inline]] inline void contiguous_blocks(const Job& job, std::size_t first, std::size_t last) {
  const std::size_t size = job.spec.block_size, rows = job.view.rows;
  const std::size_t per_outer = (rows + size - 1) / size;
  // Block b is block k of slice o; both are stepped along rather than divided out for every block.
  std::size_t o = first / per_outer, k = first % per_outer;
  for (std::size_t b = first; b < last;) {
    const std::size_t row = k * size, base = o * rows + row, n = std::min(size, rows - row);
    // Up to 16 full MX blocks of this slice at once.
    const std::size_t full = size == 32 && job.operation != BlockOperation::dequantize
                                 ? std::min({std::size_t{16}, last - b, (rows - row) / 32})
                                 : 0;
    std::size_t step = 1;
    if (full > 1) {
      group_of_32s<E, From, To>(job, base, full, b);
      step = full;
    } else if (n == 32) {
      contiguous_block_in_lanes<E, From, To, 32>(job, base, n, b);
    } else if (n % lanes::width == 0) {
      contiguous_block_in_lanes<E, From, To, 0>(job, base, n, b);
    } else {
      contiguous_block<E, From, To>(job, base, n, b);
    }
    b += step;
    k += step;
    if (k == per_outer) k = 0, ++o;
  }
}

// Panel p: the blocks of up to panel_columns adjacent columns over the same rows, the lanes running
// along the columns (the dim-1 case: blocks across rows of a row-major matrix).
template <class E, FloatData From, FloatData To>
[[gnu::always_inline]] inline void strided_panel(const Job& job, std::size_t p) {
  const std::size_t size = job.spec.block_size, rows = job.view.rows, columns = job.view.columns;
  const std::size_t per_row_block = (columns + panel_columns - 1) / panel_columns;
  const std::size_t per_outer = (rows + size - 1) / size;
  const std::size_t c0 = (p % per_row_block) * panel_columns, width = std::min(panel_columns, columns - c0);
  const std::size_t block_row = (p / per_row_block) % per_outer, o = p / per_row_block / per_outer;
  const std::size_t row0 = block_row * size, n = std::min(size, rows - row0);
  const std::size_t scale_base = (o * per_outer + block_row) * columns + c0;
  const auto index = [&](std::size_t r, std::size_t c) { return (o * rows + row0 + r) * columns + c0 + c; };

  float factor[panel_columns], scale[panel_columns];
  std::uint32_t mask[panel_columns];
  bool nan_scale[panel_columns];
  if (job.operation == BlockOperation::dequantize) {
    for (std::size_t c = 0; c < width; ++c) {
      scale[c] = scale_value(job.scales_in[scale_base + c]);
      nan_scale[c] = job.scales_in[scale_base + c] == 0xFF;
    }
    for (std::size_t r = 0; r < n; ++r)
      for (std::size_t c = 0; c < width; ++c)
        store(To, job.out, index(r, c), dequantized<E>(job.in[index(r, c)], scale[c], nan_scale[c]));
    return;
  }
  std::uint32_t amax[panel_columns] = {}, top[panel_columns] = {}, infinities[panel_columns] = {};
  for (std::size_t r = 0; r < n; ++r)
    for (std::size_t c = 0; c < width; ++c) {
      const std::uint32_t a = load(From, job.in, index(r, c)) & 0x7FFFFFFFu;
      top[c] = std::max(top[c], a);
      amax[c] = std::max(amax[c], a < 0x7F800000u ? a : 0u);
      infinities[c] |= a == 0x7F800000u ? 1u : 0u;
    }
  for (std::size_t c = 0; c < width; ++c) {
    const ScaleChoice s =
        choose_scale(job.spec.rule, {amax[c], top[c] > 0x7F800000u, infinities[c] != 0}, job.constants);
    factor[c] = s.factor;
    mask[c] = s.nan_keeps_sign ? 0x80000000u : 0u;
    scale[c] = scale_value(s.code);
    nan_scale[c] = s.code == 0xFF;
    if (job.operation == BlockOperation::quantize) job.scales_out[scale_base + c] = s.code;
  }
  for (std::size_t r = 0; r < n; ++r)
    for (std::size_t c = 0; c < width; ++c) {
      const std::uint32_t code = block_element<E>(scaled(load(From, job.in, index(r, c)), factor[c], mask[c]));
      if (job.operation == BlockOperation::quantize) job.out[index(r, c)] = static_cast<std::uint8_t>(code);
      else store(To, job.out, index(r, c), dequantized<E>(code, scale[c], nan_scale[c]));
    }
}

// Work units: blocks when columns == 1, panels otherwise.
inline std::size_t work_units(const Job& job) {
  const AxisView& v = job.view;
  const std::size_t per_outer = (v.rows + job.spec.block_size - 1) / job.spec.block_size;
  if (v.columns == 1) return v.outer * per_outer;
  return v.outer * per_outer * ((v.columns + panel_columns - 1) / panel_columns);
}

template <class E, FloatData From, FloatData To>
[[gnu::always_inline]] inline void units(const Job& job, std::size_t first, std::size_t last) {
  if (job.view.columns == 1) return contiguous_blocks<E, From, To>(job, first, last);
  for (std::size_t p = first; p < last; ++p) strided_panel<E, From, To>(job, p);
}

// The element format and the value types picked at compile time, so each inner loop is one kernel.
template <class E>
[[gnu::always_inline]] inline void units_for(const Job& job, std::size_t first, std::size_t last) {
  const bool from_bf16 = job.from == FloatData::bf16, to_bf16 = job.to == FloatData::bf16;
  if (from_bf16 && to_bf16) units<E, FloatData::bf16, FloatData::bf16>(job, first, last);
  else if (from_bf16) units<E, FloatData::bf16, FloatData::fp32>(job, first, last);
  else if (to_bf16) units<E, FloatData::fp32, FloatData::bf16>(job, first, last);
  else units<E, FloatData::fp32, FloatData::fp32>(job, first, last);
}

[[gnu::always_inline]] inline void run_units(const Job& job, std::size_t first, std::size_t last) {
  switch (job.spec.element) {
    case Element::e4m3: return units_for<E4M3>(job, first, last);
    case Element::e5m2: return units_for<E5M2>(job, first, last);
    case Element::e3m2: return units_for<E3M2>(job, first, last);
    case Element::e2m3: return units_for<E2M3>(job, first, last);
    case Element::e2m1: return units_for<E2M1>(job, first, last);
    case Element::int8: return units_for<Int8>(job, first, last);
  }
}

}  // namespace mxref::fast::kernels

#pragma GCC diagnostic pop
