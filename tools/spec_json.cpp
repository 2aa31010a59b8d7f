#include <nlohmann/json.hpp>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "ref/decode.hpp"
#include "ref/dyadic.hpp"
#include "ref/format_name.hpp"
#include "ref/properties.hpp"
#include "tools/spec_facts.hpp"
#include "tools/spec_writers.hpp"

namespace mxref::tools {

namespace {

using json = nlohmann::ordered_json;

// The nearest double of an exact hex-float (strtod rounds correctly), or null where there is none: a NaN,
// an infinity, or a value beyond the double range. JSON has no Inf or NaN.
json double_of(const std::string& hex) {
  const double d = std::strtod(hex.c_str(), nullptr);
  return std::isfinite(d) && hex.find_first_of("in") == std::string::npos ? json(d) : json(nullptr);
}

// A value: exact as a hex-float string, as the nearest double, and (asked for) exact in decimal.
json value_forms(const std::string& hex, const std::string& decimal, bool decimals) {
  json v = {{"hex", hex}, {"double", double_of(hex)}};
  if (decimals) v["decimal"] = decimal;
  return v;
}

json both_forms(const Dyadic& d, bool decimals) { return value_forms(to_hexfloat(d), to_decimal(d), decimals); }

json optional_forms(const std::optional<Dyadic>& d, bool decimals) {
  return d ? both_forms(*d, decimals) : json(nullptr);
}

// Each zero, Inf or NaN range as [first, last] (codes as numbers; first == last for a single code).
json codes_of(const Format& f, CodeClass kind) {
  json list = json::array();
  for (const CodeRange& r : special_codes(f))
    if (r.kind == kind) list.push_back({r.first, r.last});
  return list;
}

// A count of 2^64 (64-bit formats) does not fit a uint64_t; as a double it is still exact.
json count(const BigInt& n) {
  if (n <= BigInt(std::numeric_limits<std::uint64_t>::max())) return static_cast<std::uint64_t>(n);
  return static_cast<double>(n);
}

json counts_of(const CodeCounts& c) {
  return {{"total", count(c.total)},     {"zeros", count(c.zeros)},           {"subnormals", count(c.subnormals)},
          {"normals", count(c.normals)}, {"infinities", count(c.infinities)}, {"nans", count(c.nans)},
          {"finite", count(c.finite())}};
}

json properties_of(const Format& f, bool decimals) {
  const FormatProperties p = properties(f);
  return {
      {"name", format_name(f)},
      {"bits", width(f)},
      {"sign_bits", f.is_signed ? 1 : 0},
      {"exponent_bits", f.exponent_bits},
      {"mantissa_bits", f.mantissa_bits},
      {"bias", f.bias},
      {"encoding", encoding_name(f.encoding)},
      {"has_inf", has_inf(f)},
      {"has_nan", has_nan(f)},
      {"has_negative_zero", has_negative_zero(f)},
      {"has_subnormals", has_subnormals(f)},
      {"max_normal", both_forms(p.max_normal, decimals)},
      {"min_normal", both_forms(p.min_normal, decimals)},
      {"max_subnormal", optional_forms(p.max_subnormal, decimals)},
      {"min_subnormal", optional_forms(p.min_subnormal, decimals)},
      {"min_positive", both_forms(p.min_positive, decimals)},
      {"epsilon", both_forms(p.epsilon, decimals)},
      {"emax", p.max_exponent},
      {"emin", p.min_exponent},
      {"special_values",
       {{"zero", codes_of(f, CodeClass::zero)},
        {"inf", codes_of(f, CodeClass::infinity)},
        {"nan", codes_of(f, CodeClass::nan)}}},
      {"counts", counts_of(p.counts)},
  };
}

json row_of(const Format& f, std::uint64_t code, bool decimals) {
  const Value v = decode(f, code);
  json row = {{"code", code}, {"fields", field_bits(f, code)}, {"class", to_string(classify(f, code))}};
  row.update(value_forms(signed_hexfloat(v), decimals ? signed_decimal(v) : std::string(), decimals));
  return row;
}

// dump(2) of a nested object, shifted right so it sits inside an enclosing document.
std::string indented(const json& j, int indent) {
  std::string text = j.dump(2);
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  std::string out;
  for (char c : text) {
    out += c;
    if (c == '\n') out += pad;
  }
  return out;
}

}  // namespace

void write_spec_json(OutputBuffer& out, const Format& f, bool with_table, int indent, bool decimals) {
  json head = properties_of(f, decimals);
  head["table_included"] = with_table;
  std::string text = indented(head, indent);
  if (!with_table) {
    out.append(text);
    return;
  }
  // The table is streamed after the other members: the object's closing brace is reopened.
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  text.erase(text.rfind('\n'));
  out.append(text + ",\n" + pad + "  \"table\": [");
  const std::uint64_t last = code_mask(f);
  for (std::uint64_t code = 0;; ++code) {
    out.text() += (code == 0 ? "\n" : ",\n") + pad + "    " + row_of(f, code, decimals).dump();
    out.maybe_flush();
    if (code == last) break;
  }
  out.append("\n" + pad + "  ]\n" + pad + "}");
}

}  // namespace mxref::tools
