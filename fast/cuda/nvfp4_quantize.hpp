// NVFP4 on an NVIDIA GPU (sm_90): quantize, dequantize and fake-quantize FP32 or BF16 tensors in device
// memory under the nvfp4, nvfp4-torchao and nvfp4-te profiles, bit-exactly as the CPU loops
// (fast/cpu/nvfp4_quantize.hpp) and so ref/ do: the kernels run nvfp4_scalar.hpp's arithmetic. E2M1
// codes in blocks of 16 along the contiguous axis or across rows, one per byte or packed two to a byte
// (element 0 in the low nibble); UE4M3 scales row-major or in NVIDIA's swizzled 128x4-tile layout, as
// fast/cuda/block_quantize.hpp describes for MX. The tensor scale comes in the Spec: tensor_stats, then
// fast::nvfp4::tensor_scale on the host.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "fast/cpu/nvfp4_quantize.hpp"
#include "fast/cuda/block_quantize.hpp"

namespace mxref::fast::cuda::nvfp4 {

using fast::nvfp4::Spec;

// The largest finite magnitude of `count` values in device memory and whether NaN or Inf occur among
// them (waits for the stream; `in` 16-byte aligned).
BlockStats tensor_stats(FloatData from, const void* in, std::size_t count, Stream stream = nullptr);

std::size_t element_bytes(const AxisView& view, const CodeLayout& layout);
std::size_t scale_bytes(const AxisView& view, const CodeLayout& layout);

// Empty when the GPU path runs this view: along the last axis a multiple of 16 values, across rows a
// multiple of 4 columns (any rows; the last block of a column may be short). Otherwise why not.
std::string unsupported(const AxisView& view);

// As cuda::quantize, dequantize and fake_quantize: device pointers 16-byte aligned, asynchronous on
// `stream`, std::runtime_error on a CUDA error or an unsupported view.
void quantize(const Spec& spec, FloatData from, const void* in, const AxisView& view, std::uint8_t* elements,
              std::uint8_t* scales, const CodeLayout& layout, Stream stream = nullptr);
void dequantize(const Spec& spec, const std::uint8_t* elements, const std::uint8_t* scales, const AxisView& view,
                const CodeLayout& layout, FloatData to, void* out, Stream stream = nullptr);
void fake_quantize(const Spec& spec, FloatData from, const void* in, const AxisView& view, FloatData to, void* out,
                   Stream stream = nullptr);

}  // namespace mxref::fast::cuda::nvfp4
