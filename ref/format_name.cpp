#include "ref/format_name.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <optional>

namespace mxref {

namespace {

constexpr std::array<NamedFormat, 17> builtins{{
    {"e5m2", e5m2},
    {"e4m3", e4m3},
    {"e3m2", e3m2},
    {"e2m3", e2m3},
    {"e2m1", e2m1},
    {"e3m0", e3m0},
    {"int8", int8},
    {"e8m0", e8m0},
    {"ue4m3", ue4m3},
    {"e4m3fnuz", e4m3fnuz},
    {"e5m2fnuz", e5m2fnuz},
    {"fp16", fp16},
    {"bf16", bf16},
    {"fp32", fp32},
    {"fp64", fp64},
    {"e3m4", e3m4},
    {"e4m3b11fnuz", e4m3b11fnuz},
}};

struct Alias {
  std::string_view alias;
  std::string_view name;
};
// The names ml_dtypes and torch give their types, each with that library's meaning (float8_e4m3 is the
// IEEE-like E4M3 with Inf, not OCP's; the FP6/FP4 "fn" types have no NaN).
constexpr std::array<Alias, 25> aliases{{
    {"float8_e4m3fn", "e4m3"},
    {"float8_e5m2", "e5m2"},
    {"float8_e4m3fnuz", "e4m3fnuz"},
    {"float8_e5m2fnuz", "e5m2fnuz"},
    {"float8_e4m3b11fnuz", "e4m3b11fnuz"},
    {"float8_e3m4", "e3m4"},
    {"float8_e4m3", "e4m3ieee"},
    {"float8_e8m0fnu", "e8m0"},
    {"float6_e3m2fn", "e3m2"},
    {"float6_e2m3fn", "e2m3"},
    {"float4_e2m1fn", "e2m1"},
    {"e4m3fn", "e4m3"},
    {"ue8m0", "e8m0"},
    {"e8m0fnu", "e8m0"},
    {"mxint8", "int8"},
    {"f16", "fp16"},
    {"half", "fp16"},
    {"float16", "fp16"},
    {"bfloat16", "bf16"},
    {"f32", "fp32"},
    {"float32", "fp32"},
    {"float", "fp32"},
    {"f64", "fp64"},
    {"float64", "fp64"},
    {"double", "fp64"},
}};

std::optional<Format> builtin(std::string_view name) {
  for (const NamedFormat& n : builtins)
    if (n.name == name) return n.format;
  return std::nullopt;
}

std::string_view unaliased(std::string_view name) {
  for (const Alias& a : aliases)
    if (a.alias == name) return a.name;
  return name;
}

// Reads a decimal number at the front of text, advancing it.
std::optional<int> take_number(std::string_view& text) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end == text.data()) return std::nullopt;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  return value;
}

[[noreturn]] void reject(std::string_view name, std::string_view why) {
  throw FormatNameError("unknown format '" + std::string(name) + "': " + std::string(why));
}

// Short spellings that mxref's grammar and ml_dtypes/torch read as different formats: "fn" is one NaN
// per sign in mxref's grammar (as in E4M3), but no NaN at all in float6_e3m2fn, float6_e2m3fn and
// float4_e2m1fn. Refused, naming both readings and the spelling of each.
void reject_two_readings(std::string_view name) {
  struct Clash {
    std::string_view name, plain, library;
  };
  for (const Clash& c : {Clash{"e3m2fn", "e3m2", "float6_e3m2fn"}, Clash{"e2m3fn", "e2m3", "float6_e2m3fn"},
                         Clash{"e2m1fn", "e2m1", "float4_e2m1fn"}})
    if (name == c.name)
      reject(name, "reads two ways: mxref's grammar makes it " + std::string(c.plain) +
                       " with one NaN per sign (all-ones codes), ml_dtypes and torch (" + std::string(c.library) +
                       ") make it " + std::string(c.plain) + " with every code a number; write " +
                       std::string(c.plain) + " (or " + std::string(c.library) + ") for the second, " +
                       std::string(c.plain) + "nan for the first");
}

// int<N> (two's complement) and sm<N> (sign and magnitude), N bits in all: like MX integer elements,
// one sign bit, one integer bit, the rest fraction bits (MXINT8: 6); f<F> sets F fraction bits
// instead (block floating point's [-1, 1) mantissas: sm8f7).
Format parse_fixed_point(std::string_view name, std::string_view prefix, Encoding encoding) {
  std::string_view rest = name.substr(prefix.size());
  const std::optional<int> bits = take_number(rest);
  const std::string grammar = std::string(prefix) + "<N>[f<F>]";
  if (!bits) reject(name, "expected " + grammar);
  if (*bits < 2 || *bits > 64) reject(name, grammar + " needs 2 <= N <= 64");
  int fraction = *bits - 2;
  if (rest.starts_with('f')) {
    rest.remove_prefix(1);
    const std::optional<int> f = take_number(rest);
    if (!f || *f < 0 || *f > 1100) reject(name, "f<F> needs 0 <= F <= 1100 fraction bits");
    fraction = *f;
  }
  if (!rest.empty()) reject(name, "expected " + grammar);
  return Format{true, 0, *bits - 1, fraction, encoding};
}

Format parse_exmy(std::string_view name) {
  std::string_view rest = name;
  const bool is_unsigned = rest.starts_with('u');
  if (is_unsigned) rest.remove_prefix(1);
  if (!rest.starts_with('e'))
    reject(name, "expected a built-in name, [u]e<X>m<Y>[fn|nan|fnuz|ieee|fin], int<N> or sm<N>");
  rest.remove_prefix(1);
  const std::optional<int> e = take_number(rest);
  if (!e || !rest.starts_with('m')) reject(name, "expected e<X>m<Y>");
  rest.remove_prefix(1);
  const std::optional<int> m = take_number(rest);
  if (!m) reject(name, "expected a mantissa width after 'm'");
  if (*e < 1 || *e > 15) reject(name, "exponent bits must be 1..15");
  if (*m < 0 || *m > 52) reject(name, "mantissa bits must be 0..52");
  Format f{!is_unsigned, *e, *m, (1 << (*e - 1)) - 1, Encoding::finite};
  if (width(f) > 64) reject(name, "wider than 64 bits");
  // Zero-mantissa names without a suffix are E8M0's family: unsigned powers of two.
  if (*m == 0 && rest.empty()) {
    f.is_signed = false;
    f.encoding = Encoding::exponent_only;
  } else if (rest == "fn" || rest == "nan") {  // "nan": the same, for names where "fn" reads two ways
    f.encoding = Encoding::fn;
  } else if (rest == "fnuz") {
    if (is_unsigned) reject(name, "fnuz needs a sign bit");
    f.encoding = Encoding::fnuz;
    f.bias += 1;
  } else if (rest == "ieee") {
    if (*m == 0) reject(name, "an IEEE-like format needs mantissa bits for its NaNs");
    f.encoding = Encoding::ieee;
  } else if (rest != "fin" && !rest.empty()) {
    reject(name, "unknown suffix '" + std::string(rest) + "' (fn, nan, fnuz, ieee or fin)");
  }
  if (f.encoding == Encoding::exponent_only && *e < 2) reject(name, "an exponent-only format needs 2+ bits");
  return f;
}

std::string suffix_of(const Format& f) {
  switch (f.encoding) {
    case Encoding::fn: return "fn";
    case Encoding::fnuz: return "fnuz";
    case Encoding::ieee: return "ieee";
    case Encoding::finite: return f.mantissa_bits == 0 ? "fin" : "";
    case Encoding::exponent_only:
    case Encoding::twos_complement:
    case Encoding::sign_magnitude: return "";
  }
  return "";
}

// A number written with a leading zero ("e3m00", "e04m3") would give a second spelling of a name, and
// of a built-in's name at that: e04m3 is not E4M3 (it has no NaN), but would be named "e4m3".
bool has_leading_zero(std::string_view name) {
  for (std::size_t i = 0; i + 1 < name.size(); ++i) {
    const bool starts_number = i == 0 || !std::isdigit(static_cast<unsigned char>(name[i - 1]));
    if (starts_number && name[i] == '0' && std::isdigit(static_cast<unsigned char>(name[i + 1]))) return true;
  }
  return false;
}

}  // namespace

std::span<const NamedFormat> builtin_formats() { return builtins; }

Format parse_format(std::string_view name) {
  if (name.empty()) reject(name, "empty name");
  reject_two_readings(name);
  if (name == packed_e2m1_pair)
    reject(name,
           "torch's pair of E2M1 codes in one byte, the first in the low nibble: write e2m1 (float4_e2m1fn) "
           "for one code, or use it as a block format's element (quantize --format float4_e2m1fn_x2/e8m0/32 "
           "packs lsb-first)");
  if (const std::optional<Format> f = builtin(unaliased(name))) return *f;
  if (unaliased(name) != name) return parse_format(unaliased(name));
  if (has_leading_zero(name)) reject(name, "numbers are written without leading zeros");
  if (name.starts_with("int")) return parse_fixed_point(name, "int", Encoding::twos_complement);
  if (name.starts_with("sm")) return parse_fixed_point(name, "sm", Encoding::sign_magnitude);
  return parse_exmy(name);
}

// GCC 12 at -O2/-O3 reports -Wrestrict in libstdc++'s std::string (bits/char_traits.h, inlined from
// basic_string::_M_replace through insert / operator+(const char*, string&&)) for impossible sizes
// (2^63 bytes and more): a false positive of GCC 12's restrict checker on libstdc++'s string code
// (GCC bugs 105329 and 105651, fixed in GCC 13). Suppressed for this function only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wrestrict"
#endif
std::string format_name(const Format& f) {
  for (const NamedFormat& n : builtins)
    if (n.format == f) return std::string(n.name);
  if (is_fixed_point(f)) {
    const std::string fraction = f.bias == width(f) - 2 ? "" : "f" + std::to_string(f.bias);
    return (f.encoding == Encoding::twos_complement ? "int" : "sm") + std::to_string(width(f)) + fraction;
  }
  // Exponent-only names carry no 'u': like e8m0, they are unsigned by definition.
  const std::string fields = "e" + std::to_string(f.exponent_bits) + "m" + std::to_string(f.mantissa_bits);
  const bool spell_unsigned = !f.is_signed && f.encoding != Encoding::exponent_only;
  std::string name = (spell_unsigned ? "u" : "") + fields + suffix_of(f);
  if (name == "e3m2fn" || name == "e2m3fn" || name == "e2m1fn") name = fields + "nan";  // see reject_two_readings
  // Where that spelling is a built-in's name for another format (e3m4 is IEEE-like, e3m0 the MX
  // element, ue4m3 NVFP4's scale), the implicit convention is spelled out: "fin", or the 'u'.
  if (const std::optional<Format> b = builtin(unaliased(name)); b && *b != f)
    return f.encoding == Encoding::exponent_only ? "u" + name : name + "fin";
  return name;
}

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
}  // namespace mxref
