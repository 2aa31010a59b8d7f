#include "ref/block/host_float.hpp"

#include <algorithm>

#include "ref/decode.hpp"
#include "ref/encode.hpp"

namespace mxref {

Value round_to(const Format& format, const Value& value, Rounding rounding) {
  CastOptions options;
  options.rounding = rounding;
  options.nan_to_finite = NanToFinite::zero;
  return decode(format, encode(format, value, options).code);
}

Value min_ignoring_nan(const Value& a, const Value& b) {
  if (a.is_nan()) return b;
  if (b.is_nan()) return a;
  if (a.negative != b.negative) return a.negative ? a : b;
  const bool a_smaller_magnitude = b.is_infinity() || (a.is_finite() && a.magnitude <= b.magnitude);
  return a_smaller_magnitude != a.negative ? a : b;
}

Value largest_finite(const Format& format) { return decode(format, max_finite_code(format)); }

Value multiply_in(const Format& format, const Value& a, const Value& b) {
  const bool negative = a.negative != b.negative;
  if (a.is_nan() || b.is_nan() || (a.is_infinity() && b.is_zero()) || (a.is_zero() && b.is_infinity()))
    return Value::nan(negative);
  if (a.is_infinity() || b.is_infinity()) return round_to(format, Value::infinity(negative));
  return round_to(format, Value::finite(negative, a.magnitude * b.magnitude));
}

Value divide_in(const Format& format, const Value& a, const Value& b) {
  const bool negative = a.negative != b.negative;
  if (a.is_nan() || b.is_nan() || (a.is_infinity() && b.is_infinity()) || (a.is_zero() && b.is_zero()))
    return Value::nan(negative);
  if (a.is_infinity() || b.is_zero()) return round_to(format, Value::infinity(negative));
  if (b.is_infinity() || a.is_zero()) return round_to(format, Value::finite(negative, Dyadic()));
  return round_to(format, Value::finite(negative, sticky_quotient(a.magnitude, b.magnitude)));
}

Dyadic sticky_quotient(const Dyadic& n, const Dyadic& d, int bits) {
  if (n.is_zero()) return n;
  const BigInt& top = n.significand();
  const BigInt& bottom = d.significand();
  const std::int64_t extra = std::max<std::int64_t>(0, msb(bottom) - msb(top)) + bits;
  const BigInt scaled = top << extra;
  const BigInt q = scaled / bottom;
  const bool sticky = q * bottom != scaled;
  return Dyadic(2 * q + (sticky ? 1 : 0), n.exponent() - d.exponent() - extra - 1);
}

}  // namespace mxref
