// Properties every rounding must have, over random formats and random exact values.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <vector>

#include "exact_values.hpp"
#include "ref/decode.hpp"
#include "ref/encode.hpp"
#include "ref/format_name.hpp"
#include "ref/properties.hpp"

namespace mxref {
namespace {

using testing::at_most;
using testing::order;

const std::vector<Format>& formats() {
  static const std::vector<Format> all = [] {
    std::vector<Format> v;
    for (const NamedFormat& n : builtin_formats()) v.push_back(n.format);
    for (const char* name : {"e6m0", "e10m0", "e8m1", "e5m3fn", "e4m4fnuz", "e6m9ieee", "ue5m3", "e2m0fin", "int4",
                             "e1m1", "e7m20", "sm5", "sm12"})
      v.push_back(parse_format(name));
    return v;
  }();
  return all;
}

rc::Gen<Format> any_format() { return rc::gen::elementOf(formats()); }

// Values spread over and beyond the format's range, with up to 64 significant bits.
rc::Gen<Value> any_value_for(const Format& f) {
  const std::int64_t top = properties(f).max_exponent + 3;
  const std::int64_t bottom = properties(f).min_positive.floor_log2() - 3;
  return rc::gen::map(rc::gen::tuple(rc::gen::arbitrary<bool>(), rc::gen::arbitrary<std::uint64_t>(),
                                     rc::gen::inRange<std::int64_t>(bottom - 64, top - 0)),
                      [](const std::tuple<bool, std::uint64_t, std::int64_t>& t) {
                        return Value::finite(std::get<0>(t), Dyadic(BigInt(std::get<1>(t)), std::get<2>(t)));
                      });
}

CastOptions options(Rounding r, Overflow o = Overflow::saturate) { return {.rounding = r, .overflow = o}; }

Value rounded(const Format& f, const Value& x, const CastOptions& o) { return decode(f, encode(f, x, o).code); }

RC_GTEST_PROP(Rounding, EveryNonNanCodeRoundTrips, ()) {
  const Format f = *any_format();
  const std::uint64_t code = *rc::gen::arbitrary<std::uint64_t>() & code_mask(f);
  RC_PRE(classify(f, code) != CodeClass::nan);
  // MXINT8's -2.0 (0x80) decodes but saturates to -127/64 (docs/spec-notes/mxint8-range.md).
  RC_PRE(!(f.encoding == Encoding::twos_complement && code == sign_bit(f)));
  const Rounding r = *rc::gen::elementOf(
      std::vector<Rounding>{Rounding::rne, Rounding::rna, Rounding::rtz, Rounding::rup, Rounding::rdn, Rounding::rto});
  const CastResult result = encode(f, decode(f, code), options(r, Overflow::natural));
  RC_ASSERT(result.code == code);
  RC_ASSERT(result.flags == 0);
}

RC_GTEST_PROP(Rounding, IsMonotonic, ()) {
  const Format f = *any_format();
  const Value a = *any_value_for(f);
  const Value b = *any_value_for(f);
  const Rounding r = *rc::gen::elementOf(
      std::vector<Rounding>{Rounding::rne, Rounding::rna, Rounding::rtz, Rounding::rup, Rounding::rdn, Rounding::rto});
  RC_PRE(f.is_signed || (!a.negative && !b.negative));
  const auto [lo, hi] = order(a, b) <= 0 ? std::pair{a, b} : std::pair{b, a};
  RC_ASSERT(at_most(rounded(f, lo, options(r)), rounded(f, hi, options(r))));
}

RC_GTEST_PROP(Rounding, DirectedModesBracketTheValue, ()) {
  const Format f = *any_format();
  const Value x = *any_value_for(f);
  RC_PRE(f.is_signed || !x.negative);
  const Value up = rounded(f, x, options(Rounding::rup, Overflow::natural));
  const Value down = rounded(f, x, options(Rounding::rdn, Overflow::natural));
  const Value max = Value::finite(false, properties(f).max_normal);
  const Value min_positive = Value::finite(false, properties(f).min_positive);
  // Only saturation (no Inf to go to) or a format without zero can break the bracket, and only beyond its range.
  if (order(x, max) <= 0 && (x.negative || has_zero(f) || order(x, min_positive) >= 0)) RC_ASSERT(at_most(x, up));
  const Value negative_max = Value::finite(true, properties(f).max_normal);
  if (order(x, negative_max) >= 0 && (has_zero(f) || order(x, min_positive) >= 0)) RC_ASSERT(at_most(down, x));
  RC_ASSERT(at_most(down, up));
}

RC_GTEST_PROP(Rounding, NearestModesPickANeighbour, ()) {
  const Format f = *any_format();
  const Value x = *any_value_for(f);
  RC_PRE(f.is_signed || !x.negative);
  for (Rounding r : {Rounding::rne, Rounding::rna, Rounding::rto, Rounding::rtz}) {
    const Value v = rounded(f, x, options(r));
    const Value up = rounded(f, x, options(Rounding::rup));
    const Value down = rounded(f, x, options(Rounding::rdn));
    RC_ASSERT(at_most(down, v));
    RC_ASSERT(at_most(v, up));
  }
}

RC_GTEST_PROP(Rounding, IsSignSymmetric, ()) {
  const Format f = *any_format();
  RC_PRE(f.is_signed);
  Value x = *any_value_for(f);
  x.negative = false;
  Value minus_x = x;
  minus_x.negative = true;
  for (Rounding r : {Rounding::rne, Rounding::rna, Rounding::rtz, Rounding::rto}) {
    const Value plus = rounded(f, x, options(r));
    const Value minus = rounded(f, minus_x, options(r));
    RC_ASSERT(plus.magnitude == minus.magnitude);
  }
  RC_ASSERT(rounded(f, minus_x, options(Rounding::rup)).magnitude == rounded(f, x, options(Rounding::rdn)).magnitude);
}

RC_GTEST_PROP(Rounding, SaturationStaysInRange, ()) {
  const Format f = *any_format();
  const Value x = *any_value_for(f);
  RC_PRE(f.is_signed || !x.negative);
  const Rounding r = *rc::gen::elementOf(std::vector<Rounding>(std::begin(all_roundings), std::end(all_roundings) - 1));
  const Value v = rounded(f, x, options(r, Overflow::saturate));
  RC_ASSERT(v.is_finite());
  RC_ASSERT(v.magnitude <= properties(f).max_normal);
}

RC_GTEST_PROP(Rounding, StochasticLandsOnANeighbour, ()) {
  const Format f = *any_format();
  const Value x = *any_value_for(f);
  RC_PRE(f.is_signed || !x.negative);
  const int count = *rc::gen::inRange(1, 65);
  std::uint64_t random = *rc::gen::arbitrary<std::uint64_t>();
  if (count < 64) random &= (std::uint64_t{1} << count) - 1;
  const CastOptions o{.rounding = Rounding::stochastic, .overflow = Overflow::saturate, .random = {random, count}};
  const Value v = rounded(f, x, o);
  const Value toward_zero = rounded(f, x, options(Rounding::rtz));
  const Value away = rounded(f, x, options(x.negative ? Rounding::rdn : Rounding::rup));
  RC_ASSERT(v == toward_zero || v == away);
  // Zero random bits never round an inexact value away; all-ones always do when a fraction bit is kept.
  if (random == 0) RC_ASSERT(v == toward_zero);
}

}  // namespace
}  // namespace mxref
