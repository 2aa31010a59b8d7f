// FP32 -> small float element casts on bit patterns: round to nearest even, saturating or IEEE overflow,
// NaN kept where the format has one (with its leading payload bits; else +0, the `--nan zero` policy), subnormals kept.
// One branch-light function per format, instantiated from a traits struct (the ml_dtypes float8 style), so loops over
// arrays auto-vectorize. Proven equal to ref/ over every rounding decision (fast/tests/).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace mxref::fast {

// A small float format: sign, E exponent bits, M mantissa bits, bias 2^(E-1) - 1 (the OCP layout),
// and how the top of the code space is spent.
template <int E, int M, bool Ieee, bool FnNan>
struct SmallFloat {
  static constexpr int exponent_bits = E;
  static constexpr int mantissa_bits = M;
  static constexpr int bias = (1 << (E - 1)) - 1;
  static constexpr bool ieee = Ieee;     // all-ones exponent is Inf/NaN (E5M2)
  static constexpr bool fn_nan = FnNan;  // S.1..1.1..1 is NaN (E4M3)
  static constexpr std::uint32_t sign_bit = 1u << (E + M);
  static constexpr std::uint32_t max_finite = Ieee    ? (((1u << E) - 2) << M) | ((1u << M) - 1)
                                              : FnNan ? (1u << (E + M)) - 2
                                                      : (1u << (E + M)) - 1;
  static constexpr std::uint32_t nan_code = Ieee ? ((1u << E) - 1) << M | (1u << (M - 1)) : (1u << (E + M)) - 1;
  static constexpr std::uint32_t inf_code = ((1u << E) - 1) << M;  // IEEE only
};

using E5M2 = SmallFloat<5, 2, true, false>;
using E4M3 = SmallFloat<4, 3, false, true>;
using E3M2 = SmallFloat<3, 2, false, false>;
using E2M3 = SmallFloat<2, 3, false, false>;
using E2M1 = SmallFloat<2, 1, false, false>;

// saturate: finite overflow goes to ±max finite; otherwise IEEE-like formats overflow to ±Inf (formats
// without Inf saturate anyway). An Inf input stays Inf in a format that has it, as in ref/, unless
// inf_to_max: saturating block quantizers clamp before the cast (ref/block/quantize.cpp).
template <class F>
[[gnu::always_inline]] constexpr std::uint32_t cast_fp32(std::uint32_t x, bool saturate = true,
                                                         bool inf_to_max = false) {
  // Every case is computed and the answer selected, without early returns: a loop over this stays
  // branch-free and the compiler vectorizes it.
  constexpr int M = F::mantissa_bits;
  constexpr int min_exponent = 1 - F::bias;  // of the smallest normal
  const std::uint32_t sign = (x >> 31) ? F::sign_bit : 0;
  const std::uint32_t field = x >> 23 & 0xFF;
  const std::uint32_t fraction = x & 0x7FFFFF;
  const int exponent = static_cast<int>(field) - 127;
  const std::uint32_t significand = fraction | 0x800000;
  // Bits to drop: 23 - M for normal results, more below the smallest normal (capped: all round to 0).
  int shift = 23 - M + (exponent < min_exponent ? min_exponent - exponent : 0);
  shift = shift > 25 ? 25 : shift;
  const std::uint32_t kept = significand >> shift;
  const std::uint32_t rest = significand & ((1u << shift) - 1);
  const std::uint32_t half = 1u << (shift - 1);
  const std::uint32_t rounded = kept + ((rest > half || (rest == half && (kept & 1))) ? 1u : 0u);
  // Normal results: the code is (exponent field << M) + mantissa, and a carry out of the mantissa moves
  // into the exponent field by itself; subnormal results are the rounded multiple of the smallest step.
  const std::uint32_t normal = (static_cast<std::uint32_t>(exponent - min_exponent) << M) + rounded;
  const std::uint32_t code = exponent < min_exponent ? rounded : normal;
  const bool overflow = exponent > F::bias + 1 || code > F::max_finite;
  const std::uint32_t too_big = F::ieee && !saturate ? F::inf_code : F::max_finite;
  const std::uint32_t finite = field == 0 ? 0 : overflow ? too_big : code;  // FP32 subnormals round to 0
  // NaN: IEEE-like targets keep the payload's leading bits and set the quiet bit (ref/encode.cpp); E4M3
  // has one NaN per sign; formats without NaN take +0. Inf stays Inf where the target has it.
  const std::uint32_t nan = F::ieee     ? sign | F::inf_code | fraction >> (23 - M) | 1u << (M - 1)
                            : F::fn_nan ? sign | F::nan_code
                                        : 0;
  const std::uint32_t infinity = sign | (F::ieee && !inf_to_max ? F::inf_code : F::max_finite);
  return field == 0xFF ? (fraction != 0 ? nan : infinity) : sign | finite;
}

// MXINT8's element (OCP MX v1.0 §5.3.3): two's complement, value = code x 2^-6, RNE, saturating to
// ±127 (the spec's -2.0 code, 0x80, is never produced); NaN becomes 0, as `--nan zero` in ref/.
struct Int8 {
  static constexpr int fraction_bits = 6;
  static constexpr std::uint32_t max_finite = 127;
};

[[gnu::always_inline]] constexpr std::uint32_t cast_fp32_int8(std::uint32_t x) {
  const std::uint32_t magnitude = x & 0x7FFFFFFF;
  const std::uint32_t field = magnitude >> 23;
  // |x| x 2^6 as a 24-bit significand shifted right by `shift`: below 2^-7 everything rounds to 0, and
  // from 2 up everything saturates, so the shift only needs the range 16..25.
  const int exponent = static_cast<int>(field) - 127 + Int8::fraction_bits;  // of |x| x 2^6
  int shift = 23 - exponent;
  shift = shift < 16 ? 16 : shift > 25 ? 25 : shift;
  const std::uint32_t significand = (magnitude & 0x7FFFFF) | 0x800000;
  const std::uint32_t kept = significand >> shift;
  const std::uint32_t rest = significand & ((1u << shift) - 1);
  const std::uint32_t half = 1u << (shift - 1);
  std::uint32_t q = kept + ((rest > half || (rest == half && (kept & 1))) ? 1u : 0u);
  q = field == 0 ? 0 : exponent > 7 || q > Int8::max_finite ? Int8::max_finite : q;  // FP32 subnormals: 0
  const std::uint32_t code = (x >> 31) ? (0u - q) & 0xFF : q;
  return magnitude > 0x7F800000 ? 0 : code;  // Inf saturates through `exponent > 7`
}

// The same over arrays: a plain loop the compiler vectorizes.
template <class F>
void cast_fp32(std::span<const std::uint32_t> in, std::span<std::uint8_t> out, bool saturate = true) {
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = static_cast<std::uint8_t>(cast_fp32<F>(in[i], saturate));
}

}  // namespace mxref::fast
