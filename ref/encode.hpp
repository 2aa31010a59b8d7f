// Exact value -> code: the special-value, sign and overflow policy around a model's rounding decision.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "ref/cast_options.hpp"
#include "ref/format.hpp"
#include "ref/rounding_model.hpp"
#include "ref/value.hpp"

namespace mxref {

// A value the options say must not be converted (NaN into a format without NaN under NanToFinite::error).
struct CastError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws std::invalid_argument for options the format cannot honour (Overflow::inf without Inf,
// Overflow::nan without NaN, stochastic rounding without 1..64 random bits).
void validate(const Format& format, const CastOptions& options);

// The overflow rule actually applied: natural resolved for the format.
Overflow effective_overflow(const Format& format, Overflow requested);

CastResult encode(const Format& format, const Value& value, const CastOptions& options = {},
                  Model model = Model::integer);

// The code of a NaN of the given sign (IEEE-like formats keep the payload's leading bits and set the
// quiet bit). The format must have a NaN.
std::uint64_t nan_code(const Format& format, bool negative, std::uint64_t payload = std::uint64_t{1} << 63);

}  // namespace mxref
