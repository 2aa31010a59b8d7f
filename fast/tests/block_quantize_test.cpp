// fast::quantize / dequantize / fake_quantize against ref/ block by block (block_check.hpp), for every
// element format and profile the fast path runs, every SIMD level, contiguous and strided layouts,
// ragged blocks, FP32 and BF16 on both sides; and a few blocks worked out by hand. Under a sanitizer
// the two random sweeps draw an eighth of their blocks (ref/tests/sanitizer_scale.hpp).
#include <gtest/gtest.h>

#if defined(__x86_64__)
#include <xmmintrin.h>
#endif

#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "fast/cpu/block_lanes.hpp"
#include "fast/cpu/block_quantize.hpp"
#include "fast/cpu/simd_level.hpp"
#include "fast/tests/block_check.hpp"
#include "ref/block/block_format.hpp"
#include "ref/block/profile.hpp"
#include "ref/decode.hpp"
#include "ref/encode.hpp"
#include "ref/format_name.hpp"
#include "ref/tests/sanitizer_scale.hpp"

namespace mxref {
namespace {

using fast::AxisView;
using fast::FloatData;
using fast_check::all_block_cases;
using fast_check::compare_with_reference;
using fast_check::random_blocks;

void expect_agreement(const fast_check::Outcome& o) {
  EXPECT_GT(o.blocks, 0u);
  EXPECT_EQ(o.mismatches, 0u) << o.first;
}

class EveryCase : public ::testing::TestWithParam<fast_check::BlockCase> {};

TEST_P(EveryCase, ContiguousBlocksEqualTheReference) {
  SplitMix64 stream{7};
  const std::vector<std::uint32_t> values = random_blocks(stream, 32, testing::sample_size(4000, 8));
  expect_agreement(compare_with_reference(GetParam(), values, {1, values.size(), 1}, FloatData::fp32, FloatData::fp32));
}

TEST_P(EveryCase, Bf16InAndOutEqualTheReference) {
  SplitMix64 stream{8};
  const std::vector<std::uint32_t> values = random_blocks(stream, 32, testing::sample_size(2000, 8));
  expect_agreement(compare_with_reference(GetParam(), values, {1, values.size(), 1}, FloatData::bf16, FloatData::bf16));
}

TEST_P(EveryCase, RaggedAndStridedBlocksOnEveryLevel) {
  SplitMix64 stream{9};
  const std::vector<std::uint32_t> values = random_blocks(stream, 32, 3 * 70 * 19 / 32 + 1);
  for (const fast::SimdLevel level : fast::runnable_levels()) {
    const fast::RunOptions run{.threads = 3, .level = fast::name(level)};
    SCOPED_TRACE(std::string(fast::name(level)));
    // Rows of 70 (two full blocks and a ragged one of 6) side by side, then 19 columns blocked down rows.
    expect_agreement(
        compare_with_reference(GetParam(), values, {19 * 3, 70, 1}, FloatData::fp32, FloatData::bf16, run));
    expect_agreement(compare_with_reference(GetParam(), values, {3, 70, 19}, FloatData::fp32, FloatData::fp32, run));
    expect_agreement(compare_with_reference(GetParam(), values, {3, 70, 19}, FloatData::bf16, FloatData::fp32, run));
  }
}

INSTANTIATE_TEST_SUITE_P(FastBlocks, EveryCase, ::testing::ValuesIn(all_block_cases()), [](const auto& info) {
  std::string name = std::string(info.param.format) + "_" + std::string(info.param.profile);
  for (char& c : name)
    if (c == '-') c = '_';
  return name;
});

fast::BlockSpec spec_of(std::string_view format, std::string_view profile) {
  const auto spec = fast::fast_block_spec(parse_block_format(format), find_profile(profile));
  if (!spec) throw std::logic_error("no fast path");
  return *spec;
}

std::uint32_t bits(float f) {
  std::uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

// amax 3 = 1.5 x 2^1, E4M3's emax 8: X = 2^-7 (code 120). 1 x 2^7 = 2^7 is E4M3 0 1110 000; 3 x 2^7 =
// 1.5 x 2^8 is 0 1111 100; -0.5 x 2^7 = -2^6 is 1 1101 000; 2^-20 x 2^7 = 2^-13 is below half of
// E4M3's smallest subnormal 2^-9, so +0.
TEST(FastBlocksByHand, OcpE4m3) {
  const std::vector<std::uint32_t> in{bits(1.0f), bits(3.0f), bits(-0.5f), bits(0x1p-20f)};
  std::vector<std::uint8_t> elements(4), scale(1);
  fast::quantize(spec_of("mxfp8_e4m3", "ocp"), FloatData::fp32, in.data(), {1, 4, 1}, elements.data(), scale.data());
  EXPECT_EQ(scale[0], 120);
  EXPECT_EQ(elements, (std::vector<std::uint8_t>{0x70, 0x7C, 0xE8, 0x00}));
}

// A NaN anywhere: OCP's NaN scale 0xFF, elements the NaN encoding (E4M3 0x7F); torchao-floor keeps the
// NaN scale but divides by Inf: finite elements become signed zeros, the NaN stays NaN (0xFF = -NaN).
TEST(FastBlocksByHand, NanInTheBlock) {
  const std::vector<std::uint32_t> in{bits(1.0f), 0xFFC00000u, bits(-2.0f)};
  std::vector<std::uint8_t> elements(3), scale(1);
  fast::quantize(spec_of("mxfp8_e4m3", "ocp"), FloatData::fp32, in.data(), {1, 3, 1}, elements.data(), scale.data());
  EXPECT_EQ(scale[0], 0xFF);
  EXPECT_EQ(elements, (std::vector<std::uint8_t>{0x7F, 0x7F, 0x7F}));
  fast::quantize(spec_of("mxfp8_e4m3", "torchao-floor"), FloatData::fp32, in.data(), {1, 3, 1}, elements.data(),
                 scale.data());
  EXPECT_EQ(scale[0], 0xFF);
  EXPECT_EQ(elements, (std::vector<std::uint8_t>{0x00, 0xFF, 0x80}));
}

// nvidia-rceil, E4M3: amax 448 x 2^3 = 3584; fl32(1/448) x 3584 = 8 (exact to FP32 rounding: 1/448 =
// 2^-9 x 1.142857..., times 2^3 x 448 rounds back to 8), a power of two: code 127 + 3 = 130, and
// 3584 x 2^-3 = 448 = E4M3 0x7E. MXINT8 under ocp: 1.5 is 96 x 2^-6 with scale 2^(0 - 0): code 127.
TEST(FastBlocksByHand, NvidiaRceilAndInt8) {
  const std::vector<std::uint32_t> in{bits(3584.0f)};
  std::vector<std::uint8_t> element(1), scale(1);
  fast::quantize(spec_of("mxfp8_e4m3", "nvidia-rceil"), FloatData::fp32, in.data(), {1, 1, 1}, element.data(),
                 scale.data());
  EXPECT_EQ(scale[0], 130);
  EXPECT_EQ(element[0], 0x7E);
  // amax 448 x 2^-127: fl32(1/448) = 1.14285719... x 2^-9, so the product is 2^-127 x 1.00000005,
  // which rounds on the subnormal grid (steps of 2^-149 = 2^-127 x 2^-22) to 2^-127 exactly: FP32
  // pattern 0x00400000, a subnormal with mantissa exactly one half, which the rule does not round up.
  const std::vector<std::uint32_t> tiny{bits(448.0f * 0x1p-127f)};
  fast::quantize(spec_of("mxfp8_e4m3", "nvidia-rceil"), FloatData::fp32, tiny.data(), {1, 1, 1}, element.data(),
                 scale.data());
  EXPECT_EQ(scale[0], 0);
  EXPECT_EQ(element[0], 0x7E);  // 448 x 2^-127 x 2^127
  const std::vector<std::uint32_t> one_and_a_half{bits(-1.5f)};
  fast::quantize(spec_of("mxint8", "ocp"), FloatData::fp32, one_and_a_half.data(), {1, 1, 1}, element.data(),
                 scale.data());
  EXPECT_EQ(scale[0], 127);
  EXPECT_EQ(element[0], 0x100 - 96);
}

#if defined(__x86_64__)
// A caller running with flush-to-zero and denormals-are-zero (as -ffast-math code does) gets IEEE
// results anyway, and its mode back. E5M2 under ocp, the block [2^-140] (an FP32 subnormal): scale
// 2^(-140 - 15) clamps to 2^-127 (code 0), and 2^-140 / 2^-127 = 2^-13 is E5M2's exponent field
// -13 + 15 = 2: code 0x08. Under DAZ the subnormal input would read as zero, giving 0x00. Dequantized,
// 0x08 x 2^-127 = 2^-140 again, an FP32 subnormal that FTZ would flush.
TEST(FastBlocksByHand, CallersFlushToZeroModeIsSetAsideAndRestored) {
  const unsigned callers_mode = _mm_getcsr();
  _mm_setcsr(callers_mode | 0x8040u);  // FTZ | DAZ
  const std::vector<std::uint32_t> in{bits(0x1p-140f)};
  std::vector<std::uint8_t> element(1), scale(1);
  std::vector<std::uint32_t> back(1);
  const fast::BlockSpec spec = spec_of("mxfp8_e5m2", "ocp");
  fast::quantize(spec, FloatData::fp32, in.data(), {1, 1, 1}, element.data(), scale.data(), {.threads = 1});
  fast::dequantize(spec, element.data(), scale.data(), {1, 1, 1}, FloatData::fp32, back.data(), {.threads = 1});
  const unsigned mode_after = _mm_getcsr();
  _mm_setcsr(callers_mode);
  EXPECT_EQ(scale[0], 0);
  EXPECT_EQ(element[0], 0x08);
  EXPECT_EQ(back[0], 1u << 9);  // 2^-140 = 2^9 x 2^-149
  EXPECT_EQ(mode_after & 0x8040u, 0x8040u);
}
#endif

// Inputs need no alignment: the same tensor one byte off gives the same codes.
TEST(FastBlocks, UnalignedInput) {
  SplitMix64 stream{3};
  const std::vector<std::uint32_t> values = random_blocks(stream, 32, 64);
  std::vector<std::uint8_t> shifted(values.size() * 4 + 1);
  std::memcpy(shifted.data() + 1, values.data(), values.size() * 4);
  const fast::BlockSpec spec = spec_of("mxfp8_e4m3", "ocp");
  std::vector<std::uint8_t> a(values.size()), b(values.size()), sa(64), sb(64);
  fast::quantize(spec, FloatData::fp32, values.data(), {1, values.size(), 1}, a.data(), sa.data());
  fast::quantize(spec, FloatData::fp32, shifted.data() + 1, {1, values.size(), 1}, b.data(), sb.data());
  EXPECT_EQ(a, b);
  EXPECT_EQ(sa, sb);
}

// The sixteen-lane casts against the scalar casts proven on all 2^32 inputs (the opt-in
// `fast_exhaustive_sweep --block-lanes` covers every input; here every bf16 pattern and 2^20 random
// ones), NaN given as the block path gives it: the default NaN with the input's sign.
template <class E>
void lanes_match_scalar(const char* name) {
  std::vector<std::uint32_t> inputs;
  for (std::uint32_t b = 0; b < 65536; ++b) inputs.push_back(b << 16);
  SplitMix64 stream{11};
  for (int i = 0; i < (1 << 20); ++i) inputs.push_back(static_cast<std::uint32_t>(stream.next()));
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i + fast::lanes::width <= inputs.size(); i += fast::lanes::width) {
    fast::lanes::U32 v;
    for (std::size_t k = 0; k < fast::lanes::width; ++k) {
      const std::uint32_t x = inputs[i + k];
      v[k] = (x & 0x7FFFFFFFu) > 0x7F800000u ? (x & 0x80000000u) | 0x7FC00000u : x;
    }
    const fast::lanes::U32 codes = fast::lanes::block_cast<E>(v);
    for (std::size_t k = 0; k < fast::lanes::width; ++k) {
      std::uint32_t want;
      if constexpr (std::is_same_v<E, fast::Int8>) want = fast::cast_fp32_int8(v[k]);
      else want = fast::cast_fp32<E>(v[k], true, true);
      mismatches += codes[k] != want;
    }
  }
  EXPECT_EQ(mismatches, 0u) << name;
}

TEST(FastBlockLanes, CastsEqualTheScalarCasts) {
  lanes_match_scalar<fast::E4M3>("e4m3");
  lanes_match_scalar<fast::E5M2>("e5m2");
  lanes_match_scalar<fast::E3M2>("e3m2");
  lanes_match_scalar<fast::E2M3>("e2m3");
  lanes_match_scalar<fast::E2M1>("e2m1");
  lanes_match_scalar<fast::Int8>("int8");
}

// Every code's value against ref/'s decoder (NaN codes: the default NaN with the code's sign).
template <class E>
void values_match_reference(const Format& format) {
  for (std::uint32_t first = 0; first < (1u << width(format)); first += fast::lanes::width) {
    fast::lanes::U32 codes;
    for (std::uint32_t k = 0; k < fast::lanes::width; ++k) codes[k] = (first + k) & ((1u << width(format)) - 1);
    const fast::lanes::U32 values = fast::lanes::element_values<E>(codes);
    for (std::uint32_t k = 0; k < fast::lanes::width; ++k) {
      const Value v = decode(format, codes[k]);
      const std::uint32_t want =
          v.is_nan() ? (v.negative ? 0xFFC00000u : 0x7FC00000u) : static_cast<std::uint32_t>(encode(fp32, v, {}).code);
      EXPECT_EQ(values[k], want) << format_name(format) << " code " << codes[k];
    }
  }
}

TEST(FastBlockLanes, ElementValuesEqualTheReference) {
  values_match_reference<fast::E4M3>(e4m3);
  values_match_reference<fast::E5M2>(e5m2);
  values_match_reference<fast::E3M2>(e3m2);
  values_match_reference<fast::E2M3>(e2m3);
  values_match_reference<fast::E2M1>(e2m1);
  values_match_reference<fast::Int8>(int8);
}

TEST(FastBlocks, WhatHasNoFastPath) {
  EXPECT_FALSE(fast::fast_block_spec(parse_block_format("nvfp4"), find_profile("nvfp4")));
  EXPECT_FALSE(fast::fast_block_spec(parse_block_format("mxfp8_e4m3"), find_profile("microxcaling-even")));
  EXPECT_FALSE(fast::fast_block_spec(parse_block_format("mxfp4_e3m0"), find_profile("ocp")));
  EXPECT_TRUE(fast::fast_block_spec(parse_block_format("e4m3/e8m0/64"), find_profile("ocp")));
}

// The fast path recognises a profile by what it computes, not by its name.
TEST(FastBlocks, ProfilesAreRecognisedByTheirArithmetic) {
  const BlockFormat format = parse_block_format("mxfp8_e4m3");
  Profile renamed = find_profile("nvidia-rceil");
  renamed.name = "nvidia-rceil-again";
  const auto spec = fast::fast_block_spec(format, renamed);
  ASSERT_TRUE(spec);
  EXPECT_EQ(spec->rule, ScaleRule::nvidia_rceil);
  Profile other_scaling = find_profile("ocp");
  other_scaling.scaling = ElementScaling::torchao_divide;
  EXPECT_FALSE(fast::fast_block_spec(format, other_scaling));
  Profile other_rounding = find_profile("torchao-floor");
  other_rounding.element.rounding = Rounding::rtz;
  EXPECT_FALSE(fast::fast_block_spec(format, other_rounding));
  Profile quirk = find_profile("ocp");
  quirk.zero_drops_sign = true;
  EXPECT_FALSE(fast::fast_block_spec(format, quirk));
}

TEST(FastBlocks, RulesWithoutAKernelAreRefused) {
  const std::vector<float> in(32, 1.0f);
  std::vector<std::uint8_t> elements(32), scale(1);
  const fast::BlockSpec rceil{.element = fast::Element::e4m3, .rule = ScaleRule::rceil};
  EXPECT_FALSE(fast::runs_on_fast_path(ScaleRule::rceil));
  EXPECT_THROW(fast::quantize(rceil, FloatData::fp32, in.data(), {1, 32, 1}, elements.data(), scale.data()),
               std::invalid_argument);
}

}  // namespace
}  // namespace mxref
