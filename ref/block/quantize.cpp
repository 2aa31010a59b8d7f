#include "ref/block/quantize.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>

#include "ref/block/float_log2.hpp"
#include "ref/block/host_float.hpp"
#include "ref/decode.hpp"
#include "ref/encode.hpp"
#include "ref/properties.hpp"

namespace mxref {

namespace {

Value fp32_power_of_two(std::int64_t exponent) { return Value::finite(false, Dyadic::power_of_two(exponent)); }

Value one() { return fp32_power_of_two(0); }

// V / X as the profile's implementation forms it, before the element cast.
Value scaled_element(const Value& v, const Scale& scale, const Profile& profile, const TensorScale& tensor) {
  if (profile.scaling == ElementScaling::exact) {
    if (scale.value.is_nan()) return Value::nan(false);
    if (!v.is_finite()) return v;
    // A zero scale (a block far below its tensor's amax, or a zero tensor scale) divides a nonzero value
    // into ±Inf, which saturates; the element's value times 0 is 0 whatever it is (profile-nvfp4.md).
    const Dyadic divisor = scale.value.magnitude * tensor.decode;
    if (divisor.is_zero() && !v.is_zero()) return Value::infinity(v.negative);
    return Value::finite(v.negative, sticky_quotient(v.magnitude, divisor));
  }
  if (profile.scaling == ElementScaling::nvfp4_torchao) {
    // fl32(1 / pts) is 0 for an infinite pts and NaN for a NaN one.
    const Value encode =
        tensor.non_finite ? divide_in(fp32, one(), *tensor.non_finite) : Value::finite(false, tensor.encode);
    const Value r = tensor.present ? divide_in(fp32, encode, scale.value) : divide_in(fp32, one(), scale.value);
    return multiply_in(fp32, round_to(fp32, v), r);
  }
  if (profile.scaling == ElementScaling::nvfp4_te) {
    const Value inv =
        min_ignoring_nan(divide_in(fp32, one(), multiply_in(fp32, scale.value, Value::finite(false, tensor.decode))),
                         largest_finite(fp32));
    return multiply_in(fp32, round_to(fp32, v), inv);
  }
  if (profile.scaling == ElementScaling::fp32_divide_clamped) {
    if (scale.value.is_nan()) return Value::nan(false);
    return divide_in(fp32, round_to(fp32, v), scale.value);
  }
  // The FP32 scalings below act on E8M0 codes (the rules that use them insist on an E8M0 scale).
  const std::int64_t code = static_cast<std::int64_t>(scale.code);
  const Value x = round_to(fp32, v);
  if (profile.scaling == ElementScaling::torchao_divide) {
    const Value divisor =
        code == 0xFF ? Value::infinity(false) : fp32_power_of_two(std::max<std::int64_t>(code - 127, -126));
    return divide_in(fp32, x, divisor);
  }
  // Under 255 the product is the reciprocal's own NaN, positive whatever x is: x86 returns the (quieted)
  // NaN operand of torch's loop and CUDA its canonical 0x7FFFFFFF; torch casts either to E5M2 0x7F, the
  // code of an all-ones payload here (docs/spec-notes/profile-torchao.md).
  if (code == 0xFF && profile.scaling == ElementScaling::multiply_reciprocal)
    return Value::nan(false, ~std::uint64_t{0});
  Value reciprocal = code == 0xFF ? Value::nan(false) : fp32_power_of_two(127 - code);
  if (profile.scaling == ElementScaling::multiply_reciprocal_zero_is_one && code == 0)
    reciprocal = fp32_power_of_two(0);
  return multiply_in(fp32, x, reciprocal);
}

// microxcaling's element rounding (mx/elemwise_ops.py, _quantize_elemwise_core, _round_mantissa), in
// its FP32 arithmetic: binade p = max(floor(torch.log2(|a|)), emin) (none for integer elements),
// x = |a| x 2^(m - p), then 'nearest' n = floor(fl32(x + 0.5)), 'even' the same minus one where x - 0.5
// is an even integer, 'floor' n = floor(x); the result n x 2^(p - m) keeps a's sign (the clamp to ±max
// is the element cast's saturation). fl32(x + 0.5) can round up to the next integer from just below a
// half, and the float log2 can pick the binade above: both are reproduced here. The sign comes from
// torch.sign(a), which is +0 for an exact -0: that element ends +0, while a tiny negative one ends -0
// (-1 x +0). auto-round's quant_element (mantissa_rounding 'even' and 'floor') is the same arithmetic; its
// 'nearest' (exact_nearest) is torch.round of the exact x, ties to even, with no fl32(x + 0.5).
Value microxcaling_element(const Format& element, const Value& a, Rounding rounding, bool exact_nearest) {
  if (a.is_zero()) return Value::finite(false, a.magnitude);
  if (!a.is_finite()) return a;
  const std::int64_t m = is_fixed_point(element) ? element.bias : element.mantissa_bits;
  const std::int64_t p =
      is_fixed_point(element) ? 0 : std::max<std::int64_t>(floor_of_rounded_log2(a.magnitude), min_exponent(element));
  const Dyadic x = a.magnitude.scaled(m - p);
  const Dyadic half(1, -1);
  // A normalised Dyadic (odd significand) is an integer iff its exponent is >= 0, even iff >= 1.
  const auto floor_of = [](const Dyadic& d) {
    return d.exponent() >= 0 ? d : Dyadic(d.significand() >> static_cast<unsigned>(-d.exponent()), 0);
  };
  Dyadic n;
  if (rounding == Rounding::rtz) {
    n = floor_of(x);
  } else if (exact_nearest) {
    n = floor_of(x);
    const Dyadic rest = x - n;
    const bool odd = !n.is_zero() && n.exponent() == 0;
    if (rest > half || (rest == half && odd)) n = n + Dyadic(1, 0);
  } else {
    n = floor_of(round_to(fp32, Value::finite(false, x + half)).magnitude);
    if (rounding == Rounding::rne && x >= half) {
      const Dyadic below = x - half;
      if (below.is_zero() || below.exponent() >= 1) n = n - Dyadic(1, 0);  // x = 2j + 0.5: down to 2j
    }
  }
  return Value::finite(a.negative, n.scaled(p - m));
}

// Whether x (negative) rounds to the two's-complement minimum -2^(N-1) x 2^-bias, which saturating
// casts avoid and pychop's clip keeps; -Inf counts (pychop maps it to the minimum).
bool reaches_most_negative(const Format& element, const Value& x, Rounding rounding) {
  if (x.is_infinity()) return true;
  if (!x.is_finite()) return false;
  const Format wider{true, 0, 62, element.bias, Encoding::sign_magnitude};
  const Value r =
      decode(wider, encode(wider, x, CastOptions{.rounding = rounding, .overflow = Overflow::saturate}).code);
  return r.magnitude >= Dyadic(1, width(element) - 1 - element.bias);
}

bool uses_numpy_amax(const Profile& profile) {
  return profile.rule == ScaleRule::pychop_mx || profile.rule == ScaleRule::pychop_bfp;
}

bool pychop_zero_block(const Profile& profile, const BlockSummary& summary) {
  return uses_numpy_amax(profile) && summary.numpy_amax.is_zero();
}

}  // namespace

QuantizedBlock quantize_block(const BlockFormat& format, const Profile& profile, std::span<const Value> values,
                              const TensorScale& tensor) {
  if (values.empty() || values.size() > static_cast<std::size_t>(format.block_size))
    throw std::invalid_argument("a block holds 1 to " + std::to_string(format.block_size) + " values, not " +
                                std::to_string(values.size()));
  validate(format.element, profile.element);
  QuantizedBlock out;
  const BlockSummary summary = summarize(profile.rule, values, static_cast<std::size_t>(format.block_size));
  const Scale scale = choose_scale(profile.rule, summary, format, tensor);
  out.scale = scale.code;
  out.elements.reserve(values.size());
  // pychop returns np.zeros for a block whose np.nanmax(np.abs(x)) is 0: NaN and -0 included.
  if (pychop_zero_block(profile, summary)) {
    out.elements.assign(values.size(), 0);
    return out;
  }
  const Dyadic max_element = properties(format.element).max_normal;
  for (const Value& v : values) {
    // Under a NaN scale every value decodes as NaN whatever its element (docs/spec-notes/block-edge-cases.md).
    Value x = scaled_element(v, scale, profile, tensor);
    // auto-round clamps the quotient to ±max before rounding it, so 'floor' keeps max where truncating the
    // larger quotient on its own binade would fall below it.
    if (profile.scaling == ElementScaling::fp32_divide_clamped && !x.is_nan() &&
        (x.is_infinity() || x.magnitude > max_element)) {
      x = Value::finite(x.negative, max_element);
      out.flags |= Flag::overflow | Flag::inexact;
    }
    // Saturating MX implementations clamp to ±max before (or in) the cast, which takes an Inf element to
    // ±max even where the element format could hold Inf (E5M2): torchao's clamp, CUDA's satfinite.
    if (x.is_infinity() && profile.element.overflow == Overflow::saturate && has_inf(format.element)) {
      out.elements.push_back(max_finite_code(format.element) | (x.negative ? sign_bit(format.element) : 0));
      out.flags |= Flag::overflow | Flag::inexact;
      continue;
    }
    if (profile.int_full_range && format.element.encoding == Encoding::twos_complement && x.negative &&
        reaches_most_negative(format.element, x, profile.element.rounding)) {
      out.elements.push_back(sign_bit(format.element));
      if (!x.is_finite() || x.magnitude != Dyadic(1, width(format.element) - 1 - format.element.bias))
        out.flags |= Flag::inexact;
      continue;
    }
    if (profile.microxcaling_elements) {
      const Value rounded =
          microxcaling_element(format.element, x, profile.element.rounding, profile.exact_nearest_elements);
      if (rounded != x) out.flags |= Flag::inexact;
      x = rounded;
    }
    CastResult r = encode(format.element, x, profile.element);
    if (profile.zero_drops_sign && decode(format.element, r.code).is_zero()) r.code = 0;
    out.elements.push_back(r.code);
    out.flags |= r.flags;
  }
  return out;
}

std::vector<Value> fake_quantize_block(const BlockFormat& format, const Profile& profile, std::span<const Value> values,
                                       const TensorScale& tensor) {
  // What dequantizing by an infinite or NaN tensor scale gives is no implementation's defined behaviour.
  if (tensor.non_finite) throw std::invalid_argument("a tensor scale that is not finite dequantizes nothing");
  const QuantizedBlock q = quantize_block(format, profile, values, tensor);
  std::vector<Value> out = dequantize_block(format, q.scale, q.elements, tensor.decode);
  if (uses_numpy_amax(profile)) {
    const Value amax = numpy_nanmax_of_magnitudes(values, static_cast<std::size_t>(format.block_size));
    if (amax.is_zero()) return out;  // np.zeros: +0 everywhere
    // A NaN amax makes pychop's scale that NaN (MX; BFP raises), and every value scale x element is it:
    // x86 multiplication keeps the NaN of the scale operand, quieted.
    if (amax.is_nan()) {
      Value nan = amax;
      nan.nan_payload |= std::uint64_t{1} << 63;
      std::fill(out.begin(), out.end(), nan);
      return out;
    }
  }
  keep_fake_quant_conventions(format, profile, q.scale, values, out, tensor);
  return out;
}

void keep_fake_quant_conventions(const BlockFormat& format, const Profile& profile, std::uint64_t scale,
                                 std::span<const Value> inputs, std::span<Value> outputs, const TensorScale& tensor) {
  const Scale x{scale, decode(format.scale, scale)};
  const bool integer = is_fixed_point(format.element);
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    if (outputs[i].is_zero()) {
      // microxcaling's and auto-round's sign(a) * n: -0 where the element they scaled, a, is negative and
      // not zero; an exact -0 (torch.sign gives +0) or a quotient that underflowed in FP32 ends +0.
      if (profile.microxcaling_elements) {
        const Value a = scaled_element(inputs[i], x, profile, tensor);
        outputs[i].negative = a.negative && !a.is_zero();
      } else if (profile.integer_zero_keeps_sign && integer && inputs[i].negative) {
        outputs[i].negative = true;  // pychop's rint(-0.3) = -0.0 (and rint(-0.0) = -0.0)
      }
    }
    if (!inputs[i].is_nan()) continue;
    switch (profile.fakequant_nan) {
      case FakeQuantNan::dequantized: break;
      case FakeQuantNan::default_nan: outputs[i] = Value::nan(false); break;
      case FakeQuantNan::quieted_input:
        outputs[i] = inputs[i];
        outputs[i].nan_payload |= std::uint64_t{1} << 63;
        break;
    }
  }
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
