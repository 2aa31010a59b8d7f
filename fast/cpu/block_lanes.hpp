// The block path's element arithmetic on sixteen lanes (lanes.hpp). The casts here are those of a
// saturating block quantizer — |x| clamped to the largest finite value first (Inf included), which
// gives the same code as rounding then saturating — and they round with the hardware's own RNE:
// normal results by adding the carry-in at the cut, subnormal ones by one FP32 addition of 2^k whose
// ulp is the element's smallest step. fast/tests proves them equal to element_cast.hpp's cast_fp32
// (itself proven equal to ref/ on all 2^32 inputs) on every FP32 input.
#pragma once

#include <cstdint>
#include <type_traits>

#include "fast/cpu/block_rules.hpp"
#include "fast/cpu/element_cast.hpp"
#include "fast/cpu/lanes.hpp"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"

namespace mxref::fast::lanes {

// FP32 bits of a code of F with the given exponent field and mantissa (field >= 1).
template <class F>
constexpr std::uint32_t fp32_bits_of(std::uint32_t field, std::uint32_t mantissa) {
  return (field - F::bias + 127) << 23 | mantissa << (23 - F::mantissa_bits);
}

// A lane's value after scaling: a NaN is replaced by the default NaN with the input's sign (or none).
[[gnu::always_inline]] inline U32 scaled(U32 x, float factor, std::uint32_t nan_sign_mask) {
  const U32 s = as_bits(as_float(x) * factor);
  return select((s & 0x7FFFFFFFu) > 0x7F800000u, (x & nan_sign_mask) | fp32_quiet_nan, s);
}

// Saturating RNE cast of scaled values (NaN only as the default NaN, from scaled()) to codes of E.
// MayBeNan = false: the caller knows no lane is NaN (a block of finite values), and the NaN lanes'
// handling is left out.
template <class E, bool MayBeNan = true>
[[gnu::always_inline]] inline U32 block_cast(U32 s) {
  const U32 magnitude = s & 0x7FFFFFFFu;
  if constexpr (std::is_same_v<E, Int8>) {
    F32 q = as_float(magnitude) * 64.0f;
    q = q < 127.0f ? q : F32{} + 127.0f;               // Inf and NaN too
    const U32 n = as_bits(q + 0x1p23f) - 0x4B000000u;  // RNE to an integer
    const U32 code = select(s >> 31 != 0, (U32{} - n) & 0xFFu, n);
    if constexpr (MayBeNan) return select(magnitude > 0x7F800000u, U32{}, code);
    else return code;
  } else {
    constexpr int M = E::mantissa_bits;
    constexpr std::uint32_t largest = fp32_bits_of<E>(E::max_finite >> M, E::max_finite & ((1u << M) - 1));
    constexpr std::uint32_t smallest_normal = fp32_bits_of<E>(1, 0);
    constexpr std::uint32_t step_magnet = static_cast<std::uint32_t>(1 - E::bias - M + 23 + 127) << 23;
    // Round half to even at the cut, and rebias, in one addition before the shift: the rebias's
    // borrow cannot reach past bit 31 for a normal a (a >= smallest_normal), the only lanes that use it.
    constexpr std::uint32_t half_minus_one_and_rebias =
        ((1u << (22 - M)) - 1) - (static_cast<std::uint32_t>(127 - E::bias) << 23);
    const U32 a = min(magnitude, broadcast(largest));
    const U32 normal = (a + half_minus_one_and_rebias + ((a >> (23 - M)) & 1u)) >> (23 - M);
    const U32 subnormal = as_bits(as_float(a) + as_float(broadcast(step_magnet))) - step_magnet;
    const U32 sign = (s >> (31 - E::exponent_bits - M)) & E::sign_bit;
    const U32 code = sign | select(a < smallest_normal, subnormal, normal);
    if constexpr (!MayBeNan) return code;
    // The default NaN: E4M3's S.1111.111, E5M2's quiet S.11111.10; +0 where there is no NaN.
    constexpr std::uint32_t nan_code = E::ieee ? E::inf_code | 1u << (M - 1) : E::fn_nan ? E::nan_code : 0;
    return select(magnitude > 0x7F800000u, (E::ieee || E::fn_nan ? sign : U32{}) | nan_code, code);
  }
}

// Codes of E -> FP32 bits of their values; NaN codes give the default NaN with the code's sign.
template <class E>
[[gnu::always_inline]] inline U32 element_values(U32 code) {
  if constexpr (std::is_same_v<E, Int8>) {
    const I32 signed_code = (I32)code << 24 >> 24;
    return as_bits(__builtin_convertvector(signed_code, F32) * 0x1p-6f);
  } else {
    constexpr int M = E::mantissa_bits;
    const U32 sign = (code & E::sign_bit) << (31 - E::exponent_bits - M);
    const U32 magnitude = code & (E::sign_bit - 1);
    // significand x 2^(exponent - M), both exact normal FP32 numbers: a subnormal FP32 operand would
    // cost a microcode assist on many x86 cores.
    const U32 field = magnitude >> M, mantissa = magnitude & ((1u << M) - 1);
    const U32 significand = select(field == 0, mantissa, mantissa | (1u << M));
    const U32 exponent = max(field, broadcast(1)) + static_cast<std::uint32_t>(127 - E::bias - M);  // biased, >= 1
    const F32 value = __builtin_convertvector((I32)significand, F32) * as_float(exponent << 23);
    const U32 finite = sign | as_bits(value);
    if constexpr (E::ieee) {
      const I32 top = (magnitude >> M) == ((1u << E::exponent_bits) - 1);
      const U32 special =
          sign | select((magnitude & ((1u << M) - 1)) != 0, broadcast(fp32_quiet_nan), broadcast(0x7F800000u));
      return select(top, special, finite);
    } else if constexpr (E::fn_nan) {
      return select(magnitude == E::sign_bit - 1, sign | fp32_quiet_nan, finite);
    } else {
      return finite;
    }
  }
}

// Scale x element in FP32 (one rounding: the element's value is exact); a NaN scale gives the default NaN.
template <class E>
[[gnu::always_inline]] inline U32 dequantized(U32 code, float scale, bool scale_is_nan) {
  const U32 e = element_values<E>(code);
  const U32 p = as_bits(as_float(e) * scale);
  return scale_is_nan ? broadcast(fp32_quiet_nan) : select((e & 0x7FFFFFFFu) > 0x7F800000u, e, p);
}

// FP32 -> BF16 bits (in the low half), RNE; a NaN keeps its leading payload bits, made quiet.
[[gnu::always_inline]] inline U32 bf16_of(U32 b) {
  const U32 rounded = (b + 0x7FFFu + ((b >> 16) & 1u)) >> 16;
  return select((b & 0x7FFFFFFFu) > 0x7F800000u, (b >> 16) | 0x40u, rounded);
}

}  // namespace mxref::fast::lanes

#pragma GCC diagnostic pop
