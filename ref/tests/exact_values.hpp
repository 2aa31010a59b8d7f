// Test-side helpers to state expected values plainly: exact doubles in, exact comparisons out.
#pragma once

#include <cmath>
#include <compare>
#include <cstdint>
#include <cstring>
#include <ostream>
#include <stdexcept>

#include "ref/dyadic.hpp"
#include "ref/format.hpp"
#include "ref/format_name.hpp"
#include "ref/value.hpp"

namespace mxref::testing {

// The exact value of a finite double as a Dyadic (frexp and ldexp are exact).
inline Dyadic dyadic(double magnitude) {
  if (magnitude < 0) throw std::invalid_argument("dyadic() takes a magnitude");
  if (magnitude == 0) return Dyadic();
  int exponent = 0;
  const double fraction = std::frexp(magnitude, &exponent);
  return Dyadic(BigInt(static_cast<std::uint64_t>(std::ldexp(fraction, 53))), exponent - 53);
}

inline Value value(double x) {
  if (std::isnan(x)) return Value::nan(std::signbit(x));
  if (std::isinf(x)) return Value::infinity(x < 0);
  return Value::finite(std::signbit(x), dyadic(std::fabs(x)));
}

// The value as a double; exact for the small formats these tests look at.
inline double to_double(const Value& v) {
  if (v.is_nan()) return std::nan("");
  if (v.is_infinity()) return v.negative ? -INFINITY : INFINITY;
  const double m = std::ldexp(static_cast<double>(v.magnitude.significand()), static_cast<int>(v.magnitude.exponent()));
  return v.negative ? -m : m;
}

inline std::uint32_t bits_of(float x) {
  std::uint32_t bits = 0;
  std::memcpy(&bits, &x, sizeof bits);
  return bits;
}

// Order of non-NaN values on the extended real line (−0 == +0).
inline std::partial_ordering order(const Value& a, const Value& b) {
  if (a.is_nan() || b.is_nan()) return std::partial_ordering::unordered;
  auto rank = [](const Value& v) { return v.is_infinity() ? (v.negative ? -1 : 1) : 0; };
  if (rank(a) != rank(b) || rank(a) != 0) return rank(a) <=> rank(b);
  const bool a_negative = a.negative && !a.is_zero();
  const bool b_negative = b.negative && !b.is_zero();
  if (a_negative != b_negative) return a_negative ? std::partial_ordering::less : std::partial_ordering::greater;
  const std::strong_ordering magnitude = a.magnitude <=> b.magnitude;
  return a_negative ? (0 <=> magnitude) : (magnitude <=> 0);
}

inline bool at_most(const Value& a, const Value& b) { return order(a, b) <= 0; }

}  // namespace mxref::testing

namespace mxref {
// How RapidCheck prints counterexamples.
inline void showValue(const Format& f, std::ostream& os) { os << format_name(f); }
inline void showValue(const Value& v, std::ostream& os) {
  os << (v.negative ? "-" : "+");
  if (v.is_nan()) os << "nan";
  else if (v.is_infinity()) os << "inf";
  else os << to_hexfloat(v.magnitude);
}
}  // namespace mxref
