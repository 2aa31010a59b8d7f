#include <array>
#include <stdexcept>
#include <string>

#include "ref/block/profile.hpp"

namespace mxref {

namespace {

constexpr CastOptions saturating(Rounding rounding) {
  return {.rounding = rounding, .overflow = Overflow::saturate, .nan_to_finite = NanToFinite::zero};
}

const std::array<Profile, 9> registry{{
    {.name = "ocp",
     .rule = ScaleRule::ocp,
     .summary = "OCP MX v1.0: X = 2^(floor(log2 amax) - emax), exact V/X, RNE, saturate",
     .note = "docs/spec-notes/profile-ocp.md"},
    {.name = "nvidia-rceil",
     .rule = ScaleRule::rceil,
     .summary = "NVIDIA MXFP8 recipe: X = 2^ceil(log2(amax / max_elem)), RNE, saturate",
     .note = "docs/spec-notes/profile-nvidia-rceil.md"},
    {.name = "torchao-floor",
     .rule = ScaleRule::torchao_floor,
     .scaling = ElementScaling::fp32_divide,
     .min_division_exponent = -126,
     .summary = "torchao FLOOR: FP32 exponent field of amax, V / max(X, 2^-126) in FP32",
     .note = "docs/spec-notes/profile-torchao.md"},
    {.name = "torchao-ceil",
     .rule = ScaleRule::torchao_ceil,
     .scaling = ElementScaling::fp32_divide,
     .min_division_exponent = -126,
     .summary = "torchao CEIL",
     .note = "docs/spec-notes/profile-torchao.md"},
    {.name = "torchao-even",
     .rule = ScaleRule::torchao_even,
     .scaling = ElementScaling::fp32_divide,
     .min_division_exponent = -126,
     .summary = "torchao EVEN",
     .note = "docs/spec-notes/profile-torchao.md"},
    {.name = "torchao-rceil",
     .rule = ScaleRule::torchao_rceil,
     .scaling = ElementScaling::fp32_divide,
     .min_division_exponent = -126,
     .summary = "torchao RCEIL",
     .note = "docs/spec-notes/profile-torchao.md"},
    {.name = "microxcaling-nearest",
     .rule = ScaleRule::microxcaling,
     .element = saturating(Rounding::rna),
     .summary = "microxcaling round='nearest': float log2 scale, ties away from zero",
     .note = "docs/spec-notes/profile-microxcaling.md"},
    {.name = "microxcaling-even",
     .rule = ScaleRule::microxcaling,
     .summary = "microxcaling round='even'",
     .note = "docs/spec-notes/profile-microxcaling.md"},
    {.name = "microxcaling-floor",
     .rule = ScaleRule::microxcaling,
     .element = saturating(Rounding::rtz),
     .summary = "microxcaling round='floor': truncation toward zero",
     .note = "docs/spec-notes/profile-microxcaling.md"},
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
