// Every code of a narrow element format (at most 8 bits) as ±q x 2^quantum, q an integer and quantum the
// format's finest bit: the one table the integer dot paths (ref/dot/small_exact_sum.cpp, fast/cpu's exact
// and fused GEMMs) read their elements from.
#pragma once

#include <array>
#include <cstdint>

#include "ref/format.hpp"

namespace mxref {

struct ElementCodes {
  Format format;
  std::int64_t quantum = 0;           // the exponent of the smallest nonzero magnitude's last bit
  std::int64_t largest = 0;           // the largest |q|
  std::array<std::int64_t, 256> q{};  // signed; 0 for zeros (which keep their sign in `negative`) and non-finite codes
  std::array<bool, 256> negative{};
  std::array<bool, 256> finite{};
};

// Throws std::invalid_argument for a format wider than 8 bits.
ElementCodes element_codes(const Format& format);

// The same, built once per thread and format (building takes up to 256 decodes).
const ElementCodes& cached_element_codes(const Format& format);

}  // namespace mxref
