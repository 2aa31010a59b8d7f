// What a third party's FP32 (or other host-format) intermediate holds: the exact result of one
// operation, rounded once to that format by the reference's own encoder. Profiles use these to
// reproduce `amax * (1.0f / max)` and the like bit for bit, without host floating point.
#pragma once

#include "ref/cast_options.hpp"
#include "ref/format.hpp"
#include "ref/value.hpp"

namespace mxref {

// value rounded to `format` (RNE unless told otherwise; IEEE overflow to Inf), as an exact Value.
Value round_to(const Format& format, const Value& value, Rounding rounding = Rounding::rne);

// n / d (d > 0) to at least `bits` significant bits, with a sticky bit below them: rounding it to a
// format of fewer than `bits` bits gives the same result, in every mode, as rounding the exact quotient.
Dyadic sticky_quotient(const Dyadic& n, const Dyadic& d, int bits = 128);

// C's fminf: the smaller of a and b, where a NaN operand yields the other.
Value min_ignoring_nan(const Value& a, const Value& b);

// The format's largest finite value (FLT_MAX for fp32).
Value largest_finite(const Format& format);

// Correctly rounded operations of `format` on exact operands.
Value multiply_in(const Format& format, const Value& a, const Value& b);
Value divide_in(const Format& format, const Value& a, const Value& b);

}  // namespace mxref
