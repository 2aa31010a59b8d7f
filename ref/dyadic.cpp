#include "ref/dyadic.hpp"

#include <algorithm>
#include <utility>

namespace mxref {

Dyadic::Dyadic(BigInt significand, std::int64_t exponent) : significand_(std::move(significand)), exponent_(exponent) {
  if (significand_ == 0) {
    exponent_ = 0;
    return;
  }
  const auto trailing = static_cast<std::int64_t>(boost::multiprecision::lsb(significand_));
  significand_ >>= trailing;
  exponent_ += trailing;
}

std::int64_t msb(const BigInt& positive) { return static_cast<std::int64_t>(boost::multiprecision::msb(positive)); }

std::int64_t Dyadic::floor_log2() const { return msb(significand_) + exponent_; }

std::strong_ordering operator<=>(const Dyadic& a, const Dyadic& b) {
  if (a.is_zero() || b.is_zero()) return a.significand_.compare(b.significand_) <=> 0;
  if (a.floor_log2() != b.floor_log2()) return a.floor_log2() <=> b.floor_log2();
  const std::int64_t common = std::min(a.exponent_, b.exponent_);
  const BigInt left = a.significand_ << static_cast<unsigned>(a.exponent_ - common);
  const BigInt right = b.significand_ << static_cast<unsigned>(b.exponent_ - common);
  return left.compare(right) <=> 0;
}

Dyadic operator+(const Dyadic& a, const Dyadic& b) {
  if (a.is_zero()) return b;
  if (b.is_zero()) return a;
  const std::int64_t common = std::min(a.exponent_, b.exponent_);
  return Dyadic((a.significand_ << static_cast<unsigned>(a.exponent_ - common)) +
                    (b.significand_ << static_cast<unsigned>(b.exponent_ - common)),
                common);
}

Dyadic operator-(const Dyadic& a, const Dyadic& b) {
  if (b.is_zero()) return a;
  const std::int64_t common = std::min(a.exponent_, b.exponent_);
  BigInt difference = (a.significand_ << static_cast<unsigned>(a.exponent_ - common)) -
                      (b.significand_ << static_cast<unsigned>(b.exponent_ - common));
  if (difference < 0) difference = 0;  // documented precondition a >= b; never produce a negative magnitude
  return Dyadic(std::move(difference), common);
}

Dyadic operator*(const Dyadic& a, const Dyadic& b) {
  return Dyadic(a.significand_ * b.significand_, a.exponent_ + b.exponent_);
}

// GCC 12 at -O2/-O3 reports -Wrestrict in libstdc++'s std::string (bits/char_traits.h, inlined from
// basic_string::_M_replace through insert / operator+(const char*, string&&)) for impossible sizes
// (2^63 bytes and more): a false positive of GCC 12's restrict checker on libstdc++'s string code
// (GCC bugs 105329 and 105651, fixed in GCC 13). Suppressed for this function only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wrestrict"
#endif
std::string to_decimal(const Dyadic& value) {
  if (value.exponent() >= 0) return BigInt(value.significand() << static_cast<unsigned>(value.exponent())).str();
  // s / 2^k = s * 5^k / 10^k: an integer with k decimal places.
  const auto places = static_cast<unsigned>(-value.exponent());
  BigInt scaled = value.significand() * boost::multiprecision::pow(BigInt(5), places);
  std::string digits = scaled.str();
  if (digits.size() <= places) digits.insert(0, places - digits.size() + 1, '0');
  digits.insert(digits.size() - places, ".");
  return digits;
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
std::string to_hexfloat(const Dyadic& value) {
  if (value.is_zero()) return "0x0p+0";
  const std::int64_t top = msb(value.significand());
  // Fraction bits after the leading 1, padded to whole hex digits.
  const std::int64_t fraction_bits = top;
  const std::int64_t hex_digits = (fraction_bits + 3) / 4;
  BigInt fraction = value.significand() - (BigInt(1) << static_cast<unsigned>(top));
  fraction <<= static_cast<unsigned>(hex_digits * 4 - fraction_bits);
  std::string text = "0x1";
  if (hex_digits > 0) {
    std::string hex;
    for (std::int64_t i = 0; i < hex_digits; ++i) {
      hex.insert(hex.begin(), "0123456789abcdef"[static_cast<unsigned>(fraction & 0xF)]);
      fraction >>= 4;
    }
    text += "." + hex;
  }
  const std::int64_t exponent = value.floor_log2();
  text += (exponent < 0 ? "p-" : "p+") + std::to_string(exponent < 0 ? -exponent : exponent);
  return text;
}

}  // namespace mxref
