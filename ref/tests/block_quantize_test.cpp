// Block quantization under each rule, with every expected scale and element derived by hand in the
// comments from the spec's words (OCP MX v1.0 §6.3) or the third party's documented rule.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "exact_values.hpp"
#include "ref/block/block_format.hpp"
#include "ref/block/quantize.hpp"

namespace mxref {
namespace {

using testing::value;

std::vector<Value> block_of(std::initializer_list<double> xs) {
  std::vector<Value> out;
  for (const double x : xs) out.push_back(value(x));
  return out;
}

QuantizedBlock quantize(const char* format, const char* profile, std::initializer_list<double> xs) {
  BlockFormat f = parse_block_format(format);
  f.block_size = static_cast<int>(xs.size());
  return quantize_block(f, find_profile(profile), block_of(xs));
}

TEST(BlockQuantize, OcpScaleIsFloorLog2AmaxMinusEmax) {
  // amax 3: floor(log2 3) = 1; E2M1 emax = 2 -> X = 2^-1, E8M0 code 127 - 1 = 0x7E.
  // 1/X = 2 -> E2M1 0 10 0 = 0x4; 2/X = 4 -> 0 11 0 = 0x6; -3/X = -6 -> 1 11 1 = 0xF; 0.25/X = 0.5 -> 0x1.
  const QuantizedBlock q = quantize("mxfp4_e2m1", "ocp", {1.0, 2.0, -3.0, 0.25});
  EXPECT_EQ(q.scale, 0x7Eu);
  EXPECT_EQ(q.elements, (std::vector<std::uint64_t>{0x4, 0x6, 0xF, 0x1}));
}

TEST(BlockQuantize, OcpSaturatesTheTopBinade) {
  // amax 1.9921875 = 255/128: floor(log2) = 0, E4M3 emax 8 -> X = 2^-8 (code 0x77). 255/128 * 256 = 510 is
  // above E4M3's 448: the spec clamps to max normal, 0x7E. 1.0 * 256 = 256 = 2^8 -> 0 1111 000 = 0x78.
  const QuantizedBlock q = quantize("mxfp8_e4m3", "ocp", {1.9921875, 1.0});
  EXPECT_EQ(q.scale, 0x77u);
  EXPECT_EQ(q.elements, (std::vector<std::uint64_t>{0x7E, 0x78}));
  EXPECT_TRUE(q.flags & Flag::overflow);
}

TEST(BlockQuantize, RceilRoundsTheScaleUpInstead) {
  // Same block under NVIDIA's rule: 255/128 / 448 = 0.00444..., log2 = -7.8 -> ceil -7, X = 2^-7 (0x78).
  // 255/128 * 128 = 255 lies in E4M3's [128, 256) binade, step 16: 255 is nearer 256 (0x78) than 240.
  const QuantizedBlock q = quantize("mxfp8_e4m3", "nvidia-rceil", {1.9921875, 1.0});
  EXPECT_EQ(q.scale, 0x78u);
  EXPECT_EQ(q.elements, (std::vector<std::uint64_t>{0x78, 0x70}));  // 1.0 * 128 = 2^7: 0 1110 000
  EXPECT_FALSE(q.flags & Flag::overflow);
  // amax exactly 448 = max: log2(1) = 0 -> X = 1; one ulp above (464) -> log2 > 0 -> X = 2.
  EXPECT_EQ(quantize("mxfp8_e4m3", "nvidia-rceil", {448.0}).scale, 0x7Fu);
  EXPECT_EQ(quantize("mxfp8_e4m3", "nvidia-rceil", {464.0}).scale, 0x80u);
}

TEST(BlockQuantize, ZeroBlockTakesTheSmallestScale) {
  // floor(log2 0) is -inf: the exponent clamps to E8M0's lowest, 2^-127 = code 0x00. Zeros keep their sign
  // where the element has -0 (E4M3: 0x80).
  const QuantizedBlock q = quantize("mxfp8_e4m3", "ocp", {0.0, -0.0});
  EXPECT_EQ(q.scale, 0x00u);
  EXPECT_EQ(q.elements, (std::vector<std::uint64_t>{0x00, 0x80}));
}

TEST(BlockQuantize, NanOrInfAnywhereMakesTheScaleNan) {
  // E8M0's NaN is 0xFF. Elements under a NaN scale are the element's NaN (E4M3 0x7F) or +0 (E2M1).
  EXPECT_EQ(quantize("mxfp8_e4m3", "ocp", {1.0, NAN}).scale, 0xFFu);
  EXPECT_EQ(quantize("mxfp8_e4m3", "ocp", {1.0, NAN}).elements, (std::vector<std::uint64_t>{0x7F, 0x7F}));
  EXPECT_EQ(quantize("mxfp4_e2m1", "ocp", {1.0, -INFINITY}).scale, 0xFFu);
  EXPECT_EQ(quantize("mxfp4_e2m1", "ocp", {1.0, -INFINITY}).elements, (std::vector<std::uint64_t>{0x0, 0x0}));
}

TEST(BlockQuantize, TinyBlocksClampTheScaleAndRoundElements) {
  // amax 2^-140: floor(log2) - 8 = -148 clamps to -127 (0x00). 2^-140 / 2^-127 = 2^-13, below E4M3's
  // smallest subnormal 2^-9: rounds to 0. 2^-136 / 2^-127 = 2^-9 = the smallest subnormal 0x01.
  const QuantizedBlock q = quantize("mxfp8_e4m3", "ocp", {std::ldexp(1.0, -140), std::ldexp(1.0, -136)});
  EXPECT_EQ(q.scale, 0x00u);
  EXPECT_EQ(q.elements, (std::vector<std::uint64_t>{0x00, 0x01}));
}

TEST(BlockQuantize, HugeBlocksClampTheScaleAndSaturate) {
  // fp64 amax 2^200: 200 - 8 = 192 > 127 clamps to 2^127 (0xFE); 2^200 / 2^127 = 2^73 saturates to 448.
  const QuantizedBlock q = quantize("mxfp8_e4m3", "ocp", {std::ldexp(1.0, 200)});
  EXPECT_EQ(q.scale, 0xFEu);
  EXPECT_EQ(q.elements, (std::vector<std::uint64_t>{0x7E}));
}

TEST(BlockQuantize, Mxint8) {
  // MXINT8 emax is 0 (max 127/64 < 2). amax 3: floor(log2 3) = 1 -> X = 2. 3/2 = 1.5 = 96/64 -> 0x60;
  // -1/2 = -0.5 = -32/64 -> two's complement 0xE0; 0.01/2 = 0.005 = 0.32/64 -> 0.
  const QuantizedBlock q = quantize("mxint8", "ocp", {3.0, -1.0, 0.01});
  EXPECT_EQ(q.scale, 0x80u);
  EXPECT_EQ(q.elements, (std::vector<std::uint64_t>{0x60, 0xE0, 0x00}));
}

TEST(BlockQuantize, MicroxcalingLog2RoundsUpJustBelowAPowerOfTwo) {
  // amax 256 - 2^-16 (FP32 0x437FFFFF): log2 = 8 - 8.6e-8. FP32 values just below 8 are 2^-21 = 4.8e-7
  // apart, so the FP32 log2 is 8.0 and floor gives 8: X = 2^(8-8) = 1 (0x7F), while the exact
  // floor(log2) = 7 gives OCP's X = 2^-1 (0x7E). Element: 255.99998 / 1 -> 256 (0x78) under microxcaling;
  // 511.99997 saturates to 448 under OCP.
  const double amax = 256.0 - std::ldexp(1.0, -16);
  const QuantizedBlock mx = quantize("mxfp8_e4m3", "microxcaling-even", {amax});
  const QuantizedBlock ocp = quantize("mxfp8_e4m3", "ocp", {amax});
  EXPECT_EQ(mx.scale, 0x7Fu);
  EXPECT_EQ(mx.elements, (std::vector<std::uint64_t>{0x78}));
  EXPECT_EQ(ocp.scale, 0x7Eu);
  EXPECT_EQ(ocp.elements, (std::vector<std::uint64_t>{0x7E}));
  // Just below 2 (2 - 2^-23): log2 = 1 - 1.7e-7; FP32 values below 1 are 6e-8 apart, so it stays below 1.
  EXPECT_EQ(quantize("mxfp8_e4m3", "microxcaling-even", {2.0 - std::ldexp(1.0, -23)}).scale, 0x7Fu - 8);
}

TEST(BlockQuantize, MicroxcalingNearestTiesAwayFromZero) {
  // amax 4 -> X = 2^(2-2) = 1 for E2M1. 2.5 is halfway between 2 (0x4) and 3 (0x5): 'nearest' rounds
  // half away -> 3 (0x5); 'even' -> 2 (0x4); 'floor' truncates 2.9 -> 2.
  EXPECT_EQ(quantize("mxfp4_e2m1", "microxcaling-nearest", {4.0, 2.5}).elements[1], 0x5u);
  EXPECT_EQ(quantize("mxfp4_e2m1", "microxcaling-even", {4.0, 2.5}).elements[1], 0x4u);
  EXPECT_EQ(quantize("mxfp4_e2m1", "microxcaling-floor", {4.0, 2.9}).elements[1], 0x4u);
}

TEST(BlockQuantize, MicroxcalingTakesAnExactNegativeZeroToPlusZero) {
  // _round_mantissa returns torch.sign(x) * n: torch.sign(-0.0) is +0, so an exact -0 ends +0 (E4M3 code
  // 0x00, not 0x80), while -2^-20 next to 1.0 (X = 2^-8, x = -2^-12, below E4M3's smallest step 2^-9 at
  // binade emin) rounds to n = 0 and keeps sign -1: -0 (0x80). Both observed with microxcaling on the CPU
  // and CUDA (torch 2.11). auto-round's elements (profile inc) do the same.
  for (const char* profile : {"microxcaling-nearest", "microxcaling-even", "microxcaling-floor", "inc"}) {
    SCOPED_TRACE(profile);
    const QuantizedBlock q = quantize("mxfp8_e4m3", profile, {-0.0, 1.0, -std::ldexp(1.0, -20)});
    EXPECT_EQ(q.elements[0], 0x00u);
    EXPECT_EQ(q.elements[2], 0x80u);
    BlockFormat f = parse_block_format("mxfp8_e4m3");
    f.block_size = 3;
    const std::vector<Value> y =
        fake_quantize_block(f, find_profile(profile), block_of({-0.0, 1.0, -std::ldexp(1.0, -20)}));
    EXPECT_TRUE(y[0].is_zero() && !y[0].negative);
    EXPECT_TRUE(y[2].is_zero() && y[2].negative);
  }
  // MXINT8 has no -0 code; fake quantization still gives +0 for -0 and -0 for a tiny negative.
  BlockFormat int8 = parse_block_format("mxint8");
  int8.block_size = 3;
  const std::vector<Value> y =
      fake_quantize_block(int8, find_profile("microxcaling-even"), block_of({-0.0, 1.0, -1e-6}));
  EXPECT_TRUE(y[0].is_zero() && !y[0].negative);
  EXPECT_TRUE(y[2].is_zero() && y[2].negative);
  // pychop keeps an exact -0 (its rint(-0.0) is -0.0).
  const std::vector<Value> p = fake_quantize_block(int8, find_profile("pychop"), block_of({-0.0, 1.0, -1e-6}));
  EXPECT_TRUE(p[0].is_zero() && p[0].negative);
}

TEST(BlockQuantize, MicroxcalingZeroBlocksReadAmaxAs2ToMinus126) {
  // microxcaling adds FP32_MIN_NORMAL to a zero amax: floor(log2 2^-126) - emax. MXINT8 (emax 0): 2^-126,
  // E8M0 code 1; E4M3 (emax 8): -134 clamps to -127, code 0 like OCP.
  EXPECT_EQ(quantize("mxint8", "microxcaling-even", {0.0, 0.0}).scale, 0x01u);
  EXPECT_EQ(quantize("mxint8", "ocp", {0.0, 0.0}).scale, 0x00u);
  EXPECT_EQ(quantize("mxfp8_e4m3", "microxcaling-even", {0.0}).scale, 0x00u);
}

TEST(BlockQuantize, MicroxcalingFloorTruncatesOnTheFloatLog2Binade) {
  // Block [256, 8 - 2^-21] (the FP32 just below 8): X = 2^(8 - 8) = 1. The element has log2 = 3 - 8.6e-8,
  // within half an FP32 ulp (2^-22 / 2 = 1.2e-7) of 3, so torch.log2 gives 3.0: microxcaling truncates on binade 3's
  // grid (step 1) -> 7.0 = 1.75 x 2^2 = 0 1001 110 = 0x4e; exact truncation on binade 2 (step 0.5) gives 7.5 = 0x4f.
  // Rounding to nearest gives 8 (0 1010 000 = 0x50) on either grid.
  const double x = 8.0 - std::ldexp(1.0, -21);
  EXPECT_EQ(quantize("mxfp8_e4m3", "microxcaling-floor", {256.0, x}).elements[1], 0x4Eu);
  EXPECT_EQ(quantize("mxfp8_e4m3", "microxcaling-even", {256.0, x}).elements[1], 0x50u);
  BlockFormat f = parse_block_format("mxfp8_e4m3");
  f.block_size = 2;
  Profile truncating = find_profile("ocp");
  truncating.element.rounding = Rounding::rtz;
  const std::vector<Value> block{value(256.0), value(x)};
  EXPECT_EQ(quantize_block(f, truncating, block).elements[1], 0x4Fu);
}

TEST(BlockQuantize, MicroxcalingNearestRoundsInFp32) {
  // E3M2 (m = 2, emin -2, smallest subnormal 2^-4). Block [1.5, t], t = 2^-9 (1 - 2^-24): amax 1.5 gives
  // X = 2^(0 - 4) = 2^-4 (code 0x7b), so the element is a = t / X = 2^-5 (1 - 2^-24). Its binade is clamped
  // to emin -2, so x = a x 2^(m - p) = a x 2^4 = 0.5 - 2^-25, just below a half. microxcaling computes
  // floor(fl32(x + 0.5)): 1 - 2^-25 is a tie between 1 - 2^-24 and 1.0 in FP32 and goes to the even 1.0,
  // so n = 1 and the element is 2^-4 (code 0x01). Exact rounding of x < 0.5 gives 0. (Found by the
  // cross-check against microxcaling itself, docs/crosschecks.md.)
  const double tiny = std::ldexp(1.0, -9) * (1.0 - std::ldexp(1.0, -24));  // 2^-5 (1 - 2^-24) x X
  EXPECT_EQ(quantize("mxfp6_e3m2", "microxcaling-nearest", {1.5, tiny}).scale, 0x7Bu);
  EXPECT_EQ(quantize("mxfp6_e3m2", "microxcaling-nearest", {1.5, tiny}).elements[1], 0x01u);
  EXPECT_EQ(quantize("mxfp6_e3m2", "microxcaling-even", {1.5, tiny}).elements[1], 0x01u);
  EXPECT_EQ(quantize("mxfp6_e3m2", "ocp", {1.5, tiny}).elements[1], 0x00u);
}

TEST(BlockQuantize, DequantizeMultipliesScaleAndElement) {
  // Scale 0x7E = 2^-1; E2M1 0xF = -6 -> -3; a NaN scale makes every value NaN.
  const BlockFormat f = parse_block_format("mxfp4_e2m1");
  const std::vector<std::uint64_t> codes{0xF, 0x1};
  const std::vector<Value> v = dequantize_block(f, 0x7E, codes);
  EXPECT_EQ(testing::to_double(v[0]), -3.0);
  EXPECT_EQ(testing::to_double(v[1]), 0.25);
  for (const Value& x : dequantize_block(f, 0xFF, codes)) EXPECT_TRUE(x.is_nan());
}

TEST(BlockQuantize, RejectsWrongBlockLengths) {
  const BlockFormat f = parse_block_format("mxfp8_e4m3");
  EXPECT_THROW(quantize_block(f, find_profile("ocp"), {}), std::invalid_argument);
  const std::vector<Value> too_many(33, value(1.0));
  EXPECT_THROW(quantize_block(f, find_profile("ocp"), too_many), std::invalid_argument);
  EXPECT_THROW(find_profile("nope"), std::invalid_argument);
}

TEST(BlockQuantize, MsfpIsSignMagnitudeBlockFloatingPoint) {
  // msfp12: 4-bit sign-magnitude mantissas k / 8 (|k| <= 7), shared E8M0 exponent, OCP rule with emax
  // floor(log2(7/8)) = -1. Block [1, -0.25, -0.01]: X = 2^(0 + 1) = 2; 1/2 = 4/8 -> 0x4; -0.25/2 = -1/8
  // -> sign | 1 = 0x9; -0.005 rounds to -0 (0x8: sign-magnitude keeps it).
  const QuantizedBlock q = quantize("msfp12", "ocp", {1.0, -0.25, -0.01});
  EXPECT_EQ(q.scale, 0x80u);
  EXPECT_EQ(q.elements, (std::vector<std::uint64_t>{0x4, 0x9, 0x8}));
}

TEST(BlockFormats, NamesAndCustomGrammar) {
  EXPECT_EQ(parse_block_format("mxfp6_e2m3").element, e2m3);
  EXPECT_EQ(parse_block_format("mxfp6_e2m3").block_size, 32);
  EXPECT_EQ(parse_block_format("nvfp4").scale, ue4m3);
  EXPECT_EQ(parse_block_format("nvfp4").block_size, 16);
  const BlockFormat custom = parse_block_format("e5m3/e6m0/64");
  EXPECT_EQ(custom.block_size, 64);
  EXPECT_EQ(custom.scale.exponent_bits, 6);
  EXPECT_EQ(block_format_name(parse_block_format("e4m3")), "mxfp8_e4m3");
  EXPECT_THROW(parse_block_format("e4m3/e8m0/0"), FormatNameError);
  EXPECT_THROW(parse_block_format("e4m3/int8"), FormatNameError);
}

}  // namespace
}  // namespace mxref
