// Bit pattern -> exact value, for any Format.
#pragma once

#include <cstdint>
#include <string_view>

#include "ref/format.hpp"
#include "ref/value.hpp"

namespace mxref {

enum class CodeClass : std::uint8_t { zero, subnormal, normal, infinity, nan };
std::string_view to_string(CodeClass c);

// Throws std::invalid_argument when code has bits above the format's width.
CodeClass classify(const Format& format, std::uint64_t code);

struct DecodeOptions {
  bool subnormals_as_zero = false;  // DAZ: read subnormal inputs as a zero of the same sign
};

Value decode(const Format& format, std::uint64_t code, const DecodeOptions& options = {});

}  // namespace mxref
