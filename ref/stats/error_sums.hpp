// The exact sums behind a quantization's error statistics: every input x and its dequantized value y are
// exact dyadic rationals, so the error e = y - x, its square, its magnitude and x^2 are too, and so are their
// sums. Nothing is rounded here; error_figures.hpp rounds each figure once (docs/spec-notes/error-stats.md).
#pragma once

#include <cstdint>

#include "ref/dyadic.hpp"
#include "ref/value.hpp"

namespace mxref {

struct ErrorSums {
  std::uint64_t count = 0;  // pairs added: finite inputs whose dequantized value is finite
  Dyadic squared_error;     // sum of e^2
  Dyadic absolute_error;    // sum of |e|
  Dyadic squared_input;     // sum of x^2
  Dyadic largest_error;     // max |e|
  // max |e| / |x| over nonzero x, as the pair (|e|, |x|) that attains it; `relative` counts those x.
  Dyadic relative_error, relative_input;
  std::uint64_t relative = 0;

  // x and y finite.
  void add(const Value& x, const Value& y);
  void merge(const ErrorSums& other);
};

// |y - x| for finite values, exactly.
Dyadic absolute_difference(const Value& x, const Value& y);

// Whether a / b > c / d (b, d > 0), exactly.
bool ratio_greater(const Dyadic& a, const Dyadic& b, const Dyadic& c, const Dyadic& d);

}  // namespace mxref
