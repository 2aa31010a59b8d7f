// Third-party profiles, each expected value derived in the comment from the third party's documented rule
// (file and behaviour named in docs/spec-notes/profile-*.md) or taken from its own published test vectors.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "exact_values.hpp"
#include "ref/block/block_format.hpp"
#include "ref/block/quantize.hpp"
#include "ref/block/scale_rule.hpp"
#include "ref/decode.hpp"
#include "ref/encode.hpp"
#include "ref/format.hpp"

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

TEST(Torchao, RceilOnCudaMultipliesByTheRoundedReciprocal) {
  // amax 0x3cc00002 = (1.5 + 2^-22) x 2^-6, E2M1 (max 6). CPU: amax / 6 = 2^-8 (1 + 2^-22 / 1.5), 1.33 ulps
  // above 2^-8 -> 2^-8 (1 + 2^-23); log2 = -8 + 1.72e-7, under half an ulp of -8 (2^-22 = 2.4e-7 there):
  // exactly -8 -> code 119; amax x 2^8 = 6.0000005 saturates to 6 (0x7). CUDA divides by the Python scalar 6
  // as a multiply by fl32(1/6) = 0.16666667163 (1 + 1.8e-7 relative): 2^-8 (1 + 1.9e-7), 1.58 ulps -> 2 ulps,
  // log2 = -8 + 3.4e-7 rounds to -8 + 2^-21 -> ceil -7 -> code 120; amax x 2^7 = 3.0000002 -> 3 (0x5).
  EXPECT_EQ(quantize("mxfp4_e2m1", "torchao-rceil", {from_bits(0x3CC00002)}).scale, 119u);
  EXPECT_EQ(quantize("mxfp4_e2m1", "torchao-rceil", {from_bits(0x3CC00002)}).elements, Codes{0x7});
  EXPECT_EQ(quantize("mxfp4_e2m1", "torchao-rceil-cuda", {from_bits(0x3CC00002)}).scale, 120u);
  EXPECT_EQ(quantize("mxfp4_e2m1", "torchao-rceil-cuda", {from_bits(0x3CC00002)}).elements, Codes{0x5});
}

// ---- torchao 0.19 FLOOR / CEIL / EVEN / RCEIL -----------------------------------------------------------

TEST(Torchao019, ScalesAsBeforeForFiniteBlocks) {
  // The exponent rules are 0.18's for a finite amax: 480 -> 8 - 8 -> 127 (FLOOR), CEIL one up (1.875 has
  // mantissa bits) -> 128, EVEN: 480 + 2^(22 - 3) carries nothing (0x43f00000 + 0x80000) -> 127.
  EXPECT_EQ(quantize("mxfp8_e4m3", "torchao-0.19-floor", {480.0}).scale, 127u);
  EXPECT_EQ(quantize("mxfp8_e4m3", "torchao-0.19-ceil", {480.0}).scale, 128u);
  EXPECT_EQ(quantize("mxfp8_e4m3", "torchao-0.19-even", {480.0}).scale, 127u);
  // 480 x 2^(127 - 128) = 240 = 1.875 x 2^7 -> E4M3 0 1110 111 = 0x77.
  EXPECT_EQ(quantize("mxfp8_e4m3", "torchao-0.19-ceil", {480.0}).elements, Codes{0x77});
}

TEST(Torchao019, SmallestScaleMultipliesBy2To127) {
  // amax 2^-130 -> code 0; 0.19 multiplies by the exact reciprocal 2^127: 2^-3 -> E4M3 0 0100 000 = 0x20,
  // where 0.18 divides by 2^-126 (0x18).
  EXPECT_EQ(quantize("mxfp8_e4m3", "torchao-0.19-floor", {std::ldexp(1.0, -130)}).elements, Codes{0x20});
  EXPECT_EQ(quantize("mxfp8_e4m3", "torchao-floor", {std::ldexp(1.0, -130)}).elements, Codes{0x18});
}

TEST(Torchao019, NanAndInfBlocksGetTheNanScale) {
  // NaN amax -> 255 and the reciprocal 0x7f800001 is NaN: every element is that positive NaN, E4M3 0x7f,
  // the negative value and the NaN alike.
  EXPECT_EQ(quantize("mxfp8_e4m3", "torchao-0.19-floor", {1.0, -1.0, NAN}).elements, (Codes{0x7F, 0x7F, 0x7F}));
  // Inf amax: 0.18 gave the finite 247; 0.19 gives 255 for FLOOR, CEIL, EVEN and RCEIL.
  for (const char* p : {"torchao-0.19-floor", "torchao-0.19-ceil", "torchao-0.19-even", "torchao-0.19-rceil"}) {
    const QuantizedBlock q = quantize("mxfp8_e4m3", p, {INFINITY, -2.0});
    EXPECT_EQ(q.scale, 0xFFu) << p;
    EXPECT_EQ(q.elements, (Codes{0x7F, 0x7F})) << p;
  }
  // EVEN rounds FLT_MAX (0x7f7fffff) up by 2^19: the carry reaches exponent field 255 (+Inf) -> 255.
  // FLOOR keeps field 254: 127 - 8 + 127 = 246.
  EXPECT_EQ(quantize("mxfp8_e4m3", "torchao-0.19-even", {from_bits(0x7F7FFFFF)}).scale, 0xFFu);
  EXPECT_EQ(quantize("mxfp8_e4m3", "torchao-even", {from_bits(0x7F7FFFFF)}).scale, 247u);
  EXPECT_EQ(quantize("mxfp8_e4m3", "torchao-0.19-floor", {from_bits(0x7F7FFFFF)}).scale, 246u);
}

TEST(Torchao019, RceilIsTheRoundUpOfTheMultipliedDescale) {
  // 3.5000002 (0x40600001) x fl32(1/448) rounds to 2^-7 (1 + 2^-23): mantissa set -> 2^-6, code 121,
  // 3.5000002 x 2^6 = 224.00001 -> 224 = 0x76 (as nvidia-rceil; 0.18's log2 gives 120).
  EXPECT_EQ(quantize("mxfp8_e4m3", "torchao-0.19-rceil", {from_bits(0x40600001)}).scale, 121u);
  EXPECT_EQ(quantize("mxfp8_e4m3", "torchao-0.19-rceil", {from_bits(0x40600001)}).elements, Codes{0x76});
  // A zero block: descale 0 -> code 0, whose reciprocal is 2^127 (0.18: 1); 0 x 2^127 keeps the sign.
  EXPECT_EQ(quantize("mxfp8_e4m3", "torchao-0.19-rceil", {0.0, -0.0}), (QuantizedBlock{0, {0x00, 0x80}, 0}));
  // NaN is not ignored (nvidia-rceil's fmaxf ignores it): 255.
  EXPECT_EQ(quantize("mxfp8_e4m3", "torchao-0.19-rceil", {1.0, NAN}).scale, 0xFFu);
  EXPECT_EQ(quantize("mxfp8_e4m3", "nvidia-rceil", {1.0, NAN}).scale, 119u);
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

TEST(Nvfp4, TorchaoTensorScaleThatIsNotFinite) {
  // torchao's pts = fl32(amax / 2688) is +Inf for an Inf tensor amax. Block [1, -0.5, 0]: fl32(1/6) / Inf
  // = 0, clamped up to 2^-6 (0x08); the element factor fl32(fl32(1 / Inf) / 2^-6) = 0, so 1 x 0 = 0,
  // -0.5 x 0 = -0 (E2M1 0x8), 0 -> 0.
  BlockFormat f = parse_block_format("nvfp4");
  f.block_size = 3;
  const Profile& torchao = find_profile("nvfp4-torchao");
  const TensorScale inf = tensor_scale_for(ScaleRule::nvfp4_torchao, f, value(INFINITY));
  const std::vector<Value> finite{value(1.0), value(-0.5), value(0.0)};
  EXPECT_EQ(quantize_block(f, torchao, finite, inf), (QuantizedBlock{0x08, {0x0, 0x8, 0x0}, 0}));
  // A block holding the Inf: Inf / 6 / Inf is NaN, which passes the clamp: E4M3 NaN 0x7f.
  const std::vector<Value> infinite{value(INFINITY), value(1.0), value(2.0)};
  EXPECT_EQ(quantize_block(f, torchao, infinite, inf).scale, 0x7Fu);
  // A NaN tensor amax (torch.amax propagates NaN) makes every block's scale NaN.
  const TensorScale nan = tensor_scale_for(ScaleRule::nvfp4_torchao, f, Value::nan(false));
  EXPECT_EQ(quantize_block(f, torchao, finite, nan).scale, 0x7Fu);
  // The exact profile still refuses: its tensor scale is a value, and Inf is none.
  EXPECT_THROW(tensor_scale_for(ScaleRule::amax_over_max, f, value(INFINITY)), std::invalid_argument);
  // Fake quantization would need the Inf as a dequantization factor: refused.
  EXPECT_THROW(fake_quantize_block(f, torchao, finite, inf), std::invalid_argument);
}

TEST(Nvfp4, TorchaoOnCudaDividesBySixAsAMultiply) {
  // amax 0x3f63ffff = 57/64 - 2^-24. CPU: amax / 6 = 0.1484375 - 9.9e-9, 0.67 of an FP32 ulp (2^-26) below
  // the E4M3 midpoint 0.1484375 between 0.140625 (0x21) and 0.15625 (0x22): one ulp below it, so 0x21.
  // CUDA multiplies by fl32(1/6) = 1/6 (1 + 2.98e-8): 0.1484375 - 5.5e-9, 0.37 ulp below, rounds to the
  // midpoint itself, which E4M3 RNE takes to the even 0x22.
  EXPECT_EQ(quantize("nvfp4", "nvfp4-torchao", {from_bits(0x3F63FFFF)}).scale, 0x21u);
  EXPECT_EQ(quantize("nvfp4", "nvfp4-torchao-cuda", {from_bits(0x3F63FFFF)}).scale, 0x22u);
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

// FP32 bit patterns in, FP32 bit patterns out, through fake_quantize_block (a block as long as `bits`,
// padded to the format's block size as pychop pads a tensor's end).
std::vector<std::uint32_t> fake_fp32(const char* format, const char* profile, std::vector<std::uint32_t> bits) {
  const BlockFormat f = parse_block_format(format);
  std::vector<Value> values;
  for (const std::uint32_t b : bits) values.push_back(decode(fp32, b));
  std::vector<std::uint32_t> out;
  for (const Value& v : fake_quantize_block(f, find_profile(profile), values))
    out.push_back(static_cast<std::uint32_t>(encode(fp32, v, {}).code));
  return out;
}

using Bits = std::vector<std::uint32_t>;

// 32 copies of `fill` with the given positions overwritten.
Bits block32(std::uint32_t fill, std::initializer_list<std::pair<std::size_t, std::uint32_t>> at) {
  Bits b(32, fill);
  for (const auto& [i, v] : at) b[i] = v;
  return b;
}

TEST(Pychop, MxNanInputsGiveTheDefaultNan) {
  // _quantize_float_element and _quantize_element return np.nan for a NaN, stored as FP32 0x7FC00000 and
  // multiplied by a finite scale: -sNaN 0xFF800001 and +qNaN 0x7FC12345 both end 0x7FC00000 (E4M3, E2M1
  // without a NaN code, MXINT8 alike).
  for (const char* format : {"mxfp8_e4m3", "mxfp4_e2m1", "mxint8"}) {
    SCOPED_TRACE(format);
    const Bits y = fake_fp32(format, "pychop", block32(0x3F800000, {{0, 0xFF800001}, {1, 0x7FC12345}}));
    EXPECT_EQ(y[0], 0x7FC00000u);
    EXPECT_EQ(y[1], 0x7FC00000u);
    EXPECT_EQ(y[2], 0x3F800000u);
  }
}

TEST(Pychop, BfpNanInputsStayQuieted) {
  // The BFP path is FP32 arithmetic on the input (x / 2^e, x 2^(p-1), rint, clip, / 2^(p-1), x 2^e): a
  // NaN keeps its sign and payload and gets the quiet bit: 0xFF800001 -> 0xFFC00001, 0x7F812345 ->
  // 0x7FC12345, 0xFFC00000 unchanged.
  const Bits y =
      fake_fp32("bfp8", "pychop-bfp", block32(0x3F800000, {{0, 0xFF800001}, {1, 0x7F812345}, {2, 0xFFC00000}}));
  EXPECT_EQ(y[0], 0xFFC00001u);
  EXPECT_EQ(y[1], 0x7FC12345u);
  EXPECT_EQ(y[2], 0xFFC00000u);
}

TEST(Pychop, BlockWithoutNonzeroValuesIsPositiveZeros) {
  // np.nanmax(np.abs(x)) == 0 returns np.zeros: -0 and NaN become +0, codes 0 (MXINT8, bfp8, E4M3).
  const Bits in = block32(0, {{0, 0x80000000}, {1, 0xFF800001}, {2, 0x80000000}});
  for (const auto& [format, profile] :
       {std::pair{"mxint8", "pychop"}, {"mxfp8_e4m3", "pychop"}, {"bfp8", "pychop-bfp"}}) {
    SCOPED_TRACE(format);
    EXPECT_EQ(fake_fp32(format, profile, in), Bits(32, 0));
    BlockFormat f = parse_block_format(format);
    std::vector<Value> values;
    for (const std::uint32_t b : in) values.push_back(decode(fp32, b));
    EXPECT_EQ(quantize_block(f, find_profile(profile), values).elements, Codes(32, 0));
  }
  // Beside a nonzero value -0 survives where the element is an integer (rint(-0.0) = -0.0; MXINT8 and
  // bfp8, scale 2^0 and 2^1 for amax 1.0) and becomes +0 in a float element (pychop's `return 0.0`).
  const Bits with_one = block32(0, {{0, 0x80000000}, {1, 0x3F800000}});
  EXPECT_EQ(fake_fp32("mxint8", "pychop", with_one)[0], 0x80000000u);
  EXPECT_EQ(fake_fp32("bfp8", "pychop-bfp", with_one)[0], 0x80000000u);
  EXPECT_EQ(fake_fp32("mxfp8_e4m3", "pychop", with_one)[0], 0x00000000u);
}

TEST(Pychop, BfpAmaxOverflowingTheQuotientTakesTheLargestExponent) {
  // FLT_MAX / (127/128) overflows FP32, where pychop's math.ceil(inf) raises OverflowError; mxref takes
  // the largest exponent, as pychop does for an Inf amax: scale 2^127 (E8M0 0xFE), FLT_MAX / 2^127 =
  // 2 - 2^-23 -> rint(x 128) = 256, clipped to 127 (0x7F; inexact, overflow) -> 127/128 x 2^127 = 0x7EFE0000.
  std::vector<Value> values{decode(fp32, 0x7F7FFFFF)};
  BlockFormat f = parse_block_format("bfp8");
  EXPECT_EQ(quantize_block(f, find_profile("pychop-bfp"), values), (QuantizedBlock{0xFE, {0x7F}, 3}));
  EXPECT_EQ(fake_fp32("bfp8", "pychop-bfp", {0x7F7FFFFF})[0], 0x7EFE0000u);
}

TEST(Pychop, NumpyNanmaxRestartsAfterASignallingNanInTheFmaxfTail) {
  const auto amax = [](const Bits& bits, std::size_t padded) {
    std::vector<Value> values;
    for (const std::uint32_t b : bits) values.push_back(decode(fp32, b));
    return static_cast<std::uint32_t>(encode(fp32, numpy_nanmax_of_magnitudes(values, padded), {}).code);
  };
  // 32 values: x[0] and x[1..16] go through the vector loop (NaN of either kind ignored); x[17..31]
  // through fmaxf. [1.0 x 32] with x[5] = 4 and a sNaN at x[20]: 4 until the sNaN, then fmaxf(4, sNaN)
  // = NaN and fmaxf(NaN, 1) = 1: the amax is 1.0. The same sNaN at x[10] (vector loop) is ignored: 4.
  EXPECT_EQ(amax(block32(0x3F800000, {{5, 0x40800000}, {20, 0x7F800001}}), 32), 0x3F800000u);
  EXPECT_EQ(amax(block32(0x3F800000, {{5, 0x40800000}, {10, 0x7F800001}}), 32), 0x40800000u);
  // A quiet NaN there is ignored: 4.
  EXPECT_EQ(amax(block32(0x3F800000, {{5, 0x40800000}, {20, 0x7FC00001}}), 32), 0x40800000u);
  // A sNaN last: fmaxf(r, sNaN) = the sNaN quieted, |.|: 0xFF800123 -> 0x7FC00123.
  EXPECT_EQ(amax(block32(0x3F800000, {{31, 0xFF800123}}), 32), 0x7FC00123u);
  // All NaN: each fmaxf of two NaNs gives the second, quieted: |x[31]|.
  EXPECT_EQ(amax(block32(0xFFC00001, {{31, 0xFF800123}}), 32), 0x7FC00123u);
  // 16 values: no whole vector after x[0], so x[1..15] all go through fmaxf. A sNaN x[0] and x[1] = 1.0:
  // fmaxf(sNaN, 1) = the sNaN quieted, then fmaxf(qNaN, 2^-10) = 2^-10: x[1] is lost.
  Bits sixteen(16, 0);
  sixteen[0] = 0x7F800001;
  sixteen[1] = 0x3F800000;
  sixteen[2] = 0x3A800000;
  EXPECT_EQ(amax(sixteen, 16), 0x3A800000u);
  // A short block is padded with zeros: [NaN] alone in a block of 32 has amax 0, not NaN.
  EXPECT_EQ(amax({0x7FC00000}, 32), 0u);
}

TEST(Pychop, SignallingNanConsequences) {
  // bfp16, the 16-value block above: amax 2^-10, ceil(log2(2^-10 / (32767/32768))) = -9; 1.0 / 2^-9 =
  // 512 saturates to 32767/32768 -> 0x3AFFFE00; 2^-10 -> 0.5 x 2^-9 exactly; the sNaN quieted.
  Bits sixteen(16, 0);
  sixteen[0] = 0x7F800001;
  sixteen[1] = 0x3F800000;
  sixteen[2] = 0x3A800000;
  const Bits y = fake_fp32("bfp16", "pychop-bfp", sixteen);
  EXPECT_EQ(y[0], 0x7FC00001u);
  EXPECT_EQ(y[1], 0x3AFFFE00u);
  EXPECT_EQ(y[2], 0x3A800000u);
  // MXFP4 E2M1, amax 1.0 (sNaN at x[20] hides x[5] = 4): scale 2^(0 - 2); 4 / 2^-2 = 16 saturates to 6
  // -> 1.5 (0x3FC00000); the sNaN input -> 0x7FC00000; 1.0 stays.
  const Bits z = fake_fp32("mxfp4_e2m1", "pychop", block32(0x3F800000, {{5, 0x40800000}, {20, 0x7F800001}}));
  EXPECT_EQ(z[5], 0x3FC00000u);
  EXPECT_EQ(z[20], 0x7FC00000u);
  EXPECT_EQ(z[25], 0x3F800000u);
  // A NaN amax (sNaN last, or all NaN) makes pychop's MX scale that NaN, and every output is it.
  EXPECT_EQ(fake_fp32("mxfp4_e2m1", "pychop", block32(0x3F800000, {{31, 0xFF800123}})), Bits(32, 0x7FC00123));
  EXPECT_EQ(fake_fp32("mxfp8_e4m3", "pychop", block32(0xFFC00001, {{31, 0xFF800123}})), Bits(32, 0x7FC00123));
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
  // floor(fl32(x + 0.5)): 1 - 2^-25 ties to 1.0 in FP32, n = 1 (x - 0.5 is no even integer): 2^-4 (0x01). 'nearest'
  // is torch.round of x itself: 0 (0x00).
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
