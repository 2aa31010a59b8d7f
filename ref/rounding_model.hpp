// The one decision each reference model makes on its own: where a positive exact magnitude lands on a
// format's grid of representable magnitudes, extended without bound above the format's largest value.
//
// The grid of a float-like format with p mantissa bits and smallest normal exponent emin holds the
// multiples of 2^(max(floor(log2 x), emin) - p) in each binade (subnormals included; E8M0-like formats
// have p = 0). The grid of a two's-complement format holds the multiples of 2^-bias.
// Everything around that decision (NaN, Inf, zero, signs, overflow, codes) is shared: see encode.hpp.
#pragma once

#include <cstdint>

#include "ref/cast_options.hpp"
#include "ref/dyadic.hpp"
#include "ref/format.hpp"

namespace mxref {

struct RoundingRequest {
  Rounding mode = Rounding::rne;
  bool negative = false;  // the sign of the value whose magnitude is rounded (directed modes need it)
  StochasticBits random{};
};

// The rounded magnitude: multiple × 2^quantum_exponent, with quantum_exponent the grid spacing at the
// rounded value's binade before rounding.
struct GridPoint {
  BigInt multiple;
  std::int64_t quantum_exponent = 0;
  bool inexact = false;
};

enum class Model : std::uint8_t { integer, mpfr };

// magnitude must be > 0.
GridPoint round_to_grid_integer(const Format& format, const Dyadic& magnitude, const RoundingRequest& request);
GridPoint round_to_grid_mpfr(const Format& format, const Dyadic& magnitude, const RoundingRequest& request);

}  // namespace mxref
