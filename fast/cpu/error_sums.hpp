// ref/stats/error_sums.hpp's exact sums on doubles: each error e = y - x split exactly into two doubles
// (TwoSum), each square and product split exactly into two (TwoProduct, an FMA), and every piece added to a
// FixedSum, so nothing is rounded; the largest errors are compared exactly. For inputs and dequantized values
// that are doubles whose squares' low parts stay above 2^-1074 (FP32, BF16 and FP16 inputs; MX and NVFP4
// values): fast/tests/error_sums_test.cpp holds it to ref/ on random tensors.
#pragma once

#include <cmath>
#include <cstdint>

#include "fast/cpu/fixed_sum.hpp"
#include "ref/stats/error_sums.hpp"

namespace mxref::fast {

class FastErrorSums {
 public:
  // x and y finite.
  void add(double x, double y) {
    ++count_;
    // e = y - x = hi + lo exactly; |e| = a + b with a = |hi| and |b| <= ulp(a) / 2.
    const double hi = y - x;
    const double z = hi - y;
    const double lo = (y - (hi - z)) + (-x - z);
    const double a = std::fabs(hi), b = hi < 0 ? -lo : lo;
    square_into(squared_error_, a);
    if (b != 0) {
      product_into(squared_error_, 2 * a, b);
      square_into(squared_error_, b);
    }
    absolute_error_.add(a);
    if (b != 0) absolute_error_.add(b);
    square_into(squared_input_, x);
    if (a > largest_a_ || (a == largest_a_ && b > largest_b_)) largest_a_ = a, largest_b_ = b;
    if (x == 0) return;
    const double ax = std::fabs(x);
    if (relative_ == 0 || greater(a, b, ax, rel_a_, rel_b_, rel_x_)) rel_a_ = a, rel_b_ = b, rel_x_ = ax;
    ++relative_;
  }

  void merge(const FastErrorSums& o) {
    count_ += o.count_;
    squared_error_.add(o.squared_error_);
    absolute_error_.add(o.absolute_error_);
    squared_input_.add(o.squared_input_);
    if (o.largest_a_ > largest_a_ || (o.largest_a_ == largest_a_ && o.largest_b_ > largest_b_))
      largest_a_ = o.largest_a_, largest_b_ = o.largest_b_;
    if (o.relative_ != 0 && (relative_ == 0 || greater(o.rel_a_, o.rel_b_, o.rel_x_, rel_a_, rel_b_, rel_x_)))
      rel_a_ = o.rel_a_, rel_b_ = o.rel_b_, rel_x_ = o.rel_x_;
    relative_ += o.relative_;
  }

  ErrorSums exact() const {
    ErrorSums s;
    s.count = count_;
    s.squared_error = squared_error_.value();
    s.absolute_error = absolute_error_.value();
    s.squared_input = squared_input_.value();
    s.largest_error = pair(largest_a_, largest_b_);
    s.relative = relative_;
    if (relative_ != 0) {
      s.relative_error = pair(rel_a_, rel_b_);
      s.relative_input = pair(rel_x_, 0);
    }
    return s;
  }

 private:
  static void square_into(BinnedSum& sum, double v) { product_into(sum, v, v); }
  static void product_into(BinnedSum& sum, double u, double v) {
    const double p = u * v;
    sum.add(p);
    const double rest = std::fma(u, v, -p);  // the product's exact remainder: mostly 0 (few-bit factors)
    if (rest != 0) sum.add(rest);
  }
  static Dyadic pair(double a, double b) {
    FixedSum s;
    s.add(a);
    s.add(b);
    return s.value();
  }
  // (a + b) / x > (c + d) / y, exactly (x, y > 0): a close call of the cross products is settled on dyadic
  // rationals.
  static bool greater(double a, double b, double x, double c, double d, double y) {
    const double left = a * y, right = c * x;  // each within a relative 2^-52 of (a + b) y and (c + d) x
    if (left > right * (1 + 0x1p-40)) return true;
    if (left < right * (1 - 0x1p-40)) return false;
    if (b == 0 && d == 0) {  // a y and c x exactly as two doubles each, compared as such (ties are common: 1)
      const double left_rest = std::fma(a, y, -left), right_rest = std::fma(c, x, -right);
      return left > right || (left == right && left_rest > right_rest);
    }
    return ratio_greater(pair(a, b), pair(x, 0), pair(c, d), pair(y, 0));
  }

  std::uint64_t count_ = 0, relative_ = 0;
  BinnedSum squared_error_, absolute_error_, squared_input_;
  double largest_a_ = 0, largest_b_ = 0;
  double rel_a_ = 0, rel_b_ = 0, rel_x_ = 0;
};

}  // namespace mxref::fast
