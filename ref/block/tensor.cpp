#include "ref/block/tensor.hpp"

#include <algorithm>
#include <functional>
#include <numeric>
#include <stdexcept>

#include "ref/block/host_float.hpp"
#include "ref/properties.hpp"

namespace mxref {

namespace {

std::size_t product(std::span<const std::size_t> dims) {
  return std::accumulate(dims.begin(), dims.end(), std::size_t{1}, std::multiplies<>());
}

std::size_t ceil_div(std::size_t a, std::size_t b) { return (a + b - 1) / b; }

// The flat indices of each block, in the order the scales are stored (row-major over scale_shape).
struct Blocks {
  std::vector<std::size_t> scale_shape;
  std::vector<std::vector<std::size_t>> members;
};

Blocks blocks_of(const BlockFormat& format, const BlockLayout& layout, std::size_t count) {
  const std::vector<std::size_t>& shape = layout.shape;
  if (shape.empty() || product(shape) != count)
    throw std::invalid_argument("the shape does not hold " + std::to_string(count) + " values");
  const std::size_t block = static_cast<std::size_t>(format.block_size);
  Blocks b;
  b.scale_shape = shape;
  if (layout.tile_rows == 0) {
    if (layout.axis >= shape.size()) throw std::invalid_argument("the block axis is out of range");
    b.scale_shape[layout.axis] = ceil_div(shape[layout.axis], block);
  } else {
    if (shape.size() < 2) throw std::invalid_argument("2-D tiles need at least two axes");
    b.scale_shape[shape.size() - 2] = ceil_div(shape[shape.size() - 2], layout.tile_rows);
    b.scale_shape[shape.size() - 1] = ceil_div(shape.back(), block);
  }
  const std::size_t n = product(b.scale_shape);
  b.members.resize(n);
  // Walk every value once and hand it to its block: its index with the blocked axes divided.
  std::vector<std::size_t> index(shape.size(), 0);
  for (std::size_t flat = 0; flat < count; ++flat) {
    std::size_t s = 0;
    for (std::size_t d = 0; d < shape.size(); ++d) {
      std::size_t i = index[d];
      if (layout.tile_rows == 0 && d == layout.axis) i /= block;
      if (layout.tile_rows != 0 && d == shape.size() - 2) i /= layout.tile_rows;
      if (layout.tile_rows != 0 && d == shape.size() - 1) i /= block;
      s = s * b.scale_shape[d] + i;
    }
    b.members[s].push_back(flat);
    for (std::size_t d = shape.size(); d-- > 0;) {
      if (++index[d] < shape[d]) break;
      index[d] = 0;
    }
  }
  return b;
}

}  // namespace

TensorScale nvfp4_tensor_scale(const BlockFormat& format, const Profile& profile, std::span<const Value> values) {
  const BlockSummary s = summarize(profile.rule, values, values.size());
  // NaN is left out of the tensor amax (TransformerEngine's fmaxf does so; the blocks that hold it get
  // their own NaN treatment) except by torchao, whose torch.amax propagates it; an Inf reaches the
  // implementations that define what it does.
  if (s.any_nan && is_torchao_nvfp4(profile.rule)) return tensor_scale_for(profile.rule, format, Value::nan(false));
  const bool infinite = s.any_infinity && profile.rule != ScaleRule::amax_over_max;
  return tensor_scale_for(profile.rule, format, infinite ? Value::infinity(false) : Value::finite(false, s.amax));
}

QuantizedTensor quantize_tensor(const BlockFormat& format, const Profile& profile, std::span<const Value> values,
                                const BlockLayout& layout, const Progress& progress) {
  const Blocks b = blocks_of(format, layout, values.size());
  QuantizedTensor q;
  q.scale_shape = b.scale_shape;
  q.elements.resize(values.size());
  TensorScale tensor;
  if (format.tensor_scale) tensor = nvfp4_tensor_scale(format, profile, values);
  if (tensor.non_finite)
    throw std::invalid_argument("the tensor scale is " + std::string(tensor.non_finite->is_nan() ? "NaN" : "infinite") +
                                ": its blocks quantize, but a quantized tensor cannot hold it");
  q.tensor_scale = tensor.decode;
  BlockFormat per_block = format;
  per_block.block_size = static_cast<int>(std::max<std::size_t>(1, layout.tile_rows) * format.block_size);
  std::vector<Value> block;
  for (const std::vector<std::size_t>& members : b.members) {
    block.clear();
    for (const std::size_t i : members) block.push_back(values[i]);
    const QuantizedBlock qb = quantize_block(per_block, profile, block, tensor);
    q.scales.push_back(qb.scale);
    q.flags |= qb.flags;
    for (std::size_t k = 0; k < members.size(); ++k) q.elements[members[k]] = qb.elements[k];
    if (progress) progress(q.scales.size(), b.members.size());
  }
  return q;
}

std::vector<Value> dequantize_tensor(const BlockFormat& format, const QuantizedTensor& q, const BlockLayout& layout) {
  const Blocks b = blocks_of(format, layout, q.elements.size());
  if (q.scales.size() != b.members.size()) throw std::invalid_argument("the scale count does not match the blocks");
  std::vector<Value> out(q.elements.size());
  std::vector<std::uint64_t> codes;
  for (std::size_t s = 0; s < b.members.size(); ++s) {
    codes.clear();
    for (const std::size_t i : b.members[s]) codes.push_back(q.elements[i]);
    const std::vector<Value> v = dequantize_block(format, q.scales[s], codes, q.tensor_scale);
    for (std::size_t k = 0; k < codes.size(); ++k) out[b.members[s][k]] = v[k];
  }
  return out;
}

}  // namespace mxref
