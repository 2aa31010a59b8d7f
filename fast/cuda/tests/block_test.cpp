// The GPU path against the CPU fast path and ref/ (ctest fast_cuda_block_test), MX and NVFP4. Everything
// that needs a GPU skips without one; the geometry rules and buffer sizes are checked everywhere.
#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "fast/cuda/block_quantize.hpp"
#include "fast/cuda/nvfp4_quantize.hpp"
#include "fast/cuda/tests/cuda_check.hpp"
#include "fast/tests/block_check.hpp"
#include "ref/splitmix64.hpp"

namespace mxref {
namespace {

using cuda_check::Geometry;
using fast::FloatData;

class CudaBlocks : public ::testing::TestWithParam<fast_check::BlockCase> {
 protected:
  void SetUp() override {
    if (!fast::cuda::device_present()) GTEST_SKIP() << "no CUDA device";
  }
};

// Blocks along the last axis ([48, 256], scales 48 x 8; [5, 320], scales 5 x 10, whose 50 blocks end
// part of the way through a CTA's), across rows with a short last block ([2, 80, 36]: blocks of 32, 32
// and 16 rows; [1, 48, 40]: 32 and 16), and four columns only. (Across rows BF16 goes 8 columns a thread
// where the columns are a multiple of 8, as 40 is, else 4, as 36 and 4 are.)
const Geometry geometries[] = {
    {{48, 256, 1}, 8}, {{5, 320, 1}, 10}, {{2, 80, 36}, 36}, {{1, 48, 40}, 40}, {{1, 64, 4}, 4}};

TEST_P(CudaBlocks, EqualTheCpuPathAndTheReferenceInEveryLayout) {
  SplitMix64 stream{0xC0DA};
  const std::vector<std::uint32_t> blocks = fast_check::random_blocks(stream, 32, 2048);
  for (const Geometry& g : geometries)
    for (const FloatData from : {FloatData::fp32, FloatData::bf16}) {
      std::vector<std::uint32_t> values = cuda_check::place_blocks(blocks, g.view);
      if (from == FloatData::bf16)
        for (std::uint32_t& v : values) v &= 0xFFFF0000u;
      const fast_check::Outcome gpu = cuda_check::compare_with_cpu(GetParam(), values, g, from);
      EXPECT_EQ(gpu.mismatches, 0u) << gpu.first;
      const fast_check::Outcome cpu = fast_check::compare_with_reference(GetParam(), values, g.view, from, from);
      EXPECT_EQ(cpu.mismatches, 0u) << cpu.first;
    }
}

INSTANTIATE_TEST_SUITE_P(Gpu, CudaBlocks, ::testing::ValuesIn(fast_check::all_block_cases()),
                         [](const ::testing::TestParamInfo<fast_check::BlockCase>& info) {
                           std::string name = std::string(info.param.format) + "_" + std::string(info.param.profile);
                           for (char& c : name)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });

// NVFP4 under each of its profiles: blocks of 16 along the last axis ([48, 128], scales 48 x 8), across
// rows with a short last block ([2, 40, 36]: 16, 16 and 8 rows; [1, 24, 40]: 16 and 8), and four
// columns only. Two value sets:
// random_blocks as they come (blocks far below the tensor's largest get zero scales), and the same
// squeezed into 20 binades (every scale in play). Under nvfp4-torchao a tensor holding Inf or NaN has a
// tensor scale that only the reference runs, so its Infs and NaNs become ±1.
class CudaNvfp4 : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    if (!fast::cuda::device_present()) GTEST_SKIP() << "no CUDA device";
  }
};

const Geometry nvfp4_geometries[] = {
    {{48, 128, 1}, 8}, {{5, 160, 1}, 10}, {{2, 40, 36}, 36}, {{1, 24, 40}, 40}, {{1, 32, 4}, 4}};

TEST_P(CudaNvfp4, EqualsTheCpuPathAndTheReferenceInEveryLayout) {
  const fast_check::BlockCase c{"nvfp4", GetParam()};
  SplitMix64 stream{0xF4};
  const std::vector<std::uint32_t> wide = fast_check::random_blocks(stream, 16, 1024);
  std::vector<std::uint32_t> narrow = wide;
  for (std::uint32_t& v : narrow) {
    const std::uint32_t field = v >> 23 & 0xFF;
    if (field != 0 && field != 0xFF) v = (v & 0x807FFFFFu) | (110 + field % 20) << 23;
  }
  for (const std::vector<std::uint32_t>* blocks : {&wide, static_cast<const std::vector<std::uint32_t>*>(&narrow)})
    for (const Geometry& g : nvfp4_geometries)
      for (const FloatData from : {FloatData::fp32, FloatData::bf16}) {
        std::vector<std::uint32_t> values = cuda_check::place_blocks(*blocks, g.view, 16);
        for (std::uint32_t& v : values) {
          if (from == FloatData::bf16) v &= 0xFFFF0000u;
          if (c.profile == "nvfp4-torchao" && (v & 0x7F800000u) == 0x7F800000u) v = (v & 0x80000000u) | 0x3F800000u;
        }
        const fast_check::Outcome gpu = cuda_check::compare_with_cpu(c, values, g, from);
        EXPECT_EQ(gpu.mismatches, 0u) << gpu.first;
        const fast_check::Outcome cpu = fast_check::compare_nvfp4_with_reference(c.profile, values, g.view, from, from);
        EXPECT_EQ(cpu.mismatches, 0u) << cpu.first;
      }
}

INSTANTIATE_TEST_SUITE_P(Gpu, CudaNvfp4, ::testing::Values("nvfp4", "nvfp4-torchao", "nvfp4-te"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                           std::string name = info.param;
                           for (char& c : name)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });

TEST(CudaNvfp4Path, RunsBlocksOf16AlongTheLastAxisOrAcrossFourColumns) {
  EXPECT_EQ(fast::cuda::nvfp4::unsupported({3, 48, 1}), "");
  EXPECT_EQ(fast::cuda::nvfp4::unsupported({1, 17, 8}), "");  // a short last block across rows
  EXPECT_NE(fast::cuda::nvfp4::unsupported({1, 40, 1}), "");  // 40 = 16 + 16 + 8 along the last axis
  EXPECT_NE(fast::cuda::nvfp4::unsupported({1, 32, 6}), "");
  const fast::AxisView view{5, 64, 1};  // 320 values, 20 blocks: a 5 x 4 scale matrix
  EXPECT_EQ(fast::cuda::nvfp4::element_bytes(view, {}), 320u);
  EXPECT_EQ(fast::cuda::nvfp4::element_bytes(view, {.packed = true}), 160u);
  EXPECT_EQ(fast::cuda::nvfp4::scale_bytes(view, {}), 20u);
  EXPECT_EQ(fast::cuda::nvfp4::scale_bytes(view, {.scales = fast::cuda::ScaleLayout::swizzled, .scale_columns = 4}),
            512u);
}

TEST(CudaElementCasts, EveryBf16PatternAndTheFirst16MiOfFp32) {
  if (!fast::cuda::device_present()) GTEST_SKIP() << "no CUDA device";
  for (int e = 0; e < 6; ++e) {
    const auto element = static_cast<fast::Element>(e);
    EXPECT_EQ(cuda_check::compare_element_casts(element, 0, std::uint64_t{1} << 24), 0u) << e;
    EXPECT_EQ(cuda_check::compare_element_casts(element, 0x3F000000u, std::uint64_t{1} << 24), 0u) << e;
    EXPECT_EQ(cuda_check::compare_element_casts(element, 0xBF000000u, std::uint64_t{1} << 24), 0u) << e;
  }
  EXPECT_EQ(cuda_check::compare_bf16_rounding(0x7F000000u, std::uint64_t{1} << 25), 0u);  // large values, Inf, NaNs
  EXPECT_EQ(cuda_check::compare_bf16_rounding(0, std::uint64_t{1} << 24), 0u);            // subnormals
}

TEST(CudaElementCasts, Bf16PairsOfEveryFiniteBf16TimesEveryPowerOfTwo) {
  if (!fast::cuda::device_present()) GTEST_SKIP() << "no CUDA device";
  for (int e = 0; e < 6; ++e) EXPECT_EQ(cuda_check::compare_bf16_casts(static_cast<fast::Element>(e)), 0u) << e;
}

TEST(CudaDecoding, EveryCodeUnderEveryScale) {
  if (!fast::cuda::device_present()) GTEST_SKIP() << "no CUDA device";
  for (int e = 0; e < 6; ++e) EXPECT_EQ(cuda_check::compare_decoding(static_cast<fast::Element>(e)), 0u) << e;
}

TEST(CudaPath, RunsBlocksOf32AlongTheLastAxisOrAcrossFourColumns) {
  const fast::BlockSpec spec{};
  EXPECT_EQ(fast::cuda::unsupported(spec, {3, 64, 1}), "");
  EXPECT_EQ(fast::cuda::unsupported(spec, {1, 33, 8}), "");  // a short last block across rows
  EXPECT_NE(fast::cuda::unsupported(spec, {1, 48, 1}), "");  // 48 = 32 + 16 along the last axis
  EXPECT_NE(fast::cuda::unsupported(spec, {1, 64, 6}), "");
  EXPECT_NE(fast::cuda::unsupported({.block_size = 16}, {1, 64, 1}), "");
}

TEST(CudaPath, BufferSizes) {
  const fast::BlockSpec fp6{.element = fast::Element::e3m2};
  const fast::AxisView view{5, 64, 1};  // 320 values, 10 blocks: a 5 x 2 scale matrix
  EXPECT_EQ(fast::cuda::element_bytes(fp6, view, {}), 320u);
  EXPECT_EQ(fast::cuda::element_bytes(fp6, view, {.packed = true}), 240u);  // 320 x 6 bits
  EXPECT_EQ(fast::cuda::scale_bytes(fp6, view, {}), 10u);
  // Padded to 128 rows x 4 columns: one tile of 512 bytes.
  EXPECT_EQ(fast::cuda::scale_bytes(fp6, view, {.scales = fast::cuda::ScaleLayout::swizzled, .scale_columns = 2}),
            512u);
  const fast::AxisView tall{130, 32 * 5, 1};  // 130 x 5 scales: 256 rows x 8 columns padded
  EXPECT_EQ(fast::cuda::scale_bytes(fp6, tall, {.scales = fast::cuda::ScaleLayout::swizzled, .scale_columns = 5}),
            2048u);
}

}  // namespace
}  // namespace mxref
