#include "ref/stats/quantization_stats.hpp"

#include "ref/block/quantize.hpp"
#include "ref/decode.hpp"
#include "ref/properties.hpp"

#include <utility>
#include <vector>

namespace mxref {

void QuantizationCounts::merge(const QuantizationCounts& o) {
  values += o.values;
  blocks += o.blocks;
  nan_inputs += o.nan_inputs;
  inf_inputs += o.inf_inputs;
  nan_scale_blocks += o.nan_scale_blocks;
  zero_blocks += o.zero_blocks;
  saturated += o.saturated;
  flushed_to_zero += o.flushed_to_zero;
  subnormal_elements += o.subnormal_elements;
  for (const auto& [code, n] : o.scale_codes) scale_codes[code] += n;
}

void QuantizationStats::merge(const QuantizationStats& o) {
  counts.merge(o.counts);
  sums.merge(o.sums);
}

namespace {

// The element format's largest finite magnitude, found once per thread and format.
const Dyadic& max_normal(const Format& element) {
  thread_local std::vector<std::pair<Format, Dyadic>> known;
  for (const auto& [f, m] : known)
    if (f == element) return m;
  known.emplace_back(element, properties(element).max_normal);
  return known.back().second;
}

}  // namespace

void add_block(QuantizationStats& stats, const BlockFormat& format, std::span<const Value> inputs, std::uint64_t scale,
               std::span<const std::uint64_t> elements, const TensorScale& tensor) {
  QuantizationCounts& c = stats.counts;
  ++c.blocks;
  c.values += inputs.size();
  ++c.scale_codes[scale];
  const Value scale_value = decode(format.scale, scale);
  const bool nan_scale = !scale_value.is_finite();
  c.nan_scale_blocks += nan_scale ? 1 : 0;
  const Dyadic& tensor_scale = tensor.decode;
  const std::vector<Value> outputs = tensor.non_finite ? std::vector<Value>(inputs.size(), Value::nan(false))
                                                       : dequantize_block(format, scale, elements, tensor_scale);
  // The largest magnitude an element can stand for in this block: clamping happened beyond it.
  const Dyadic limit = nan_scale ? Dyadic() : max_normal(format.element) * scale_value.magnitude * tensor_scale;
  bool all_zero = true;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const Value& x = inputs[i];
    const Value& y = outputs[i];
    all_zero = all_zero && x.is_zero();
    c.nan_inputs += x.is_nan() ? 1 : 0;
    c.inf_inputs += x.is_infinity() ? 1 : 0;
    c.subnormal_elements += classify(format.element, elements[i]) == CodeClass::subnormal ? 1 : 0;
    if (!x.is_finite() || !y.is_finite()) continue;
    c.saturated += x.magnitude > limit ? 1 : 0;
    c.flushed_to_zero += !x.is_zero() && y.is_zero() ? 1 : 0;
    stats.sums.add(x, y);
  }
  c.zero_blocks += all_zero ? 1 : 0;
}

std::uint64_t storage_bits(const BlockFormat& format, std::uint64_t values, std::uint64_t blocks) {
  return values * static_cast<std::uint64_t>(width(format.element)) +
         blocks * static_cast<std::uint64_t>(width(format.scale)) + (format.tensor_scale ? 32 : 0);
}

}  // namespace mxref
