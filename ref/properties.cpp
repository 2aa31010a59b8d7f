#include "ref/properties.hpp"

#include "ref/decode.hpp"

namespace mxref {

namespace {

Dyadic magnitude_of(const Format& f, std::uint64_t code) { return decode(f, code).magnitude; }

CodeCounts count_codes(const Format& f) {
  CodeCounts c;
  c.total = BigInt(1) << width(f);
  const BigInt signs = f.is_signed ? 2 : 1;
  const BigInt mantissas = BigInt(1) << f.mantissa_bits;
  const BigInt fields = BigInt(1) << f.exponent_bits;
  switch (f.encoding) {
    case Encoding::twos_complement:
      c.zeros = 1;
      c.normals = c.total - 1;
      return c;
    case Encoding::sign_magnitude:
      c.zeros = 2;
      c.normals = c.total - 2;
      return c;
    case Encoding::exponent_only:
      c.normals = fields - 1;
      c.nans = 1;
      return c;
    case Encoding::ieee:
      c.infinities = signs;
      c.nans = signs * (mantissas - 1);
      c.normals = signs * (fields - 2) * mantissas;
      break;
    case Encoding::fn:
      c.nans = signs;
      c.normals = signs * ((fields - 1) * mantissas - 1);
      break;
    case Encoding::finite:
    case Encoding::fnuz: c.normals = signs * (fields - 1) * mantissas; break;
  }
  c.subnormals = signs * (mantissas - 1);
  c.zeros = signs;
  if (f.encoding == Encoding::fnuz) {  // the negative zero pattern is the NaN
    c.zeros = 1;
    c.nans = 1;
  }
  return c;
}

}  // namespace

FormatProperties properties(const Format& f) {
  FormatProperties p;
  p.max_normal = magnitude_of(f, max_finite_code(f));
  const bool integer = is_fixed_point(f);
  const std::uint64_t min_normal_code =
      integer ? 1 : (f.encoding == Encoding::exponent_only ? 0 : std::uint64_t{1} << f.mantissa_bits);
  p.min_normal = magnitude_of(f, min_normal_code);
  if (has_subnormals(f)) {
    p.max_subnormal = magnitude_of(f, min_normal_code - 1);
    p.min_subnormal = magnitude_of(f, 1);
  }
  p.min_positive = p.min_subnormal.value_or(p.min_normal);
  p.epsilon = Dyadic::power_of_two(integer ? -f.bias : -f.mantissa_bits);
  p.max_exponent = p.max_normal.floor_log2();
  p.min_exponent = p.min_normal.floor_log2();
  p.counts = count_codes(f);
  return p;
}

}  // namespace mxref
