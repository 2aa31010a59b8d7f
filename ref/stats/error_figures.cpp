#include "ref/stats/error_figures.hpp"

#include <limits>

#include "ref/stats/nearest_double.hpp"

namespace mxref {

ErrorFigures error_figures(const ErrorSums& s) {
  ErrorFigures f;
  if (s.count == 0) return f;
  const Dyadic n(BigInt(s.count), 0);
  f.mse = nearest_quotient(s.squared_error, n);
  f.rmse = nearest_sqrt_quotient(s.squared_error, n);
  f.mae = nearest_quotient(s.absolute_error, n);
  f.max_abs_error = nearest_double(s.largest_error);
  if (s.relative != 0) f.max_rel_error = nearest_quotient(s.relative_error, s.relative_input);
  if (s.squared_error.is_zero()) f.sqnr_db = std::numeric_limits<double>::infinity();
  else if (s.squared_input.is_zero()) f.sqnr_db = -std::numeric_limits<double>::infinity();  // noise, no signal
  else f.sqnr_db = nearest_decibels(s.squared_input, s.squared_error);
  return f;
}

}  // namespace mxref
