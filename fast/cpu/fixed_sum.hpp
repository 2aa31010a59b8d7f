// An exact sum of doubles: a two's-complement fixed-point number over every double's bits (2^-1074 up to
// 2^1100, 36 limbs of 64 bits), to which a double is added by shifting its 53-bit significand into place (a
// Kulisch accumulator). No rounding ever happens; value() hands the sum to ref/ as a dyadic rational.
#pragma once

#include <array>
#include <cstring>
#include <cstdint>

#include "fast/cpu/wide_sum.hpp"  // uint128
#include "ref/dyadic.hpp"

namespace mxref::fast {

// A finite double as a signed significand and its exponent field: d = significand x 2^(max(field, 1) - 1075).
struct SplitDouble {
  std::int64_t significand;
  int field;
};

inline SplitDouble split(double d) {
  std::uint64_t bits;
  std::memcpy(&bits, &d, 8);
  const auto field = static_cast<int>(bits >> 52 & 0x7FF);
  auto m = static_cast<std::int64_t>(bits & 0xFFFFFFFFFFFFFull);
  if (field != 0) m |= std::int64_t{1} << 52;
  return {bits >> 63 ? -m : m, field};
}

// Where a significand with exponent field `field` starts among FixedSum's bits (bit 0 weighs 2^-1074).
constexpr int position_of(int field) { return field == 0 ? 0 : field - 1; }  // a subnormal weighs as field 1

class FixedSum {
 public:
  static constexpr int least_exponent = -1074;  // the weight of bit 0
  static constexpr int limbs = 36;

  // d finite.
  void add(double d) {
    const SplitDouble s = split(d);
    add_scaled(s.significand, position_of(s.field));
  }

  // m x 2^(position - 1074), m signed with |m| < 2^63 (a bin of BinnedSum).
  void add_scaled(std::int64_t m, int position) {
    if (m == 0) return;
    const std::uint64_t magnitude = m < 0 ? -static_cast<std::uint64_t>(m) : static_cast<std::uint64_t>(m);
    const uint128 wide = static_cast<uint128>(magnitude) << (position % 64);
    add_at(position / 64, static_cast<std::uint64_t>(wide), static_cast<std::uint64_t>(wide >> 64), m < 0);
  }

  void add(const FixedSum& other) {
    unsigned carry = 0;
    for (int i = 0; i < limbs; ++i) {
      const uint128 s = static_cast<uint128>(limb_[i]) + other.limb_[i] + carry;
      limb_[i] = static_cast<std::uint64_t>(s);
      carry = static_cast<unsigned>(s >> 64);
    }
  }

  // The sum, which must not be negative.
  Dyadic value() const {
    BigInt v = 0;
    for (int i = limbs - 1; i >= 0; --i) v = (v << 64) + limb_[i];
    return Dyadic(v, least_exponent);
  }

 private:
  void add_at(int at, std::uint64_t low, std::uint64_t high, bool negative) {
    if (!negative) {
      uint128 s = static_cast<uint128>(limb_[at]) + low;
      limb_[at] = static_cast<std::uint64_t>(s);
      s = static_cast<uint128>(limb_[at + 1]) + high + static_cast<std::uint64_t>(s >> 64);
      limb_[at + 1] = static_cast<std::uint64_t>(s);
      for (int i = at + 2; (s >> 64) != 0 && i < limbs; ++i) s = static_cast<uint128>(++limb_[i] == 0) << 64;
      return;
    }
    // Subtraction with borrow: two's complement across the limbs.
    std::uint64_t borrow = limb_[at] < low ? 1 : 0;
    limb_[at] -= low;
    const std::uint64_t before = limb_[at + 1];
    limb_[at + 1] = before - high - borrow;
    borrow = (before < high || (before == high && borrow)) ? 1 : 0;
    for (int i = at + 2; borrow != 0 && i < limbs; ++i) borrow = limb_[i]-- == 0 ? 1 : 0;
  }

  std::array<std::uint64_t, limbs> limb_{};
};

// The same sum, faster: each double's significand is added, signed, into an int64 bin of its exponent (one
// add), and the bins are folded into a FixedSum before any can overflow (every 512 doubles: 512 x 2^53 <
// 2^63) and when the value is read.
class BinnedSum {
 public:
  void add(double d) {
    const SplitDouble s = split(d);
    bin_[s.field] += s.significand;
    if (++pending_ == 512) fold();
  }
  void add(const BinnedSum& other) {
    fold();
    BinnedSum o = other;
    o.fold();
    sum_.add(o.sum_);
  }
  Dyadic value() const {
    BinnedSum copy = *this;
    copy.fold();
    return copy.sum_.value();
  }

 private:
  void fold() {
    for (int field = 0; field < 2048; ++field) {
      if (bin_[field] == 0) continue;
      sum_.add_scaled(bin_[field], position_of(field));
      bin_[field] = 0;
    }
    pending_ = 0;
  }

  std::array<std::int64_t, 2048> bin_{};
  int pending_ = 0;
  FixedSum sum_;
};

}  // namespace mxref::fast
