#include "ref/stats/error_sums.hpp"

namespace mxref {

Dyadic absolute_difference(const Value& x, const Value& y) {
  if (x.negative != y.negative) return x.magnitude + y.magnitude;
  return x.magnitude >= y.magnitude ? x.magnitude - y.magnitude : y.magnitude - x.magnitude;
}

bool ratio_greater(const Dyadic& a, const Dyadic& b, const Dyadic& c, const Dyadic& d) { return a * d > c * b; }

void ErrorSums::add(const Value& x, const Value& y) {
  const Dyadic e = absolute_difference(x, y);
  ++count;
  squared_error = squared_error + e * e;
  absolute_error = absolute_error + e;
  squared_input = squared_input + x.magnitude * x.magnitude;
  if (e > largest_error) largest_error = e;
  if (x.magnitude.is_zero()) return;
  if (relative == 0 || ratio_greater(e, x.magnitude, relative_error, relative_input)) {
    relative_error = e;
    relative_input = x.magnitude;
  }
  ++relative;
}

void ErrorSums::merge(const ErrorSums& o) {
  count += o.count;
  squared_error = squared_error + o.squared_error;
  absolute_error = absolute_error + o.absolute_error;
  squared_input = squared_input + o.squared_input;
  if (o.largest_error > largest_error) largest_error = o.largest_error;
  if (o.relative != 0 &&
      (relative == 0 || ratio_greater(o.relative_error, o.relative_input, relative_error, relative_input))) {
    relative_error = o.relative_error;
    relative_input = o.relative_input;
  }
  relative += o.relative;
}

}  // namespace mxref
