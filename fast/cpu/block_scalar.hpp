// One value's arithmetic in fast block quantization, as plain constexpr functions on FP32 bit patterns:
// the saturating element cast, element values, scaling and dequantization, BF16 rounding. The CPU
// loops (block_kernels.hpp) use them for ragged ends and strided panels; the CUDA kernels (fast/cuda/,
// compiled with --expt-relaxed-constexpr) for blocks holding NaN or Inf, for dequantization and BF16
// output, and as the definition their finite-block conversions are proven equal to.
#pragma once

#include <bit>
#include <cstdint>
#include <type_traits>

#include "fast/cpu/block_rules.hpp"
#include "fast/cpu/element_cast.hpp"

namespace mxref::fast::kernels {

// The saturating element cast of a block quantizer (Inf clamps to ±max like any overflow).
template <class E>
[[gnu::always_inline]] constexpr std::uint32_t block_element(std::uint32_t scaled_bits) {
  if constexpr (std::is_same_v<E, Int8>) return cast_fp32_int8(scaled_bits);
  else return cast_fp32<E>(scaled_bits, true, true);
}

// An element code's value as FP32 bits; NaN codes give the default NaN with the code's sign (ref/'s
// dequantization makes a fresh NaN).
template <class E>
[[gnu::always_inline]] constexpr std::uint32_t element_value(std::uint32_t code) {
  if constexpr (std::is_same_v<E, Int8>) {
    return std::bit_cast<std::uint32_t>(static_cast<float>(static_cast<std::int8_t>(code)) * 0x1p-6f);
  } else {
    constexpr int M = E::mantissa_bits;
    const std::uint32_t sign = (code & E::sign_bit) ? 0x80000000u : 0;
    const std::uint32_t magnitude = code & (E::sign_bit - 1);
    // The code's exponent and mantissa fields placed at the bottom of FP32's: that FP32 number times
    // 2^(127 - bias) is the code's value, subnormals included, exactly.
    const float value = std::bit_cast<float>(magnitude << (23 - M)) * power_of_two(127 - E::bias);
    const std::uint32_t finite = sign | std::bit_cast<std::uint32_t>(value);
    const bool top = (magnitude >> M) == (1u << E::exponent_bits) - 1;
    if constexpr (E::ieee) {
      const std::uint32_t special = sign | ((magnitude & ((1u << M) - 1)) != 0 ? fp32_quiet_nan : 0x7F800000u);
      return top ? special : finite;
    } else if constexpr (E::fn_nan) {
      return magnitude == E::sign_bit - 1 ? (sign | fp32_quiet_nan) : finite;
    } else {
      return finite;
    }
  }
}

[[gnu::always_inline]] constexpr bool is_nan(std::uint32_t bits) { return (bits & 0x7FFFFFFFu) > 0x7F800000u; }

// fl32(x * factor), a NaN replaced by the default NaN with x's sign (or positive).
[[gnu::always_inline]] constexpr std::uint32_t scaled(std::uint32_t x, float factor, std::uint32_t nan_sign_mask) {
  const std::uint32_t s = std::bit_cast<std::uint32_t>(std::bit_cast<float>(x) * factor);
  return is_nan(s) ? ((x & nan_sign_mask) | fp32_quiet_nan) : s;
}

// Scale x element in FP32 (one rounding: the element's value is exact), NaN scale -> default NaN.
template <class E>
[[gnu::always_inline]] constexpr std::uint32_t dequantized(std::uint32_t code, float scale, bool scale_is_nan) {
  const std::uint32_t e = element_value<E>(code);
  const std::uint32_t p = std::bit_cast<std::uint32_t>(std::bit_cast<float>(e) * scale);
  return scale_is_nan ? fp32_quiet_nan : is_nan(e) ? e : p;
}

[[gnu::always_inline]] constexpr float scale_value(std::uint8_t code) {
  return code == 0xFF ? std::bit_cast<float>(fp32_quiet_nan) : power_of_two(static_cast<int>(code) - 127);
}

// FP32 -> BF16, round to nearest even; a NaN keeps its leading payload bits and is made quiet.
[[gnu::always_inline]] constexpr std::uint16_t bf16_of(std::uint32_t b) {
  const std::uint32_t rounded = (b + 0x7FFFu + ((b >> 16) & 1u)) >> 16;
  return static_cast<std::uint16_t>(is_nan(b) ? (b >> 16) | 0x40u : rounded);
}

}  // namespace mxref::fast::kernels
