#include "ref/block/scale_rule.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "ref/block/float_log2.hpp"
#include "ref/block/host_float.hpp"
#include "ref/decode.hpp"
#include "ref/encode.hpp"
#include "ref/properties.hpp"

namespace mxref {

namespace {

constexpr std::array<std::pair<ScaleRule, std::string_view>, 8> names{{
    {ScaleRule::ocp, "ocp"},
    {ScaleRule::rceil, "rceil"},
    {ScaleRule::torchao_floor, "torchao-floor"},
    {ScaleRule::torchao_ceil, "torchao-ceil"},
    {ScaleRule::torchao_even, "torchao-even"},
    {ScaleRule::torchao_rceil, "torchao-rceil"},
    {ScaleRule::microxcaling, "microxcaling"},
    {ScaleRule::amax_over_max, "amax-over-max"},
}};

Scale nan_scale(const Format& scale) {
  if (!has_nan(scale)) throw CastError("the block holds NaN or Inf and the scale format has no NaN");
  const std::uint64_t code = nan_code(scale, false);
  return {code, decode(scale, code)};
}

// ceil(log2 x) for x > 0.
std::int64_t ceil_log2(const Dyadic& x) {
  const std::int64_t floor = x.floor_log2();
  return x == Dyadic::power_of_two(floor) ? floor : floor + 1;
}

// The FP32 exponent field of a positive FP32 value, unbiased: what torchao's bit manipulations read.
// A subnormal reads as -127 (field 0).
std::int64_t fp32_exponent_field(const Value& v) { return std::max<std::int64_t>(v.magnitude.floor_log2(), -127); }

}  // namespace

std::string_view to_string(ScaleRule rule) {
  for (const auto& [r, name] : names)
    if (r == rule) return name;
  return "?";
}

std::optional<ScaleRule> parse_scale_rule(std::string_view name) {
  for (const auto& [r, n] : names)
    if (n == name) return r;
  return std::nullopt;
}

BlockSummary summarize(std::span<const Value> block) {
  BlockSummary s;
  for (const Value& v : block) {
    if (v.is_nan()) s.any_nan = true;
    else if (v.is_infinity()) s.any_infinity = true;
    else s.amax = std::max(s.amax, v.magnitude);
  }
  return s;
}

Scale power_of_two_scale(const Format& scale, std::int64_t exponent) {
  const FormatProperties p = properties(scale);
  const std::int64_t lowest = p.min_positive.floor_log2();
  const std::int64_t clamped = std::clamp(exponent, lowest, p.max_normal.floor_log2());
  const Value value = Value::finite(false, Dyadic::power_of_two(clamped));
  return {encode(scale, value).code, value};
}

Scale choose_scale(ScaleRule rule, const BlockSummary& block, const BlockFormat& format, const Dyadic& tensor_scale) {
  const Format& scale = format.scale;
  if (block.any_nan || block.any_infinity) return nan_scale(scale);
  const FormatProperties element = properties(format.element);
  const std::int64_t emax = element.max_exponent;
  const std::int64_t bottom = properties(scale).min_positive.floor_log2();
  if (block.amax.is_zero() && rule != ScaleRule::amax_over_max) return power_of_two_scale(scale, bottom);
  switch (rule) {
    case ScaleRule::ocp: return power_of_two_scale(scale, block.amax.floor_log2() - emax);
    case ScaleRule::rceil: return power_of_two_scale(scale, ceil_log2(sticky_quotient(block.amax, element.max_normal)));
    case ScaleRule::microxcaling: return power_of_two_scale(scale, floor_of_rounded_log2(block.amax) - emax);
    case ScaleRule::torchao_floor:
    case ScaleRule::torchao_ceil:
    case ScaleRule::torchao_even:
    case ScaleRule::torchao_rceil: {
      const Value amax = round_to(fp32, Value::finite(false, block.amax));
      const std::int64_t field = fp32_exponent_field(amax);
      if (rule == ScaleRule::torchao_floor) return power_of_two_scale(scale, field - emax);
      if (rule == ScaleRule::torchao_ceil)
        return power_of_two_scale(scale, (amax.magnitude == Dyadic::power_of_two(field) ? field : field + 1) - emax);
      if (rule == ScaleRule::torchao_even) {
        // Round amax to the element's precision (half up on the magnitude bits), then read the exponent.
        const Value rounded = round_to(Format{false, 8, format.element.mantissa_bits, 127, Encoding::ieee},
                                       amax, Rounding::rna);
        return power_of_two_scale(scale, fp32_exponent_field(rounded) - emax);
      }
      const Value reciprocal = divide_in(fp32, Value::finite(false, Dyadic(1, 0)),
                                         Value::finite(false, element.max_normal));
      const Value descale = multiply_in(fp32, amax, reciprocal);
      return power_of_two_scale(scale, ceil_log2(descale.magnitude));
    }
    case ScaleRule::amax_over_max: {
      const Dyadic wanted = sticky_quotient(block.amax, element.max_normal * tensor_scale);
      CastOptions options;
      options.overflow = Overflow::saturate;
      const std::uint64_t code = encode(scale, Value::finite(false, wanted), options).code;
      return {code, decode(scale, code)};
    }
  }
  return power_of_two_scale(scale, block.amax.floor_log2() - emax);
}

}  // namespace mxref
