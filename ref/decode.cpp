#include "ref/decode.hpp"

#include <sstream>
#include <stdexcept>
#include <string>

namespace mxref {

std::string_view to_string(CodeClass c) {
  switch (c) {
    case CodeClass::zero: return "zero";
    case CodeClass::subnormal: return "subnormal";
    case CodeClass::normal: return "normal";
    case CodeClass::infinity: return "inf";
    case CodeClass::nan: return "nan";
  }
  return "?";
}

namespace {

struct Fields {
  bool negative;
  std::uint64_t exponent;
  std::uint64_t mantissa;
};

Fields split(const Format& f, std::uint64_t code) {
  const std::uint64_t mantissa_mask = (std::uint64_t{1} << f.mantissa_bits) - 1;
  return {(code & sign_bit(f)) != 0, (code >> f.mantissa_bits) & max_exponent_field(f), code & mantissa_mask};
}

void require_in_range(const Format& f, std::uint64_t code) {
  if ((code & ~code_mask(f)) != 0)
    throw std::invalid_argument("code 0x" + (std::stringstream() << std::hex << code).str() + " has bits above the " +
                                std::to_string(width(f)) + "-bit format");
}

}  // namespace

CodeClass classify(const Format& f, std::uint64_t code) {
  require_in_range(f, code);
  if (f.encoding == Encoding::twos_complement) return code == 0 ? CodeClass::zero : CodeClass::normal;
  if (f.encoding == Encoding::sign_magnitude) return (code & ~sign_bit(f)) == 0 ? CodeClass::zero : CodeClass::normal;
  const Fields x = split(f, code);
  const bool top_field = x.exponent == max_exponent_field(f);
  const std::uint64_t all_mantissa = (std::uint64_t{1} << f.mantissa_bits) - 1;
  switch (f.encoding) {
    case Encoding::ieee:
      if (top_field) return x.mantissa == 0 ? CodeClass::infinity : CodeClass::nan;
      break;
    case Encoding::fn:
      if (top_field && x.mantissa == all_mantissa) return CodeClass::nan;
      break;
    case Encoding::fnuz:
      if (code == sign_bit(f)) return CodeClass::nan;
      break;
    case Encoding::exponent_only: return top_field ? CodeClass::nan : CodeClass::normal;
    case Encoding::finite:
    case Encoding::twos_complement:
    case Encoding::sign_magnitude: break;
  }
  if (x.exponent == 0) return x.mantissa == 0 ? CodeClass::zero : CodeClass::subnormal;
  return CodeClass::normal;
}

Value decode(const Format& f, std::uint64_t code, const DecodeOptions& options) {
  const CodeClass c = classify(f, code);
  if (f.encoding == Encoding::twos_complement) {
    const bool negative = (code & sign_bit(f)) != 0;
    const std::uint64_t magnitude = negative ? ((~code + 1) & code_mask(f)) : code;
    return Value::finite(negative && magnitude != 0, Dyadic(magnitude, -f.bias));
  }
  if (f.encoding == Encoding::sign_magnitude)
    return Value::finite((code & sign_bit(f)) != 0, Dyadic(code & ~sign_bit(f), -f.bias));
  const Fields x = split(f, code);
  switch (c) {
    case CodeClass::infinity: return Value::infinity(x.negative);
    case CodeClass::nan:
      // Only IEEE-like formats carry a payload; the others have a single NaN meaning.
      if (f.encoding == Encoding::ieee) return Value::nan(x.negative, x.mantissa << (64 - f.mantissa_bits));
      return Value::nan(f.encoding == Encoding::fn && x.negative);
    case CodeClass::zero: return Value::finite(x.negative, Dyadic());
    case CodeClass::subnormal:
      if (options.subnormals_as_zero) return Value::finite(x.negative, Dyadic());
      return Value::finite(x.negative, Dyadic(x.mantissa, min_exponent(f) - f.mantissa_bits));
    case CodeClass::normal: {
      const std::int64_t exponent = static_cast<std::int64_t>(x.exponent) - f.bias - f.mantissa_bits;
      const std::uint64_t significand = (std::uint64_t{1} << f.mantissa_bits) | x.mantissa;
      return Value::finite(x.negative, Dyadic(significand, exponent));
    }
  }
  return Value::nan(false);
}

}  // namespace mxref
