#include "tools/cli_choices.hpp"

#include <charconv>

#include "ref/decode.hpp"
#include "ref/format_name.hpp"
#include "tools/hex_lines.hpp"
#include "tools/usage_error.hpp"

namespace mxref::tools {

Format format_argument(const std::string& name) {
  try {
    return parse_format(name);
  } catch (const FormatNameError& e) {
    throw UsageError(e.what());  // already "unknown format 'x': why"
  }
}

Rounding rounding_argument(const std::string& name) {
  if (const auto r = parse_rounding(name)) return *r;
  throw UsageError("unknown rounding '" + name + "' (rne, rna, rtz, rup, rdn, rto or stochastic)");
}

Overflow overflow_argument(const std::string& name) {
  if (const auto o = parse_overflow(name)) return *o;
  throw UsageError("unknown overflow policy '" + name + "' (natural, saturate, inf or nan)");
}

NanToFinite nan_argument(const std::string& name) {
  if (const auto n = parse_nan_to_finite(name)) return *n;
  throw UsageError("unknown NaN policy '" + name + "' (error, zero or max)");
}

Model model_argument(const std::string& name) {
  if (name == "integer") return Model::integer;
  if (name == "mpfr") return Model::mpfr;
  throw UsageError("unknown model '" + name + "' (integer or mpfr)");
}

Dyadic positive_fp32_argument(const std::string& option, const std::string& hex) {
  const std::optional<std::uint64_t> bits = parse_hex(hex);
  if (!bits || *bits > 0xFFFFFFFF) throw UsageError(option + " takes an FP32 bit pattern in hex");
  const Value v = decode(fp32, *bits);
  if (!v.is_finite() || v.is_zero() || v.negative) throw UsageError(option + " must be a positive finite FP32");
  return v.magnitude;
}

std::uint64_t uint64_argument(const std::string& option, const std::string& text) {
  if (text.starts_with("0x") || text.starts_with("0X")) {
    const HexToken t = parse_hex_token(text);
    if (t.ok()) return t.value;
  } else {
    std::uint64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error == std::errc() && end == text.data() + text.size() && !text.empty()) return value;
  }
  throw UsageError(option + " '" + text + "' is not an unsigned 64-bit integer (decimal or 0x hex)");
}

}  // namespace mxref::tools
