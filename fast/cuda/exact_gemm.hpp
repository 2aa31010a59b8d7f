// The exact model's GEMM on the GPU: D[i][j] = Dot(A row i, B row j, C[i][j]) rounded once to FP32 (round to
// nearest even), for what the CPU integer path takes (fast/cpu/exact_gemm.hpp: MX formats with E8M0 scales
// and elements of up to 8 bits, E5M2 excepted; NVFP4 with UE4M3 scales and tensor scales) in blocks of 32 or
// 16. A block's products are integers times the formats' quanta; their sum times the scales' significands,
// below 2^53, is exact in FP64 whatever the order, so the kernel sums them with FP64 FMAs, then adds the
// block sums into fast/cpu/wide_sum.hpp's 128-bit window and multiplies it by the tensor scales. Outputs the kernel
// cannot settle (a NaN scale or non-finite element in the rows, a non-finite C, an exact zero, a window too wide) are
// settled on the host by ExactGemm::code, so every code is the reference's.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "fast/cpu/fused_dot.hpp"
#include "ref/block/block_format.hpp"
#include "ref/dot/dot.hpp"

namespace mxref::fast::cuda {

struct ExactGemmInput {
  BlockFormat a, b;                        // one block size, 16 or 32, along K
  std::size_t m = 0, n = 0, k = 0;         // A is m x k, B is n x k (rows along K), D is m x n
  std::span<const std::uint8_t> a_codes;   // m x k element codes
  std::span<const std::uint8_t> a_scales;  // m x k/block scale codes
  std::span<const std::uint8_t> b_codes;
  std::span<const std::uint8_t> b_scales;
  std::span<const std::uint32_t> c;           // m x n FP32 bit patterns, or empty for +0
  std::uint32_t a_tensor_scale = 0x3F800000;  // FP32 bits: NVFP4's per-tensor scales (1 for MX)
  std::uint32_t b_tensor_scale = 0x3F800000;
};

struct ExactGemmResult {
  std::vector<std::uint32_t> d;  // m x n FP32 bit patterns
  std::size_t settled_on_host = 0;
  double kernel_seconds = 0;  // the kernel alone (CUDA events)
};

// A tensor scale (FP32 bits) as the integer paths read it; throws std::invalid_argument for one that is not
// finite and positive.
FusedCode tensor_of(std::uint32_t bits);

// Row `row` of an input's A (or B) as a dot-product operand, its tensor scale with it.
DotOperand operand_row(const ExactGemmInput& in, bool a, std::size_t row);

// Throws std::invalid_argument for formats the integer path does not take or shapes that disagree, and
// std::runtime_error for CUDA errors.
ExactGemmResult exact_gemm(const ExactGemmInput& input);

}  // namespace mxref::fast::cuda
