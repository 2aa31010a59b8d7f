// Whole tensors: N-d values cut into blocks along one axis (or into 2-D tiles), each block quantized by
// quantize_block. A ragged last block is quantized as the shorter block it is, which is what padding
// it with zeros gives (zeros change neither amax nor any other element), without storing the padding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "ref/block/block_format.hpp"
#include "ref/block/profile.hpp"
#include "ref/block/quantize.hpp"
#include "ref/value.hpp"

namespace mxref {

struct BlockLayout {
  std::vector<std::size_t> shape;  // row-major
  std::size_t axis = 0;            // the blocked axis (1-D blocks of format.block_size along it)
  // 2-D tiles instead: tile_rows x block_size tiles over the last two axes (tile_rows 0 = 1-D blocks).
  std::size_t tile_rows = 0;
};

struct QuantizedTensor {
  std::vector<std::uint64_t> elements;   // one per value, in the input's row-major order
  std::vector<std::uint64_t> scales;     // row-major over scale_shape
  std::vector<std::size_t> scale_shape;  // the shape with the blocked axis (axes) divided, rounded up
  Dyadic tensor_scale = Dyadic(1, 0);    // NVFP4's per-tensor scale; 1 otherwise
  std::uint8_t flags = 0;
};

// Throws std::invalid_argument for a shape that does not match values.size(), an axis out of range,
// or tiles on fewer than two axes.
// progress(done, total) is called after each block, for long runs on a terminal.
using Progress = std::function<void(std::size_t, std::size_t)>;
QuantizedTensor quantize_tensor(const BlockFormat& format, const Profile& profile, std::span<const Value> values,
                                const BlockLayout& layout, const Progress& progress = {});
std::vector<Value> dequantize_tensor(const BlockFormat& format, const QuantizedTensor& q, const BlockLayout& layout);

// NVFP4's per-tensor scale from the tensor's amax, as the profile's implementation derives it
// (tensor_scale_for(); docs/spec-notes/profile-nvfp4.md).
TensorScale nvfp4_tensor_scale(const BlockFormat& format, const Profile& profile, std::span<const Value> values);

}  // namespace mxref
