#include "fast/cpu/code_tables.hpp"

#include <algorithm>

#include "ref/decode.hpp"

namespace mxref::fast {

namespace {

// ±magnitude as a code; false when its odd significand needs more than 31 bits.
bool code_of(const Dyadic& magnitude, bool negative, std::int64_t emin, FusedCode& out) {
  out = FusedCode{0, 0, fused::zero_exponent, true};
  if (magnitude.is_zero()) return true;
  const BigInt& s = magnitude.significand();  // odd: Dyadic normalises
  if (s >= (BigInt(1) << 31)) return false;
  const auto significand = s.convert_to<std::int32_t>();
  out.s = negative ? -significand : significand;
  out.x = static_cast<std::int32_t>(magnitude.exponent());
  out.label = static_cast<std::int32_t>(std::max(magnitude.floor_log2(), emin));
  return true;
}

}  // namespace

CodeTable code_table(const Format& format, const std::optional<Format>& label_format) {
  CodeTable t;
  const std::int64_t emin = min_exponent(label_format ? *label_format : format);
  for (std::uint64_t code = 0; code < (std::uint64_t{1} << width(format)); ++code) {
    const Value v = decode(format, code);
    if (!v.is_finite()) continue;
    FusedCode& c = t.codes[code];
    if (!code_of(v.magnitude, v.negative, emin, c)) {
      c = FusedCode{};
      t.complete = false;
      continue;
    }
    t.largest_s = std::max(t.largest_s, c.s < 0 ? -c.s : c.s);
  }
  return t;
}

FusedCode tensor_code(const Dyadic& tensor_scale) {
  FusedCode c;
  if (!code_of(tensor_scale, false, fused::fp32_min_exponent, c)) c = FusedCode{};
  return c;
}

}  // namespace mxref::fast
