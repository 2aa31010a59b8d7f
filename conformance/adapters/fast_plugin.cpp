// mxref's own fast path (fast/cpu) as an implementation under test, through the plug-in C ABI
// (include/mxref_plugin.h): `mxref conform --suite DIR --plugin fast_plugin.so`. Block suites run
// fast::quantize on the vector's block; cast suites the dispatched element cast. A suite outside what
// the fast path runs is refused (a negative return), never approximated.
#include <algorithm>
#include <cstdint>
#include <vector>

#include "conformance/adapters/plugin_plan.hpp"
#include "fast/cpu/block_quantize.hpp"
#include "fast/cpu/cast_array.hpp"
#include "mxref_plugin.h"

using mxref::plugin::Plan;
using mxref::plugin::Suite;

extern "C" int mxref_plugin_abi_version(void) { return MXREF_PLUGIN_ABI_VERSION; }

extern "C" int mxref_plugin_run(const char* suite_json, const std::uint64_t* inputs, std::size_t input_count,
                                std::uint64_t* outputs, std::size_t output_capacity) {
  thread_local Plan plan;
  if (plan.text != suite_json) plan = mxref::plugin::plan_for(suite_json);
  if (!plan.runnable) return -1;
  std::vector<std::uint32_t> values(input_count);
  for (std::size_t i = 0; i < input_count; ++i) values[i] = mxref::plugin::as_fp32(plan.suite, inputs[i]);
  if (plan.suite.kind == Suite::Kind::cast) {
    if (output_capacity < input_count) return -1;
    std::vector<std::uint8_t> codes(input_count);
    mxref::fast::cast_fp32_array(plan.element, values, codes, plan.suite.options.overflow == mxref::Overflow::saturate);
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
