// The codes of an element, scale or tensor-scale format as the integer GEMM paths read them: each finite
// value ±s x 2^x with s odd (or 0), and the exponent it counts with in a fused sum's maximum. One table per
// format and role, shared by the exact path (fast/cpu/exact_gemm.cpp), the fused-sum path
// (fast/cpu/fused_gemm.cpp) and the GPU kernels they feed.
#pragma once

#include <array>
#include <optional>

#include "fast/cpu/fused_dot.hpp"
#include "ref/dyadic.hpp"
#include "ref/format.hpp"

namespace mxref::fast {

struct CodeTable {
  std::array<FusedCode, 256> codes{};
  bool complete = true;        // every finite code of the format fits (|s| below 2^31): none left to the reference
  std::int32_t largest_s = 0;  // the largest |s|
};

// Every code of `format` (at most 8 bits; codes past its width are not finite). A code counts in the maximum
// with max(floor(log2 |v|), emin of `label_format`), a zero with -126 (NVIDIA's and CDNA3's rule).
CodeTable code_table(const Format& format, const std::optional<Format>& label_format = std::nullopt);

// A positive tensor scale (NVFP4's, an FP32 value) as one code, counting with max(floor(log2 t), -126); not
// finite when its significand does not fit 31 bits.
FusedCode tensor_code(const Dyadic& tensor_scale);

}  // namespace mxref::fast
