// Everything that decides how an exact value becomes a code, other than the target format itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace mxref {

enum class Rounding : std::uint8_t {
  rne,         // nearest, ties to even
  rna,         // nearest, ties away from zero
  rtz,         // toward zero
  rup,         // toward +Inf
  rdn,         // toward -Inf
  rto,         // toward zero, then set the last bit if inexact (round to odd)
  stochastic,  // see docs/spec-notes/stochastic-rounding.md
};

enum class Overflow : std::uint8_t {
  natural,   // IEEE-like formats: inf; every other format: saturate
  saturate,  // ±max finite, whatever the rounding mode
  inf,       // IEEE 754 rules: ±Inf, or ±max finite when the mode rounds toward zero for that sign
  nan,       // as inf, with NaN in place of Inf
};

// What a NaN input becomes in a format that has no NaN.
enum class NanToFinite : std::uint8_t {
  error,  // refuse: throws CastError
  zero,   // +0
  max,    // +max finite (CUDA's cuda_fp6.h / cuda_fp4.h behaviour)
};

struct StochasticBits {
  std::uint64_t value = 0;  // uniformly random in [0, 2^count)
  int count = 0;            // 1..64
  friend bool operator==(const StochasticBits&, const StochasticBits&) = default;
};

struct CastOptions {
  Rounding rounding = Rounding::rne;
  Overflow overflow = Overflow::natural;
  NanToFinite nan_to_finite = NanToFinite::error;
  bool flush_subnormal_results = false;   // FTZ: a result that rounds to a subnormal becomes ±0
  bool subnormal_inputs_as_zero = false;  // DAZ: cast() reads a subnormal input as ±0
  StochasticBits random{};                // only read when rounding == stochastic
  friend bool operator==(const CastOptions&, const CastOptions&) = default;
};

enum Flag : std::uint8_t { inexact = 1, overflow = 2, underflow = 4, invalid = 8 };

struct CastResult {
  std::uint64_t code = 0;
  std::uint8_t flags = 0;
  friend bool operator==(const CastResult&, const CastResult&) = default;
};

std::string_view to_string(Rounding r);
std::string_view to_string(Overflow o);
std::string_view to_string(NanToFinite n);
std::optional<Rounding> parse_rounding(std::string_view name);
std::optional<Overflow> parse_overflow(std::string_view name);
std::optional<NanToFinite> parse_nan_to_finite(std::string_view name);

inline constexpr Rounding all_roundings[] = {Rounding::rne, Rounding::rna, Rounding::rtz,       Rounding::rup,
                                             Rounding::rdn, Rounding::rto, Rounding::stochastic};
inline constexpr Overflow all_overflows[] = {Overflow::natural, Overflow::saturate, Overflow::inf, Overflow::nan};

}  // namespace mxref
