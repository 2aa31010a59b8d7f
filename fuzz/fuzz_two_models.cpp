// Differential: the integer model and the MPFR model (ref/round_integer.cpp, ref/round_mpfr.cpp) must
// give the same code and flags for every format, value and option the input picks. The value is an
// exact dyadic (up to 64 significand bits, any exponent in ±300), Inf or NaN; the format a built-in or
// a custom eXmY with up to 10 exponent and 23 mantissa bits.
#include <span>
#include <stdexcept>
#include <string>

#include "fuzz/fuzz_check.hpp"
#include "ref/encode.hpp"
#include "ref/format_name.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mxref;
  fuzz::ByteStream in(data, size);
  const std::span<const NamedFormat> builtins = builtin_formats();
  const std::uint8_t which = in.byte();
  Format format;
  try {
    format = which < builtins.size()
                 ? builtins[which].format
                 : parse_format("e" + std::to_string(1 + in.byte() % 10) + "m" + std::to_string(in.byte() % 24));
  } catch (const std::invalid_argument&) {
    return 0;
  }
  CastOptions options;
  options.rounding = static_cast<Rounding>(in.byte() % 7);
  options.overflow = static_cast<Overflow>(in.byte() % 4);
  options.nan_to_finite = static_cast<NanToFinite>(1 + in.byte() % 2);
  options.flush_subnormal_results = in.byte() & 1;
  if (options.rounding == Rounding::stochastic) options.random = {in.u64(), 1 + in.byte() % 64};
  const std::uint8_t kind = in.byte();
  const bool negative = kind & 0x80;
  Value value;
  if ((kind & 0x7F) == 0) value = Value::infinity(negative);
  else if ((kind & 0x7F) == 1) value = Value::nan(negative, in.u64() | std::uint64_t{1} << 63);
  else value = Value::finite(negative, Dyadic(BigInt(in.u64()), static_cast<int>(in.u32() % 601) - 300));
  try {
    validate(format, options);
  } catch (const std::invalid_argument&) {
    return 0;
  }
  CastResult by_integers, by_mpfr;
  bool integer_refused = false, mpfr_refused = false;
  try {
    by_integers = encode(format, value, options, Model::integer);
  } catch (const CastError&) {
    integer_refused = true;
  }
  try {
    by_mpfr = encode(format, value, options, Model::mpfr);
  } catch (const CastError&) {
    mpfr_refused = true;
  }
  fuzz::require(integer_refused == mpfr_refused, "one model refused the cast, the other did not");
  fuzz::require(by_integers.code == by_mpfr.code && by_integers.flags == by_mpfr.flags,
                "models disagree on " + format_name(format) + ": integer " + std::to_string(by_integers.code) + "/" +
                    std::to_string(by_integers.flags) + ", mpfr " + std::to_string(by_mpfr.code) + "/" +
                    std::to_string(by_mpfr.flags));
  return 0;
}
