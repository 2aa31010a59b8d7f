// The exact sum of a dot product's products and C by machine integers, for narrow element formats: each
// element code looks up ±q x 2^quantum (q an integer), a block's products sum in int64, and only the block
// results (a handful) become Dyadics. The value is exact_dot's to the bit; it is only faster.
#pragma once

#include <optional>

#include "ref/dot/accumulation_model.hpp"
#include "ref/dot/dot.hpp"
#include "ref/value.hpp"

namespace mxref {

// Whether a model's result is the exact sum under the caller's rounding (dot()'s single rounding then
// follows): every bit kept, no product or intermediate rounding, one instruction, IEEE zero signs.
bool keeps_every_bit(const AccumulationModel& model);

// The exact sum of the products and the finite value c, with IEEE 754 §6.3's sign for an exact zero under
// `rounding`. nullopt where the integer path does not apply: an element format wider than 8 bits, a block
// whose products could overflow int64, or any factor or c that is NaN or infinite (dot()'s general path
// handles those). The problem must already be valid (validate()).
std::optional<Value> small_exact_sum(const DotProblem& problem, const Value& c, Rounding rounding);

}  // namespace mxref
