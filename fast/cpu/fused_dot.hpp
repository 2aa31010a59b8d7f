// The fused-sum accumulation models (ref/dot/accumulation_models.cpp: the `nvidia` family, and CDNA3's) on
// machine integers, for block operands with elements and scales of at most 8 bits (MX's E8M0, NVFP4's UE4M3
// with its tensor scale): per instruction, every term is an integer times a power of two, aligned to the largest term
// exponent keeping F fraction bits by truncation (a shift), summed in int64 and truncated to FP32 or e8m13 (CDNA3:
// lanes and C floored, then rounded to nearest). One function for the CPU (fast/cpu/fused_gemm.cpp) and the GPU
// (fast/cuda/fused_gemm.cu), so both run the same arithmetic. What it
// does not settle (a non-finite operand, C or result, a term too wide for int64) it reports, and the caller
// asks ref/'s dot().
#pragma once

#include <cstdint>
#include <cstring>

#include "fast/cpu/wide_sum.hpp"  // MXREF_HOST_DEVICE, bit_length, fp32_nearest

namespace mxref::fast {

// What the integer path needs of a preset.
struct FusedModel {
  int fraction_bits = 25;
  int chunk = 32;                 // products per instruction
  int group = 1;                  // > 1: exact sums of `group` products, counting with the scale exponents alone
  int result_fraction_bits = 23;  // each instruction truncated to FP32 (23) or e8m13 (13), FP32's exponent range
  int passes = 1;                 // > 1: inner passes from +0, product i in pass (i / pass_stride) mod passes,
  int pass_stride = 1;            //      then C added in FP32 with round to nearest even
  bool unit_scales_only = false;  // operands converted to a format of their own: only unit scales settle here
  // AMD CDNA3's FP8 step (cdna3-fp8): products summed in `lanes` interleaved lanes (truncated, fraction_bits
  // each), the lanes floored together keeping lane_fraction_bits, then that sum (sum_bits) and C (c_bits,
  // dropped more than c_reach binades below) floored onto one grid, the result rounded to nearest even.
  int lanes = 0;  // 0: NVIDIA's single fused sum with C among the terms
  int lane_fraction_bits = 0, sum_bits = 0, c_bits = 0, c_reach = 0;
};

// An element code as the fused path sees it: ±s x 2^x (s odd, or 0), and the exponent it counts with in the
// maximum (its format's, or FP16's for a model that converts its operands; -126 for a zero).
struct FusedCode {
  std::int32_t s = 0;
  std::int32_t x = 0;
  std::int32_t label = 0;
  bool finite = false;
};

// One operand row: element codes, the scale code of each block, and the row's tensor scale (1 but for NVFP4).
struct FusedRow {
  const FusedCode* table;  // 256 entries, by element code
  const std::uint8_t* codes;
  const std::uint8_t* scales;
  const FusedCode* scale_table;  // 256 entries, by scale code
  FusedCode tensor;
};

// Whether a code is exactly 1.
MXREF_HOST_DEVICE inline bool is_one(const FusedCode& c) { return c.s == 1 && c.x == 0; }

namespace fused {

constexpr int fp32_min_exponent = -126;
constexpr int fp32_max_exponent = 127;
constexpr int zero_exponent = -126;  // what a zero counts with in NVIDIA's maximum

MXREF_HOST_DEVICE inline float float_of(std::uint32_t bits) {
#ifdef __CUDA_ARCH__
  return __uint_as_float(bits);
#else
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
#endif
}

MXREF_HOST_DEVICE inline std::uint32_t bits_of(float f) {
#ifdef __CUDA_ARCH__
  return __float_as_uint(f);
#else
  std::uint32_t bits;
  std::memcpy(&bits, &f, 4);
  return bits;
#endif
}

// value x 2^shift truncated toward zero; false when it does not fit below 2^62.
MXREF_HOST_DEVICE inline bool shifted(int128 value, std::int64_t shift, std::int64_t& out) {
  const uint128 m = magnitude(value);
  uint128 r = 0;
  if (shift >= 0) {
    if (m != 0 && bit_length(m) + shift > 62) return false;
    r = m == 0 ? 0 : m << shift;  // a zero may come with any shift: no shift of 128 or more
  } else if (shift > -128) {
    r = m >> -shift;
    if (bit_length(r) > 62) return false;
  }
  out = value < 0 ? -static_cast<std::int64_t>(r) : static_cast<std::int64_t>(r);
  return true;
}

// An FP32 value as ±m x 2^e (m < 2^24) and the exponent it counts with: max(floor(log2 |v|), -126), a zero -126.
MXREF_HOST_DEVICE inline void split_fp32(std::uint32_t bits, std::int64_t& m, std::int32_t& e, std::int32_t& label) {
  const auto field = static_cast<std::int32_t>((bits >> 23) & 0xFF);
  const std::int64_t fraction = bits & 0x7FFFFF;
  m = field == 0 ? fraction : (fraction | 0x800000);
  e = (field == 0 ? 1 : field) - 127 - 23;
  label = field == 0 ? fp32_min_exponent : field - 127;
  if (bits >> 31) m = -m;
}

// sum x 2^quantum truncated to `fraction_bits` bits (FP32's exponent range, subnormals kept) as FP32 bits; a
// zero is +0. False when the result is 2^128 or more (an Inf the caller leaves to the reference).
MXREF_HOST_DEVICE inline bool truncated(std::int64_t sum, std::int64_t quantum, int fraction_bits, std::uint32_t& out) {
  out = 0;
  if (sum == 0) return true;
  const std::uint64_t n = sum < 0 ? -static_cast<std::uint64_t>(sum) : static_cast<std::uint64_t>(sum);
  const std::int64_t top = quantum + bit_length(n) - 1;
  if (top > fp32_max_exponent) return false;
  const std::int64_t step = (top < fp32_min_exponent ? fp32_min_exponent : top) - fraction_bits;
  const std::int64_t shift = quantum - step;  // kept = n x 2^shift, truncated
  const std::uint64_t kept = shift >= 0 ? n << shift : (-shift >= 64 ? 0 : n >> -shift);
  if (kept == 0) return true;  // truncated to zero: +0
  // kept x 2^step as FP32 bits.
  const int length = bit_length(kept);
  const std::int64_t exponent = step + length - 1;
  std::uint32_t bits;
  if (exponent >= fp32_min_exponent) {
    const std::uint64_t m24 = kept << (24 - length);
    bits = static_cast<std::uint32_t>((exponent + 127) << 23) | static_cast<std::uint32_t>(m24 & 0x7FFFFF);
  } else {
    bits = static_cast<std::uint32_t>(kept << (step + 149));  // a subnormal: step >= -149
  }
  out = bits | (sum < 0 ? 0x80000000u : 0u);
  return true;
}

// value x 2^shift rounded toward -Inf (a floor of the signed value); false when it does not fit below 2^62.
MXREF_HOST_DEVICE inline bool floored(std::int64_t value, std::int64_t shift, std::int64_t& out) {
  if (shift >= 0) return shifted(value, shift, out);            // exact
  out = shift <= -63 ? (value < 0 ? -1 : 0) : value >> -shift;  // arithmetic shift: the floor
  return true;
}

// A product's factors other than its elements: value x 2^x exactly, and the exponent they count with.
struct ProductTerm {
  int128 value;
  std::int64_t x;
  std::int64_t label;
};

// The scales of block (of product i) and both tensor scales together: significands below 2^4 x 2^4 x 2^24 x
// 2^24 for NVFP4, 1 for MX.
MXREF_HOST_DEVICE inline ProductTerm scale_term(const FusedRow& a, const FusedRow& b, int block_size, int i) {
  const int block = i / block_size;
  const FusedCode& sa = a.scale_table[a.scales[block]];
  const FusedCode& sb = b.scale_table[b.scales[block]];
  const std::int64_t scales = static_cast<std::int64_t>(sa.s) * sb.s,
                     tensors = static_cast<std::int64_t>(a.tensor.s) * b.tensor.s;
  return {static_cast<int128>(scales) * tensors, static_cast<std::int64_t>(sa.x) + sb.x + a.tensor.x + b.tensor.x,
          static_cast<std::int64_t>(sa.label) + sb.label + a.tensor.label + b.tensor.label};
}

// Product i of the rows: value x 2^x exactly, and the exponent it counts with in the maximum.
MXREF_HOST_DEVICE inline ProductTerm product_term(const FusedRow& a, const FusedRow& b, int block_size, int i) {
  const ProductTerm scales = scale_term(a, b, block_size, i);
  const FusedCode& p = a.table[a.codes[i]];
  const FusedCode& q = b.table[b.codes[i]];
  return {static_cast<std::int64_t>(p.s) * q.s * scales.value, p.x + q.x + scales.x, p.label + q.label + scales.label};
}

// Whether |sum| has stayed below 2^62, where adding one more aligned term cannot overflow.
MXREF_HOST_DEVICE inline bool bounded(std::int64_t sum) {
  return sum <= (std::int64_t{1} << 62) && sum >= -(std::int64_t{1} << 62);
}

// CDNA3's step (FusedModel::lanes): products `first` .. `last` and the accumulator, to FP32 bits.
MXREF_HOST_DEVICE inline bool lane_instruction(const FusedModel& m, const FusedRow& a, const FusedRow& b,
                                               int block_size, int first, int last, std::uint32_t acc,
                                               std::uint32_t& out) {
  // Each lane: its terms aligned to its largest exponent, truncated, summed. Lane 0 always has product `first`.
  std::int64_t lane_sum[4] = {}, lane_top[4] = {};
  bool lane_used[4] = {};
  for (int i = first; i < last; ++i) {
    const int lane = (i - first) % m.lanes;
    const std::int64_t label = product_term(a, b, block_size, i).label;
    if (!lane_used[lane] || label > lane_top[lane]) lane_top[lane] = label;
    lane_used[lane] = true;
  }
  for (int i = first; i < last; ++i) {
    const int lane = (i - first) % m.lanes;
    const ProductTerm t = product_term(a, b, block_size, i);
    std::int64_t term;
    if (!shifted(t.value, t.x - (lane_top[lane] - m.fraction_bits), term)) return false;
    lane_sum[lane] += term;
    if (!bounded(lane_sum[lane])) return false;
  }
  std::int64_t top = lane_top[0];
  for (int lane = 1; lane < m.lanes; ++lane)
    if (lane_used[lane] && lane_top[lane] > top) top = lane_top[lane];
  // The lanes floored together onto the grid of the largest lane exponent.
  std::int64_t products = 0;
  for (int lane = 0; lane < m.lanes; ++lane) {
    if (!lane_used[lane]) continue;
    std::int64_t term;
    if (!floored(lane_sum[lane], (lane_top[lane] - m.fraction_bits) - (top - m.lane_fraction_bits), term)) return false;
    products += term;
  }
  // That sum and C floored onto one grid: the products' with sum_bits, C's with c_bits, C dropped far below.
  std::int64_t acc_m;
  std::int32_t acc_e, acc_label;
  split_fp32(acc, acc_m, acc_e, acc_label);
  const std::int64_t common = top > acc_label ? top : acc_label;
  std::int64_t sum = 0, term = 0;
  if (!floored(products, (top - m.lane_fraction_bits) - (common - m.sum_bits), sum)) return false;
  if (acc_m != 0 && acc_label >= common - m.c_reach) {
    if (!floored(acc_m, acc_e - (common - m.c_bits), term) || !shifted(term, m.sum_bits - m.c_bits, term)) return false;
    sum += term;
  }
  // Rounded to nearest even in FP32 (a sum that cancels is +0; an Inf is left to the caller).
  out = sum == 0 ? 0u : fp32_nearest(sum < 0, magnitude(sum), common - m.sum_bits);
  return true;
}

// One instruction (or inner pass): products `first` .. `last` (those in `pass` of `passes` when passes > 1)
// and the accumulator `acc` (FP32 bits), as the model sums them. False: not settled here.
MXREF_HOST_DEVICE inline bool instruction(const FusedModel& m, const FusedRow& a, const FusedRow& b, int block_size,
                                          int first, int last, int pass, std::uint32_t acc, std::uint32_t& out) {
  std::int64_t acc_m;
  std::int32_t acc_e, acc_label;
  split_fp32(acc, acc_m, acc_e, acc_label);
  const auto in_pass = [&](int i) { return m.passes <= 1 || ((i - first) / m.pass_stride) % m.passes == pass; };
  // The largest exponent: C's, and every term's.
  std::int64_t top = acc_label;
  for (int i = first; i < last; i += m.group) {
    if (!in_pass(i)) continue;
    // A group counts with its scales' exponents alone.
    const std::int64_t label =
        m.group == 1 ? product_term(a, b, block_size, i).label : scale_term(a, b, block_size, i).label;
    if (label > top) top = label;
  }
  const std::int64_t quantum = top - m.fraction_bits;
  std::int64_t sum = 0, term = 0;
  if (!shifted(acc_m, acc_e - quantum, term)) return false;
  sum += term;
  for (int i = first; i < last; i += m.group) {
    if (!in_pass(i)) continue;
    if (m.group == 1) {
      const ProductTerm t = product_term(a, b, block_size, i);
      if (!shifted(t.value, t.x - quantum, term)) return false;
    } else {
      // The group's exact sum, on the finest grid of its members; then aligned like one term.
      std::int32_t low = 0;
      bool any = false;
      for (int j = i; j < i + m.group; ++j) {
        const std::int32_t x = a.table[a.codes[j]].x + b.table[b.codes[j]].x;
        if (a.table[a.codes[j]].s != 0 && b.table[b.codes[j]].s != 0 && (!any || x < low)) low = x, any = true;
      }
      std::int64_t group_sum = 0;
      for (int j = i; j < i + m.group && any; ++j) {
        const FusedCode& x = a.table[a.codes[j]];
        const FusedCode& y = b.table[b.codes[j]];
        std::int64_t product;
        if (!shifted(static_cast<std::int64_t>(x.s) * y.s, x.x + y.x - low, product)) return false;
        group_sum += product;
      }
      const ProductTerm scales = scale_term(a, b, block_size, i);
      if (!shifted(group_sum * scales.value, low + scales.x - quantum, term)) return false;
    }
    sum += term;
    if (!bounded(sum)) return false;
  }
  return truncated(sum, quantum, m.result_fraction_bits, out);
}

}  // namespace fused

// The dot product of rows `a` and `b` (k products in blocks of `block_size`) and C (FP32 bits) under the
// model, as FP32 bits. False when it is not settled here: a non-finite element in the rows or a non-finite C
// or result, or a term too wide; the caller then asks the reference.
MXREF_HOST_DEVICE inline bool fused_dot(const FusedModel& m, const FusedRow& a, const FusedRow& b, int k,
                                        int block_size, std::uint32_t c, std::uint32_t& out) {
  if ((c & 0x7F800000u) == 0x7F800000u) return false;
  for (int i = 0; i < k; ++i)
    if (!a.table[a.codes[i]].finite || !b.table[b.codes[i]].finite) return false;
  if (!a.tensor.finite || !b.tensor.finite) return false;
  if (m.unit_scales_only && (!is_one(a.tensor) || !is_one(b.tensor))) return false;
  for (int j = 0; j < k / block_size; ++j) {
    const FusedCode &sa = a.scale_table[a.scales[j]], &sb = b.scale_table[b.scales[j]];
    if (!sa.finite || !sb.finite) return false;  // E8M0's NaN, UE4M3's
    if (m.unit_scales_only && (!is_one(sa) || !is_one(sb))) return false;
  }
  std::uint32_t acc = c;
  for (int first = 0; first < k; first += m.chunk) {
    const int last = first + m.chunk < k ? first + m.chunk : k;
    if (m.lanes > 0) {
      if (!fused::lane_instruction(m, a, b, block_size, first, last, acc, acc)) return false;
      if ((acc & 0x7F800000u) == 0x7F800000u) return false;
      continue;
    }
    if (m.passes <= 1) {
      if (!fused::instruction(m, a, b, block_size, first, last, 0, acc, acc)) return false;
      continue;
    }
    std::uint32_t inner = 0;
    for (int pass = 0; pass < m.passes; ++pass)
      if (!fused::instruction(m, a, b, block_size, first, last, pass, inner, inner)) return false;
    acc = fused::bits_of(fused::float_of(acc) + fused::float_of(inner));  // one FP32 add, round to nearest even
    if ((acc & 0x7F800000u) == 0x7F800000u) return false;
  }
  out = acc;
  return true;
}

}  // namespace mxref::fast
