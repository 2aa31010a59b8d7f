// An exact non-negative dyadic rational: significand × 2^exponent, with an arbitrary-size significand.
// Every value a binary format can hold, and every product or sum of such values, is one of these,
// so the reference never needs host floating point to say what a number is.
#pragma once

#include <boost/multiprecision/cpp_int.hpp>
#include <compare>
#include <cstdint>
#include <string>

namespace mxref {

// Expression templates off: values, not lazy expressions, flow through the reference.
using BigInt = boost::multiprecision::number<boost::multiprecision::cpp_int_backend<>, boost::multiprecision::et_off>;

class Dyadic {
 public:
  Dyadic() = default;
  // significand must be >= 0; the value is normalised so the significand is odd (or the value is 0).
  Dyadic(BigInt significand, std::int64_t exponent);
  static Dyadic power_of_two(std::int64_t exponent) { return Dyadic(1, exponent); }

  const BigInt& significand() const { return significand_; }
  std::int64_t exponent() const { return exponent_; }
  bool is_zero() const { return significand_ == 0; }
  // floor(log2(value)); the value must not be zero.
  std::int64_t floor_log2() const;

  friend bool operator==(const Dyadic&, const Dyadic&) = default;
  friend std::strong_ordering operator<=>(const Dyadic& a, const Dyadic& b);
  friend Dyadic operator+(const Dyadic& a, const Dyadic& b);
  friend Dyadic operator-(const Dyadic& a, const Dyadic& b);  // requires a >= b
  friend Dyadic operator*(const Dyadic& a, const Dyadic& b);
  Dyadic scaled(std::int64_t by_power_of_two) const { return Dyadic(significand_, exponent_ + by_power_of_two); }

 private:
  BigInt significand_ = 0;
  std::int64_t exponent_ = 0;
};

// Position of the highest set bit of a positive integer (0 for 1).
std::int64_t msb(const BigInt& positive);

// The exact decimal expansion ("0.0009765625"); a dyadic rational always has a finite one.
std::string to_decimal(const Dyadic& value);
// C99 hex-float form with a normalised leading 1: "0x1.8p+3", "0x0p+0".
std::string to_hexfloat(const Dyadic& value);

}  // namespace mxref
