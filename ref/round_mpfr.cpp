// The MPFR model: a second derivation of the rounding grid, from MPFR's own correctly rounded
// operations rather than from bit shifts.
//
// Float-like formats: the magnitude is rounded to precision p+1 by mpfr_set in the requested MPFR
// rounding mode, then the exponent range is narrowed so that mpfr_check_range and mpfr_subnormalize
// emulate the format's bottom end (subnormals, or E8M0's {0, 2^emin} below its smallest value).
// There is no upper bound: overflow is the shared layer's business. Formats without mantissa bits break
// round-to-nearest ties toward the even exponent field, which MPFR at precision 1 does not do: that
// tie, and round-to-odd's parity, are settled here from the exact remainder. Two's-complement formats round
// magnitude × 2^bias to an integer with mpfr_rint / mpfr_round / mpfr_trunc.
//
// MPFR exponents follow the 0.1b × 2^E convention: a value in [2^L, 2^(L+1)) has MPFR exponent L+1.
#include <cstdint>  // before mpfr.h, so that it declares the intmax_t functions
#include <gmp.h>
#include <mpfr.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "ref/rounding_model.hpp"

namespace mxref {

namespace {

static_assert(sizeof(uintmax_t) == 8, "the MPFR model reads 64-bit random bits through uintmax_t");

// MPFR's exponent range for the calling thread, set for the lifetime of this object and then restored.
class ExponentRange {
 public:
  ExponentRange(mpfr_exp_t emin, mpfr_exp_t emax) : saved_emin_(mpfr_get_emin()), saved_emax_(mpfr_get_emax()) {
    set(emin, emax);
  }
  ~ExponentRange() {
    mpfr_set_emin(saved_emin_);
    mpfr_set_emax(saved_emax_);
  }
  ExponentRange(const ExponentRange&) = delete;
  ExponentRange& operator=(const ExponentRange&) = delete;

  static void set(mpfr_exp_t emin, mpfr_exp_t emax) {
    // Widen first, so that the intermediate range is never empty.
    mpfr_set_emin(std::min(emin, mpfr_get_emin()));
    mpfr_set_emax(emax);
    mpfr_set_emin(emin);
  }

 private:
  mpfr_exp_t saved_emin_;
  mpfr_exp_t saved_emax_;
};

// A range wide enough that nothing the reference handles under- or overflows, with room left below
// for mpfr_round_nearest_away (which extends emin internally and so cannot run at MPFR_EMIN_MIN).
mpfr_exp_t wide_emin() { return mpfr_get_emin_min() / 2; }
mpfr_exp_t wide_emax() { return mpfr_get_emax_max() / 2; }

// Per-thread scratch variables, so that a sweep of millions of calls does not allocate each time.
struct Scratch {
  mpfr_t x;  // the exact input
  mpfr_t y;  // the result
  mpfr_t t;  // temporaries
  mpz_t z;
  std::vector<std::uint64_t> words;
  Scratch() {
    mpfr_init2(x, 64);
    mpfr_init2(y, 64);
    mpfr_init2(t, 64);
    mpz_init(z);
  }
  ~Scratch() {
    mpfr_clear(x);
    mpfr_clear(y);
    mpfr_clear(t);
    mpz_clear(z);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

// x := the Dyadic, exactly (its precision is the significand's bit length).
void load_exact(Scratch& s, const Dyadic& d) {
  const BigInt& sig = d.significand();
  const std::int64_t bits = msb(sig) + 1;
  mpfr_set_prec(s.x, static_cast<mpfr_prec_t>(std::max<std::int64_t>(bits, MPFR_PREC_MIN)));
  int inexact = 0;
  if (bits <= 64) {
    inexact = mpfr_set_uj_2exp(s.x, static_cast<uintmax_t>(static_cast<std::uint64_t>(sig)),
                               static_cast<intmax_t>(d.exponent()), MPFR_RNDN);
  } else {
    const auto& backend = sig.backend();
    mpz_import(s.z, backend.size(), -1, sizeof(*backend.limbs()), 0, 0, backend.limbs());
    inexact = mpfr_set_z_2exp(s.x, s.z, static_cast<mpfr_exp_t>(d.exponent()), MPFR_RNDN);
  }
  if (inexact != 0) throw std::logic_error("round_to_grid_mpfr: input not loaded exactly");
}

// The integer value of an MPFR variable known to hold a non-negative integer.
BigInt to_bigint(Scratch& s, mpfr_srcptr v) {
  if (mpfr_zero_p(v)) return 0;
  if (mpfr_fits_uintmax_p(v, MPFR_RNDN)) return BigInt(static_cast<std::uint64_t>(mpfr_get_uj(v, MPFR_RNDN)));
  mpfr_get_z(s.z, v, MPFR_RNDN);
  s.words.assign(mpz_sizeinbase(s.z, 2) / 64 + 1, 0);
  std::size_t count = 0;
  mpz_export(s.words.data(), &count, -1, sizeof(std::uint64_t), 0, 0, s.z);
  BigInt result;
  boost::multiprecision::import_bits(result, s.words.begin(), s.words.begin() + static_cast<std::ptrdiff_t>(count), 64,
                                     false);
  return result;
}

// Is floor(r × 2^count) + value >= 2^count? (0 <= r < 1 held exactly in t, which this clobbers.)
bool stochastic_carry(Scratch& s, const StochasticBits& random) {
  mpfr_mul_2si(s.t, s.t, random.count, MPFR_RNDN);                         // exact: a power-of-two scaling
  const auto f = static_cast<std::uint64_t>(mpfr_get_uj(s.t, MPFR_RNDZ));  // floor, < 2^count
  if (random.count >= 64) return random.value > ~f;                        // f + value >= 2^64, without wrapping
  return f + random.value >= (std::uint64_t{1} << random.count);           // both < 2^count <= 2^63
}

// ---- float-like formats -------------------------------------------------------------------------

struct FloatGrid {
  int p;              // mantissa bits
  std::int64_t emin;  // exponent of the smallest normal binade (or of E8M0's smallest value)

  // MPFR's emin that makes the smallest positive value 0.1b × 2^E = 2^(emin - p), the grid's finest step.
  mpfr_exp_t mpfr_emin() const { return static_cast<mpfr_exp_t>(emin - p + 1); }

  // Grid spacing in the binade of a positive on-grid value y (or at zero).
  std::int64_t quantum_at(mpfr_srcptr y) const {
    if (mpfr_zero_p(y)) return emin - p;
    return std::max<std::int64_t>(mpfr_get_exp(y) - 1, emin) - p;
  }
};

// y := x rounded onto the grid in direction rnd; returns MPFR's ternary value (0 iff exact).
int round_on_grid(Scratch& s, const FloatGrid& g, mpfr_rnd_t rnd) {
  mpfr_set_prec(s.y, g.p + 1);
  int t = mpfr_set(s.y, s.x, rnd);  // correct rounding to p+1 bits, exponent unbounded
  {
    const ExponentRange narrow(g.mpfr_emin(), wide_emax());
    t = mpfr_check_range(s.y, t, rnd);   // below the smallest step: 0 or the smallest step
    t = mpfr_subnormalize(s.y, t, rnd);  // subnormal binades: fixed-point steps of 2^(emin - p)
  }
  return t;
}

// Round to nearest, ties away from zero. mpfr_round_nearest_away cannot be combined with
// mpfr_subnormalize, so the bottom end is done in fixed point: x / 2^(emin - p) rounded to an integer
// by mpfr_round (which breaks ties away from zero).
int round_on_grid_nearest_away(Scratch& s, const FloatGrid& g) {
  if (mpfr_get_exp(s.x) - 1 >= g.emin) {
    mpfr_set_prec(s.y, g.p + 1);
    return mpfr_round_nearest_away(mpfr_set, s.y, s.x);
  }
  const std::int64_t step = g.emin - g.p;
  mpfr_set_prec(s.t, mpfr_get_prec(s.x));
  mpfr_mul_2si(s.t, s.x, -step, MPFR_RNDN);  // exact
  mpfr_set_prec(s.y, g.p + 2);               // the integer is at most 2^p
  const int t = mpfr_round(s.y, s.t);
  mpfr_mul_2si(s.y, s.y, step, MPFR_RNDN);  // exact
  return t;
}

// Is the code of the on-grid value y even? With mantissa bits that is the parity of y's multiple of its
// binade's grid spacing (the mantissa's last bit, or a subnormal's whole field). Without them the code is
// the exponent field, so its parity decides (docs/spec-notes/zero-mantissa-ties.md); zero counts as even.
bool code_is_even(Scratch& s, const FloatGrid& g, std::int64_t bias) {
  if (mpfr_zero_p(s.y)) return true;
  if (g.p == 0) return ((mpfr_get_exp(s.y) - 1 + bias) & 1) == 0;
  mpfr_set_prec(s.t, mpfr_get_prec(s.y));
  mpfr_mul_2si(s.t, s.y, -(g.quantum_at(s.y) + 1), MPFR_RNDN);  // exact
  return mpfr_integer_p(s.t) != 0;
}

// t := (x - y) / (grid spacing at y), exactly, for the grid point y just below x: the discarded
// fraction of a step, in (0, 1).
void fraction_of_step(Scratch& s, const FloatGrid& g) {
  // x - y is exact in x's precision: y is x with its low bits cleared.
  mpfr_set_prec(s.t, mpfr_get_prec(s.x));
  if (mpfr_sub(s.t, s.x, s.y, MPFR_RNDN) != 0) throw std::logic_error("round_to_grid_mpfr: inexact remainder");
  mpfr_mul_2si(s.t, s.t, -g.quantum_at(s.y), MPFR_RNDN);
}

// y := the next grid point above the on-grid value y.
void step_up(Scratch& s, const FloatGrid& g) {
  if (!mpfr_zero_p(s.y) && mpfr_get_exp(s.y) - 1 >= g.emin) {
    mpfr_nextabove(s.y);  // normal binade: the next value of precision p+1 is the next grid point
    return;
  }
  // Zero or subnormal: the step is the fixed 2^(emin - p); the sum needs at most p+1 bits.
  mpfr_set_prec(s.t, 2);
  mpfr_set_ui_2exp(s.t, 1, static_cast<mpfr_exp_t>(g.emin - g.p), MPFR_RNDN);
  if (mpfr_add(s.y, s.y, s.t, MPFR_RNDN) != 0) throw std::logic_error("round_to_grid_mpfr: inexact step");
}

GridPoint round_float_like(Scratch& s, const Format& f, const RoundingRequest& request) {
  const FloatGrid g{f.mantissa_bits, min_exponent(f)};
  int ternary = 0;
  switch (request.mode) {
    case Rounding::rne:
      if (g.p > 0) {
        ternary = round_on_grid(s, g, MPFR_RNDN);
        break;
      }
      // One significant bit: both neighbours of a tie have significand 1, and MPFR_RNDN sends ties up.
      // mxref's tie goes to the even code (the even exponent field), so settle it here.
      ternary = round_on_grid(s, g, MPFR_RNDZ);
      if (ternary != 0) {
        fraction_of_step(s, g);
        const int half = mpfr_cmp_ui_2exp(s.t, 1, -1);
        if (half > 0 || (half == 0 && !code_is_even(s, g, f.bias))) step_up(s, g);
      }
      break;
    case Rounding::rna: ternary = round_on_grid_nearest_away(s, g); break;
    case Rounding::rtz: ternary = round_on_grid(s, g, MPFR_RNDZ); break;
    case Rounding::rup: ternary = round_on_grid(s, g, request.negative ? MPFR_RNDZ : MPFR_RNDU); break;
    case Rounding::rdn: ternary = round_on_grid(s, g, request.negative ? MPFR_RNDA : MPFR_RNDZ); break;
    case Rounding::rto:
      ternary = round_on_grid(s, g, MPFR_RNDZ);
      if (ternary != 0 && code_is_even(s, g, f.bias)) step_up(s, g);
      break;
    case Rounding::stochastic:
      ternary = round_on_grid(s, g, MPFR_RNDZ);
      if (ternary != 0) {
        fraction_of_step(s, g);
        if (stochastic_carry(s, request.random)) step_up(s, g);
      }
      break;
  }
  // The grid spacing of the unrounded value's binade, and the result as a multiple of it.
  const std::int64_t q = std::max<std::int64_t>(mpfr_get_exp(s.x) - 1, g.emin) - g.p;
  mpfr_mul_2si(s.y, s.y, -q, MPFR_RNDN);  // exact
  if (!mpfr_integer_p(s.y)) throw std::logic_error("round_to_grid_mpfr: result off the grid");
  return {to_bigint(s, s.y), q, ternary != 0};
}

// ---- two's-complement formats -------------------------------------------------------------------

GridPoint round_fixed_point(Scratch& s, const Format& f, const RoundingRequest& request) {
  // t := x × 2^bias, exactly; y := an integer near it.
  mpfr_set_prec(s.t, mpfr_get_prec(s.x));
  mpfr_mul_2si(s.t, s.x, f.bias, MPFR_RNDN);
  const mpfr_exp_t e = mpfr_get_exp(s.t);  // t < 2^e, so the rounded integer is at most 2^e
  mpfr_set_prec(s.y, static_cast<mpfr_prec_t>(std::max<mpfr_exp_t>(e + 1, 2)));
  int ternary = 0;
  switch (request.mode) {
    case Rounding::rne: ternary = mpfr_rint(s.y, s.t, MPFR_RNDN); break;
    case Rounding::rna: ternary = mpfr_round(s.y, s.t); break;
    case Rounding::rtz: ternary = mpfr_trunc(s.y, s.t); break;
    case Rounding::rup: ternary = mpfr_rint(s.y, s.t, request.negative ? MPFR_RNDZ : MPFR_RNDU); break;
    case Rounding::rdn: ternary = mpfr_rint(s.y, s.t, request.negative ? MPFR_RNDA : MPFR_RNDZ); break;
    case Rounding::rto:
    case Rounding::stochastic: {
      ternary = mpfr_trunc(s.y, s.t);
      if (ternary == 0) break;
      bool up = false;
      if (request.mode == Rounding::rto) {
        mpfr_div_2ui(s.t, s.y, 1, MPFR_RNDN);  // t is done with; y / 2 is exact at t's precision or more
        up = mpfr_integer_p(s.t) != 0;
      } else {
        if (mpfr_frac(s.t, s.t, MPFR_RNDN) != 0) throw std::logic_error("round_to_grid_mpfr: inexact fraction");
        up = stochastic_carry(s, request.random);
      }
      if (up && mpfr_add_ui(s.y, s.y, 1, MPFR_RNDN) != 0) throw std::logic_error("round_to_grid_mpfr: inexact step");
      break;
    }
  }
  return {to_bigint(s, s.y), -static_cast<std::int64_t>(f.bias), ternary != 0};
}

}  // namespace

GridPoint round_to_grid_mpfr(const Format& f, const Dyadic& magnitude, const RoundingRequest& request) {
  if (magnitude.is_zero()) throw std::invalid_argument("round_to_grid_mpfr: magnitude must be positive");
  Scratch& s = scratch();
  const ExponentRange wide(wide_emin(), wide_emax());
  load_exact(s, magnitude);
  return is_fixed_point(f) ? round_fixed_point(s, f, request) : round_float_like(s, f, request);
}

}  // namespace mxref
