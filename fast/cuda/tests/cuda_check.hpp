// The GPU path against the CPU fast path (itself proven equal to ref/, fast/tests/), byte for byte:
// what the ctest and the opt-in sweeps share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "fast/cuda/block_quantize.hpp"
#include "fast/tests/block_check.hpp"

namespace mxref::cuda_check {

// A tensor shape for the check, and the scale matrix's last dimension for the swizzled layout.
struct Geometry {
  fast::AxisView view;
  std::size_t scale_columns = 1;
};

// Blocks of block_size values laid end to end (random_blocks' order) placed in the tensor so that each
// block of `view` gets one of them (blocks across rows take them column by column; a short last block
// takes the first values of its block).
std::vector<std::uint32_t> place_blocks(std::span<const std::uint32_t> blocks, const fast::AxisView& view,
                                        std::size_t block_size = 32);

// quantize (codes one per byte and row-major scales; packed codes and swizzled scales), dequantize of
// both, and fake_quantize to FP32 and BF16, on the GPU and the CPU, for an MX case or NVFP4 (its tensor
// scale from the whole of `values`, the GPU's tensor statistics checked too); `values` in tensor order (for BF16
// the upper halves are read). Each differing buffer counts one mismatch; `first` says where. Without
// `packed_layouts` only the plain layout runs (ref's bit packing is the slow part of a long sweep).
// `outputs`: the value types dequantize and fake_quantize write (a long sweep alternates them, as the
// CPU's side of the comparison is its slow part).
constexpr fast::FloatData both_outputs[] = {fast::FloatData::fp32, fast::FloatData::bf16};
fast_check::Outcome compare_with_cpu(const fast_check::BlockCase& c, std::span<const std::uint32_t> values,
                                     const Geometry& geometry, fast::FloatData from, bool packed_layouts = true,
                                     std::span<const fast::FloatData> outputs = both_outputs);

// The element casts of the block path for FP32 inputs first .. first + count - 1 on the GPU — the full
// cast (block_scalar.hpp's block_element) and, for every non-NaN input, the finite-block path with the
// hardware conversions (kernels/number_casts.cuh's number_elements) — against block_element compiled for the
// CPU: the number of results that differ.
std::size_t compare_element_casts(fast::Element element, std::uint64_t first, std::uint64_t count);

// FP32 -> BF16 rounding on the GPU (bf16_pair, as the kernels store BF16, in both halves) against bf16_of
// on the CPU, for inputs first .. first + count - 1: the number that differ.
std::size_t compare_bf16_rounding(std::uint64_t first, std::uint64_t count);

// The BF16 number path of FP6 and FP4 (kernels/number_casts.cuh's bf16_number_elements) for every finite BF16
// value times every power of two 2^-127 .. 2^127, against block_element of the FP32 product on the CPU:
// the number of results that differ (0 for the formats without that path).
std::size_t compare_bf16_casts(fast::Element element);

// Dequantization of every code under every E8M0 scale on the GPU (the MX decoder's values, in every
// position of the 4 and 8 values a thread decodes for FP32 and BF16 output, and the BF16 words the
// kernels store, 4 and 8 at a time) against the CPU's dequantized (and bf16_of of it): the number of
// results that differ, of 4 x 256 x (number of codes).
std::size_t compare_decoding(fast::Element element);

}  // namespace mxref::cuda_check
