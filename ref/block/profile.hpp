// A profile: the bundle of choices that makes one implementation's block quantization what it is —
// scale rule, how elements are divided by the scale, the element cast, what a non-finite block yields.
// `ocp` is the spec; the others reproduce third parties (docs/spec-notes/profile-*.md).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "ref/block/scale_rule.hpp"
#include "ref/cast_options.hpp"

namespace mxref {

// How V / X reaches the element cast.
enum class ElementScaling : std::uint8_t {
  exact,                        // the exact quotient, rounded once by the element cast
  fp32_divide,                  // fl32(V / X), then the element cast (torchao)
  fp32_multiply_by_reciprocal,  // fl32(V * fl32(1 / X)), then the element cast
};

struct Profile {
  std::string_view name;
  ScaleRule rule = ScaleRule::ocp;
  ElementScaling scaling = ElementScaling::exact;
  CastOptions element{.rounding = Rounding::rne, .overflow = Overflow::saturate, .nan_to_finite = NanToFinite::zero};
  // The smallest scale exponent the element division uses, when an implementation clamps the FP32
  // scale it divides by (torchao: 2^-126, the smallest normal FP32) while storing the E8M0 code as is.
  std::int64_t min_division_exponent = INT64_MIN;
  std::string_view summary;
  std::string_view note;  // the spec note that names the source and the differences from ocp
};

std::span<const Profile> profiles();
// Throws std::invalid_argument naming the known profiles.
const Profile& find_profile(std::string_view name);

}  // namespace mxref
