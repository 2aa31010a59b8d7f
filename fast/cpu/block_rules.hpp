// One block's E8M0 scale under each rule the fast path runs, on FP32 bit patterns, and the FP32 factor
// that takes a value to its element. Each rule is the bit-level twin of its exact counterpart in
// ref/block/scale_rule.cpp and the element scaling in ref/block/quantize.cpp (see the notes there);
// fast/tests/block_quantize_test.cpp proves the pair equal.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>

#include "ref/block/scale_rule_id.hpp"

namespace mxref::fast {

// The rules whose E8M0 scale choose_scale_as computes; every other rule is the reference's alone.
constexpr bool runs_on_fast_path(ScaleRule rule) {
  switch (rule) {
    case ScaleRule::ocp:
    case ScaleRule::nvidia_rceil:
    case ScaleRule::torchao_floor:
    case ScaleRule::torchao_ceil:
    case ScaleRule::torchao_even:
    case ScaleRule::torchao_rceil: return true;
    case ScaleRule::amax_over_max:
    case ScaleRule::nvfp4_torchao:
    case ScaleRule::nvfp4_te:
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

// What a rule needs of its element format.
struct ElementConstants {
  int emax = 0;                 // floor(log2(max normal))
  int mantissa_bits = 0;        // as ref/'s Format says (7 for int8)
  float max_normal = 0;         // exact in FP32
  float reciprocal_of_max = 0;  // fl32(1 / max_normal)
  // torchao-rceil: ceil(fl32(log2 d)) is k + 1 for d in binade k exactly when d's FP32 bits reach
  // rceil_threshold[k + 149] (k = -149 .. 127), from the reference's correctly rounded log2.
  const std::uint32_t* rceil_threshold = nullptr;
};

// What the rules need of a block: the largest finite magnitude's bits, and what else it holds.
struct BlockStats {
  std::uint32_t amax_bits = 0;
  bool any_nan = false;
  bool any_infinity = false;
};

// One more value (FP32 bits) into the statistics.
[[gnu::always_inline]] constexpr void include(BlockStats& s, std::uint32_t x) {
  const std::uint32_t a = x & 0x7FFFFFFFu;
  if (a > 0x7F800000u) s.any_nan = true;
  else if (a == 0x7F800000u) s.any_infinity = true;
  else s.amax_bits = std::max(s.amax_bits, a);
}

constexpr std::uint32_t fp32_quiet_nan = 0x7FC00000u;

// The scale code, and how elements reach the element cast: fl32(x * factor), with a NaN result
// replaced by the default NaN carrying x's sign when nan_keeps_sign (ref/'s multiply_in and divide_in
// give Value::nan(sign x xor sign factor)), else the positive default NaN (the OCP NaN scale).
struct ScaleChoice {
  std::uint8_t code = 0;
  float factor = 1;
  bool nan_keeps_sign = true;
};

[[gnu::always_inline]] constexpr float power_of_two(int exponent) {  // 2^exponent for -149 <= exponent <= 127, exactly
  return exponent >= -126 ? std::bit_cast<float>(static_cast<std::uint32_t>(exponent + 127) << 23)
                          : std::bit_cast<float>(1u << (exponent + 149));
}

// floor(log2 v) of a positive finite FP32 value given by its bits.
[[gnu::always_inline]] constexpr int floor_log2_fp32(std::uint32_t bits) {
  const int field = static_cast<int>(bits >> 23);
  return field != 0 ? field - 127 : std::bit_width(bits) - 1 - 149;
}

template <ScaleRule rule>
[[gnu::always_inline]] constexpr ScaleChoice choose_scale_as(const BlockStats& block, const ElementConstants& element) {
  static_assert(runs_on_fast_path(rule));
  if constexpr (rule == ScaleRule::ocp) {
    // NaN or Inf anywhere: the NaN scale, and every element the default NaN's encoding.
    if (block.any_nan || block.any_infinity) return {0xFF, std::bit_cast<float>(fp32_quiet_nan), false};
    if (block.amax_bits == 0) return {0, 1, true};  // the smallest scale; every element a signed zero
    const int e = std::clamp(floor_log2_fp32(block.amax_bits) - element.emax, -127, 127);
    // V / 2^e is exact as fl32(V x 2^-e) wherever it is a normal FP32 value; below that both round to
    // a zero element (every element format's smallest step is above 2^-17).
    return {static_cast<std::uint8_t>(e + 127), power_of_two(-e), true};
  } else if constexpr (rule == ScaleRule::nvidia_rceil) {
    std::uint8_t code = 0xFE;
    if (!block.any_infinity) {
      const std::uint32_t bits =
          std::bit_cast<std::uint32_t>(std::bit_cast<float>(block.amax_bits) * element.reciprocal_of_max);
      const std::uint32_t e = bits >> 23, m = bits & 0x7FFFFF;
      const bool up = e == 0 ? m > 0x400000 : (m != 0 && e != 0xFE);
      code = static_cast<std::uint8_t>(e + (up ? 1 : 0));
    }
    return {code, power_of_two(127 - code), true};
  } else if constexpr (rule == ScaleRule::torchao_floor || rule == ScaleRule::torchao_ceil ||
                       rule == ScaleRule::torchao_even) {
    // fl32(V / max(2^(code - 127), 2^-126)); dividing by Inf (code 255) is multiplying by 0.
    if (block.any_nan) return {0xFF, 0.0f, true};
    std::uint32_t bits = block.any_infinity ? 0x7F800000u : block.amax_bits;
    if constexpr (rule == ScaleRule::torchao_even) bits = (bits + (1u << (22 - element.mantissa_bits))) & 0xFF800000u;
    int e = static_cast<int>(bits >> 23 & 0xFF) - 127;
    if constexpr (rule == ScaleRule::torchao_ceil) e += (bits & 0x7FFFFF) != 0 ? 1 : 0;
    const int code = std::clamp(e - element.emax, -127, 128) + 127;
    return {static_cast<std::uint8_t>(code), code == 0xFF ? 0.0f : power_of_two(-std::max(code - 127, -126)), true};
  } else {  // torchao_rceil: ceil(fl32(log2(fl32(amax / max)))), V x R with R = 1 for code 0
    static_assert(rule == ScaleRule::torchao_rceil);
    if (block.any_nan) return {0xFF, std::bit_cast<float>(fp32_quiet_nan), true};
    std::uint8_t code = 254;
    if (!block.any_infinity) {
      const std::uint32_t d = std::bit_cast<std::uint32_t>(std::bit_cast<float>(block.amax_bits) / element.max_normal);
      if (d == 0) {
        code = 0;
      } else {
        const int k = floor_log2_fp32(d);
        const int up = d >= element.rceil_threshold[k + 149] ? 1 : 0;
        code = static_cast<std::uint8_t>(std::clamp(k + up, -127, 127) + 127);
      }
    }
    return {code, code == 0 ? 1.0f : power_of_two(127 - code), true};
  }
}

// The rule picked once for a run of blocks, so the loop over them holds no switch. A rule that does not
// run_on_fast_path visits nothing: the API (fast/cpu/block_quantize.cpp, fast/cuda/block_quantize.cu)
// refuses it before any kernel runs.
template <class Visit>
[[gnu::always_inline]] constexpr void with_rule(ScaleRule rule, Visit&& visit) {
  switch (rule) {
    case ScaleRule::ocp: return visit.template operator()<ScaleRule::ocp>();
    case ScaleRule::nvidia_rceil: return visit.template operator()<ScaleRule::nvidia_rceil>();
    case ScaleRule::torchao_floor: return visit.template operator()<ScaleRule::torchao_floor>();
    case ScaleRule::torchao_ceil: return visit.template operator()<ScaleRule::torchao_ceil>();
    case ScaleRule::torchao_even: return visit.template operator()<ScaleRule::torchao_even>();
    case ScaleRule::torchao_rceil: return visit.template operator()<ScaleRule::torchao_rceil>();
    case ScaleRule::amax_over_max:
    case ScaleRule::nvfp4_torchao:
    case ScaleRule::nvfp4_te:
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

constexpr ScaleChoice choose_scale(ScaleRule rule, const BlockStats& block, const ElementConstants& element) {
  ScaleChoice choice;
  with_rule(rule, [&]<ScaleRule R>() { choice = choose_scale_as<R>(block, element); });
  return choice;
}

// choose_scale for n blocks.
inline void choose_scales(ScaleRule rule, const BlockStats* blocks, std::size_t n, const ElementConstants& element,
                          ScaleChoice* out) {
  with_rule(rule, [&]<ScaleRule R>() {
    for (std::size_t i = 0; i < n; ++i) out[i] = choose_scale_as<R>(blocks[i], element);
  });
}

}  // namespace mxref::fast
