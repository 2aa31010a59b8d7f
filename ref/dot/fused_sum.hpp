// The generic fused sum: terms aligned to the largest term exponent, bits dropped as the model says, the
// kept integers added exactly. Integer shifts and adds only; no rounding to a format happens here.
#pragma once

#include <cstdint>
#include <span>

#include "ref/dot/accumulation_model.hpp"
#include "ref/value.hpp"

namespace mxref {

// A finite term: value ±magnitude, and the exponent it counts with when the maximum is taken (the sum of
// its factors' exponents, each max(floor(log2 |x|), emin)); none: it does not count (a zero, unless the
// model gives zeros an exponent).
struct Term {
  bool negative = false;
  Dyadic magnitude;
  std::optional<std::int64_t> exponent;
};

// The aligned sum as an exact value. A zero sum's sign follows the model's zero_sign; rounding is the mode
// the result will be rounded with (IEEE's -0 under round toward -Inf).
// `largest`, when given, receives the largest term exponent (none when no term counts).
Value fused_sum(std::span<const Term> terms, const AccumulationModel& model, Rounding rounding,
                std::optional<std::int64_t>* largest = nullptr);

// The same with the fraction bits and alignment given: a later stage of a model's sum.
Value fused_sum(std::span<const Term> terms, std::optional<int> fraction_bits, Alignment alignment,
                const AccumulationModel& model, Rounding rounding, std::optional<std::int64_t>* largest = nullptr);

// Terms aligned to their largest exponent, each keeping its own number of fraction bits (a term whose
// exponent is more than `reach` binades below the largest counts as 0), added exactly: MMA-Sim's CDNA3 C step.
struct AlignedTerm {
  Term term;
  int fraction_bits = 0;
  std::optional<int> reach;
};
Value aligned_sum(std::span<const AlignedTerm> terms, Alignment alignment, const AccumulationModel& model,
                  Rounding rounding);

}  // namespace mxref
