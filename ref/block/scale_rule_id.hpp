// The scale rules by name alone: what a kernel needs to dispatch on one (no Boost, no ref/ values), so
// fast/ and its CUDA kernels include this where ref/block/scale_rule.hpp says what each rule computes.
#pragma once

#include <cstdint>

namespace mxref {

// docs/spec-notes/scale-rules.md. The rules that fast/ runs come first, numbered 0-5, so that the
// kernels' switch over a run-time rule stays a dense range.
enum class ScaleRule : std::uint8_t {
  ocp,            // OCP MX v1.0 §6.3: 2^(floor(log2 amax) - emax_elem); NaN/Inf in the block -> NaN scale
  nvidia_rceil,   // TransformerEngine MXFP8: e8m0 round-up of fl32(amax * fl32(1/max)), satfinite, NaN ignored
  torchao_floor,  // torchao v0.12-v0.18 FLOOR: the FP32 exponent field of amax, minus emax
  torchao_ceil,   // ... CEIL: one up when amax's mantissa field is not zero
  torchao_even,   // ... EVEN: amax's bits + 2^(22 - mbits), mantissa cleared (half up), then as FLOOR
  torchao_rceil,  // torchao v0.18 RCEIL: ceil(fl32(log2(fl32(amax / max)))), Inf -> 254
  amax_over_max,  // the scale format's rounding of amax / (max_elem x tensor scale), exactly (NVFP4)
  nvfp4_torchao,  // torchao nvfp4_quantize: e4m3(clamp(fl32(fl32(amax / 6) / pts), 2^-6, 448))
  nvfp4_te,       // TransformerEngine NVFP4: e4m3 satfinite(fl32(amax x fl32(S_enc x fl32(1/6))))
  rceil,          // 2^ceil(log2(amax / max_elem)) from the exact quotient (the recipe's formula)
  microxcaling,   // floor(fl32(log2(amax))) - emax_elem: a correctly rounded FP32 log2, then floor
  pychop_mx,      // pychop MX: floor(fl32(log2 amax)) - emax, amax numpy's nanmax; Inf -> largest, zero -> smallest
  pychop_bfp,     // pychop BFP: ceil(log2(fl32(amax / max_elem))), amax as pychop_mx; Inf -> largest, zero -> smallest
  inc,            // auto-round quant_mx: floor(fl32(log2 amax)) - emax, zero -> 1 - emax, NaN/Inf -> NaN
  torchao_0_19_floor,  // torchao 0.19 FLOOR: as torchao_floor, but a NaN or Inf amax -> 255
  torchao_0_19_ceil,   // ... CEIL
  torchao_0_19_even,   // ... EVEN (an amax that rounds up to Inf -> 255 too)
  torchao_0_19_rceil,  // torchao 0.19 RCEIL: e8m0 round-up of fl32(amax * fl32(1/max)); NaN or Inf -> 255
  torchao_rceil_cuda,  // torchao v0.18 RCEIL on CUDA: as torchao_rceil, descale fl32(amax * fl32(1/max))
  nvfp4_torchao_cuda,  // torchao nvfp4_quantize on CUDA: as nvfp4_torchao, but amax x fl32(1/6) (and 1/2688)
  inc_rceil,       // auto-round quant_mx_rceil: ceil(fl32(log2(fl32(amax / max)))), zero -> 1, NaN/Inf/underflow -> NaN
  inc_rceil_v2,    // auto-round quant_mx_rceil_v2: the same with 7.25 for max
  inc_rceil_cuda,  // inc_rceil as on CUDA: fl32(amax x fl32(1 / max)) for the quotient
  inc_rceil_v2_cuda,  // inc_rceil_v2 as on CUDA: fl32(amax x fl32(1 / 7.25))
};

// torchao's NVFP4 rules, on the CPU and on CUDA.
constexpr bool is_torchao_nvfp4(ScaleRule rule) {
  return rule == ScaleRule::nvfp4_torchao || rule == ScaleRule::nvfp4_torchao_cuda;
}

}  // namespace mxref
