#include "ref/stats/nearest_double.hpp"

#include <cstdint>  // before mpfr.h, so that it declares the intmax_t functions
#include <gmp.h>
#include <mpfr.h>

#include <stdexcept>

namespace mxref {

namespace {

// An MPFR number that frees itself.
class Real {
 public:
  explicit Real(mpfr_prec_t precision) { mpfr_init2(x_, precision); }
  ~Real() { mpfr_clear(x_); }
  Real(const Real&) = delete;
  Real& operator=(const Real&) = delete;
  mpfr_ptr get() { return x_; }

 private:
  mpfr_t x_;
};

// r := v exactly (r's precision set to v's significand's bit length).
void load(Real& r, const Dyadic& v) {
  const BigInt& s = v.significand();
  const auto bits = static_cast<mpfr_prec_t>(s == 0 ? 1 : boost::multiprecision::msb(s) + 1);
  mpfr_set_prec(r.get(), bits < MPFR_PREC_MIN ? MPFR_PREC_MIN : bits);
  mpz_t z;
  mpz_init(z);
  const auto& backend = s.backend();
  mpz_import(z, backend.size(), -1, sizeof(*backend.limbs()), 0, 0, backend.limbs());
  const int inexact = mpfr_set_z_2exp(r.get(), z, static_cast<mpfr_exp_t>(v.exponent()), MPFR_RNDN);
  mpz_clear(z);
  if (inexact != 0) throw std::logic_error("nearest_double: a dyadic not loaded exactly");
}

// Both ends of the bracket as doubles; the figure once they agree. `bracket(p, rounding, out)` computes the
// figure at precision p in the given direction and returns whether it was exact.
template <class Bracket>
double ziv(const Bracket& bracket) {
  for (mpfr_prec_t p = 128;; p *= 2) {
    Real low(p), high(p);
    const bool low_exact = bracket(p, MPFR_RNDD, low);
    const bool high_exact = bracket(p, MPFR_RNDU, high);
    if (low_exact && high_exact) return mpfr_get_d(low.get(), MPFR_RNDN);
    const double a = mpfr_get_d(low.get(), MPFR_RNDN), b = mpfr_get_d(high.get(), MPFR_RNDN);
    if (a == b) return a;
    if (p > (1 << 20)) throw std::logic_error("nearest_double: no rounding decision");
  }
}

// q := a / b at precision p rounded in `rounding`; whether exact.
bool quotient(const Dyadic& a, const Dyadic& b, mpfr_rnd_t rounding, Real& q) {
  Real x(MPFR_PREC_MIN), y(MPFR_PREC_MIN);
  load(x, a);
  load(y, b);
  return mpfr_div(q.get(), x.get(), y.get(), rounding) == 0;
}

}  // namespace

double nearest_double(const Dyadic& v) {
  Real x(MPFR_PREC_MIN);
  load(x, v);
  return mpfr_get_d(x.get(), MPFR_RNDN);
}

double nearest_quotient(const Dyadic& a, const Dyadic& b) {
  // Bracketed too: a quotient rounded to 53 bits and then into the subnormal doubles would round twice.
  return ziv([&](mpfr_prec_t, mpfr_rnd_t rounding, Real& out) { return quotient(a, b, rounding, out); });
}

double nearest_sqrt_quotient(const Dyadic& a, const Dyadic& b) {
  return ziv([&](mpfr_prec_t p, mpfr_rnd_t rounding, Real& out) {
    Real q(p + 2);
    const bool exact = quotient(a, b, rounding, q);
    return mpfr_sqrt(out.get(), q.get(), rounding) == 0 && exact;
  });
}

double nearest_decibels(const Dyadic& a, const Dyadic& b) {
  return ziv([&](mpfr_prec_t p, mpfr_rnd_t rounding, Real& out) {
    Real q(p + 2);
    const bool exact = quotient(a, b, rounding, q);
    const bool log_exact = mpfr_log10(out.get(), q.get(), rounding) == 0;
    const bool times_exact = mpfr_mul_ui(out.get(), out.get(), 10, rounding) == 0;
    return exact && log_exact && times_exact;
  });
}

}  // namespace mxref
