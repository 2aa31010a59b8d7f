// mxref's own fast path (fast/cpu) as an implementation under test, through the plug-in C ABI
// (include/mxref_plugin.h): `mxref conform --suite DIR --plugin fast_plugin.so`. Block suites run
// fast::quantize on the vector's block; cast suites the dispatched element cast. A suite outside what
// the fast path runs is refused (a negative return), never approximated.
#include <algorithm>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fast/cpu/block_quantize.hpp"
#include "fast/cpu/cast_array.hpp"
#include "mxref_plugin.h"
#include "vectors/suite.hpp"

namespace {

using mxref::vectors::Suite;

// What the fast path makes of a suite, parsed once per suite text (the runner passes the same text for
// every vector).
struct Plan {
  std::string text;
  bool runnable = false;
  Suite suite;
  mxref::fast::BlockSpec block;
  mxref::fast::Element element{};
};

std::optional<mxref::fast::Element> fast_element(const mxref::Format& f) {
  using mxref::fast::Element;
  if (f == mxref::e4m3) return Element::e4m3;
  if (f == mxref::e5m2) return Element::e5m2;
  if (f == mxref::e3m2) return Element::e3m2;
  if (f == mxref::e2m3) return Element::e2m3;
  if (f == mxref::e2m1) return Element::e2m1;
  return std::nullopt;
}

Plan plan_for(const char* suite_json) {
  Plan plan;
  plan.text = suite_json;
  try {
    plan.suite = mxref::vectors::parse_suite(nlohmann::json::parse(plan.text), "suite");
  } catch (const std::exception&) {
    return plan;
  }
  const Suite& s = plan.suite;
  if (s.kind == Suite::Kind::block) {
    const auto spec = mxref::fast::fast_block_spec(s.block, *s.profile);
    plan.runnable = spec && (s.from == mxref::fp32 || s.from == mxref::bf16);
    if (spec) plan.block = *spec;
    return plan;
  }
  // The fast casts are RNE from FP32 (BF16 widens exactly), saturating or natural, NaN -> 0 where the
  // target has no NaN: the spec cast profile with those options.
  const auto element = fast_element(s.to);
  const mxref::CastOptions& o = s.options;
  plan.runnable = element && (s.from == mxref::fp32 || s.from == mxref::bf16) &&
                  s.cast_profile == mxref::CastProfile::spec && o.rounding == mxref::Rounding::rne &&
                  (o.overflow == mxref::Overflow::saturate || o.overflow == mxref::Overflow::natural) &&
                  o.nan_to_finite == mxref::NanToFinite::zero;
  if (element) plan.element = *element;
  return plan;
}

std::uint32_t as_fp32(const Suite& s, std::uint64_t code) {
  return s.from == mxref::bf16 ? static_cast<std::uint32_t>(code) << 16 : static_cast<std::uint32_t>(code);
}

}  // namespace

extern "C" int mxref_plugin_abi_version(void) { return MXREF_PLUGIN_ABI_VERSION; }

extern "C" int mxref_plugin_run(const char* suite_json, const std::uint64_t* inputs, std::size_t input_count,
                                std::uint64_t* outputs, std::size_t output_capacity) {
  thread_local Plan plan;
  if (plan.text != suite_json) plan = plan_for(suite_json);
  if (!plan.runnable) return -1;
  std::vector<std::uint32_t> values(input_count);
  for (std::size_t i = 0; i < input_count; ++i) values[i] = as_fp32(plan.suite, inputs[i]);
  if (plan.suite.kind == Suite::Kind::cast) {
    if (output_capacity < input_count) return -1;
    std::vector<std::uint8_t> codes(input_count);
    mxref::fast::cast_fp32_array(plan.element, values, codes,
                                 plan.suite.options.overflow == mxref::Overflow::saturate);
    std::copy(codes.begin(), codes.end(), outputs);
    return static_cast<int>(input_count);
  }
  if (input_count == 0 || input_count > plan.block.block_size || output_capacity < input_count + 1) return -1;
  std::vector<std::uint8_t> elements(input_count), scale(1);
  mxref::fast::quantize(plan.block, mxref::fast::FloatData::fp32, values.data(), {1, input_count, 1}, elements.data(),
                        scale.data(), {.threads = 1});
  outputs[0] = scale[0];
  std::copy(elements.begin(), elements.end(), outputs + 1);
  return static_cast<int>(input_count + 1);
}
