// A number format is a value: a handful of integers and one special-value convention.
// Everything else (max normal, NaN codes, the table of encodings) is derived from it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace mxref {

// How the bit patterns beyond ordinary finite numbers are spent.
enum class Encoding : std::uint8_t {
  ieee,             // all-ones exponent: Inf (mantissa 0) or NaN (mantissa != 0); E5M2, FP16, BF16, FP32
  fn,               // finite + one NaN pattern per sign (all ones): OCP E4M3, UE4M3
  finite,           // every pattern is a number: E3M2, E2M3, E2M1
  fnuz,             // 1000...0 is the only NaN; no negative zero, no Inf: ml_dtypes/AMD *fnuz
  exponent_only,    // unsigned powers of two, all ones NaN, no zero, no subnormals: E8M0
  twos_complement,  // fixed point: two's-complement integer times 2^-bias: MXINT8
  sign_magnitude,   // fixed point: sign bit and magnitude integer times 2^-bias, ±0: block floating point
};

struct Format {
  bool is_signed = true;
  int exponent_bits = 0;  // 0 for twos_complement
  int mantissa_bits = 0;  // explicit fraction bits; for twos_complement, the non-sign bits
  int bias = 0;           // exponent bias; for twos_complement, the binary point position
  Encoding encoding = Encoding::finite;

  friend constexpr bool operator==(const Format&, const Format&) = default;
};

constexpr int width(const Format& f) { return (f.is_signed ? 1 : 0) + f.exponent_bits + f.mantissa_bits; }
constexpr std::uint64_t code_mask(const Format& f) {
  return width(f) >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << width(f)) - 1;
}
// The bytes a code of `bits` bits takes in memory and in files (.npy arrays, binary vector streams).
constexpr std::size_t storage_bytes(int bits) { return bits <= 8 ? 1 : bits <= 16 ? 2 : bits <= 32 ? 4 : 8; }
constexpr std::uint64_t sign_bit(const Format& f) { return f.is_signed ? std::uint64_t{1} << (width(f) - 1) : 0; }
constexpr std::uint64_t max_exponent_field(const Format& f) { return (std::uint64_t{1} << f.exponent_bits) - 1; }
constexpr bool is_fixed_point(const Format& f) {
  return f.encoding == Encoding::twos_complement || f.encoding == Encoding::sign_magnitude;
}
constexpr bool is_float_like(const Format& f) { return !is_fixed_point(f); }
constexpr bool has_inf(const Format& f) { return f.encoding == Encoding::ieee; }
constexpr bool has_nan(const Format& f) {
  return f.encoding == Encoding::ieee || f.encoding == Encoding::fn || f.encoding == Encoding::fnuz ||
         f.encoding == Encoding::exponent_only;
}
constexpr bool has_zero(const Format& f) { return f.encoding != Encoding::exponent_only; }
constexpr bool has_negative_zero(const Format& f) {
  return f.is_signed && f.encoding != Encoding::fnuz && f.encoding != Encoding::twos_complement;
}
constexpr bool has_subnormals(const Format& f) {
  return is_float_like(f) && f.encoding != Encoding::exponent_only && f.mantissa_bits > 0;
}
// Exponent of the smallest normal binade (field 1), or of the smallest value for E8M0-like formats (field 0).
constexpr int min_exponent(const Format& f) { return f.encoding == Encoding::exponent_only ? -f.bias : 1 - f.bias; }

// The largest positive finite code, before the sign bit.
constexpr std::uint64_t max_finite_code(const Format& f) {
  const std::uint64_t all = f.is_signed ? code_mask(f) >> 1 : code_mask(f);  // no 1 << 64 for ue*m* of 64 bits
  switch (f.encoding) {
    case Encoding::ieee: return all - (std::uint64_t{1} << f.mantissa_bits);
    case Encoding::fn:
    case Encoding::exponent_only: return all - 1;
    case Encoding::finite:
    case Encoding::fnuz:
    case Encoding::twos_complement:
    case Encoding::sign_magnitude: return all;
  }
  return all;
}

// Fixed formats.
inline constexpr Format fp64{true, 11, 52, 1023, Encoding::ieee};
inline constexpr Format fp32{true, 8, 23, 127, Encoding::ieee};
inline constexpr Format fp16{true, 5, 10, 15, Encoding::ieee};
inline constexpr Format bf16{true, 8, 7, 127, Encoding::ieee};
inline constexpr Format e5m2{true, 5, 2, 15, Encoding::ieee};
inline constexpr Format e4m3{true, 4, 3, 7, Encoding::fn};
inline constexpr Format e3m2{true, 3, 2, 3, Encoding::finite};
inline constexpr Format e2m3{true, 2, 3, 1, Encoding::finite};
inline constexpr Format e2m1{true, 2, 1, 1, Encoding::finite};
inline constexpr Format e3m0{true, 3, 0, 3, Encoding::finite};  // see docs/spec-notes/e3m0.md
inline constexpr Format e3m4{true, 3, 4, 3, Encoding::ieee};    // ml_dtypes float8_e3m4
inline constexpr Format e4m3fnuz{true, 4, 3, 8, Encoding::fnuz};
inline constexpr Format e5m2fnuz{true, 5, 2, 16, Encoding::fnuz};
inline constexpr Format e4m3b11fnuz{true, 4, 3, 11, Encoding::fnuz};  // ml_dtypes float8_e4m3b11fnuz
inline constexpr Format e8m0{false, 8, 0, 127, Encoding::exponent_only};
inline constexpr Format ue4m3{false, 4, 3, 7, Encoding::fn};
inline constexpr Format int8{true, 0, 7, 6, Encoding::twos_complement};

static_assert(width(e4m3) == 8 && width(e2m1) == 4 && width(int8) == 8 && width(e8m0) == 8);
static_assert(max_finite_code(e4m3) == 0x7E && max_finite_code(e5m2) == 0x7B);
static_assert(max_finite_code(fp32) == 0x7F7FFFFF && max_finite_code(e8m0) == 0xFE);
static_assert(max_finite_code(e2m1) == 0x7 && max_finite_code(int8) == 0x7F);
static_assert(max_finite_code(Format{false, 11, 53, 1023, Encoding::ieee}) == 0xFFDFFFFFFFFFFFFF);

}  // namespace mxref
