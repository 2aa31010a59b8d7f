#include "ref/block/float_log2.hpp"

#include <cstdint>  // before mpfr.h, so that it declares the intmax_t functions
#include <gmp.h>
#include <mpfr.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace mxref {

namespace {

// fl(log2(x)) to `precision` bits, RNE, then to an integer in the given direction.
std::int64_t rounded_log2_to_integer(const Dyadic& x, int precision, mpfr_rnd_t direction) {
  if (x.is_zero()) throw std::invalid_argument("floor_of_rounded_log2 of zero");
  const std::string digits = x.significand().str(16, std::ios_base::hex);
  mpfr_t exact, log;
  mpfr_init2(exact, std::max<mpfr_prec_t>(static_cast<mpfr_prec_t>(4 * digits.size()), MPFR_PREC_MIN));
  mpfr_init2(log, precision);
  mpfr_set_str(exact, digits.c_str(), 16, MPFR_RNDN);  // exact: the precision holds every digit
  mpfr_mul_2si(exact, exact, static_cast<long>(x.exponent()), MPFR_RNDN);
  mpfr_log2(log, exact, MPFR_RNDN);
  const long integer = mpfr_get_si(log, direction);
  mpfr_clear(exact);
  mpfr_clear(log);
  return integer;
}

}  // namespace

std::int64_t floor_of_rounded_log2(const Dyadic& x, int precision) {
  return rounded_log2_to_integer(x, precision, MPFR_RNDD);
}

std::int64_t ceil_of_rounded_log2(const Dyadic& x, int precision) {
  return rounded_log2_to_integer(x, precision, MPFR_RNDU);
}

}  // namespace mxref
