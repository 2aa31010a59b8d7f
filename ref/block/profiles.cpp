#include <array>
#include <stdexcept>
#include <string>

#include "ref/block/profile.hpp"

namespace mxref {

namespace {

constexpr CastOptions saturating(Rounding rounding) {
  return {.rounding = rounding, .overflow = Overflow::saturate, .nan_to_finite = NanToFinite::zero};
}

const std::array<Profile, 22> registry{{
    {.name = "ocp",
     .rule = ScaleRule::ocp,
     .summary = "OCP MX v1.0: X = 2^(floor(log2 amax) - emax), exact V / X, RNE, saturate",
     .note = "docs/spec-notes/profile-ocp.md"},
    {.name = "rceil",
     .rule = ScaleRule::rceil,
     .summary = "X = 2^ceil(log2(amax / max_elem)) exactly (the MXFP8 recipe's formula), RNE, saturate",
     .note = "docs/spec-notes/profile-nvidia-rceil.md"},
    {.name = "nvidia-rceil",
     .rule = ScaleRule::nvidia_rceil,
     .scaling = ElementScaling::multiply_reciprocal,
     .summary = "TransformerEngine MXFP8: e8m0 round-up of fl32(amax * fl32(1/max)), V * 2^-e in FP32, satfinite RNE",
     .note = "docs/spec-notes/profile-nvidia-rceil.md"},
    {.name = "torchao-floor",
     .rule = ScaleRule::torchao_floor,
     .scaling = ElementScaling::torchao_divide,
     .summary = "torchao <= 0.18 FLOOR: FP32 exponent field of amax; V / max(X, 2^-126) in FP32",
     .note = "docs/spec-notes/profile-torchao.md"},
    {.name = "torchao-ceil",
     .rule = ScaleRule::torchao_ceil,
     .scaling = ElementScaling::torchao_divide,
     .summary = "torchao <= 0.18 CEIL: as FLOOR, one up unless amax is a power of two",
     .note = "docs/spec-notes/profile-torchao.md"},
    {.name = "torchao-even",
     .rule = ScaleRule::torchao_even,
     .scaling = ElementScaling::torchao_divide,
     .summary = "torchao <= 0.18 EVEN: amax rounded half up to the element's mantissa, then as FLOOR",
     .note = "docs/spec-notes/profile-torchao.md"},
    {.name = "torchao-rceil",
     .rule = ScaleRule::torchao_rceil,
     .scaling = ElementScaling::multiply_reciprocal_zero_is_one,
     .summary = "torchao 0.18 RCEIL: ceil(log2f(fl32(amax / max))); V * R in FP32 with R(0) = 1",
     .note = "docs/spec-notes/profile-torchao.md"},
    {.name = "torchao-rceil-cuda",
     .rule = ScaleRule::torchao_rceil_cuda,
     .scaling = ElementScaling::multiply_reciprocal_zero_is_one,
     .summary = "torchao 0.18 RCEIL on CUDA: as torchao-rceil, but the descale is fl32(amax * fl32(1/max))",
     .note = "docs/spec-notes/profile-torchao.md"},
    {.name = "torchao-0.19-floor",
     .rule = ScaleRule::torchao_0_19_floor,
     .scaling = ElementScaling::multiply_reciprocal,
     .summary = "torchao 0.19 FLOOR: FP32 exponent field of amax, NaN/Inf -> 255; V * 2^(127 - code) in FP32",
     .note = "docs/spec-notes/profile-torchao.md"},
    {.name = "torchao-0.19-ceil",
     .rule = ScaleRule::torchao_0_19_ceil,
     .scaling = ElementScaling::multiply_reciprocal,
     .summary = "torchao 0.19 CEIL: as 0.19 FLOOR, one up unless amax is a power of two",
     .note = "docs/spec-notes/profile-torchao.md"},
    {.name = "torchao-0.19-even",
     .rule = ScaleRule::torchao_0_19_even,
     .scaling = ElementScaling::multiply_reciprocal,
     .summary = "torchao 0.19 EVEN: amax rounded half up to the element's mantissa, then as 0.19 FLOOR",
     .note = "docs/spec-notes/profile-torchao.md"},
    {.name = "torchao-0.19-rceil",
     .rule = ScaleRule::torchao_0_19_rceil,
     .scaling = ElementScaling::multiply_reciprocal,
     .summary = "torchao 0.19 RCEIL: e8m0 round-up of fl32(amax * fl32(1/max)), NaN/Inf -> 255; V * 2^(127 - code)",
     .note = "docs/spec-notes/profile-torchao.md"},
    {.name = "microxcaling-nearest",
     .rule = ScaleRule::microxcaling,
     .element = saturating(Rounding::rna),
     .microxcaling_elements = true,
     .summary = "microxcaling round='nearest': float log2 scale, ties away from zero",
     .note = "docs/spec-notes/profile-microxcaling.md"},
    {.name = "microxcaling-even",
     .rule = ScaleRule::microxcaling,
     .microxcaling_elements = true,
     .summary = "microxcaling round='even'",
     .note = "docs/spec-notes/profile-microxcaling.md"},
    {.name = "microxcaling-floor",
     .rule = ScaleRule::microxcaling,
     .element = saturating(Rounding::rtz),
     .microxcaling_elements = true,
     .summary = "microxcaling round='floor': truncation toward zero",
     .note = "docs/spec-notes/profile-microxcaling.md"},
    {.name = "pychop",
     .rule = ScaleRule::pychop_mx,
     .zero_drops_sign = true,
     .int_full_range = true,
     .integer_zero_keeps_sign = true,
     .fakequant_nan = FakeQuantNan::default_nan,
     .summary = "pychop MX (mx_quantize): float log2 scale, NaN ignored, RNE, +0 for zeros, MXINT down to -2",
     .note = "docs/spec-notes/profile-pychop.md"},
    {.name = "pychop-bfp",
     .rule = ScaleRule::pychop_bfp,
     .int_full_range = true,
     .integer_zero_keeps_sign = true,
     .fakequant_nan = FakeQuantNan::quieted_input,
     .summary = "pychop BFP (bfp_quantize): 2^ceil(log2(amax / max)) with mantissas in [-1, 1), RNE",
     .note = "docs/spec-notes/profile-pychop.md"},
    {.name = "inc",
     .rule = ScaleRule::inc,
     .microxcaling_elements = true,
     .summary = "Intel Neural Compressor / auto-round MX RTN: float log2 scale, zero block 2^(1-emax), 'even'",
     .note = "docs/spec-notes/profile-inc.md"},
    {.name = "nvfp4",
     .rule = ScaleRule::amax_over_max,
     .summary = "NVFP4, exact: s = e4m3(amax / (6 x tensor scale)), V / (s x tensor scale) exactly, RNE, saturate",
     .note = "docs/spec-notes/profile-nvfp4.md"},
    {.name = "nvfp4-torchao",
     .rule = ScaleRule::nvfp4_torchao,
     .scaling = ElementScaling::nvfp4_torchao,
     .summary = "torchao 0.18 nvfp4_quantize: scale clamped to [2^-6, 448], V x fl32(fl32(1/pts) / s)",
     .note = "docs/spec-notes/profile-nvfp4.md"},
    {.name = "nvfp4-torchao-cuda",
     .rule = ScaleRule::nvfp4_torchao_cuda,
     .scaling = ElementScaling::nvfp4_torchao,
     .summary = "torchao 0.18 nvfp4_quantize on CUDA: as nvfp4-torchao, amax / 6 and amax / 2688 as x fl32(1/6), x "
                "fl32(1/2688)",
     .note = "docs/spec-notes/profile-nvfp4.md"},
    {.name = "nvfp4-te",
     .rule = ScaleRule::nvfp4_te,
     .scaling = ElementScaling::nvfp4_te,
     .summary = "TransformerEngine NVFP4: s = e4m3(amax x fl32(S_enc x fl32(1/6))), V x fl32(1 / (s x S_dec))",
     .note = "docs/spec-notes/profile-nvfp4.md"},
}};

}  // namespace

std::span<const Profile> profiles() { return registry; }

const Profile& find_profile(std::string_view name) {
  std::string known;
  for (const Profile& p : registry) {
    if (p.name == name) return p;
    known += (known.empty() ? "" : ", ") + std::string(p.name);
  }
  throw std::invalid_argument("unknown profile '" + std::string(name) + "' (known: " + known + ")");
}

}  // namespace mxref
