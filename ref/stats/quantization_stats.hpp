// What quantizing a tensor did, block by block, exactly: the error sums of every finite input against its
// dequantized value, and counts a format choice is judged by (saturated and flushed elements, subnormal
// element codes, NaN/Inf inputs, NaN scales, all-zero blocks, the scale codes used). Computed from the codes
// the quantizer gave, so the same for any path that gives them (docs/spec-notes/error-stats.md).
#pragma once

#include <cstdint>
#include <map>
#include <span>

#include "ref/block/block_format.hpp"
#include "ref/block/scale_rule.hpp"
#include "ref/stats/error_sums.hpp"
#include "ref/value.hpp"

namespace mxref {

struct QuantizationCounts {
  std::uint64_t values = 0;  // inputs, every one
  std::uint64_t blocks = 0;
  std::uint64_t nan_inputs = 0, inf_inputs = 0;
  std::uint64_t nan_scale_blocks = 0;    // blocks whose scale is NaN: their values are left out of the errors
  std::uint64_t zero_blocks = 0;         // blocks whose inputs are all zero
  std::uint64_t saturated = 0;           // finite inputs beyond the largest element times the block's scale
  std::uint64_t flushed_to_zero = 0;     // nonzero finite inputs whose dequantized value is zero
  std::uint64_t subnormal_elements = 0;  // element codes of the subnormal class
  std::map<std::uint64_t, std::uint64_t> scale_codes;  // scale code -> blocks

  void merge(const QuantizationCounts& other);
};

struct QuantizationStats {
  QuantizationCounts counts;
  ErrorSums sums;
  void merge(const QuantizationStats& other);
};

// One block: its inputs, and the scale and element codes its quantization gave (NVFP4: with the tensor scale;
// a tensor scale that is not finite makes every value NaN, as in dequantization).
void add_block(QuantizationStats& stats, const BlockFormat& format, std::span<const Value> inputs, std::uint64_t scale,
               std::span<const std::uint64_t> elements, const TensorScale& tensor);

// Storage of a tensor of `values` in `blocks` blocks: element and scale bits, and NVFP4's FP32 tensor scale.
std::uint64_t storage_bits(const BlockFormat& format, std::uint64_t values, std::uint64_t blocks);

}  // namespace mxref
