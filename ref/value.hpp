// An exact value as a number format sees it: a signed dyadic rational, a signed infinity, or a NaN.
#pragma once

#include <cstdint>
#include <utility>

#include "ref/dyadic.hpp"

namespace mxref {

struct Value {
  enum class Kind : std::uint8_t { finite, infinity, nan };

  Kind kind = Kind::finite;
  bool negative = false;
  Dyadic magnitude;  // finite values only
  // NaN payload, the source's mantissa field left-aligned in 64 bits (bit 63 is the quiet bit of an
  // IEEE-like source), so that a narrower IEEE target keeps the payload's leading bits.
  std::uint64_t nan_payload = 0;

  static Value finite(bool negative, Dyadic magnitude) { return {Kind::finite, negative, std::move(magnitude), 0}; }
  static Value infinity(bool negative) { return {Kind::infinity, negative, {}, 0}; }
  static Value nan(bool negative, std::uint64_t payload = std::uint64_t{1} << 63) {
    return {Kind::nan, negative, {}, payload};
  }

  bool is_finite() const { return kind == Kind::finite; }
  bool is_nan() const { return kind == Kind::nan; }
  bool is_infinity() const { return kind == Kind::infinity; }
  bool is_zero() const { return is_finite() && magnitude.is_zero(); }

  friend bool operator==(const Value&, const Value&) = default;
};

}  // namespace mxref
