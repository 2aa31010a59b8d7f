// ref/stats against values derived by hand (and, for the logarithm, by mpmath at 300 bits, written here):
// exact sums, figures rounded once to the nearest double (ties to even, subnormals without a second
// rounding), and one MXFP4 block's counts.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "ref/block/block_format.hpp"
#include "ref/block/profile.hpp"
#include "ref/block/quantize.hpp"
#include "ref/stats/error_figures.hpp"
#include "ref/stats/nearest_double.hpp"
#include "ref/stats/quantization_stats.hpp"

namespace mxref {
namespace {

Value v(double d) {
  return Value::finite(std::signbit(d), Dyadic(BigInt(static_cast<std::int64_t>(std::ldexp(std::fabs(d), 40))), -40));
}

TEST(NearestDouble, RoundsOnceTiesToEven) {
  // 1 + 2^-53 is halfway between 1 and 1 + 2^-52: ties to even give 1; 1 + 3 x 2^-53 gives 1 + 2^-51.
  EXPECT_EQ(nearest_double(Dyadic((BigInt(1) << 53) + 1, -53)), 1.0);
  EXPECT_EQ(nearest_double(Dyadic((BigInt(1) << 53) + 3, -53)), 1.0 + 0x1p-51);
  EXPECT_EQ(nearest_quotient(Dyadic(1, 0), Dyadic(3, 0)), 1.0 / 3.0);  // IEEE division is correctly rounded
  // Subnormal quotients: 1 / (3 x 2^1074) = 2^-1074 / 3 rounds to 0; 2 / (3 x 2^1074) to 2^-1074 (one rounding:
  // 53 bits first, then the subnormal grid, would agree here, but only one is done).
  EXPECT_EQ(nearest_quotient(Dyadic(1, 0), Dyadic(3, 1074)), 0.0);
  EXPECT_EQ(nearest_quotient(Dyadic(2, 0), Dyadic(3, 1074)), 0x1p-1074);
  // Exact results are recognized: sqrt(9/4) = 1.5, 10 log10(100) = 20, 10 log10(1) = 0.
  EXPECT_EQ(nearest_sqrt_quotient(Dyadic(9, 0), Dyadic(4, 0)), 1.5);
  EXPECT_EQ(nearest_decibels(Dyadic(100, 0), Dyadic(1, 0)), 20.0);
  EXPECT_EQ(nearest_decibels(Dyadic(7, 0), Dyadic(7, 0)), 0.0);
  EXPECT_EQ(nearest_sqrt_quotient(Dyadic(1, 0), Dyadic(2, 0)), std::sqrt(0.5));  // sqrt is correctly rounded
}

TEST(ErrorSums, HandDerivedFigures) {
  // x = 1, 3; y = 1, 2: e = 0, -1. MSE 1/2, RMSE sqrt(1/2), MAE 1/2, max |e| 1, max |e|/|x| 1/3,
  // SQNR 10 log10((1 + 9) / 1) = 10.
  ErrorSums s;
  s.add(v(1), v(1));
  s.add(v(3), v(2));
  const ErrorFigures f = error_figures(s);
  EXPECT_EQ(*f.mse, 0.5);
  EXPECT_EQ(*f.rmse, std::sqrt(0.5));
  EXPECT_EQ(*f.mae, 0.5);
  EXPECT_EQ(*f.max_abs_error, 1.0);
  EXPECT_EQ(*f.max_rel_error, 1.0 / 3.0);
  EXPECT_EQ(*f.sqnr_db, 10.0);
  // Signs count: x = -2, y = 1 is an error of 3.
  ErrorSums t;
  t.add(v(-2), v(1));
  EXPECT_EQ(*error_figures(t).max_abs_error, 3.0);
  // Nothing added: no figures. Exact everywhere (zeros only): MSE 0, SQNR +Inf, no relative error.
  EXPECT_FALSE(error_figures(ErrorSums{}).mse);
  ErrorSums z;
  z.add(v(0), v(0));
  EXPECT_EQ(*error_figures(z).mse, 0.0);
  EXPECT_EQ(*error_figures(z).sqnr_db, std::numeric_limits<double>::infinity());
  EXPECT_FALSE(error_figures(z).max_rel_error);
}

TEST(QuantizationStats, OneMxfp4BlockByHand) {
  // MXFP4 E2M1, a block of 4 under ocp: amax 7 -> X = 2^(floor(log2 7) - 2) = 1. 7 saturates to 6 (code 7),
  // 0.125 is below half of E2M1's least 0.5 and flushes to 0, 0 stays, -1 is -1. Errors -1, -0.125, 0, 0:
  // sum e^2 = 65/64, MSE 65/256, RMSE sqrt(65)/16, MAE 1.125/4, max |e| 1, max |e|/|x| = 0.125/0.125 = 1;
  // sum x^2 = 49 + 1/64 + 1 = 3201/64, SQNR 10 log10(3201/65) = 16.923723175012768 (mpmath, 300 bits).
  BlockFormat f = parse_block_format("mxfp4_e2m1");
  f.block_size = 4;
  const std::vector<Value> x{v(7), v(0.125), v(0), v(-1)};
  const QuantizedBlock q = quantize_block(f, find_profile("ocp"), x);
  ASSERT_EQ(q.scale, 127u);
  ASSERT_EQ(q.elements, (std::vector<std::uint64_t>{0x7, 0x0, 0x0, 0xA}));
  QuantizationStats stats;
  add_block(stats, f, x, q.scale, q.elements, TensorScale{});
  const QuantizationCounts& c = stats.counts;
  EXPECT_EQ(c.values, 4u);
  EXPECT_EQ(c.blocks, 1u);
  EXPECT_EQ(c.saturated, 1u);
  EXPECT_EQ(c.flushed_to_zero, 1u);
  EXPECT_EQ(c.subnormal_elements, 0u);
  EXPECT_EQ(c.zero_blocks, 0u);
  EXPECT_EQ(c.scale_codes, (std::map<std::uint64_t, std::uint64_t>{{127, 1}}));
  const ErrorFigures fig = error_figures(stats.sums);
  EXPECT_EQ(*fig.mse, 65.0 / 256.0);
  EXPECT_EQ(*fig.rmse, std::sqrt(65.0) / 16.0);
  EXPECT_EQ(*fig.mae, 1.125 / 4.0);
  EXPECT_EQ(*fig.max_abs_error, 1.0);
  EXPECT_EQ(*fig.max_rel_error, 1.0);
  EXPECT_EQ(*fig.sqnr_db, 16.923723175012768);
  // A NaN input gives the block a NaN scale: every value is left out of the errors and counted.
  const std::vector<Value> with_nan{v(1), Value::nan(false), v(2), v(0)};
  const QuantizedBlock n = quantize_block(f, find_profile("ocp"), with_nan);
  QuantizationStats ns;
  add_block(ns, f, with_nan, n.scale, n.elements, TensorScale{});
  EXPECT_EQ(ns.counts.nan_inputs, 1u);
  EXPECT_EQ(ns.counts.nan_scale_blocks, 1u);
  EXPECT_EQ(ns.sums.count, 0u);
  EXPECT_EQ(storage_bits(f, 4, 1), 4u * 4 + 8);
}

}  // namespace
}  // namespace mxref
