// A quantization's error figures, each rounded once to the nearest double from its exact value
// (error_sums.hpp): MSE, RMSE, MAE, the largest absolute and relative errors, and the SQNR in dB.
#pragma once

#include <optional>

#include "ref/stats/error_sums.hpp"

namespace mxref {

struct ErrorFigures {
  // None where no pair was added (an empty tensor, every input NaN or Inf).
  std::optional<double> mse, rmse, mae, max_abs_error;
  std::optional<double> max_rel_error;  // none where every input is zero
  // 10 log10(sum x^2 / sum e^2): +Inf where the quantization is exact (e = 0 everywhere, an all-zero tensor
  // included); none where no pair was added.
  std::optional<double> sqnr_db;
};

ErrorFigures error_figures(const ErrorSums& sums);

}  // namespace mxref
