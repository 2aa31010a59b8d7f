// What mxref's own fast paths (fast/cpu through fast_plugin, fast/cuda through cuda_plugin) make of a
// suite handed to the plug-in C ABI: which block spec or element cast runs it, or that it cannot run.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "fast/cpu/block_quantize.hpp"
#include "fast/cpu/cast_array.hpp"
#include "vectors/suite.hpp"

namespace mxref::plugin {

using vectors::Suite;

// A suite's plan, parsed once per suite text (the runner passes the same text for every vector).
struct Plan {
  std::string text;
  bool parsed = false;  // the text is a suite definition
  bool runnable = false;
  Suite suite;
  fast::BlockSpec block;
  fast::Element element{};
};

// Runnable: block suites of a fast block spec from FP32 or BF16; cast suites that are the fast casts
// (RNE from FP32, BF16 widening exactly; saturating or natural; NaN -> 0 where the target has no NaN).
inline Plan plan_for(const char* suite_json) {
  Plan plan;
  plan.text = suite_json;
  try {
    plan.suite = vectors::parse_suite(nlohmann::json::parse(plan.text), "suite");
  } catch (const std::exception&) {
    return plan;
  }
  plan.parsed = true;
  if (plan.suite.kind == Suite::Kind::dot) return plan;  // the fast block and cast paths run no dot products
  const Suite& s = plan.suite;
  if (s.kind == Suite::Kind::block) {
    const auto spec = fast::fast_block_spec(s.block, *s.profile);
    plan.runnable = spec && (s.from == fp32 || s.from == bf16);
    if (spec) plan.block = *spec;
    return plan;
  }
  const std::optional<fast::Element> element = fast::element_of(s.to);
  const CastOptions& o = s.options;
  plan.runnable = element && fast::has_array_cast(*element) && (s.from == fp32 || s.from == bf16) &&
                  s.cast_profile == CastProfile::spec && o.rounding == Rounding::rne &&
                  (o.overflow == Overflow::saturate || o.overflow == Overflow::natural) &&
                  o.nan_to_finite == NanToFinite::zero;
  if (element) plan.element = *element;
  return plan;
}

inline std::uint32_t as_fp32(const Suite& s, std::uint64_t code) {
  return s.from == bf16 ? static_cast<std::uint32_t>(code) << 16 : static_cast<std::uint32_t>(code);
}

}  // namespace mxref::plugin
