// Real numbers given exactly by dyadic rationals, rounded once to the nearest double (ties to even, IEEE
// binary64's range with its subnormals). A quotient is one MPFR division of exact operands; a square root or a
// logarithm of a quotient is bracketed by directed roundings at growing precision until both ends round to the
// same double (Ziv's strategy), where an exact result is recognized and rounded directly.
#pragma once

#include "ref/dyadic.hpp"

namespace mxref {

double nearest_double(const Dyadic& v);
double nearest_quotient(const Dyadic& a, const Dyadic& b);       // a / b; b > 0
double nearest_sqrt_quotient(const Dyadic& a, const Dyadic& b);  // sqrt(a / b); b > 0
double nearest_decibels(const Dyadic& a, const Dyadic& b);       // 10 log10(a / b); a, b > 0

}  // namespace mxref
