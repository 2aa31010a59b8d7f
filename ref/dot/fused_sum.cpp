#include "ref/dot/fused_sum.hpp"

#include <algorithm>
#include <limits>
#include <vector>

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
    case ZeroSign::positive:
    case ZeroSign::never_negative: return false;
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

Value fused_sum(std::span<const Term> terms, const AccumulationModel& model, Rounding rounding,
                std::optional<std::int64_t>* largest) {
  return fused_sum(terms, model.fraction_bits, model.alignment, model, rounding, largest);
}

Value fused_sum(std::span<const Term> terms, std::optional<int> fraction_bits, Alignment alignment,
                const AccumulationModel& model, Rounding rounding, std::optional<std::int64_t>* largest) {
  std::optional<std::int64_t> top;
  for (const Term& t : terms)
    if (t.exponent) top = top ? std::max(*top, *t.exponent) : *t.exponent;
  if (largest) *largest = top;
  // The grid every kept bit lies on: 2^(largest exponent - F), or, with every bit kept, the finest bit
  // of any term.
  std::int64_t quantum = std::numeric_limits<std::int64_t>::max();
  if (fraction_bits) {
    if (top) quantum = *top - *fraction_bits;
  } else {
    for (const Term& t : terms)
      if (!t.magnitude.is_zero()) quantum = std::min(quantum, t.magnitude.exponent());
  }
  BigInt sum = 0;
  if (quantum != std::numeric_limits<std::int64_t>::max())
    for (const Term& t : terms)
      if (!t.magnitude.is_zero()) sum += aligned(t, quantum, alignment);
  if (sum == 0) return Value::finite(zero_sum_is_negative(terms, model, rounding), Dyadic());
  const bool negative = sum < 0;
  return Value::finite(negative, Dyadic(negative ? BigInt(-sum) : sum, quantum));
}

Value aligned_sum(std::span<const AlignedTerm> terms, Alignment alignment, const AccumulationModel& model,
                  Rounding rounding) {
  std::optional<std::int64_t> top;
  int finest = 0;
  for (const AlignedTerm& a : terms) {
    if (a.term.exponent) top = top ? std::max(*top, *a.term.exponent) : *a.term.exponent;
    finest = std::max(finest, a.fraction_bits);
  }
  std::vector<Term> plain;
  for (const AlignedTerm& a : terms) plain.push_back(a.term);
  if (!top) return Value::finite(zero_sum_is_negative(plain, model, rounding), Dyadic());
  // Each term on its own grid 2^(top - F_i), then all on the finest one.
  const std::int64_t quantum = *top - finest;
  BigInt sum = 0;
  for (const AlignedTerm& a : terms) {
    if (a.term.magnitude.is_zero() || !a.term.exponent) continue;
    if (a.reach && *a.term.exponent < *top - *a.reach) continue;
    sum += aligned(a.term, *top - a.fraction_bits, alignment) *
           (BigInt(1) << static_cast<unsigned>(finest - a.fraction_bits));
  }
  if (sum == 0) return Value::finite(zero_sum_is_negative(plain, model, rounding), Dyadic());
  const bool negative = sum < 0;
  return Value::finite(negative, Dyadic(negative ? BigInt(-sum) : sum, quantum));
}

}  // namespace mxref
