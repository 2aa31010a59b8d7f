// MX block quantization on an NVIDIA GPU (sm_90): quantize, dequantize and fake-quantize FP32 or BF16
// tensors in device memory with the ocp, nvidia-rceil and torchao profiles, bit-exactly as the CPU
// fast path (fast/cpu/block_quantize.hpp) and so ref/ do: the kernels run the same constexpr value
// arithmetic (fast/cpu/block_scalar.hpp, block_rules.hpp). Blocks of 32 along the contiguous axis or
// across rows (the transposed, "dim1", case), elements one code per byte or packed, scales row-major
// or in NVIDIA's swizzled 128x4-tile layout.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "fast/cpu/block_quantize.hpp"

struct CUstream_st;  // cudaStream_t, without the CUDA headers

namespace mxref::fast::cuda {

using Stream = CUstream_st*;

// Whether a CUDA device can be used here (false without a driver or a GPU).
bool device_present();

enum class ScaleLayout : std::uint8_t { row_major, swizzled };

// How codes sit in memory. Elements: one code per byte (low bits), or packed as the lsb-first bit stream
// of ref/block/packing.hpp (FP4: element 0 in the low nibble; FP6: four codes in three bytes). Scales:
// row-major over the AxisView's scale order, or swizzled as ref's swizzle_scales(rows, scale_columns)
// with rows = blocks / scale_columns; the swizzled buffer holds the padded 128x4 tiles, its padding 0.
struct CodeLayout {
  bool packed = false;
  ScaleLayout scales = ScaleLayout::row_major;
  std::size_t scale_columns = 1;  // the scale matrix's last dimension (swizzled only)
};

// Bytes of the element and scale buffers for a view.
std::size_t element_bytes(const BlockSpec& spec, const AxisView& view, const CodeLayout& layout);
std::size_t scale_bytes(const BlockSpec& spec, const AxisView& view, const CodeLayout& layout);

// Empty when the GPU path runs this spec and view; otherwise why not (callers fall back to the CPU).
// It runs blocks of 32 either along the contiguous axis (columns = 1, rows a multiple of 32) or across
// rows (columns a multiple of 4, any rows; the last block of a column may be short).
std::string unsupported(const BlockSpec& spec, const AxisView& view);

// Every pointer is device memory, 16-byte aligned. The calls are asynchronous on `stream` (null: the
// default stream) and throw std::runtime_error when CUDA reports an error or the spec is unsupported.
void quantize(const BlockSpec& spec, FloatData from, const void* in, const AxisView& view, std::uint8_t* elements,
              std::uint8_t* scales, const CodeLayout& layout, Stream stream = nullptr);
void dequantize(const BlockSpec& spec, const std::uint8_t* elements, const std::uint8_t* scales, const AxisView& view,
                const CodeLayout& layout, FloatData to, void* out, Stream stream = nullptr);
void fake_quantize(const BlockSpec& spec, FloatData from, const void* in, const AxisView& view, FloatData to, void* out,
                   Stream stream = nullptr);

}  // namespace mxref::fast::cuda
