// fast::nvfp4 (the CPU loops, and so nvfp4_scalar.hpp, which the CUDA kernels run too) against ref/
// block by block, for nvfp4, nvfp4-torchao and nvfp4-te: many small random tensors (each with the
// tensor scale both sides derive from it), blocks across rows with a ragged end, tensors whose scales
// reach zero, and a few values worked out by hand. Under a sanitizer the random sweep draws an eighth
// of its tensors (ref/tests/sanitizer_scale.hpp).
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "fast/cpu/nvfp4_quantize.hpp"
#include "fast/tests/block_check.hpp"
#include "ref/block/block_format.hpp"
#include "ref/block/profile.hpp"
#include "ref/tests/sanitizer_scale.hpp"

namespace mxref {
namespace {

using fast::AxisView;
using fast::FloatData;
using fast_check::compare_nvfp4_with_reference;
using fast_check::random_blocks;

void expect_agreement(const fast_check::Outcome& o) {
  EXPECT_GT(o.blocks, 0u);
  EXPECT_EQ(o.mismatches, 0u) << o.first;
}

// The values as `from` reads them, in FP32 bits.
std::vector<std::uint32_t> as_read(std::vector<std::uint32_t> values, FloatData from) {
  if (from == FloatData::bf16)
    for (std::uint32_t& v : values) v &= 0xFFFF0000u;
  return values;
}

std::uint32_t bits(float x) { return std::bit_cast<std::uint32_t>(x); }

class EveryProfile : public ::testing::TestWithParam<std::string_view> {};

// Tensors of 1 to 4 random blocks: the tensor scale comes from the largest block, so the others land
// anywhere below it, zero and subnormal scales included.
TEST_P(EveryProfile, SmallRandomTensorsEqualTheReference) {
  SplitMix64 stream{11};
  const std::size_t tensors = testing::sample_size(12000, 8);
  for (std::size_t t = 0; t < tensors; ++t) {
    const FloatData from = t % 3 == 1 ? FloatData::bf16 : FloatData::fp32;
    const FloatData to = t % 3 == 0 ? FloatData::fp32 : FloatData::bf16;
    const std::vector<std::uint32_t> values = random_blocks(stream, 16, 1 + stream.next() % 4);
    const AxisView view{1, values.size(), 1};
    // torchao's tensor amax takes Inf and NaN, whose tensor scale (Inf, NaN) the fast path refuses.
    const std::vector<std::uint32_t> read = as_read(values, from);
    const fast::BlockStats stats = fast::nvfp4::tensor_stats(FloatData::fp32, read.data(), read.size());
    if (GetParam() == "nvfp4-torchao" && (stats.any_infinity || stats.any_nan)) {
      EXPECT_THROW(compare_nvfp4_with_reference(GetParam(), values, view, from, to), std::invalid_argument);
      EXPECT_THROW(fast::nvfp4::tensor_scale(ScaleRule::nvfp4_torchao, stats), std::invalid_argument);
      continue;
    }
    const fast_check::Outcome o = compare_nvfp4_with_reference(GetParam(), values, view, from, to);
    ASSERT_EQ(o.mismatches, 0u) << "tensor " << t << ": " << o.first;
  }
}

// Blocks of 16 rows down each of 5 columns, the last one 5 rows long, spread over 2 outer indices; the
// values within a few binades of each other, so few scales are zero.
TEST_P(EveryProfile, BlocksAcrossRowsEqualTheReference) {
  SplitMix64 stream{12};
  std::vector<std::uint32_t> values(2 * 37 * 5);
  for (std::uint32_t& v : values) {
    const std::uint64_t r = stream.next();
    v = static_cast<std::uint32_t>(r >> 63) << 31 | (120 + static_cast<std::uint32_t>(r >> 32) % 10) << 23 |
        (static_cast<std::uint32_t>(r) & 0x7FFFFF);
  }
  for (const FloatData from : {FloatData::fp32, FloatData::bf16})
    for (const FloatData to : {FloatData::fp32, FloatData::bf16})
      expect_agreement(compare_nvfp4_with_reference(GetParam(), values, {2, 37, 5}, from, to, {.threads = 3}));
}

// Tensors whose tensor scale or block scales reach zero: only FP32 subnormals (pts = fl32(amax / 2688)
// rounds to 0 below 2688 x 2^-150), a zero tensor, and tiny blocks beside a large one.
TEST_P(EveryProfile, ZeroScalesEqualTheReference) {
  const std::vector<std::vector<std::uint32_t>> tensors = {
      {0x00000001, 0x80000003, 0x00000000, 0x00001000, 0x00000800, 0x80000001, 0x00000002, 0x00000000, 0x00000001,
       0x00000001, 0x80000000, 0x00000005, 0x00000007, 0x00000009, 0x0000000B, 0x0000000D},
      std::vector<std::uint32_t>(32, 0),
      {bits(2688.0f),
       bits(1.0f),
       bits(-0.5f),
       bits(0.25f),
       bits(0.125f),
       bits(1.5f),
       bits(2.0f),
       bits(3.0f),
       bits(4.0f),
       bits(5.0f),
       bits(6.0f),
       bits(7.0f),
       bits(8.0f),
       bits(9.0f),
       bits(10.0f),
       bits(11.0f),
       bits(0x1p-12f),
       bits(-0x1p-12f),
       0,
       0x80000000,
       bits(0x1p-13f),
       bits(0x1p-20f),
       bits(3e-5f),
       bits(-1e-6f),
       bits(0x1p-12f),
       bits(0x1p-11f),
       bits(0x1p-10f),
       bits(0x1p-9f),
       bits(0x1p-8f),
       bits(0x1p-7f),
       bits(0x1p-6f),
       1},
  };
  for (const std::vector<std::uint32_t>& values : tensors)
    for (const FloatData to : {FloatData::fp32, FloatData::bf16})
      expect_agreement(compare_nvfp4_with_reference(GetParam(), values, {1, values.size(), 1}, FloatData::fp32, to));
}

INSTANTIATE_TEST_SUITE_P(Nvfp4, EveryProfile, ::testing::Values("nvfp4", "nvfp4-torchao", "nvfp4-te"));

// Worked by hand (docs/spec-notes/profile-nvfp4.md). Exact profile, tensor amax 10 -> pts = fl32(10 / 2688).
// Block [10, 2.5, -0.8]: s = e4m3(10 / (6 pts)) = e4m3(448) = 0x7E, since 10 / pts is 2688 up to pts's
// rounding; elements V / (448 pts) = 6, 1.5, -0.48 -> 0x7, 0x3, 0x9 (0.48 is nearer 0.5 than 0).
TEST(Nvfp4ByHand, ExactProfileSmallTensor) {
  const std::vector<float> xs{10.0f, 2.5f, -0.8f};
  std::vector<std::uint32_t> in;
  for (const float x : xs) in.push_back(bits(x));
  const fast::nvfp4::Spec spec{
      ScaleRule::amax_over_max,
      fast::nvfp4::tensor_scale(ScaleRule::amax_over_max,
                                fast::nvfp4::tensor_stats(FloatData::fp32, in.data(), in.size()))};
  EXPECT_EQ(spec.tensor.decode, 10.0f / 2688.0f);
  std::vector<std::uint8_t> codes(3), scale(1);
  fast::nvfp4::quantize(spec, FloatData::fp32, in.data(), {1, 3, 1}, codes.data(), scale.data());
  EXPECT_EQ(scale[0], 0x7E);
  EXPECT_EQ(codes, (std::vector<std::uint8_t>{0x7, 0x3, 0x9}));
}

// Why BF16 output rounds the exact value to FP32 with round-to-odd first: 1 + 2^-8 + 2^-30 rounds (RNE)
// to the FP32 1 + 2^-8, a BF16 tie that goes down to 1; the exact value lies above that tie and rounds
// to 1 + 2^-7.
TEST(Nvfp4ByHand, RoundToOddKeepsBf16Ties) {
  const double x = 1.0 + 0x1p-8 + 0x1p-30;
  EXPECT_EQ(fast::kernels::bf16_of(bits(static_cast<float>(x))), 0x3F80);        // FP32 first: the tie goes down
  EXPECT_EQ(fast::kernels::bf16_of(fast::nvfp4::fp32_round_to_odd(x)), 0x3F81);  // 1 + 2^-7
  EXPECT_EQ(fast::kernels::bf16_of(fast::nvfp4::fp32_round_to_odd(-x)), 0xBF81);
  EXPECT_EQ(fast::nvfp4::fp32_round_to_odd(1.5), bits(1.5f));  // exact stays exact
}

// The same through dequantize. Element 1 (0x2) x scale 1.625 (0x3D) x pts P = 1 + 20165 x 2^-23 (an FP32
// number) is 1.625 + 13 x 20165 x 2^-26 = 1.625 + 2^-8 + 2^-26 exactly. FP32 rounding drops the 2^-26
// (an eighth of its ulp) and leaves 1.625 + 2^-8, the BF16 midpoint of 1.625 (0x3FD0) and 1.625 + 2^-7
// (0x3FD1), whose tie goes to 0x3FD0; the exact value is above the midpoint: 0x3FD1.
TEST(Nvfp4ByHand, Bf16OutputRoundsTheExactProductOnce) {
  const float pts = 1.0f + 20165 * 0x1p-23f;
  EXPECT_EQ(fast::nvfp4::value_fp32(0x2, 0x3D, pts), bits(1.625f + 0x1p-8f));
  const fast::nvfp4::Spec spec{ScaleRule::amax_over_max, {pts, 1.0f / pts, true}};
  const std::uint8_t code = 0x2, scale = 0x3D;
  std::uint16_t out = 0;
  fast::nvfp4::dequantize(spec, &code, &scale, {1, 1, 1}, FloatData::bf16, &out);
  EXPECT_EQ(out, 0x3FD1);
}

// The NVFP4 loops recognise a profile by what it computes, not by its name; other rules are refused.
TEST(Nvfp4ByHand, ProfilesAreRecognisedByTheirArithmetic) {
  const BlockFormat format = parse_block_format("nvfp4");
  Profile renamed = find_profile("nvfp4-te");
  renamed.name = "nvfp4-te-again";
  EXPECT_EQ(fast::nvfp4::rule_for(format, renamed), ScaleRule::nvfp4_te);
  Profile other_scaling = find_profile("nvfp4");
  other_scaling.scaling = ElementScaling::nvfp4_te;
  EXPECT_FALSE(fast::nvfp4::rule_for(format, other_scaling));
  EXPECT_FALSE(fast::nvfp4::rule_for(parse_block_format("mxfp4_e2m1"), find_profile("nvfp4")));
  EXPECT_THROW(fast::nvfp4::tensor_scale(ScaleRule::ocp, {}), std::invalid_argument);
}

}  // namespace
}  // namespace mxref
