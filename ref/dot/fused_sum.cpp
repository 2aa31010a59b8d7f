#include "ref/dot/fused_sum.hpp"

#include <algorithm>
#include <limits>

namespace mxref {

namespace {

// magnitude / 2^quantum with the bits below 2^quantum dropped as `alignment` says, as a signed integer.
BigInt aligned(const Term& t, std::int64_t quantum, Alignment alignment) {
  const BigInt& m = t.magnitude.significand();
  const std::int64_t shift = t.magnitude.exponent() - quantum;
  BigInt kept = shift >= 0 ? BigInt(m << static_cast<unsigned>(shift)) : BigInt(m >> static_cast<unsigned>(-shift));
  if (shift < 0) {
    const auto drop = static_cast<unsigned>(-shift);
    const BigInt rest = m - (kept << drop);
    if (rest != 0) switch (alignment) {
        case Alignment::toward_zero: break;
        case Alignment::toward_negative:
          if (t.negative) ++kept;  // the magnitude of a negative term rounds up
          break;
        case Alignment::nearest_even: {
          const BigInt half = BigInt(1) << (drop - 1);
          if (rest > half || (rest == half && (kept & 1) != 0)) ++kept;
          break;
        }
      }
  }
  return t.negative ? BigInt(-kept) : kept;
}

bool zero_sum_is_negative(std::span<const Term> terms, const AccumulationModel& model, Rounding rounding) {
  switch (model.zero_sign) {
    case ZeroSign::positive: return false;
    case ZeroSign::ieee: {
      // Zeros of one sign keep it (every term zero and negative); any other cancellation gives +0,
      // or -0 when rounding toward -Inf (IEEE 754-2019 §6.3).
      const bool all_negative_zeros =
          std::all_of(terms.begin(), terms.end(), [](const Term& t) { return t.negative && t.magnitude.is_zero(); });
      return (!terms.empty() && all_negative_zeros) || rounding == Rounding::rdn;
    }
  }
  return false;
}

}  // namespace

Value fused_sum(std::span<const Term> terms, const AccumulationModel& model, Rounding rounding) {
  // The grid every kept bit lies on: 2^(largest exponent - F), or, with every bit kept, the finest bit
  // of any term.
  std::int64_t quantum = std::numeric_limits<std::int64_t>::max();
  if (model.fraction_bits) {
    std::int64_t largest = std::numeric_limits<std::int64_t>::min();
    for (const Term& t : terms)
      if (t.exponent) largest = std::max(largest, *t.exponent);
    if (largest != std::numeric_limits<std::int64_t>::min()) quantum = largest - *model.fraction_bits;
  } else {
    for (const Term& t : terms)
      if (!t.magnitude.is_zero()) quantum = std::min(quantum, t.magnitude.exponent());
  }
  BigInt sum = 0;
  if (quantum != std::numeric_limits<std::int64_t>::max())
    for (const Term& t : terms)
      if (!t.magnitude.is_zero()) sum += aligned(t, quantum, model.alignment);
  if (sum == 0) return Value::finite(zero_sum_is_negative(terms, model, rounding), Dyadic());
  const bool negative = sum < 0;
  return Value::finite(negative, Dyadic(negative ? BigInt(-sum) : sum, quantum));
}

}  // namespace mxref
