#include "ref/cast_profile.hpp"

#include <stdexcept>
#include <string>

#include "ref/encode.hpp"
#include "ref/format_name.hpp"

namespace mxref {

namespace {

bool is_fp8(const Format& f) { return f == e4m3 || f == e5m2; }
bool is_fp6_or_fp4(const Format& f) { return f == e3m2 || f == e2m3 || f == e2m1; }

[[noreturn]] void unsupported(CastProfile p, const Format& to, std::string_view why) {
  throw std::invalid_argument("profile " + std::string(to_string(p)) + " cannot cast to " + format_name(to) + ": " +
                              std::string(why));
}

CastResult with_flags(std::uint64_t code, std::uint8_t flags) { return {code, flags}; }

// ml_dtypes (float8_*, float6_*, float4_*, float8_e8m0fnu astype): NaN is canonical (quiet, payload
// dropped, sign kept); fn/fnuz formats overflow to NaN, IEEE-like ones to Inf, FP6/FP4 saturate and
// take NaN to a zero of the opposite sign; E8M0 rounds ties up and gives NaN for zero, negatives,
// Inf, NaN and overflow.
// ml_dtypes 0.6 and torch: also the subnormal E8M0 quirk below. torch: Tensor.to(float8_e8m0fnu)
// reads |x| and takes zero to 0x00.
struct E8m0Variant {
  bool subnormals_round_up = false;  // (2^-127, 2^-126) -> 0x01: ml_dtypes 0.6 and torch 2.11; gone in ml_dtypes 0.7
  bool torch_sign_and_zero = false;
};

CastResult ml_dtypes_cast(const Format& to, const Value& v, Rounding rounding, E8m0Variant e8m0_variant = {}) {
  const bool torch_e8m0 = e8m0_variant.torch_sign_and_zero;
  CastOptions o{.rounding = rounding};
  if (v.is_nan()) {
    if (has_nan(to)) return with_flags(nan_code(to, v.negative && to.is_signed), 0);
    if (to.encoding == Encoding::finite && to.is_signed)
      return with_flags(v.negative ? 0 : sign_bit(to), Flag::invalid);
    unsupported(CastProfile::ml_dtypes, to, "no NaN and no known NaN rule");
  }
  if (to.encoding == Encoding::exponent_only) {
    if (torch_e8m0 && v.is_zero()) return with_flags(0, Flag::underflow | Flag::inexact);
    if (torch_e8m0 && v.negative)
      return ml_dtypes_cast(to, Value{v.kind, false, v.magnitude, v.nan_payload}, rounding, e8m0_variant);
    if (v.is_zero() || v.negative || v.is_infinity()) return with_flags(nan_code(to, false), Flag::invalid);
    // Observed quirk: inputs strictly between 2^-127 and 2^-126 (FP32/BF16 subnormals) go up to 2^-126,
    // where ties-up rounding would keep those below 1.5 x 2^-127 at 2^-127.
    const Dyadic lowest = Dyadic::power_of_two(min_exponent(to));
    if (e8m0_variant.subnormals_round_up && v.magnitude > lowest && v.magnitude < lowest.scaled(1))
      return with_flags(1, Flag::inexact);
    o.overflow = Overflow::nan;
    return encode(to, v, o);
  }
  if (to.encoding == Encoding::fn || to.encoding == Encoding::fnuz) o.overflow = Overflow::nan;
  else if (to.encoding == Encoding::ieee) o.overflow = Overflow::inf;
  else o.overflow = Overflow::saturate;
  return encode(to, v, o);
}

// torch (c10 Float8_e5m2.h, fp8e5m2_from_fp32_value; the CPU and CUDA casts alike): a NaN becomes the
// all-ones pattern with its sign, 0x7F or 0xFF, where ml_dtypes takes the quiet 0x7E. A NaN into FP16
// or BF16 depends on the device (observed, torch 2.11): the CPU's FP16 conversion is x86's vcvtps2ph
// (sign, quiet bit and leading payload bits: mxref's own rule), its BF16 conversion gives 0xFFFF for
// every NaN, and CUDA gives 0x7FFF for both. Everything else as ml_dtypes 0.6, with torch's E8M0 sign
// and zero (docs/spec-notes/profile-element-casts.md).
CastResult torch_cast(bool cuda, const Format& to, const Value& v, Rounding rounding) {
  if (v.is_nan() && to == e5m2) return with_flags(0x7F | (v.negative ? sign_bit(to) : 0), 0);
  if (v.is_nan() && (to == fp16 || to == bf16)) {
    if (cuda) return with_flags(0x7FFF, 0);
    return to == bf16 ? with_flags(0xFFFF, 0) : encode(to, v, CastOptions{.rounding = rounding});
  }
  return ml_dtypes_cast(to, v, rounding, {.subnormals_round_up = true, .torch_sign_and_zero = true});
}

// CUDA 13: FP8 RNE only, satfinite -> ±max (Inf included), nosat -> NaN (E4M3, sign kept) or Inf (E5M2); a NaN input
// gives 0x7F whatever its sign. FP6/FP4: RNE or RTZ, always saturating, NaN -> +max. E8M0: RTZ or RUP
// on |x|, satfinite -> 0xFE, nosat -> 0xFF, NaN -> 0xFF.
CastResult cuda_cast(bool satfinite, const Format& to, const Value& v, Rounding rounding) {
  const CastProfile p = satfinite ? CastProfile::cuda_satfinite : CastProfile::cuda_nosat;
  CastOptions o{.rounding = rounding};
  if (is_fp8(to)) {
    if (rounding != Rounding::rne) unsupported(p, to, "CUDA's FP8 conversions round to nearest even only");
    if (v.is_nan()) return with_flags(0x7F, 0);
    o.overflow = satfinite ? Overflow::saturate : (to == e4m3 ? Overflow::nan : Overflow::inf);
    if (satfinite && v.is_infinity())  // satfinite clamps Inf too, even where E5M2 could hold it
      return with_flags(max_finite_code(to) | (v.negative ? sign_bit(to) : 0), Flag::overflow | Flag::inexact);
    return encode(to, v, o);
  }
  if (is_fp6_or_fp4(to)) {
    if (rounding != Rounding::rne && rounding != Rounding::rtz) unsupported(p, to, "rounding must be rne or rtz");
    o.overflow = Overflow::saturate;
    o.nan_to_finite = NanToFinite::max;
    return encode(to, v, o);
  }
  if (to == e8m0) {
    if (rounding != Rounding::rtz && rounding != Rounding::rup) unsupported(p, to, "rounding must be rtz or rup");
    if (v.is_nan()) return with_flags(0xFF, 0);
    Value magnitude = v;
    magnitude.negative = false;
    o.overflow = satfinite ? Overflow::saturate : Overflow::nan;
    return encode(to, magnitude, o);
  }
  unsupported(p, to, "CUDA converts to e4m3, e5m2, e3m2, e2m3, e2m1 and e8m0 only");
}

}  // namespace

std::string_view to_string(CastProfile profile) {
  switch (profile) {
    case CastProfile::spec: return "spec";
    case CastProfile::ml_dtypes: return "ml_dtypes";
    case CastProfile::ml_dtypes_0_6: return "ml_dtypes-0.6";
    case CastProfile::torch: return "torch";
    case CastProfile::torch_cuda: return "torch-cuda";
    case CastProfile::cuda_satfinite: return "cuda-satfinite";
    case CastProfile::cuda_nosat: return "cuda-nosat";
  }
  return "?";
}

std::optional<CastProfile> parse_cast_profile(std::string_view name) {
  for (const CastProfile p : {CastProfile::spec, CastProfile::ml_dtypes, CastProfile::ml_dtypes_0_6, CastProfile::torch,
                              CastProfile::torch_cuda, CastProfile::cuda_satfinite, CastProfile::cuda_nosat})
    if (to_string(p) == name) return p;
  return std::nullopt;
}

Rounding default_rounding(CastProfile profile, const Format& to) {
  const bool ml_dtypes_like = profile == CastProfile::ml_dtypes || profile == CastProfile::ml_dtypes_0_6 ||
                              profile == CastProfile::torch || profile == CastProfile::torch_cuda;
  if (ml_dtypes_like && to.encoding == Encoding::exponent_only) return Rounding::rna;
  if ((profile == CastProfile::cuda_satfinite || profile == CastProfile::cuda_nosat) && to == e8m0)
    return Rounding::rup;
  return Rounding::rne;
}

CastResult cast_with_profile(CastProfile profile, const Format& to, const Value& value, Rounding rounding) {
  switch (profile) {
    case CastProfile::spec: return encode(to, value, CastOptions{.rounding = rounding});
    case CastProfile::ml_dtypes: return ml_dtypes_cast(to, value, rounding);
    case CastProfile::ml_dtypes_0_6: return ml_dtypes_cast(to, value, rounding, {.subnormals_round_up = true});
    case CastProfile::torch: return torch_cast(false, to, value, rounding);
    case CastProfile::torch_cuda: return torch_cast(true, to, value, rounding);
    case CastProfile::cuda_satfinite: return cuda_cast(true, to, value, rounding);
    case CastProfile::cuda_nosat: return cuda_cast(false, to, value, rounding);
  }
  return encode(to, value, CastOptions{.rounding = rounding});
}

}  // namespace mxref
