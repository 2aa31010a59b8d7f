#include "fast/cpu/block_quantize.hpp"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>

#include "fast/cpu/block_kernels.hpp"
#include "fast/cpu/kernel_profile.hpp"
#include "fast/cpu/parallel.hpp"
#include "fast/cpu/simd_level.hpp"
#include "ref/block/float_log2.hpp"
#include "ref/decode.hpp"
#include "ref/encode.hpp"
#include "ref/properties.hpp"

namespace mxref::fast {

namespace {

using kernels::Job;

#if defined(__x86_64__) && defined(__GNUC__)
[[gnu::target("avx512f,avx512bw,avx512vl")]] void units_avx512(const Job& job, std::size_t first, std::size_t last) {
  kernels::run_units(job, first, last);
}
[[gnu::target("avx2")]] void units_avx2(const Job& job, std::size_t first, std::size_t last) {
  kernels::run_units(job, first, last);
}
#endif
void units_baseline(const Job& job, std::size_t first, std::size_t last) { kernels::run_units(job, first, last); }

using Units = void (*)(const Job&, std::size_t, std::size_t);

Units units_at(SimdLevel level) {
  switch (level) {
#if defined(__x86_64__) && defined(__GNUC__)
    case SimdLevel::avx512: return units_avx512;
    case SimdLevel::avx2: return units_avx2;
#else
    case SimdLevel::avx512:
    case SimdLevel::avx2:
#endif
    case SimdLevel::baseline: return units_baseline;
  }
  return units_baseline;
}

// The element scaling that each rule's kernel applies through its ScaleChoice factor (block_rules.hpp);
// nothing for a rule without a kernel.
std::optional<ElementScaling> kernel_scaling(ScaleRule rule) {
  switch (rule) {
    case ScaleRule::ocp: return ElementScaling::exact;
    case ScaleRule::nvidia_rceil: return ElementScaling::multiply_reciprocal;
    case ScaleRule::torchao_floor:
    case ScaleRule::torchao_ceil:
    case ScaleRule::torchao_even: return ElementScaling::torchao_divide;
    case ScaleRule::torchao_rceil: return ElementScaling::multiply_reciprocal_zero_is_one;
    case ScaleRule::amax_over_max:
    case ScaleRule::nvfp4_torchao:
    case ScaleRule::nvfp4_te:
    case ScaleRule::rceil:
    case ScaleRule::microxcaling:
    case ScaleRule::pychop_mx:
    case ScaleRule::pychop_bfp:
    case ScaleRule::inc:
    case ScaleRule::torchao_0_19_floor:
    case ScaleRule::torchao_0_19_ceil:
    case ScaleRule::torchao_0_19_even:
    case ScaleRule::torchao_0_19_rceil:
    case ScaleRule::torchao_rceil_cuda:
    case ScaleRule::nvfp4_torchao_cuda:
    case ScaleRule::inc_rceil:
    case ScaleRule::inc_rceil_v2:
    case ScaleRule::inc_rceil_cuda:
    case ScaleRule::inc_rceil_v2_cuda: return std::nullopt;
  }
  return std::nullopt;
}

// ceil(fl32(log2 d)) steps from k to k + 1 within binade k at the first FP32 pattern that the
// reference's correctly rounded log2 sends there (it is monotone in d, so a binary search finds it).
std::array<std::uint32_t, 277> rceil_thresholds() {
  std::array<std::uint32_t, 277> t{};
  for (int k = -149; k <= 127; ++k) {
    const std::uint32_t low = std::bit_cast<std::uint32_t>(power_of_two(k));
    std::uint32_t lo = low + 1, hi = k == 127 ? 0x7F800000u : std::bit_cast<std::uint32_t>(power_of_two(k + 1));
    while (lo < hi) {
      const std::uint32_t mid = lo + (hi - lo) / 2;
      if (ceil_of_rounded_log2(decode(fp32, mid).magnitude) > k) hi = mid;
      else lo = mid + 1;
    }
    t[static_cast<std::size_t>(k + 149)] = lo;
  }
  return t;
}

void run(const Job& job, const RunOptions& options) {
  const Units units = units_at(pick_level(options.level));
  parallel_units(kernels::work_units(job), job.view.values(), options.threads,
                 [&](std::size_t first, std::size_t last) { units(job, first, last); });
}

Job job_for(BlockOperation operation, const BlockSpec& spec, const AxisView& view) {
  if (spec.block_size == 0 || spec.block_size > kernels::max_block)
    throw std::invalid_argument("the fast path takes blocks of 1 to " + std::to_string(kernels::max_block) + " values");
  if (!runs_on_fast_path(spec.rule))
    throw std::invalid_argument("the fast path does not run scale rule " + std::string(to_string(spec.rule)));
  Job job;
  job.operation = operation;
  job.spec = spec;
  job.constants = element_constants(spec.element);
  job.view = view;
  return job;
}

}  // namespace

float exactly_fp32(const Dyadic& d) {
  return std::bit_cast<float>(static_cast<std::uint32_t>(encode(fp32, Value::finite(false, d)).code));
}

ElementConstants element_constants(Element e) {
  // Derived once per element (a job asks on every call; the Python module's small calls would feel it).
  static const std::array<ElementConstants, element_formats.size()> table = [] {
    static const std::array<std::uint32_t, 277> thresholds = rceil_thresholds();
    std::array<ElementConstants, element_formats.size()> t{};
    for (const auto& [element, format] : element_formats) {
      const FormatProperties p = properties(format);
      ElementConstants& c = t[static_cast<std::size_t>(element)];
      c.emax = static_cast<int>(p.max_exponent);
      c.mantissa_bits = format.mantissa_bits;
      c.max_normal = exactly_fp32(p.max_normal);
      c.reciprocal_of_max = 1.0f / c.max_normal;  // IEEE division: fl32(1 / max), as the profiles compute it
      c.rceil_threshold = thresholds.data();
    }
    return t;
  }();
  return table[static_cast<std::size_t>(e)];
}

std::optional<BlockSpec> fast_block_spec(const BlockFormat& format, const Profile& profile) {
  if (format.scale != e8m0 || format.tensor_scale || format.block_size <= 0 ||
      static_cast<std::size_t>(format.block_size) > kernels::max_block)
    return std::nullopt;
  const std::optional<Element> element = element_of(format.element);
  const std::optional<ElementScaling> scaling = kernel_scaling(profile.rule);
  if (!element || !runs_on_fast_path(profile.rule) || !scaling || !kernel_computes(profile, *scaling))
    return std::nullopt;
  return BlockSpec{*element, profile.rule, static_cast<std::size_t>(format.block_size)};
}

void quantize(const BlockSpec& spec, FloatData from, const void* in, const AxisView& view, std::uint8_t* elements,
              std::uint8_t* scales, const RunOptions& options) {
  Job job = job_for(BlockOperation::quantize, spec, view);
  job.from = from;
  job.in = static_cast<const std::uint8_t*>(in);
  job.out = elements;
  job.scales_out = scales;
  run(job, options);
}

void dequantize(const BlockSpec& spec, const std::uint8_t* elements, const std::uint8_t* scales, const AxisView& view,
                FloatData to, void* out, const RunOptions& options) {
  Job job = job_for(BlockOperation::dequantize, spec, view);
  job.to = to;
  job.in = elements;
  job.scales_in = scales;
  job.out = static_cast<std::uint8_t*>(out);
  run(job, options);
}

void fake_quantize(const BlockSpec& spec, FloatData from, const void* in, const AxisView& view, FloatData to, void* out,
                   const RunOptions& options) {
  Job job = job_for(BlockOperation::fake_quantize, spec, view);
  job.from = from;
  job.to = to;
  job.in = static_cast<const std::uint8_t*>(in);
  job.out = static_cast<std::uint8_t*>(out);
  run(job, options);
}

}  // namespace mxref::fast
