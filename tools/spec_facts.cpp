#include "tools/spec_facts.hpp"

#include <algorithm>

#include "ref/dyadic.hpp"
#include "ref/properties.hpp"
#include "tools/hex_lines.hpp"

namespace mxref::tools {

std::string_view encoding_name(Encoding e) {
  switch (e) {
    case Encoding::ieee: return "ieee";
    case Encoding::fn: return "fn";
    case Encoding::finite: return "finite";
    case Encoding::fnuz: return "fnuz";
    case Encoding::exponent_only: return "exponent_only";
    case Encoding::twos_complement: return "twos_complement";
    case Encoding::sign_magnitude: return "sign_magnitude";
  }
  return "?";
}

namespace {

// Inf and NaN have no digits; both columns spell them the same way.
std::string special_word(const Value& v) {
  if (v.is_nan()) return "nan";
  return v.negative ? "-inf" : "inf";
}

std::size_t decimal_digits(std::int64_t n) { return std::to_string(n < 0 ? -n : n).size(); }

}  // namespace

std::string signed_decimal(const Value& v) {
  if (!v.is_finite()) return special_word(v);
  std::string text = v.negative ? "-" : "";
  return text += to_decimal(v.magnitude);
}

std::string signed_hexfloat(const Value& v) {
  if (!v.is_finite()) return special_word(v);
  std::string text = v.negative ? "-" : "";
  return text += to_hexfloat(v.magnitude);
}

std::size_t hexfloat_width_bound(const Format& f) {
  // "-0x1." + one hex digit per 4 fraction bits + "p-" + the widest exponent.
  const FormatProperties p = properties(f);
  const std::size_t fraction_digits = static_cast<std::size_t>(hex_digits(f.mantissa_bits));
  const std::size_t exponent_digits =
      std::max(decimal_digits(p.max_normal.floor_log2()), decimal_digits(p.min_positive.floor_log2()));
  return std::max<std::size_t>(5 + fraction_digits + 2 + exponent_digits, 6);
}

std::string field_bits(const Format& f, std::uint64_t code) {
  std::string out;
  int bit = width(f) - 1;
  const auto take = [&](int count) {
    if (count == 0) return;
    if (!out.empty()) out += ' ';
    for (int i = 0; i < count; ++i, --bit) out += ((code >> bit) & 1) != 0 ? '1' : '0';
  };
  if (f.encoding == Encoding::twos_complement) {
    take(width(f));
    return out;
  }
  take(f.is_signed ? 1 : 0);
  take(f.exponent_bits);
  take(f.mantissa_bits);
  return out;
}

std::string code_text(const Format& f, std::uint64_t code) { return "0x" + to_hex(code, hex_digits(width(f))); }

std::vector<CodeRange> special_codes(const Format& f) {
  std::vector<CodeRange> out;
  const auto one = [&](CodeClass kind, std::uint64_t code) { out.push_back({kind, code, code}); };
  if (has_zero(f)) one(CodeClass::zero, 0);
  if (has_negative_zero(f)) one(CodeClass::zero, sign_bit(f));
  const std::uint64_t top_field = max_exponent_field(f) << f.mantissa_bits;
  const std::uint64_t all_mantissa = (std::uint64_t{1} << f.mantissa_bits) - 1;
  std::vector<std::uint64_t> signs{0};
  if (f.is_signed) signs.push_back(sign_bit(f));
  switch (f.encoding) {
    case Encoding::ieee:
      for (const std::uint64_t s : signs) {
        one(CodeClass::infinity, s | top_field);
        out.push_back({CodeClass::nan, s | top_field | 1, s | top_field | all_mantissa});
      }
      break;
    case Encoding::fn:
      for (const std::uint64_t s : signs) one(CodeClass::nan, s | top_field | all_mantissa);
      break;
    case Encoding::fnuz: one(CodeClass::nan, sign_bit(f)); break;
    case Encoding::exponent_only: one(CodeClass::nan, top_field); break;
    case Encoding::finite:
    case Encoding::twos_complement:
    case Encoding::sign_magnitude: break;
  }
  std::sort(out.begin(), out.end(), [](const CodeRange& a, const CodeRange& b) { return a.first < b.first; });
  return out;
}

std::string range_text(const Format& f, const CodeRange& r) {
  if (r.first == r.last) return code_text(f, r.first);
  return code_text(f, r.first) + ".." + code_text(f, r.last);
}

}  // namespace mxref::tools
