#include "ref/block/quantize.hpp"

#include <stdexcept>
#include <string>

#include "ref/block/host_float.hpp"
#include "ref/decode.hpp"
#include "ref/encode.hpp"

namespace mxref {

namespace {

// V / X as the profile's implementation forms it, before the element cast.
Value scaled_element(const Value& v, const Scale& scale, const Profile& profile) {
  Dyadic divisor = scale.value.magnitude;
  if (divisor.floor_log2() < profile.min_division_exponent) divisor = Dyadic::power_of_two(profile.min_division_exponent);
  const Value x = Value::finite(false, divisor);
  switch (profile.scaling) {
    case ElementScaling::exact:
      if (!v.is_finite()) return v;
      return Value::finite(v.negative, sticky_quotient(v.magnitude, divisor));
    case ElementScaling::fp32_divide: return divide_in(fp32, round_to(fp32, v), x);
    case ElementScaling::fp32_multiply_by_reciprocal:
      return multiply_in(fp32, round_to(fp32, v), divide_in(fp32, Value::finite(false, Dyadic(1, 0)), x));
  }
  return v;
}

}  // namespace

QuantizedBlock quantize_block(const BlockFormat& format, const Profile& profile, std::span<const Value> values,
                              const Dyadic& tensor_scale) {
  if (values.empty() || values.size() > static_cast<std::size_t>(format.block_size))
    throw std::invalid_argument("a block holds 1 to " + std::to_string(format.block_size) + " values, not " +
                                std::to_string(values.size()));
  validate(format.element, profile.element);
  QuantizedBlock out;
  const Scale scale = choose_scale(profile.rule, summarize(values), format, tensor_scale);
  out.scale = scale.code;
  out.elements.reserve(values.size());
  for (const Value& v : values) {
    // Under a NaN scale every value decodes as NaN whatever its element: the element is the cast of NaN
    // (the element's NaN, or +0 where it has none) so that vectors stay deterministic.
    const Value x = scale.value.is_nan() ? Value::nan(false) : scaled_element(v, scale, profile);
    CastOptions options = profile.element;
    if (scale.value.is_nan()) options.nan_to_finite = NanToFinite::zero;
    const CastResult r = encode(format.element, x, options);
    out.elements.push_back(r.code);
    out.flags |= r.flags;
  }
  return out;
}

std::vector<Value> dequantize_block(const BlockFormat& format, std::uint64_t scale,
                                    std::span<const std::uint64_t> elements, const Dyadic& tensor_scale) {
  const Value x = decode(format.scale, scale);
  std::vector<Value> out;
  out.reserve(elements.size());
  for (const std::uint64_t code : elements) {
    const Value e = decode(format.element, code);
    if (x.is_nan()) out.push_back(Value::nan(false));  // the scale's NaN has no sign to give
    else if (e.is_nan()) out.push_back(Value::nan(e.negative));
    else if (e.is_infinity()) out.push_back(e);
    else out.push_back(Value::finite(e.negative, e.magnitude * x.magnitude * tensor_scale));
  }
  return out;
}

}  // namespace mxref
