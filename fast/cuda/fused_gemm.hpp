// NVIDIA's fused-sum presets' GEMM on the GPU: D[i][j] = Dot(A row i, B row j, C[i][j]) under the model, one
// output per thread running fast/cpu/fused_dot.hpp's integer arithmetic, the same function the CPU path runs.
// Outputs it does not settle (fast/cpu/fused_gemm.hpp says which) are answered on the host by ref/'s dot(),
// so every code is the reference's. Inputs and result as for exact_gemm (blocks of 16 or 32, FP32 out).
#pragma once

#include "fast/cuda/exact_gemm.hpp"
#include "ref/dot/accumulation_model.hpp"

namespace mxref::fast::cuda {

// Throws std::invalid_argument where fast::FusedGemm::applies is false or the shapes disagree, and
// std::runtime_error for CUDA errors.
ExactGemmResult fused_gemm(const ExactGemmInput& input, const AccumulationModel& model);

}  // namespace mxref::fast::cuda
