#include "ref/encode.hpp"

#include <optional>

namespace mxref {

namespace {

bool rounds_toward_zero(Rounding mode, bool negative) {
  return mode == Rounding::rtz || mode == Rounding::rto || (mode == Rounding::rdn && !negative) ||
         (mode == Rounding::rup && negative);
}

std::uint64_t with_sign(const Format& f, std::uint64_t magnitude_code, bool negative) {
  if (!negative) return magnitude_code;
  if (f.encoding == Encoding::twos_complement) return (~magnitude_code + 1) & code_mask(f);
  if (magnitude_code == 0 && !has_negative_zero(f)) return 0;
  return magnitude_code | sign_bit(f);
}

// The positive code of a grid point, or nothing when it lies beyond the largest finite value.
std::optional<std::uint64_t> code_of(const Format& f, const GridPoint& g) {
  const std::uint64_t max_code = max_finite_code(f);
  if (is_fixed_point(f)) {
    if (g.multiple > max_code) return std::nullopt;
    return static_cast<std::uint64_t>(g.multiple);
  }
  const std::int64_t top = msb(g.multiple);
  const std::int64_t exponent = g.quantum_exponent + top;
  const int p = f.mantissa_bits;
  if (exponent < min_exponent(f)) return static_cast<std::uint64_t>(g.multiple);  // subnormal: field 0
  const std::int64_t field = exponent + f.bias;
  if (field > static_cast<std::int64_t>(max_exponent_field(f))) return std::nullopt;
  // The significand with its leading one at bit p (a carried-out multiple is a power of two).
  const BigInt significand =
      top <= p ? g.multiple << static_cast<unsigned>(p - top) : g.multiple >> static_cast<unsigned>(top - p);
  const auto fraction = static_cast<std::uint64_t>(significand - (BigInt(1) << p));
  const std::uint64_t code = (static_cast<std::uint64_t>(field) << p) | fraction;
  if (code > max_code) return std::nullopt;
  return code;
}

// Smallest positive normal code: what a subnormal result is compared against.
std::uint64_t min_normal_code(const Format& f) {
  if (is_fixed_point(f) || f.encoding == Encoding::exponent_only) return 0;
  return std::uint64_t{1} << f.mantissa_bits;
}

CastResult not_a_number(const Format& f, const Value& v, const CastOptions& o) {
  if (has_nan(f))
    return {nan_code(f, v.negative && v.is_nan(), v.is_nan() ? v.nan_payload : std::uint64_t{1} << 63),
            static_cast<std::uint8_t>(v.is_nan() ? 0 : Flag::invalid)};
  switch (o.nan_to_finite) {
    case NanToFinite::zero: return {0, Flag::invalid};
    case NanToFinite::max: return {max_finite_code(f), Flag::invalid};
    case NanToFinite::error: break;
  }
  throw CastError(v.is_nan() ? "NaN has no encoding in this format (choose a NaN policy: --nan zero or --nan max)"
                             : "a negative value has no encoding in an unsigned format");
}

CastResult overflowed(const Format& f, bool negative, Rounding mode, const CastOptions& o, std::uint8_t flags) {
  flags |= Flag::overflow | Flag::inexact;
  const Overflow rule = effective_overflow(f, o.overflow);
  if (rule == Overflow::saturate || rounds_toward_zero(mode, negative))
    return {with_sign(f, max_finite_code(f), negative), flags};
  if (rule == Overflow::inf) return {with_sign(f, max_exponent_field(f) << f.mantissa_bits, negative), flags};
  return {nan_code(f, negative), flags};
}

}  // namespace

Overflow effective_overflow(const Format& f, Overflow requested) {
  if (requested != Overflow::natural) return requested;
  return has_inf(f) ? Overflow::inf : Overflow::saturate;
}

void validate(const Format& f, const CastOptions& o) {
  if (o.overflow == Overflow::inf && !has_inf(f))
    throw std::invalid_argument("overflow policy 'inf' needs a format with Inf");
  if (o.overflow == Overflow::nan && !has_nan(f))
    throw std::invalid_argument("overflow policy 'nan' needs a format with NaN");
  if (o.rounding == Rounding::stochastic && (o.random.count < 1 || o.random.count > 64))
    throw std::invalid_argument("stochastic rounding needs 1..64 random bits (--random-bits N)");
  if (o.rounding == Rounding::stochastic && o.random.count < 64 && (o.random.value >> o.random.count) != 0)
    throw std::invalid_argument("stochastic random value has more bits than its count");
}

std::uint64_t nan_code(const Format& f, bool negative, std::uint64_t payload) {
  switch (f.encoding) {
    case Encoding::ieee: {
      const int p = f.mantissa_bits;
      const std::uint64_t quiet = std::uint64_t{1} << (p - 1);
      const std::uint64_t kept = payload >> (64 - p);
      return with_sign(f, (max_exponent_field(f) << p) | kept | quiet, negative);
    }
    case Encoding::fn: return with_sign(f, code_mask(f) & ~sign_bit(f), negative);
    case Encoding::fnuz: return sign_bit(f);
    case Encoding::exponent_only: return max_exponent_field(f);
    case Encoding::finite:
    case Encoding::twos_complement:
    case Encoding::sign_magnitude: break;
  }
  throw std::logic_error("nan_code: format has no NaN");
}

CastResult encode(const Format& f, const Value& v, const CastOptions& o, Model model) {
  validate(f, o);
  const bool negative_number = v.negative && !v.is_nan() && !v.is_zero();
  if (v.is_nan() || (negative_number && !f.is_signed)) return not_a_number(f, v, o);
  if (v.is_infinity()) {
    if (has_inf(f)) return {with_sign(f, max_exponent_field(f) << f.mantissa_bits, v.negative), 0};
    return overflowed(f, v.negative, Rounding::rne, o, 0);
  }
  if (v.is_zero()) {
    if (!has_zero(f)) return {0, Flag::underflow | Flag::inexact};  // no zero: the smallest value stands in
    return {with_sign(f, 0, v.negative), 0};
  }
  const RoundingRequest request{o.rounding, v.negative, o.random};
  const GridPoint g = model == Model::integer ? round_to_grid_integer(f, v.magnitude, request)
                                              : round_to_grid_mpfr(f, v.magnitude, request);
  std::uint8_t flags = g.inexact ? Flag::inexact : 0;
  if (g.multiple == 0) {
    flags |= Flag::underflow;
    if (!has_zero(f)) return {0, flags};
    return {with_sign(f, 0, v.negative), flags};
  }
  const std::optional<std::uint64_t> code = code_of(f, g);
  if (!code) return overflowed(f, v.negative, o.rounding, o, flags);
  if (*code < min_normal_code(f)) {
    if (o.flush_subnormal_results)
      return {with_sign(f, 0, v.negative), static_cast<std::uint8_t>(flags | Flag::underflow | Flag::inexact)};
    if (g.inexact) flags |= Flag::underflow;
  }
  return {with_sign(f, *code, v.negative), flags};
}

}  // namespace mxref
