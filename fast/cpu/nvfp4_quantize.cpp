#include "fast/cpu/nvfp4_quantize.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

#include "fast/cpu/kernel_profile.hpp"
#include "fast/cpu/parallel.hpp"
#include "ref/block/operation.hpp"
#include "ref/block/tensor.hpp"
#include "ref/decode.hpp"

namespace mxref::fast::nvfp4 {

namespace {

std::uint32_t load(FloatData from, const void* in, std::size_t i) {
  if (from == FloatData::bf16) return std::uint32_t{static_cast<const std::uint16_t*>(in)[i]} << 16;
  return static_cast<const std::uint32_t*>(in)[i];
}

void store(FloatData to, void* out, std::size_t i, std::uint32_t bits) {
  if (to == FloatData::bf16) static_cast<std::uint16_t*>(out)[i] = kernels::bf16_of(bits);
  else static_cast<std::uint32_t*>(out)[i] = bits;
}

std::uint32_t value_for(FloatData to, std::uint32_t code, std::uint8_t scale, float decode) {
  return to == FloatData::bf16 ? value_for_bf16(code, scale, decode) : value_fp32(code, scale, decode);
}

// The element scaling that each rule's arithmetic (nvfp4_scalar.hpp) applies; nothing for a rule it lacks.
std::optional<ElementScaling> kernel_scaling(ScaleRule rule) {
  switch (rule) {
    case ScaleRule::amax_over_max: return ElementScaling::exact;
    case ScaleRule::nvfp4_torchao: return ElementScaling::nvfp4_torchao;
    case ScaleRule::nvfp4_te: return ElementScaling::nvfp4_te;
    case ScaleRule::ocp:
    case ScaleRule::nvidia_rceil:
    case ScaleRule::torchao_floor:
    case ScaleRule::torchao_ceil:
    case ScaleRule::torchao_even:
    case ScaleRule::torchao_rceil:
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

void require_nvfp4_rule(ScaleRule rule) {
  if (!runs_on_nvfp4_path(rule))
    throw std::invalid_argument("the NVFP4 fast path does not run scale rule " + std::string(to_string(rule)));
}

// Block b (scale order) of the view: its value indices are first + r * columns, r < rows.
struct BlockPlace {
  std::size_t first = 0, rows = 0, columns = 1;
};

BlockPlace place_of(const AxisView& v, std::size_t b) {
  const std::size_t per_outer = (v.rows + block_size - 1) / block_size;
  const std::size_t column = b % v.columns, j = b / v.columns % per_outer, o = b / (v.columns * per_outer);
  const std::size_t r0 = j * block_size;
  return {(o * v.rows + r0) * v.columns + column, std::min(block_size, v.rows - r0), v.columns};
}

struct Job {
  BlockOperation operation = BlockOperation::quantize;
  Spec spec;
  AxisView view;
  FloatData from = FloatData::fp32, to = FloatData::fp32;
  const void* in = nullptr;                 // values, or element codes (dequantize)
  const std::uint8_t* scales_in = nullptr;  // dequantize
  void* out = nullptr;                      // element codes (quantize) or values
  std::uint8_t* scales_out = nullptr;       // quantize
};

template <ScaleRule R>
void blocks(const Job& job, std::size_t first, std::size_t last) {
  for (std::size_t b = first; b < last; ++b) {
    const BlockPlace p = place_of(job.view, b);
    const auto index = [&](std::size_t r) { return p.first + r * p.columns; };
    if (job.operation == BlockOperation::dequantize) {
      const std::uint8_t scale = job.scales_in[b];
      for (std::size_t r = 0; r < p.rows; ++r)
        store(job.to, job.out, index(r),
              value_for(job.to, static_cast<const std::uint8_t*>(job.in)[index(r)], scale, job.spec.tensor.decode));
      continue;
    }
    std::uint32_t x[block_size];
    BlockStats stats;
    for (std::size_t r = 0; r < p.rows; ++r) {
      x[r] = load(job.from, job.in, index(r));
      include(stats, x[r]);
    }
    const Nvfp4Choice choice = choose_as<R>(stats, job.spec.tensor);
    for (std::size_t r = 0; r < p.rows; ++r) {
      const std::uint32_t code = element_as<R>(x[r], choice);
      if (job.operation == BlockOperation::quantize)
        static_cast<std::uint8_t*>(job.out)[index(r)] = static_cast<std::uint8_t>(code);
      else store(job.to, job.out, index(r), value_for(job.to, code, choice.code, job.spec.tensor.decode));
    }
    if (job.operation == BlockOperation::quantize) job.scales_out[b] = choice.code;
  }
}

void run(const Job& job, const RunOptions& options) {
  require_nvfp4_rule(job.spec.rule);
  parallel_units(job.view.blocks(block_size), job.view.values(), options.threads,
                 [&](std::size_t first, std::size_t last) {
                   with_rule(job.spec.rule, [&]<ScaleRule R>() { blocks<R>(job, first, last); });
                 });
}

}  // namespace

bool is_nvfp4(const BlockFormat& format) {
  return format.element == e2m1 && format.scale == ue4m3 && format.tensor_scale &&
         format.block_size == static_cast<int>(block_size);
}

std::optional<ScaleRule> rule_for(const BlockFormat& format, const Profile& profile) {
  const std::optional<ElementScaling> scaling = kernel_scaling(profile.rule);
  if (!is_nvfp4(format) || !runs_on_nvfp4_path(profile.rule) || !scaling || !kernel_computes(profile, *scaling))
    return std::nullopt;
  return profile.rule;
}

BlockStats tensor_stats(FloatData from, const void* in, std::size_t count) {
  BlockStats s;
  for (std::size_t i = 0; i < count; ++i) include(s, load(from, in, i));
  return s;
}

Nvfp4Tensor tensor_scale(ScaleRule rule, const BlockStats& tensor) {
  require_nvfp4_rule(rule);
  // ref's nvfp4_tensor_scale reads no more of a tensor than its largest finite magnitude and whether it
  // holds an Inf or a NaN, and no more of a profile than its rule: these stand in for the whole.
  std::vector<Value> stand_ins;
  stand_ins.reserve(3);
  stand_ins.push_back(decode(fp32, tensor.amax_bits));
  if (tensor.any_infinity) stand_ins.push_back(Value::infinity(false));
  if (tensor.any_nan) stand_ins.push_back(Value::nan(false));
  Profile of_rule;
  of_rule.rule = rule;
  return tensor_of(nvfp4_tensor_scale(parse_block_format("nvfp4"), of_rule, stand_ins));
}

Nvfp4Tensor tensor_of(const TensorScale& t) {
  // torchao's Inf or NaN tensor scale: the reference's alone (its NaN-making arithmetic has no kernel).
  if (t.non_finite) throw std::invalid_argument("the fast path takes a finite tensor scale");
  return {exactly_fp32(t.decode), exactly_fp32(t.encode), t.present};
}

void quantize(const Spec& spec, FloatData from, const void* in, const AxisView& view, std::uint8_t* elements,
              std::uint8_t* scales, const RunOptions& options) {
  run({.operation = BlockOperation::quantize,
       .spec = spec,
       .view = view,
       .from = from,
       .in = in,
       .out = elements,
       .scales_out = scales},
      options);
}

void dequantize(const Spec& spec, const std::uint8_t* elements, const std::uint8_t* scales, const AxisView& view,
                FloatData to, void* out, const RunOptions& options) {
  run({.operation = BlockOperation::dequantize,
       .spec = spec,
       .view = view,
       .to = to,
       .in = elements,
       .scales_in = scales,
       .out = out},
      options);
}

void fake_quantize(const Spec& spec, FloatData from, const void* in, const AxisView& view, FloatData to, void* out,
                   const RunOptions& options) {
  run({.operation = BlockOperation::fake_quantize,
       .spec = spec,
       .view = view,
       .from = from,
       .to = to,
       .in = in,
       .out = out},
      options);
}

}  // namespace mxref::fast::nvfp4
