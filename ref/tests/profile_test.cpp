// Third-party profiles, each expected value derived in the comment from the third party's documented rule
// (file and behaviour named in docs/spec-notes/profile-*.md) or taken from its own published test vectors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "exact_values.hpp"
#include "ref/block/block_format.hpp"
#include "ref/block/quantize.hpp"

namespace mxref {
namespace {

using testing::value;
using Codes = std::vector<std::uint64_t>;

}  // namespace

// Readable failures: "scale 0x78, elements {0x7e}, flags 1".
void PrintTo(const QuantizedBlock& q, std::ostream* os) {
  *os << std::hex << "scale 0x" << q.scale << ", elements {";
  for (std::size_t i = 0; i < q.elements.size(); ++i) *os << (i ? ", 0x" : "0x") << q.elements[i];
  *os << "}, flags " << std::dec << int{q.flags};
}

namespace {

double from_bits(std::uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

QuantizedBlock quantize(const char* format, const char* profile, std::vector<double> xs) {
  BlockFormat f = parse_block_format(format);
  f.block_size = static_cast<int>(xs.size());
  std::vector<Value> values;
  for (const double x : xs) values.push_back(value(x));
  return quantize_block(f, find_profile(profile), values);
}

// ---- torchao <= 0.18 FLOOR / CEIL / EVEN -----------------------------------------------------------

TEST(Torchao, FloorGoldenCases) {
  // torchao's MXFP8 semantic cases: all 480 -> scale 127 (480 = 1.875 x 2^8, 8 - 8 = 0), 480 saturates to 0x7e;
  // FLT_MAX (2^127 x 1.99...) -> 127 - 8 + 127 = 246, 511.99997 saturates to 0x7e.
  EXPECT_EQ(quantize("mxfp8_e4m3", "torchao-floor", {480.0, 480.0}), (QuantizedBlock{127, {0x7E, 0x7E}, 3}));
  const QuantizedBlock big = quantize("mxfp8_e4m3", "torchao-floor", {from_bits(0x7F7FFFFF)});
  EXPECT_EQ(big.scale, 246u);
  EXPECT_EQ(big.elements, Codes{0x7E});
}

TEST(Torchao, SmallestScaleDividesBy2ToTheMinus126) {
  // amax 2^-130: -130 - 8 clamps to -127, code 0 (2^-127). torchao divides by max(2^-127, 2^-126) = 2^-126:
  // 2^-130 / 2^-126 = 2^-4 -> E4M3 0 0011 000 = 0x18. The exact OCP division by 2^-127 gives 2^-3 = 0x20.
  EXPECT_EQ(quantize("mxfp8_e4m3", "torchao-floor", {std::ldexp(1.0, -130)}).elements, Codes{0x18});
  EXPECT_EQ(quantize("mxfp8_e4m3", "ocp", {std::ldexp(1.0, -130)}).elements, Codes{0x20});
}

TEST(Torchao, CeilAndEven) {
  // E2M1 (emax 2, one mantissa bit). CEIL: amax 1.0 is a power of two -> 0 - 2 -> 125; 1.5 -> 1 - 2 -> 126.
  EXPECT_EQ(quantize("mxfp4_e2m1", "torchao-ceil", {1.0}).scale, 125u);
  EXPECT_EQ(quantize("mxfp4_e2m1", "torchao-ceil", {1.5}).scale, 126u);
  // EVEN adds 2^(22 - 1) to the bits: 1.9375 (0x3ff80000) + 0x200000 = 0x40180000 -> exponent 1 -> 126;
  // 1.7 (0x3fd9999a) + 0x200000 = 0x3ff9999a -> exponent 0 -> 125. FLOOR gives 125 for both.
  EXPECT_EQ(quantize("mxfp4_e2m1", "torchao-even", {1.9375}).scale, 126u);
  EXPECT_EQ(quantize("mxfp4_e2m1", "torchao-even", {1.7}).scale, 125u);
  EXPECT_EQ(quantize("mxfp4_e2m1", "torchao-floor", {1.9375}).scale, 125u);
}

TEST(Torchao, NanAndInfBlocks) {
  // NaN amax -> 0xff; the FP32 scale 0xff << 23 is +Inf: finite values / Inf -> +-0 (E4M3 0x00, 0x80),
  // NaN stays NaN (0x7f).
  EXPECT_EQ(quantize("mxfp8_e4m3", "torchao-floor", {1.0, -1.0, NAN}), (QuantizedBlock{0xFF, {0x00, 0x80, 0x7F}, 0}));
  // Inf amax (no NaN) keeps the arithmetic value: exponent field 255 -> 128, 128 - 8 + 127 = 247. Inf / 2^120
  // is Inf, saturated to 0x7e; 1.0 / 2^120 underflows to 0.
  const QuantizedBlock inf = quantize("mxfp8_e4m3", "torchao-floor", {INFINITY, 1.0});
  EXPECT_EQ(inf.scale, 247u);
  EXPECT_EQ(inf.elements, (Codes{0x7E, 0x00}));
  // E5M2 could hold the Inf, but torchao clamps to ±57344 before the cast: 0x7b, 0xfb. Scale 128 - 15 + 127.
  const QuantizedBlock e5m2 = quantize("mxfp8_e5m2", "torchao-floor", {INFINITY, -INFINITY});
  EXPECT_EQ(e5m2.scale, 240u);
  EXPECT_EQ(e5m2.elements, (Codes{0x7B, 0xFB}));
}

// ---- torchao 0.18 RCEIL ------------------------------------------------------------------------------

TEST(Torchao, RceilGoldenCases) {
  // all 480: fl32(480 / 448) = 1.0714..., log2 = 0.0995 -> ceil 1 -> 128; 480 x 2^-1 = 240 = 0x77.
  EXPECT_EQ(quantize("mxfp8_e4m3", "torchao-rceil", {480.0}), (QuantizedBlock{128, {0x77}, 0}));
  // FLT_MAX / 448 -> log2 = 119.19 -> 120 -> 247; FLT_MAX x 2^-120 = 255.99998 -> RNE 256 = 0x78.
  EXPECT_EQ(quantize("mxfp8_e4m3", "torchao-rceil", {from_bits(0x7F7FFFFF)}).elements, Codes{0x78});
  EXPECT_EQ(quantize("mxfp8_e4m3", "torchao-rceil", {from_bits(0x7F7FFFFF)}).scale, 247u);
  // 0x40600001 = 3.5 + 2^-22: / 448 = 2^-7 + 5.3e-10, 0.57 of an ulp (2^-30) above 2^-7, so it rounds up to
  // 2^-7 (1 + 2^-23); log2 of that is -7 + 1.7e-7, less than half an ulp (4.8e-7) of -7: log2f gives
  // exactly -7.0 and the ceil misses the bump: 120, not the exact 121. 3.5000002 x 2^7 = 448.00003 -> 0x7e.
  EXPECT_EQ(quantize("mxfp8_e4m3", "torchao-rceil", {from_bits(0x40600001)}),
            (QuantizedBlock{120, {0x7E}, 1}));  // inexact, not overflow: 448.00003 rounds to 448
  // A zero block: descale 0 -> code 0, and the reciprocal of code 0 is taken as 1: values pass unscaled.
  EXPECT_EQ(quantize("mxfp8_e4m3", "torchao-rceil", {0.0}).scale, 0u);
  // NaN -> 255; Inf -> 254.
  EXPECT_EQ(quantize("mxfp8_e4m3", "torchao-rceil", {NAN}).scale, 255u);
  EXPECT_EQ(quantize("mxfp8_e4m3", "torchao-rceil", {INFINITY}).scale, 254u);
}

// ---- TransformerEngine MXFP8 (nvidia-rceil) ----------------------------------------------------------

TEST(NvidiaRceil, MultipliesByTheRoundedReciprocal) {
  // fl32(1/448) = 0x3b124925 = (1/448)(1 + 4.5e-8). 3.5000002 x that = 2^-7 (1 + 1.13e-7): 0.95 ulp above
  // 2^-7, rounds to 2^-7 (1 + 2^-23): mantissa not zero -> round up to 2^-6 (121). 3.5000002 x 2^6 =
  // 224.00001 -> 224 = 0x76. (torchao's semantic test case for RCEIL gives the same.)
  EXPECT_EQ(quantize("mxfp8_e4m3", "nvidia-rceil", {from_bits(0x40600001)}), (QuantizedBlock{121, {0x76}, 1}));
  // bf16 3.5 exactly: 3.5 x fl32(1/448) = 2^-7 (1 + 4.5e-8) rounds to 2^-7 exactly: no round-up, 120;
  // 3.5 x 2^7 = 448 = 0x7e. The exact recipe formula agrees here (3.5 / 448 = 2^-7).
  EXPECT_EQ(quantize("mxfp8_e4m3", "nvidia-rceil", {3.5}), (QuantizedBlock{120, {0x7E}, 0}));
}

TEST(NvidiaRceil, SubnormalDescalesLoseTheRoundUp) {
  // E5M2, amax 1.75 x 2^-112 x (1 + 2^-23): amax / 57344 = 2^-127 (1 + 2^-23/1.75), so the exact rule
  // gives 2^-126 (code 1). TransformerEngine's FP32 product is subnormal there (spacing 2^-149, 2^-22
  // relative) and rounds to 2^-127 exactly, whose mantissa 0x400000 is not above half: code 0.
  const double amax = std::ldexp(static_cast<double>(0xE00001), -135);
  EXPECT_EQ(quantize("mxfp8_e5m2", "rceil", {amax}).scale, 1u);
  EXPECT_EQ(quantize("mxfp8_e5m2", "nvidia-rceil", {amax}).scale, 0u);
}

TEST(NvidiaRceil, NanIgnoredInfSaturates) {
  // amax ignores NaN (fmaxf): amax 1 -> fl32(1/448) = 2^-9 x 1.14 -> exponent -9, mantissa set -> -8 (119);
  // 1 x 2^8 = 256 (0x78), NaN -> 0x7f.
  EXPECT_EQ(quantize("mxfp8_e4m3", "nvidia-rceil", {1.0, NAN}), (QuantizedBlock{119, {0x78, 0x7F}, 0}));
  // Inf: the descale is Inf, satfinite -> 0xfe (2^127); Inf x 2^-127 = Inf -> satfinite 0x7e; 1 -> 0.
  const QuantizedBlock inf = quantize("mxfp8_e4m3", "nvidia-rceil", {INFINITY, 1.0});
  EXPECT_EQ(inf.scale, 0xFEu);
  EXPECT_EQ(inf.elements, (Codes{0x7E, 0x00}));
}

// ---- NVFP4 ---------------------------------------------------------------------------------------------

TEST(Nvfp4, ExactOneLevel) {
  // s = e4m3(amax / 6). [6, 1]: s = 1 (0x38); 6 -> E2M1 0x7, 1 -> 0x2. [12, 1]: s = 2 (0x40); 6 (0x7), 0.5 (0x1).
  EXPECT_EQ(quantize("nvfp4", "nvfp4", {6.0, 1.0}), (QuantizedBlock{0x38, {0x7, 0x2}, 0}));
  EXPECT_EQ(quantize("nvfp4", "nvfp4", {12.0, 1.0}), (QuantizedBlock{0x40, {0x7, 0x1}, 0}));
  // [7, 1]: 7/6 = 1.1667 -> nearer 1.125 (0x39) than 1.25; 7 / 1.125 = 6.2 saturates to 6 (0x7);
  // 1 / 1.125 = 0.89 -> 1.0 (0x2).
  const QuantizedBlock q = quantize("nvfp4", "nvfp4", {7.0, 1.0});
  EXPECT_EQ(q.scale, 0x39u);
  EXPECT_EQ(q.elements, (Codes{0x7, 0x2}));
}

TEST(Nvfp4, TwoLevelsExact) {
  // Tensor amax 5376 -> decode scale fl32(5376 / 2688) = 2. Block [5376, 1]: s = e4m3(5376 / (6 x 2)) = 448
  // (0x7e); 5376 / (448 x 2) = 6 (0x7); 1 / 896 rounds to 0.
  BlockFormat f = parse_block_format("nvfp4");
  f.block_size = 2;
  const TensorScale t = tensor_scale_for(ScaleRule::amax_over_max, f, value(5376.0));
  EXPECT_EQ(t.decode, testing::dyadic(2.0));
  const std::vector<Value> block{value(5376.0), value(1.0)};
  EXPECT_EQ(quantize_block(f, find_profile("nvfp4"), block, t),
            (QuantizedBlock{0x7E, {0x7, 0x0}, 5}));  // inexact + underflow
}

TEST(Nvfp4, TinyBlocksShowEachImplementation) {
  // Block [0.01]. Exact and TransformerEngine: 0.01 / 6 = 0.00167 -> E4M3's smallest subnormal 2^-9 (0x01)
  // is nearer than 0; 0.01 / 2^-9 = 5.12 -> 6 (0x7). torchao clamps the scale up to 2^-6 (0x08):
  // 0.01 x 64 = 0.64 -> 0.5 (0x1).
  EXPECT_EQ(quantize("nvfp4", "nvfp4", {0.01}).scale, 0x01u);
  EXPECT_EQ(quantize("nvfp4", "nvfp4", {0.01}).elements, Codes{0x7});
  EXPECT_EQ(quantize("nvfp4", "nvfp4-te", {0.01}).scale, 0x01u);
  EXPECT_EQ(quantize("nvfp4", "nvfp4-te", {0.01}).elements, Codes{0x7});
  EXPECT_EQ(quantize("nvfp4", "nvfp4-torchao", {0.01}).scale, 0x08u);
  EXPECT_EQ(quantize("nvfp4", "nvfp4-torchao", {0.01}).elements, Codes{0x1});
  // A zero block: torchao stores 2^-6 (0x08), never 0; TransformerEngine stores 0 and multiplies by
  // FLT_MAX (1 / 0 capped), which leaves the zeros zero.
  EXPECT_EQ(quantize("nvfp4", "nvfp4-torchao", {0.0}), (QuantizedBlock{0x08, {0x0}, 0}));
  EXPECT_EQ(quantize("nvfp4", "nvfp4-te", {0.0}), (QuantizedBlock{0x00, {0x0}, 0}));
}

TEST(Nvfp4, ZeroDivisorsSaturate) {
  // Exact profile, tensor amax 2688 -> pts = 1. Block [2^-12, 0, -2^-12]: 2^-12 / 6 = 2^-14.6 is below
  // half E4M3's smallest subnormal (2^-10): s = 0 (0x00). Then 2^-12 / (0 x 1) is +Inf -> 6 (0x7), the
  // zero stays 0, -2^-12 -> -6 (0xF) -- TransformerEngine's 1 / 0 capped at FLT_MAX gives the same codes.
  BlockFormat f = parse_block_format("nvfp4");
  f.block_size = 3;
  const TensorScale one = tensor_scale_for(ScaleRule::amax_over_max, f, value(2688.0));
  EXPECT_EQ(one.decode, testing::dyadic(1.0));
  const std::vector<Value> tiny{value(std::ldexp(1.0, -12)), value(0.0), value(-std::ldexp(1.0, -12))};
  for (const char* profile : {"nvfp4", "nvfp4-te"}) {
    const TensorScale t = tensor_scale_for(find_profile(profile).rule, f, value(2688.0));
    const QuantizedBlock q = quantize_block(f, find_profile(profile), tiny, t);
    EXPECT_EQ(q.scale, 0x00u) << profile;
    EXPECT_EQ(q.elements, (Codes{0x7, 0x0, 0xF})) << profile;
  }
  // Tensor amax 2^-140: pts = 2^-140 / 2688 = 2^-151.4 rounds to FP32 zero. A nonzero block amax over
  // 6 x 0 is +Inf: the scale saturates to 448 (0x7E), and every nonzero element to 6.
  const TensorScale zero = tensor_scale_for(ScaleRule::amax_over_max, f, value(std::ldexp(1.0, -140)));
  EXPECT_TRUE(zero.decode.is_zero());
  const std::vector<Value> small{value(std::ldexp(1.0, -140)), value(-std::ldexp(1.0, -141)), value(-0.0)};
  const QuantizedBlock q = quantize_block(f, find_profile("nvfp4"), small, zero);
  EXPECT_EQ(q.scale, 0x7Eu);
  EXPECT_EQ(q.elements, (Codes{0x7, 0xF, 0x8}));
}

TEST(Nvfp4, TransformerEngineTensorScale) {
  // S_enc = fl32(2688 / amax), 1 when amax is 0 or S_enc underflows to 0; S_dec = fl32(1 / S_enc).
  BlockFormat f = parse_block_format("nvfp4");
  const TensorScale t = tensor_scale_for(ScaleRule::nvfp4_te, f, value(1344.0));
  EXPECT_EQ(t.encode, testing::dyadic(2.0));
  EXPECT_EQ(t.decode, testing::dyadic(0.5));
  EXPECT_EQ(tensor_scale_for(ScaleRule::nvfp4_te, f, value(0.0)).encode, testing::dyadic(1.0));
  EXPECT_EQ(tensor_scale_for(ScaleRule::nvfp4_te, f, value(INFINITY)).encode, testing::dyadic(1.0));
}

// ---- pychop and Intel Neural Compressor (auto-round) ------------------------------------------------------

TEST(Pychop, MxDropsTheSignOfZerosAndReachesMinusTwoInMxint8) {
  // E4M3 [1, -2^-20]: X = 2^-8; -2^-12 is below half the smallest subnormal (2^-9): 0, and pychop
  // returns +0.0 for it (0x00, not OCP's 0x80).
  EXPECT_EQ(quantize("mxfp8_e4m3", "pychop", {1.0, -std::ldexp(1.0, -20)}).elements[1], 0x00u);
  EXPECT_EQ(quantize("mxfp8_e4m3", "ocp", {1.0, -std::ldexp(1.0, -20)}).elements[1], 0x80u);
  // MXINT8 [-1.9990234375]: X = 1 (floor(log2) = 0, emax 0); x 64 = -127.94 -> rint -128: pychop clips to
  // [-128, 127], so the code is 0x80 (-2.0); OCP saturates to -127/64 (0x81).
  EXPECT_EQ(quantize("mxint8", "pychop", {-1.9990234375}).elements, Codes{0x80});
  EXPECT_EQ(quantize("mxint8", "ocp", {-1.9990234375}).elements, Codes{0x81});
}

TEST(Pychop, NanIgnoredInfTakesTheLargestScale) {
  // np.nanmax skips NaN: [4, NaN] in E2M1 -> X = 2^(2 - 2) = 1 (0x7f); Inf -> the largest exponent 127 (0xfe).
  EXPECT_EQ(quantize("mxfp4_e2m1", "pychop", {4.0, NAN}).scale, 0x7Fu);
  EXPECT_EQ(quantize("mxfp4_e2m1", "pychop", {INFINITY, 1.0}).scale, 0xFEu);
}

TEST(Pychop, BfpScaleIsTheCeilingOfAmaxOverTheLargestMantissa) {
  // bfp8: mantissas k / 128, |k| <= 127. amax 1.0: 1 / (127/128) = 1.0079 -> ceil(log2) = 1 -> X = 2 (0x80);
  // 1.0 / 2 = 0.5 = 64/128 -> two's complement 0x40. amax 0.99 / (127/128) = 0.9978 -> X = 1 (0x7f).
  EXPECT_EQ(quantize("bfp8", "pychop-bfp", {1.0}), (QuantizedBlock{0x80, {0x40}, 0}));
  EXPECT_EQ(quantize("bfp8", "pychop-bfp", {0.99}).scale, 0x7Fu);
  // Negative saturation reaches -1 (0x80): flexpoint8's scale tops out at 2^15, -2^20 / 2^15 -> -1.
  EXPECT_EQ(quantize("flexpoint8", "pychop-bfp", {-std::ldexp(1.0, 20)}).elements, Codes{0x80});
}

std::vector<Value> fake_quantize(const char* format, const char* profile, std::vector<double> xs) {
  BlockFormat f = parse_block_format(format);
  f.block_size = static_cast<int>(xs.size());
  std::vector<Value> values;
  for (const double x : xs) values.push_back(value(x));
  return fake_quantize_block(f, find_profile(profile), values);
}

TEST(Inc, ZeroBlocks) {
  // quant_mx reads a zero amax as exponent 1: E4M3 -> 1 - 8 = -7 (0x78); microxcaling gives 0x00.
  EXPECT_EQ(quantize("mxfp8_e4m3", "inc", {0.0, 0.0}).scale, 0x78u);
  // quant_mx_rceil's exponent 1 has no emax subtracted: 2^1 (0x80), whatever the element.
  EXPECT_EQ(quantize("mxfp8_e4m3", "inc-rceil", {0.0, 0.0}).scale, 0x80u);
  EXPECT_EQ(quantize("mxfp4_e2m1", "inc-rceil-v2", {0.0}).scale, 0x80u);
}

TEST(Inc, NanOrInfinityMakesTheBlockNan) {
  // floor_ste(log2 Inf) = (Inf - Inf) + Inf = NaN, and NaN propagates through amax: the NaN scale, so
  // every value of the block NaN (not 2^127 with Inf saturating to 448).
  for (const char* profile : {"inc", "inc-nearest", "inc-floor", "inc-rceil", "inc-rceil-v2", "inc-rceil-cuda"}) {
    SCOPED_TRACE(profile);
    EXPECT_EQ(quantize("mxfp8_e4m3", profile, {INFINITY, 1.0}).scale, 0xFFu);
    EXPECT_EQ(quantize("mxfp8_e4m3", profile, {-INFINITY, 1.0}).scale, 0xFFu);
    EXPECT_EQ(quantize("mxfp8_e4m3", profile, {NAN, 1.0}).scale, 0xFFu);
    const std::vector<Value> y = fake_quantize("mxfp8_e4m3", profile, {1.0, INFINITY});
    EXPECT_TRUE(y[0].is_nan() && y[1].is_nan());
  }
}

TEST(Inc, RceilTakesTheCeilingOfAmaxOverMax) {
  // E2M1 (max 6, emax 2): amax 6 -> 6 / 6 = 1, ceil(log2) = 0 -> 2^0 (0x7f); amax 6.5 -> 1.083 -> 2^1 (0x80).
  // quant_mx floors instead: floor(log2 6.5) - 2 = 0 -> 0x7f.
  EXPECT_EQ(quantize("mxfp4_e2m1", "inc-rceil", {6.0}).scale, 0x7Fu);
  EXPECT_EQ(quantize("mxfp4_e2m1", "inc-rceil", {6.5}).scale, 0x80u);
  EXPECT_EQ(quantize("mxfp4_e2m1", "inc", {6.5}).scale, 0x7Fu);
  // E4M3: 448 -> 2^0, 449 -> 2^1; 0.875 -> 0.875 / 448 = 2^-9 exactly -> 2^-9 (0x76).
  EXPECT_EQ(quantize("mxfp8_e4m3", "inc-rceil", {448.0}).scale, 0x7Fu);
  EXPECT_EQ(quantize("mxfp8_e4m3", "inc-rceil", {449.0}).scale, 0x80u);
  EXPECT_EQ(quantize("mxfp8_e4m3", "inc-rceil", {0.875}).scale, 0x76u);
}

TEST(Inc, RceilV2DividesBy7Point25) {
  // E2M1 amax 7: quant_mx_rceil 7 / 6 = 1.17 -> 2^1 (0x80), elements 7 / 2 = 3.5 -> 4 ('even': floor(4.0),
  // 3.0 is odd) = 0x6; quant_mx_rceil_v2 7 / 7.25 = 0.966 -> 2^0 (0x7f), 7 clamped to 6 (0x7).
  EXPECT_EQ(quantize("mxfp4_e2m1", "inc-rceil", {7.0}), (QuantizedBlock{0x80, {0x6}, 1}));
  EXPECT_EQ(quantize("mxfp4_e2m1", "inc-rceil-v2", {7.0}).scale, 0x7Fu);
  EXPECT_EQ(quantize("mxfp4_e2m1", "inc-rceil-v2", {7.0}).elements, Codes{0x7});
  // 7.25 -> 2^0, 7.2500005 (the next FP32) -> 2^1.
  EXPECT_EQ(quantize("mxfp4_e2m1", "inc-rceil-v2", {7.25}).scale, 0x7Fu);
  EXPECT_EQ(quantize("mxfp4_e2m1", "inc-rceil-v2", {from_bits(0x40E80001)}).scale, 0x80u);
}

TEST(Inc, RceilQuotientUnderflowMakesTheBlockNan) {
  // E2M1, amax 3 x 2^-149: fl32(amax / 6) = 2^-150, a tie between 0 and 2^-149 -> 0 (even); log2(0) = -Inf
  // and ceil_ste(-Inf) = (-Inf + Inf) - Inf = NaN: the NaN scale. amax 4 x 2^-149: 0.667 x 2^-149 -> 2^-149,
  // ceil(log2) = -149, clamped to -127 (0x00).
  EXPECT_EQ(quantize("mxfp4_e2m1", "inc-rceil", {3 * std::ldexp(1.0, -149)}).scale, 0xFFu);
  EXPECT_EQ(quantize("mxfp4_e2m1", "inc-rceil", {4 * std::ldexp(1.0, -149)}).scale, 0x00u);
  // On CUDA the quotient is fl32(amax x fl32(1/6)); fl32(1/6) = 11184811 x 2^-26 (rounded up), so
  // 3 x 2^-149 x it = (2^25 + 1) x 2^-175, just above the tie -> 2^-149: no NaN, 0x00.
  EXPECT_EQ(quantize("mxfp4_e2m1", "inc-rceil-cuda", {3 * std::ldexp(1.0, -149)}).scale, 0x00u);
}

TEST(Inc, RceilOnCudaMultipliesByTheRoundedReciprocal) {
  // MXINT8 (max 127/64), amax 0x3C7E0003 = 16646147 x 2^-30 = (127 x 2^17 + 3) x 2^-30. True division:
  // amax / max = 2^-7 + (3/127) 2^-24, 1.51 FP32 ulps (2^-30) above 2^-7 -> 2^-7 (1 + 2^-22); log2 =
  // -7 + 3.4e-7, above half an ulp of 7 (2.4e-7), -> -7 + 2^-21: ceil -6 (0x79). CUDA: fl32(64/127) =
  // 2^-1 (1 + 2^-7 + 2^-14 + 2^-21) (rounded down); amax x it = 2^-7 (1 + 6209923 x 2^-45), 1.48 ulps
  // -> 2^-7 (1 + 2^-23); log2 = -7 + 1.7e-7 -> -7: ceil -7 (0x78).
  const double amax = from_bits(0x3C7E0003);
  EXPECT_EQ(quantize("mxint8", "inc-rceil", {amax}).scale, 0x79u);
  EXPECT_EQ(quantize("mxint8", "inc-rceil-cuda", {amax}).scale, 0x78u);
}

TEST(Inc, NearestRoundsTheExactValueHalfToEven) {
  // E3M2 (m = 2, emin -2). Block [1.5, t], t = 2^-9 (1 - 2^-24): X = 2^(0 - 4) (0x7b), a = t / X =
  // 2^-5 (1 - 2^-24) (1.5 / X = 24 = 0x1e), binade clamped to -2, x = a x 2^4 = 0.5 - 2^-25. 'even' computes
  // floor(fl32(x + 0.5)): 1 - 2^-25 ties to 1.0 in FP32, n = 1 (x - 0.5 is no even integer): 2^-4 (0x01). 'nearest' is
  // torch.round of x itself: 0 (0x00).
  const double t = std::ldexp(1.0 - std::ldexp(1.0, -24), -9);
  EXPECT_EQ(quantize("mxfp6_e3m2", "inc", {1.5, t}), (QuantizedBlock{0x7B, {0x1E, 0x01}, 1}));
  EXPECT_EQ(quantize("mxfp6_e3m2", "inc-nearest", {1.5, t}).elements[1], 0x00u);
  // Ties: E2M1 [4, 2.5, 3.5, 0.25] with X = 1: 2.5 -> 2 (0x4) and 3.5 -> 4 (0x6) for 'even' and 'nearest';
  // 0.25 (x = 0.5 on binade 0) -> 0 for both; microxcaling's 'nearest' (ties away) gives 3 (0x5) for 2.5.
  for (const char* profile : {"inc", "inc-nearest"}) {
    SCOPED_TRACE(profile);
    EXPECT_EQ(quantize("mxfp4_e2m1", profile, {4.0, 2.5, 3.5, 0.25}).elements, (Codes{0x6, 0x4, 0x6, 0x0}));
  }
  EXPECT_EQ(quantize("mxfp4_e2m1", "microxcaling-nearest", {4.0, 2.5}).elements[1], 0x5u);
}

TEST(Inc, FloorClampsBeforeTruncating) {
  // E5M2 (max 57344, emax 15), block [-(0.5 - 2^-25)]: fl32(log2 |amax|) = -1 - 2^-23 (the exact
  // -1 - 8.6e-8 is nearer it than -1), floor -2, X = 2^-17 (0x6e). The quotient 65535.996 is clamped to
  // 57344 before rounding: -57344 (0xfb). Truncating 65535.996 on its own binade (float log2 16, step
  // 16384) would give -49152 (0xfa), as microxcaling, which clamps only after rounding, does.
  const double x = -(0.5 - std::ldexp(1.0, -25));
  EXPECT_EQ(quantize("mxfp8_e5m2", "inc-floor", {x}), (QuantizedBlock{0x6E, {0xFB}, 3}));
  EXPECT_EQ(quantize("mxfp8_e5m2", "microxcaling-floor", {x}).elements, Codes{0xFA});
}

TEST(Inc, SignOfZeros) {
  // An exact -0 ends +0 (torch.sign(-0) = 0, and x / scale + 0 is +0). A negative value whose FP32
  // quotient x / scale is a subnormal keeps its sign through sign(x) x 0: -0. One whose quotient
  // underflows to zero ends +0. E4M3 [2^100, -2^-50, -2^-60, -0]: X = 2^92; -2^-142 is an FP32 subnormal
  // -> -0 (0x80); -2^-152 is below half of 2^-149 -> -0 -> +0 (0x00).
  EXPECT_EQ(quantize("mxfp8_e4m3", "inc", {std::ldexp(1.0, 100), -std::ldexp(1.0, -50), -std::ldexp(1.0, -60), -0.0})
                .elements,
            (Codes{0x78, 0x80, 0x00, 0x00}));
  // MXINT8 has no -0 code; fake quantization gives the same signs (X = 2^100: -2^-140 and -2^-160).
  const std::vector<Value> y =
      fake_quantize("mxint8", "inc", {std::ldexp(1.0, 100), -std::ldexp(1.0, -40), -std::ldexp(1.0, -60), -0.0});
  EXPECT_TRUE(y[1].is_zero() && y[1].negative);
  EXPECT_TRUE(y[2].is_zero() && !y[2].negative);
  EXPECT_TRUE(y[3].is_zero() && !y[3].negative);
}

TEST(Profiles, BitLevelRulesNeedE8m0) {
  BlockFormat f = parse_block_format("e4m3/ue4m3/2");
  const std::vector<Value> values{value(1.0), value(2.0)};
  EXPECT_THROW(quantize_block(f, find_profile("torchao-floor"), values), std::invalid_argument);
  EXPECT_NO_THROW(quantize_block(f, find_profile("ocp"), values));
}

}  // namespace
}  // namespace mxref
