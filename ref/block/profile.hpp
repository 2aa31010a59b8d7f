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

// How V / X reaches the element cast. Where an implementation scales in FP32, the quotient is rounded
// to FP32 first (a second rounding the element cast cannot undo), exactly as it does.
enum class ElementScaling : std::uint8_t {
  exact,                            // the exact quotient, rounded once by the element cast; NaN scale -> NaN elements
  torchao_divide,                   // fl32(V / max(fp32 bits (X << 23), 2^-126)): code 0 divides by 2^-126, 255 by Inf
  multiply_reciprocal,              // fl32(V * R), R = 2^(127 - code) (2^127 .. 2^-127), NaN for 255 (TE, torchao main)
  multiply_reciprocal_zero_is_one,  // the same, but R = 1 for code 0 (torchao v0.18 RCEIL, TE <= v2.12)
  nvfp4_torchao,        // fl32(V x r), r = fl32(fl32(1 / pts) / s) or fl32(1 / s) with one level (torchao 0.18)
  nvfp4_te,             // fl32(V x min(fl32(1 / fl32(s x S_dec)), FLT_MAX)) (TransformerEngine)
  fp32_divide_clamped,  // fl32(fl32(V) / X) clamped to ±max_elem (auto-round); an underflow to zero loses its sign
};

// What fake quantization returns for a NaN input.
enum class FakeQuantNan : std::uint8_t {
  dequantized,    // scale x element, as the codes give it
  default_nan,    // +qNaN (FP32 0x7FC00000), whatever the input NaN (pychop MX's np.nan elements)
  quieted_input,  // the input NaN, sign and payload kept, quiet bit set (pychop BFP's float32 arithmetic)
};

struct Profile {
  std::string_view name;
  ScaleRule rule = ScaleRule::ocp;
  ElementScaling scaling = ElementScaling::exact;
  CastOptions element{.rounding = Rounding::rne, .overflow = Overflow::saturate, .nan_to_finite = NanToFinite::zero};
  // microxcaling rounds each element in its own FP32 arithmetic (a float log2 picks the binade, and
  // floor(fl32(x + 0.5)) rounds): see microxcaling_element in ref/block/quantize.cpp.
  bool microxcaling_elements = false;
  // With microxcaling_elements and RNE: auto-round's 'nearest', torch.round of the exact x (ties to even),
  // in place of 'even''s floor(fl32(x + 0.5)) with its correction at exact halves.
  bool exact_nearest_elements = false;
  // pychop's MX elements: a result that rounds to zero is +0 (its `if rounded == 0: return 0.0`).
  bool zero_drops_sign = false;
  // pychop's MXINT clips to [-2^(N-1), 2^(N-1) - 1]: two's-complement elements may take -2.0 (0x80).
  bool int_full_range = false;
  // Fake quantization keeps a negative input's sign on an integer element that rounds to zero (pychop's
  // rint(-0.3) = -0.0), though the two's-complement code has no -0.
  bool integer_zero_keeps_sign = false;
  FakeQuantNan fakequant_nan = FakeQuantNan::dequantized;
  std::string_view summary;
  std::string_view note;  // the spec note that names the source and the differences from ocp
  friend bool operator==(const Profile&, const Profile&) = default;
};

std::span<const Profile> profiles();
// The profile a block job or suite runs under when it names none: the spec.
inline constexpr std::string_view default_profile_name = "ocp";
// Throws std::invalid_argument naming the known profiles.
const Profile& find_profile(std::string_view name);

}  // namespace mxref
