#include <string>

#include "ref/decode.hpp"
#include "ref/dyadic.hpp"
#include "ref/format_name.hpp"
#include "ref/properties.hpp"
#include "tools/spec_facts.hpp"
#include "tools/spec_writers.hpp"

namespace mxref::tools {

namespace {

constexpr std::size_t label_width = 19;

void pad_to(std::string& s, std::size_t width) {
  if (s.size() < width) s.append(width - s.size(), ' ');
}

void property(OutputBuffer& out, std::string_view label, const std::string& value) {
  std::string line(label);
  line += ':';
  pad_to(line, label_width);
  out.append(line + value + '\n');
}

std::string yes_no(bool b) { return b ? "yes" : "no"; }

std::string both_forms(const Dyadic& d) { return to_decimal(d) + "  (" + to_hexfloat(d) + ")"; }

std::string optional_forms(const std::optional<Dyadic>& d) { return d ? both_forms(*d) : "none"; }

std::string codes_of(const Format& f, CodeClass kind) {
  std::string text;
  for (const CodeRange& r : special_codes(f)) {
    if (r.kind != kind) continue;
    if (!text.empty()) text += ' ';
    text += range_text(f, r);
  }
  return text.empty() ? "none" : text;
}

std::string counts_text(const CodeCounts& c) {
  return "total " + c.total.str() + ", zeros " + c.zeros.str() + ", subnormals " + c.subnormals.str() + ", normals " +
         c.normals.str() + ", infinities " + c.infinities.str() + ", nans " + c.nans.str() + ", finite " +
         c.finite().str();
}

void write_table(OutputBuffer& out, const Format& f) {
  const std::size_t code_width = 2 + static_cast<std::size_t>((width(f) + 3) / 4);
  const std::size_t fields_width = field_bits(f, 0).size();
  const std::size_t class_width = 9;  // "subnormal"
  const std::size_t hex_width = hexfloat_width_bound(f);
  const auto columns = [&](std::string code, std::string fields, std::string_view kind, std::string hex,
                           const std::string& decimal) {
    std::string& line = out.text();
    pad_to(code, code_width);
    pad_to(fields, fields_width);
    std::string k(kind);
    pad_to(k, class_width);
    pad_to(hex, hex_width);
    line += code + "  " + fields + "  " + k + "  " + hex + "  " + decimal + '\n';
    out.maybe_flush();
  };
  columns("code", "fields", "class", "hexfloat", "decimal");
  const std::uint64_t last = code_mask(f);
  for (std::uint64_t code = 0;; ++code) {
    const Value v = decode(f, code);
    columns(code_text(f, code), field_bits(f, code), to_string(classify(f, code)), signed_hexfloat(v),
            signed_decimal(v));
    if (code == last) break;
  }
}

}  // namespace

void write_spec_text(OutputBuffer& out, const Format& f, bool with_table) {
  const FormatProperties p = properties(f);
  property(out, "format", format_name(f));
  property(out, "bits", std::to_string(width(f)));
  property(out, "sign bits", std::to_string(f.is_signed ? 1 : 0));
  property(out, "exponent bits", std::to_string(f.exponent_bits));
  property(out, "mantissa bits", std::to_string(f.mantissa_bits));
  property(out, "bias", std::to_string(f.bias) + (is_fixed_point(f) ? " (value = integer x 2^-bias)" : ""));
  property(out, "encoding", std::string(encoding_name(f.encoding)));
  property(out, "has inf", yes_no(has_inf(f)));
  property(out, "has nan", yes_no(has_nan(f)));
  property(out, "has negative zero", yes_no(has_negative_zero(f)));
  property(out, "has subnormals", yes_no(has_subnormals(f)));
  property(out, "max normal", both_forms(p.max_normal));
  property(out, "min normal", both_forms(p.min_normal));
  property(out, "max subnormal", optional_forms(p.max_subnormal));
  property(out, "min subnormal", optional_forms(p.min_subnormal));
  property(out, "min positive", both_forms(p.min_positive));
  property(out, "epsilon", both_forms(p.epsilon));
  property(out, "emax", std::to_string(p.max_exponent));
  property(out, "emin", std::to_string(p.min_exponent));
  property(out, "zero codes", codes_of(f, CodeClass::zero));
  property(out, "inf codes", codes_of(f, CodeClass::infinity));
  property(out, "nan codes", codes_of(f, CodeClass::nan));
  property(out, "counts", counts_text(p.counts));
  if (!with_table) {
    property(out, "table",
             width(f) <= max_table_bits ? "omitted (wider than 16 bits; --table prints it)"
                                        : "omitted (wider than 24 bits)");
    return;
  }
  out.append("\n");
  write_table(out, f);
}

}  // namespace mxref::tools
