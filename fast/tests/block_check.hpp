// Fast block quantization against ref/'s quantize_block, block by block: the random block mix both
// the CI test and the opt-in 10^7-block sweep draw from, and the comparison they share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fast/cpu/block_quantize.hpp"
#include "fast/cpu/nvfp4_quantize.hpp"
#include "ref/format.hpp"
#include "ref/splitmix64.hpp"

namespace mxref::fast_check {

struct BlockCase {
  std::string_view format;  // a built-in block format name
  std::string_view profile;
};

// Every element format the fast path has, under every profile it runs (36 pairs).
std::vector<BlockCase> all_block_cases();

// `blocks` blocks of `block_size` FP32 patterns, each drawn from one of the classes that reach every
// branch of the scale rules and element casts: random bit patterns, a narrow binade window with
// element-grid ties, zeros of both signs, FP32 subnormals, a NaN or Inf among normal values, amax at
// and around powers of two and the element's largest value times a power of two.
std::vector<std::uint32_t> random_blocks(SplitMix64& stream, std::size_t block_size, std::size_t blocks);

struct Outcome {
  std::size_t blocks = 0, mismatches = 0;
  std::string first;  // the first mismatch, in words
};

// quantize, dequantize (of the codes) and fake_quantize through the fast path over `view`, each
// block compared with ref/; from == bf16 reads the upper halves of `values` (whose low halves must be 0).
Outcome compare_with_reference(const BlockCase& c, std::span<const std::uint32_t> values, const fast::AxisView& view,
                               fast::FloatData from, fast::FloatData to, const fast::RunOptions& run = {});

// The same for NVFP4 under one of its profiles (blocks of 16), with the tensor scale each side derives
// from the whole of `values` (the fast one must equal ref's).
Outcome compare_nvfp4_with_reference(std::string_view profile, std::span<const std::uint32_t> values,
                                     const fast::AxisView& view, fast::FloatData from, fast::FloatData to,
                                     const fast::RunOptions& run = {});

}  // namespace mxref::fast_check
