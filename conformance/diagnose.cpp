#include "conformance/diagnose.hpp"

#include <algorithm>

#include "ref/block/float_log2.hpp"
#include "ref/decode.hpp"
#include "ref/encode.hpp"

namespace mxref::conformance {

namespace {

// The element code of input x under a power-of-two scale 2^e, as the profile's element cast would give it
// with `rounding` (only for profiles that scale exactly: the others compute in FP32 first).
std::optional<std::uint64_t> element_under(const vectors::Suite& s, const Value& x, std::int64_t e, Rounding rounding) {
  if (s.profile->scaling != ElementScaling::exact || s.profile->microxcaling_elements || !x.is_finite())
    return std::nullopt;
  CastOptions o = s.profile->element;
  o.rounding = rounding;
  try {
    return encode(s.block.element, Value::finite(x.negative, x.magnitude.scaled(-e)), o).code;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<std::int64_t> scale_exponent(const Format& scale, std::uint64_t code) {
  const Value v = decode(scale, code);
  if (!v.is_finite() || v.is_zero() || v.magnitude != Dyadic::power_of_two(v.magnitude.floor_log2()))
    return std::nullopt;
  return v.magnitude.floor_log2();
}

// Whether the block's amax (of its finite values) lies where floor(fl32(log2 amax)) is one more than
// floor(log2 amax): just below a power of two, where a correctly rounded FP32 log2 rounds up to it.
bool amax_log2_rounds_up(const std::vector<Value>& values) {
  Dyadic amax;
  for (const Value& v : values)
    if (v.is_finite() && v.magnitude > amax) amax = v.magnitude;
  return !amax.is_zero() && floor_of_rounded_log2(amax, 24) == amax.floor_log2() + 1;
}

std::string plural(int n, const char* word) { return std::to_string(n) + " " + word + (n == 1 || n == -1 ? "" : "s"); }

}  // namespace

std::optional<BlockDiagnosis> diagnose_block(const vectors::Suite& s, const std::vector<std::uint64_t>& inputs,
                                             const std::vector<std::uint64_t>& expected,
                                             const std::vector<std::uint64_t>& got) {
  if (s.kind != vectors::Suite::Kind::block || expected.empty()) return std::nullopt;
  BlockDiagnosis d;
  if (got.size() != expected.size()) {
    d.diagnosis = std::to_string(got.size()) + " codes where " + std::to_string(expected.size()) +
                  " were expected (a scale and the block's elements)";
    return d;
  }
  d.scale_differs = got[0] != expected[0];
  const auto e_expected = scale_exponent(s.block.scale, expected[0]), e_got = scale_exponent(s.block.scale, got[0]);
  if (d.scale_differs && e_expected && e_got) d.binades = static_cast<int>(*e_got - *e_expected);
  std::vector<Value> values;
  for (const std::uint64_t c : inputs) values.push_back(decode(s.from, c));
  for (std::size_t i = 1; i < expected.size(); ++i)
    if (got[i] != expected[i])
      d.elements.push_back({i - 1, i - 1 < inputs.size() ? inputs[i - 1] : 0, expected[i], got[i]});

  if (classify(s.block.scale, expected[0]) == CodeClass::nan && d.scale_differs) {
    d.diagnosis = "the block holds NaN or Inf and takes the NaN scale; a finite scale was given (NaN/Inf handling)";
    return d;
  }
  if (d.binades && e_got) {
    // Every element as the profile casts it under the scale that was given.
    bool consistent = true;
    for (std::size_t i = 0; i < values.size() && consistent; ++i) {
      const auto e = element_under(s, values[i], *e_got, s.profile->element.rounding);
      consistent = e && *e == got[i + 1];
    }
    if (!consistent) return d;
    d.diagnosis = "scale " + std::string(*d.binades > 0 ? "+" : "") + plural(*d.binades, "binade") +
                  ", every element consistent with it: ";
    if (*d.binades == 1 && amax_log2_rounds_up(values)) {
      d.diagnosis +=
          "amax lies just below a power of two, where an FP32 log2 rounds up to it: floor(log2(amax)) "
          "taken of a float log2 (as microxcaling does), not of the exact value";
    } else {
      d.diagnosis +=
          "another scale rule" + std::string(*d.binades == 1 ? " (one that rounds log2 up: ceil, RCEIL)" : "");
    }
    return d;
  }
  if (d.scale_differs || d.elements.empty() || !e_expected) return d;
  // The scale is right; do the differing elements share one cause?
  const auto all = [&](auto&& test) { return std::all_of(d.elements.begin(), d.elements.end(), test); };
  if (all([&](const ElementDifference& x) {
        const auto away = element_under(s, values[x.index], *e_expected, Rounding::rna);
        const auto down = element_under(s, values[x.index], *e_expected, Rounding::rtz);
        return away && down && *away == x.got && *away != *down;  // a tie: RNA and RNE differ only there
      }))
    d.diagnosis = "ties rounded away from zero, not to even";
  else if (all([&](const ElementDifference& x) {
             const auto down = element_under(s, values[x.index], *e_expected, Rounding::rtz);
             return down && *down == x.got;
           }))
    d.diagnosis = "elements truncated (rounded toward zero), not rounded to nearest even";
  else if (all([&](const ElementDifference& x) {
             const std::size_t partner = x.index ^ 1;
             return partner + 1 < expected.size() && got[partner + 1] == expected[x.index + 1] &&
                    x.got == expected[partner + 1];
           }))
    d.diagnosis = "adjacent elements swapped in pairs: a packing order (which nibble or code comes first)";
  return d;
}

}  // namespace mxref::conformance
