// The integer model: shift the significand onto the grid and read the discarded bits.
#include "ref/rounding_model.hpp"

#include <algorithm>

namespace mxref {

namespace {

std::int64_t grid_exponent(const Format& f, const Dyadic& x) {
  if (is_fixed_point(f)) return -f.bias;
  return std::max(x.floor_log2(), static_cast<std::int64_t>(min_exponent(f))) - f.mantissa_bits;
}

// "Even" and "odd" are the last bit of the code of the lower candidate n * 2^q. With mantissa bits that is
// n's last bit; without them (E8M0, E3M0) the code is the exponent field, q + bias.
bool lower_code_is_odd(const Format& f, const BigInt& n, std::int64_t q) {
  if (is_float_like(f) && f.mantissa_bits == 0 && n != 0) return ((q + f.bias) & 1) != 0;
  return (n & 1) != 0;
}

// GCC 12 at -O2/-O3 reports -Warray-bounds and -Wstringop-overread (a memcpy of up to 2^29 bytes out
// of a 32-byte object) and -Wmaybe-uninitialized (limb_data::data) inside Boost.Multiprecision's
// cpp_int (cpp_int.hpp: resize() and limbs(), inlined into the shifts and additions below). cpp_int
// keeps its limbs either inline or on the heap, chosen by its m_internal flag; GCC's flow analysis does
// not tie the flag to the union member in use and warns about the member that is not. False positives
// of GCC 12 on Boost 1.74's cpp_int; suppressed for these two functions only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
#pragma GCC diagnostic ignored "-Wstringop-overread"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

// Does a magnitude strictly between n and n+1 grid steps move up to n+1?
// remainder / 2^shift is the discarded fraction of a step, 0 < remainder < 2^shift.
bool rounds_up(const RoundingRequest& r, bool odd, const BigInt& remainder, unsigned shift) {
  const BigInt half = BigInt(1) << (shift - 1);
  switch (r.mode) {
    case Rounding::rne: return remainder > half || (remainder == half && odd);
    case Rounding::rna: return remainder >= half;
    case Rounding::rtz: return false;
    case Rounding::rup: return !r.negative;
    case Rounding::rdn: return r.negative;
    case Rounding::rto: return !odd;
    case Rounding::stochastic: {
      // The top `count` bits of the discarded fraction, plus the random integer, carry out of `count` bits?
      const auto count = static_cast<unsigned>(r.random.count);
      const BigInt top = count >= shift ? remainder << (count - shift) : remainder >> (shift - count);
      return top + r.random.value >= (BigInt(1) << count);
    }
  }
  return false;
}

}  // namespace

GridPoint round_to_grid_integer(const Format& f, const Dyadic& x, const RoundingRequest& request) {
  const std::int64_t q = grid_exponent(f, x);
  const std::int64_t shift = q - x.exponent();
  if (shift <= 0) return {x.significand() << static_cast<unsigned>(-shift), q, false};
  const auto bits = static_cast<unsigned>(shift);
  BigInt n = x.significand() >> bits;
  const BigInt remainder = x.significand() & ((BigInt(1) << bits) - 1);
  if (remainder == 0) return {n, q, false};
  if (rounds_up(request, lower_code_is_odd(f, n, q), remainder, bits)) n += 1;
  return {n, q, true};
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

}  // namespace mxref
