// NVFP4 one block and one value at a time, as constexpr functions on FP32 bit patterns: the UE4M3
// block scale of each NVFP4 profile, the E2M1 element cast, and dequantization. The CPU loop
// (nvfp4_quantize.cpp) and the CUDA kernels (fast/cuda/, --expt-relaxed-constexpr) both run them;
// fast/tests/nvfp4_quantize_test.cpp proves them equal to ref/block/ (docs/spec-notes/profile-nvfp4.md
// says what each profile does).
//
// The exact profile needs no exact division. Its block scale rounds amax / (6 pts) from the double
// quotient: the numerator has 24 significant bits and 6 pts at most 26, so an exact quotient that is not
// itself an E4M3 rounding midpoint (5 significant bits) lies at least 2^-31 (relative) from every
// midpoint, far beyond the double's 2^-53; rounding the double to FP32 with round-to-odd and that to
// E4M3 then gives the exact quotient's E4M3 rounding. Its elements compare |V| with each E2M1 midpoint
// times s x pts, products of at most 3 + 4 + 24 bits and so exact in double: no rounding at all.
#pragma once

#include <bit>
#include <cstdint>

#include "fast/cpu/block_scalar.hpp"
#include "ref/block/scale_rule_id.hpp"

namespace mxref::fast {

// The rules whose UE4M3 scale nvfp4::choose_as computes (the profiles nvfp4, nvfp4-torchao, nvfp4-te).
constexpr bool runs_on_nvfp4_path(ScaleRule rule) {
  switch (rule) {
    case ScaleRule::amax_over_max:
    case ScaleRule::nvfp4_torchao:
    case ScaleRule::nvfp4_te: return true;
    case ScaleRule::ocp:
    case ScaleRule::nvidia_rceil:
    case ScaleRule::torchao_floor:
    case ScaleRule::torchao_ceil:
    case ScaleRule::torchao_even:
    case ScaleRule::torchao_rceil:
    case ScaleRule::rceil:
    case ScaleRule::microxcaling:
    case ScaleRule::pychop_mx:
    case ScaleRule::pychop_bfp:
    case ScaleRule::inc:
    case ScaleRule::torchao_0_19_floor:
    case ScaleRule::torchao_0_19_ceil:
    case ScaleRule::torchao_0_19_even:
    case ScaleRule::torchao_0_19_rceil:
    case ScaleRule::torchao_rceil_cuda:
    case ScaleRule::nvfp4_torchao_cuda:
    case ScaleRule::inc_rceil:
    case ScaleRule::inc_rceil_v2:
    case ScaleRule::inc_rceil_cuda:
    case ScaleRule::inc_rceil_v2_cuda: return false;
  }
  return false;
}

// ref/'s TensorScale with its two factors as the FP32 numbers they are (each profile forms them in FP32).
struct Nvfp4Tensor {
  float decode = 1;  // pts (exact, torchao) or S_dec (te)
  float encode = 1;  // fl32(1 / pts) or S_enc
  bool present = false;
};

// A block's scale code and what its elements need: fl32(V x factor) is cast to E2M1 (torchao, te), or
// V is compared with multiples of step = s x pts, an exact product in double (exact).
struct Nvfp4Choice {
  std::uint8_t code = 0;
  float factor = 1;
  double step = 0;
};

namespace nvfp4 {

constexpr std::uint8_t nan_scale = 0x7F;      // UE4M3's NaN
constexpr std::uint8_t largest_scale = 0x7E;  // 448
constexpr float flt_max = 0x1.fffffep127f;

// |x| rounded to FP32 with round-to-odd (an inexact result gets its last bit set), sign kept: rounding
// that to 8 or fewer significant bits (E4M3, BF16) gives the rounding of x itself.
[[gnu::always_inline]] constexpr std::uint32_t fp32_round_to_odd(double x) {
  const bool negative = (std::bit_cast<std::uint64_t>(x) >> 63) != 0;
  const double a = negative ? -x : x;
  const float f = static_cast<float>(a);
  std::uint32_t bits = std::bit_cast<std::uint32_t>(f);
  const double back = f;
  if (back != a) bits = (back > a ? bits - 1 : bits) | 1u;
  return (negative ? 0x80000000u : 0u) | bits;
}

// The saturating E4M3 code of a positive FP32 value (UE4M3 numbers its codes as E4M3's positive half).
[[gnu::always_inline]] constexpr std::uint8_t ue4m3_code(std::uint32_t positive_bits) {
  return static_cast<std::uint8_t>(kernels::block_element<E4M3>(positive_bits));
}

[[gnu::always_inline]] constexpr float ue4m3_value(std::uint8_t code) {
  return std::bit_cast<float>(kernels::element_value<E4M3>(code));
}

[[gnu::always_inline]] constexpr float min_with_flt_max(float x) { return x > flt_max ? flt_max : x; }

// ---- the block scale ---------------------------------------------------------------------------------

template <ScaleRule R>
[[gnu::always_inline]] constexpr Nvfp4Choice choose_as(const BlockStats& block, const Nvfp4Tensor& tensor) {
  static_assert(runs_on_nvfp4_path(R));
  const float infinity = std::bit_cast<float>(0x7F800000u);
  if constexpr (R == ScaleRule::amax_over_max) {
    // s = UE4M3(amax / (6 pts)); NaN or Inf in the block: the NaN scale. A zero pts makes a nonzero
    // amax's quotient +Inf, which saturates (profile-nvfp4.md, "Zero divisors").
    if (block.any_nan || block.any_infinity) return {nan_scale, 0, 0};
    const float amax = std::bit_cast<float>(block.amax_bits);
    std::uint8_t code = 0;
    if (amax != 0)
      code = tensor.decode == 0 ? largest_scale
                                : ue4m3_code(fp32_round_to_odd(static_cast<double>(amax) / (6.0 * tensor.decode)));
    return {code, 0, static_cast<double>(ue4m3_value(code)) * tensor.decode};
  } else if constexpr (R == ScaleRule::nvfp4_te) {
    // s = satfinite E4M3(min(fl32(amax x fl32(S_enc x fl32(1/6))), FLT_MAX)), amax ignoring NaN;
    // elements fl32(V x min(fl32(1 / fl32(s x S_dec)), FLT_MAX)).
    const float amax = block.any_infinity ? infinity : std::bit_cast<float>(block.amax_bits);
    const float per_sixth = tensor.encode * (1.0f / 6.0f);
    const std::uint8_t code = ue4m3_code(std::bit_cast<std::uint32_t>(min_with_flt_max(amax * per_sixth)));
    return {code, min_with_flt_max(1.0f / (ue4m3_value(code) * tensor.decode)), 0};
  } else {
    static_assert(R == ScaleRule::nvfp4_torchao);
    // torchao: bs = fl32(amax / 6), then fl32(bs / pts) with a tensor scale; NaN -> the NaN scale,
    // else clamp(bs, 2^-6, 448) cast RNE. Elements fl32(V x r), r = fl32(fl32(1 / pts) / s) or fl32(1 / s).
    float bs = (block.any_infinity ? infinity : std::bit_cast<float>(block.amax_bits)) / 6.0f;
    if (tensor.present) bs = bs / tensor.decode;
    std::uint8_t code = nan_scale;
    if (block.any_nan) code = nan_scale;
    else if (bs > 448.0f) code = largest_scale;
    else if (bs == bs) code = ue4m3_code(std::bit_cast<std::uint32_t>(bs < 0x1p-6f ? 0x1p-6f : bs));
    const float s = ue4m3_value(code);
    return {code, tensor.present ? tensor.encode / s : 1.0f / s, 0};
  }
}

// As fast::with_rule: a rule that does not run_on_nvfp4_path visits nothing (the API refuses it first).
template <class Visit>
[[gnu::always_inline]] constexpr void with_rule(ScaleRule rule, Visit&& visit) {
  switch (rule) {
    case ScaleRule::amax_over_max: return visit.template operator()<ScaleRule::amax_over_max>();
    case ScaleRule::nvfp4_torchao: return visit.template operator()<ScaleRule::nvfp4_torchao>();
    case ScaleRule::nvfp4_te: return visit.template operator()<ScaleRule::nvfp4_te>();
    case ScaleRule::ocp:
    case ScaleRule::nvidia_rceil:
    case ScaleRule::torchao_floor:
    case ScaleRule::torchao_ceil:
    case ScaleRule::torchao_even:
    case ScaleRule::torchao_rceil:
    case ScaleRule::rceil:
    case ScaleRule::microxcaling:
    case ScaleRule::pychop_mx:
    case ScaleRule::pychop_bfp:
    case ScaleRule::inc:
    case ScaleRule::torchao_0_19_floor:
    case ScaleRule::torchao_0_19_ceil:
    case ScaleRule::torchao_0_19_even:
    case ScaleRule::torchao_0_19_rceil:
    case ScaleRule::torchao_rceil_cuda:
    case ScaleRule::nvfp4_torchao_cuda:
    case ScaleRule::inc_rceil:
    case ScaleRule::inc_rceil_v2:
    case ScaleRule::inc_rceil_cuda:
    case ScaleRule::inc_rceil_v2_cuda: return;
  }
}

constexpr Nvfp4Choice choose(ScaleRule rule, const BlockStats& block, const Nvfp4Tensor& tensor) {
  Nvfp4Choice choice;
  with_rule(rule, [&]<ScaleRule R>() { choice = choose_as<R>(block, tensor); });
  return choice;
}

// ---- elements ----------------------------------------------------------------------------------------

// The exact profile's E2M1 code of V / step, RNE, saturating. E2M1's magnitudes 0, 0.5, 1, 1.5, 2, 3, 4,
// 6 are codes 0..7; each midpoint times step is exact in double (a 3-bit by 28-bit product). Past a
// midpoint is the next code; on one, the even code (the upper one at 0.75, 1.75 and 3.5). A zero step
// (a zero scale or pts) sends every nonzero value to 6.
[[gnu::always_inline]] constexpr std::uint32_t exact_element(std::uint32_t x, double step) {
  const std::uint32_t sign = (x >> 31) != 0 ? E2M1::sign_bit : 0;
  const double v = std::bit_cast<float>(x & 0x7FFFFFFFu);
  if (v == 0) return sign;
  const std::uint32_t code = (v > 0.25 * step ? 1u : 0u) + (v >= 0.75 * step ? 1u : 0u) + (v > 1.25 * step ? 1u : 0u) +
                             (v >= 1.75 * step ? 1u : 0u) + (v > 2.5 * step ? 1u : 0u) + (v >= 3.5 * step ? 1u : 0u) +
                             (v > 5.0 * step ? 1u : 0u);
  return sign | code;
}

// One element's code in a block whose scale is `choice`.
template <ScaleRule R>
[[gnu::always_inline]] constexpr std::uint32_t element_as(std::uint32_t x, const Nvfp4Choice& choice) {
  if constexpr (R == ScaleRule::amax_over_max) {
    // Under the NaN scale every element is the cast of the default NaN (ref/ divides nothing there).
    return choice.code == nan_scale ? kernels::block_element<E2M1>(fp32_quiet_nan) : exact_element(x, choice.step);
  } else {
    return kernels::block_element<E2M1>(kernels::scaled(x, choice.factor, 0x80000000u));
  }
}

// ---- dequantization ----------------------------------------------------------------------------------

// element x s x pts exactly (at most 2 + 4 + 24 significant bits: exact in double), or NaN under the
// NaN scale.
[[gnu::always_inline]] constexpr double exact_value(std::uint32_t code, std::uint8_t scale, float decode) {
  return static_cast<double>(std::bit_cast<float>(kernels::element_value<E2M1>(code))) *
         static_cast<double>(ue4m3_value(scale)) * static_cast<double>(decode);
}

// Dequantization rounds that value once: to FP32 (RNE) for FP32 output; for BF16 output to FP32 with
// round-to-odd, which bf16_of then rounds as it would the exact value. The NaN scale: the default NaN.
[[gnu::always_inline]] constexpr std::uint32_t value_fp32(std::uint32_t code, std::uint8_t scale, float decode) {
  return scale == nan_scale ? fp32_quiet_nan
                            : std::bit_cast<std::uint32_t>(static_cast<float>(exact_value(code, scale, decode)));
}

[[gnu::always_inline]] constexpr std::uint32_t value_for_bf16(std::uint32_t code, std::uint8_t scale, float decode) {
  return scale == nan_scale ? fp32_quiet_nan : fp32_round_to_odd(exact_value(code, scale, decode));
}

}  // namespace nvfp4

}  // namespace mxref::fast
