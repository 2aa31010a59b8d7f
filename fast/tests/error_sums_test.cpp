// fast/cpu/error_sums.hpp against ref/stats on the same pairs: the exact sums on doubles (FixedSum, BinnedSum,
// FastErrorSums) must equal the dyadic-rational sums of ref/ exactly, over random doubles of every magnitude
// and sign (subnormals included), and over pairs whose errors need two doubles or tie on the relative error.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "fast/cpu/error_sums.hpp"
#include "fast/cpu/fixed_sum.hpp"
#include "ref/stats/error_sums.hpp"

namespace mxref::fast {
namespace {

// A finite double as an exact value (ref's side of each comparison).
Value exact(double d) {
  int exponent = 0;
  const double fraction = std::frexp(std::fabs(d), &exponent);
  const auto m = static_cast<std::int64_t>(std::ldexp(fraction, 53));
  return Value::finite(std::signbit(d), Dyadic(BigInt(m), exponent - 53));
}

double random_double(std::mt19937_64& rng, int low, int high) {
  const double m = std::ldexp(static_cast<double>(rng() >> 11), -53);  // [0, 1)
  return (rng() & 1 ? -1 : 1) * std::ldexp(m, low + static_cast<int>(rng() % static_cast<std::uint64_t>(high - low)));
}

TEST(FixedSum, EqualsTheExactSum) {
  std::mt19937_64 rng(7);
  FixedSum fixed;
  BinnedSum binned;
  Dyadic positive, negative;
  for (int i = 0; i < 20000; ++i) {
    double d = random_double(rng, -1074, 1000);
    if (i % 97 == 0) d = std::ldexp(static_cast<double>(rng() % 1000), -1074);  // subnormal
    if (i % 101 == 0) d = 0x1.fffffffffffffp+1023 * (rng() & 1 ? 1 : -1);
    fixed.add(d);
    binned.add(d);
    const Value v = exact(d);
    (v.negative ? negative : positive) = (v.negative ? negative : positive) + v.magnitude;
  }
  // Make the total positive, as the error sums are: every negative value's magnitude added back twice (borrows
  // and carries through the whole accumulator).
  std::mt19937_64 again(7);
  for (int i = 0; i < 20000; ++i) {
    double d = random_double(again, -1074, 1000);
    if (i % 97 == 0) d = std::ldexp(static_cast<double>(again() % 1000), -1074);
    if (i % 101 == 0) d = 0x1.fffffffffffffp+1023 * (again() & 1 ? 1 : -1);
    if (d >= 0) continue;
    for (int twice = 0; twice < 2; ++twice) {
      fixed.add(-d);
      binned.add(-d);
      positive = positive + exact(-d).magnitude;
    }
  }
  ASSERT_GT(positive, negative);
  EXPECT_EQ(fixed.value(), positive - negative);
  EXPECT_EQ(binned.value(), positive - negative);
}

TEST(FastErrorSums, EqualsTheReferenceSums) {
  std::mt19937_64 rng(11);
  FastErrorSums fast_sums, other;
  ErrorSums ref_sums;
  for (int i = 0; i < 20000; ++i) {
    // FP32-like inputs and dequantized values near them; some flushed (y = 0), some far off (errors that need two
    // doubles), some exact.
    const auto x = static_cast<double>(static_cast<float>(random_double(rng, -140, 120)));
    double y = static_cast<double>(static_cast<float>(x * (1 + random_double(rng, -30, -1))));
    if (i % 5 == 0) y = 0;
    if (i % 7 == 0) y = x;
    if (i % 11 == 0) y = std::ldexp(1.0, static_cast<int>(rng() % 200) - 100);
    (i % 2 ? fast_sums : other).add(x, y);
    ref_sums.add(exact(x), exact(y));
  }
  fast_sums.merge(other);
  const ErrorSums s = fast_sums.exact();
  EXPECT_EQ(s.count, ref_sums.count);
  EXPECT_EQ(s.squared_error, ref_sums.squared_error);
  EXPECT_EQ(s.absolute_error, ref_sums.absolute_error);
  EXPECT_EQ(s.squared_input, ref_sums.squared_input);
  EXPECT_EQ(s.largest_error, ref_sums.largest_error);
  EXPECT_EQ(s.relative, ref_sums.relative);
  // The largest relative error as a value (its pair may differ where several attain it).
  EXPECT_EQ(s.relative_error * ref_sums.relative_input, ref_sums.relative_error * s.relative_input);
}

TEST(FastErrorSums, ErrorsOfTwoDoubles) {
  // x = 1 + 2^-52 (FP64), y = 2^60: e = 2^60 - 1 - 2^-52 needs two doubles; e^2 and |e| must stay exact.
  const double x = 1 + 0x1p-52, y = 0x1p60;
  FastErrorSums f;
  f.add(x, y);
  ErrorSums r;
  r.add(exact(x), exact(y));
  EXPECT_EQ(f.exact().squared_error, r.squared_error);
  EXPECT_EQ(f.exact().absolute_error, r.absolute_error);
  EXPECT_EQ(f.exact().largest_error, r.largest_error);
}

}  // namespace
}  // namespace mxref::fast
