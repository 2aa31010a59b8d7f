// MX block quantization at memory speed: quantize, dequantize and fake-quantize FP32 or BF16 tensors
// with the ocp, nvidia-rceil and torchao profiles, bit-exactly as ref/block/quantize.hpp does,
// vectorized (run-time dispatch, as cast_array.hpp) and spread over threads by blocks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "fast/cpu/block_rules.hpp"
#include "fast/cpu/element.hpp"
#include "ref/block/block_format.hpp"
#include "ref/block/profile.hpp"
#include "ref/block/scale_rule_id.hpp"

namespace mxref::fast {

enum class FloatData : std::uint8_t { fp32, bf16 };  // how input or output values are stored

struct BlockSpec {
  Element element = Element::e4m3;
  ScaleRule rule = ScaleRule::ocp;  // one that runs_on_fast_path; quantize and the rest throw otherwise
  std::size_t block_size = 32;
};

// The fast twin of a reference format and profile: an E8M0 scale over one of the six OCP MX elements,
// and a profile whose arithmetic is the kernels' (ocp, nvidia-rceil, torchao-*): a rule that
// runs_on_fast_path, the element scaling its kernel applies, RNE saturating element casts with NaN -> 0,
// none of the per-implementation element quirks. Nothing when the fast path does not run that pair.
std::optional<BlockSpec> fast_block_spec(const BlockFormat& format, const Profile& profile);

// The tensor as [outer, rows, columns], cut into blocks of block_size consecutive rows within one
// column (the last one ragged): blocks along the last axis are columns = 1; along axis k of a shape,
// rows = shape[k] and columns the product of the later axes. Scales are stored row-major over
// [outer, ceil(rows / block_size), columns], as ref/block/tensor.hpp orders them.
// The constants the scale rules read for one element format; rceil_threshold points at a table of 277
// entries that lives as long as the program (the CUDA path copies it to the device).
ElementConstants element_constants(Element element);

// A ref/ value that is an FP32 number (an element maximum, a tensor scale), as that float.
float exactly_fp32(const Dyadic& d);

struct AxisView {
  std::size_t outer = 1, rows = 1, columns = 1;
  std::size_t values() const { return outer * rows * columns; }
  std::size_t blocks(std::size_t block_size) const { return outer * ((rows + block_size - 1) / block_size) * columns; }
};

struct RunOptions {
  unsigned threads = 0;         // 0: one per 2^18 values, up to every hardware thread
  std::string_view level = {};  // a SIMD level of simd_levels(); empty: the widest this CPU has
};

// One element code per byte (low bits), one E8M0 code per block. These three throw std::invalid_argument
// for a spec whose rule does not run_on_fast_path or whose block size is out of range.
void quantize(const BlockSpec& spec, FloatData from, const void* in, const AxisView& view, std::uint8_t* elements,
              std::uint8_t* scales, const RunOptions& run = {});
// Scale x element, rounded to `to` (RNE, overflow to Inf; a NaN scale or element gives the default NaN).
void dequantize(const BlockSpec& spec, const std::uint8_t* elements, const std::uint8_t* scales, const AxisView& view,
                FloatData to, void* out, const RunOptions& run = {});
// dequantize(quantize(in)), without storing the codes.
void fake_quantize(const BlockSpec& spec, FloatData from, const void* in, const AxisView& view, FloatData to, void* out,
                   const RunOptions& run = {});

}  // namespace mxref::fast
