// Dot products against values derived by hand, and the exact model against float64 where float64 is exact.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

#include "ref/block/block_format.hpp"
#include "ref/dot/dot.hpp"
#include "ref/encode.hpp"
#include "ref/splitmix64.hpp"

namespace mxref {
namespace {

// One block per scale; elements not given are +0.
DotOperand operand(const std::string& format, std::vector<std::uint64_t> scales,
                   std::vector<std::vector<std::uint64_t>> elements) {
  DotOperand o{parse_block_format(format), {}, Dyadic(1, 0)};
  for (std::size_t j = 0; j < scales.size(); ++j) {
    DotBlock b{scales[j], elements[j]};
    b.elements.resize(static_cast<std::size_t>(o.format.block_size), 0);
    o.blocks.push_back(b);
  }
  return o;
}

std::uint64_t code(const DotProblem& p, const std::string& model = "exact", Rounding r = Rounding::rne,
                   Overflow o = Overflow::natural) {
  CastOptions options;
  options.rounding = r;
  options.overflow = o;
  return dot(p, fp32, options, find_accumulation_model(model)).code;
}

constexpr std::uint64_t fp32_nan = 0x7FC00000;    // the exact model's NaN: canonical, positive
constexpr std::uint64_t nvidia_nan = 0x7FFFFFFF;  // MMA-Sim's NVIDIA NaN
constexpr std::uint64_t e4m3_quarter = 0x28;      // 2^(5-7) = 0.25
constexpr std::uint64_t e4m3_one = 0x38;          // 2^(7-7)
constexpr std::uint64_t e4m3_minus_one = 0xB8;
constexpr std::uint64_t e4m3_half = 0x30;  // 2^(6-7)

TEST(Dot, AcceptanceQuarterTimesQuarterIntoC) {
  // 32 x 0.25 x 0.25 = 2, scales 2^0: exact 1024 + 2 = 1026 = 0x44804000. Hopper FP8 aligns each product
  // (exponent -2 + -2 = -4) to C's exponent 10 keeping 13 fraction bits: the grid is 2^-3, and 2^-4
  // truncates to 0, so 1024 stays.
  const std::vector<std::uint64_t> quarters(32, e4m3_quarter);
  const DotProblem p{operand("mxfp8_e4m3", {0x7F}, {quarters}), operand("mxfp8_e4m3", {0x7F}, {quarters}), 0x44800000};
  EXPECT_EQ(code(p), 0x44804000u);
  EXPECT_EQ(code(p, "sm90-wgmma-fp8"), 0x44800000u);
  EXPECT_EQ(code(p, "fp32-sequential"), 0x44804000u);  // every partial sum 1024 + n/16 is an FP32
}

TEST(Dot, OneRoundingOfTheExactSum) {
  // C = 2^24 (0x4b800000), one product 1 x 0.5: 2^24 + 0.5 lies between 2^24 and 2^24 + 2 (FP32's step
  // there): RNE gives 2^24, round up 2^24 + 2 (0x4b800001), round down and toward zero 2^24.
  const DotProblem p{operand("mxfp8_e4m3", {0x7F}, {{e4m3_one}}), operand("mxfp8_e4m3", {0x7F}, {{e4m3_half}}),
                     0x4B800000};
  EXPECT_EQ(code(p, "exact", Rounding::rne), 0x4B800000u);
  EXPECT_EQ(code(p, "exact", Rounding::rup), 0x4B800001u);
  EXPECT_EQ(code(p, "exact", Rounding::rdn), 0x4B800000u);
  // Three such products: exact 2^24 + 1.5 rounds to 2^24 + 2; one FP32 addition at a time each 2^24 + 0.5
  // ties back to the even 2^24.
  const DotProblem three{operand("mxfp8_e4m3", {0x7F}, {{e4m3_one, e4m3_one, e4m3_one}}),
                         operand("mxfp8_e4m3", {0x7F}, {{e4m3_half, e4m3_half, e4m3_half}}), 0x4B800000};
  EXPECT_EQ(code(three), 0x4B800001u);
  EXPECT_EQ(code(three, "fp32-sequential"), 0x4B800000u);
  EXPECT_EQ(code(three, "fp32-fma-sequential"), 0x4B800000u);
}

TEST(Dot, MixedElementFormatsAndScales) {
  // E2M1 0x7 = 6 with scale 0x80 = 2, E4M3 0x3c = 1.5 with scale 0x7e = 0.5: 6 x 2 x 1.5 x 0.5 = 9 = 0x41100000.
  EXPECT_EQ(code({operand("mxfp4_e2m1", {0x80}, {{0x7}}), operand("mxfp8_e4m3", {0x7E}, {{0x3C}}), 0}), 0x41100000u);
  // E4M3 0x40 = 2 times E5M2 0x42 = 1.5 x 2 = 3: 6 = 0x40c00000.
  EXPECT_EQ(code({operand("mxfp8_e4m3", {0x7F}, {{0x40}}), operand("mxfp8_e5m2", {0x7F}, {{0x42}}), 0}), 0x40C00000u);
}

TEST(Dot, NvFp4TensorScales) {
  // UE4M3 0x38 = 1 block scales; E2M1 6 x 6 = 36, tensor scales 2 and 0.25: 18 = 0x41900000.
  DotProblem p{operand("nvfp4", {0x38}, {{0x7}}), operand("nvfp4", {0x38}, {{0x7}}), 0};
  p.a.tensor_scale = Dyadic(1, 1);
  p.b.tensor_scale = Dyadic(1, -2);
  EXPECT_EQ(code(p), 0x41900000u);
}

TEST(Dot, NanScaleGivesNan) {
  const DotProblem p{operand("mxfp8_e4m3", {0xFF}, {{e4m3_one}}), operand("mxfp8_e4m3", {0x7F}, {{e4m3_one}}), 0};
  EXPECT_EQ(code(p), fp32_nan);
  EXPECT_EQ(code(p, "sm90-wgmma-fp8"), nvidia_nan);
  EXPECT_EQ(code(p, "sm100-mxf8f6f4"), nvidia_nan);
}

TEST(Dot, InfinitiesFollowIeee) {
  constexpr std::uint64_t inf = 0x7C;  // E5M2 +Inf
  constexpr std::uint64_t one = 0x3C;  // E5M2 1.0
  constexpr std::uint64_t minus_one = 0xBC;
  // Inf x 0 = NaN.
  EXPECT_EQ(code({operand("mxfp8_e5m2", {0x7F}, {{inf}}), operand("mxfp8_e5m2", {0x7F}, {{0}}), 0}), fp32_nan);
  // Inf x 1 + (-Inf) x ... : Inf - Inf = NaN, from two products and from a product and C.
  EXPECT_EQ(code({operand("mxfp8_e5m2", {0x7F}, {{inf, inf}}), operand("mxfp8_e5m2", {0x7F}, {{one, minus_one}}), 0}),
            fp32_nan);
  EXPECT_EQ(code({operand("mxfp8_e5m2", {0x7F}, {{inf}}), operand("mxfp8_e5m2", {0x7F}, {{one}}), 0xFF800000}),
            fp32_nan);
  // Inf plus finite terms stays Inf, negative here; under every model.
  const DotProblem negative{operand("mxfp8_e5m2", {0x7F}, {{inf, one}}),
                            operand("mxfp8_e5m2", {0x7F}, {{minus_one, one}}), 0x3F800000};
  EXPECT_EQ(code(negative), 0xFF800000u);
  EXPECT_EQ(code(negative, "sm90-wgmma-fp8"), 0xFF800000u);
  EXPECT_EQ(code(negative, "fp32-sequential"), 0xFF800000u);
  // A NaN C propagates.
  EXPECT_EQ(code({operand("mxfp8_e5m2", {0x7F}, {{one}}), operand("mxfp8_e5m2", {0x7F}, {{one}}), 0xFFC00001}),
            fp32_nan);
}

TEST(Dot, SignedZeros) {
  // -0 x 1 everywhere and C = -0: a sum of negative zeros is -0. C = +0: +0, but -0 rounding toward -Inf.
  const DotOperand negative_zeros = operand("mxfp8_e4m3", {0x7F}, {std::vector<std::uint64_t>(32, 0x80)});
  const DotOperand ones = operand("mxfp8_e4m3", {0x7F}, {std::vector<std::uint64_t>(32, e4m3_one)});
  EXPECT_EQ(code({negative_zeros, ones, 0x80000000}), 0x80000000u);
  EXPECT_EQ(code({negative_zeros, ones, 0x00000000}), 0x00000000u);
  EXPECT_EQ(code({negative_zeros, ones, 0x00000000}, "exact", Rounding::rdn), 0x80000000u);
  // 1 x 1 + (-1) x 1 cancels exactly: +0, or -0 rounding toward -Inf.
  const DotProblem cancel{operand("mxfp8_e4m3", {0x7F}, {{e4m3_one, e4m3_minus_one}}),
                          operand("mxfp8_e4m3", {0x7F}, {{e4m3_one, e4m3_one}}), 0};
  EXPECT_EQ(code(cancel), 0x00000000u);
  EXPECT_EQ(code(cancel, "exact", Rounding::rdn), 0x80000000u);
  EXPECT_EQ(code(cancel, "exact", Rounding::rup), 0x00000000u);
  // The NVIDIA models' integer sum has no -0.
  EXPECT_EQ(code({negative_zeros, ones, 0x80000000}, "sm90-wgmma-fp8"), 0x00000000u);
}

TEST(Dot, ScaleProductsBeyondFp32) {
  // Scales 2^127 x 2^127 and elements 448 x 448: about 2^271, far above FP32's largest 0x7f7fffff.
  const DotProblem big{operand("mxfp8_e4m3", {0xFE}, {{0x7E}}), operand("mxfp8_e4m3", {0xFE}, {{0x7E}}), 0};
  EXPECT_EQ(code(big, "exact", Rounding::rne, Overflow::natural), 0x7F800000u);
  EXPECT_EQ(code(big, "exact", Rounding::rne, Overflow::inf), 0x7F800000u);
  EXPECT_EQ(code(big, "exact", Rounding::rtz, Overflow::inf), 0x7F7FFFFFu);  // IEEE: toward zero stays finite
  EXPECT_EQ(code(big, "exact", Rounding::rne, Overflow::saturate), 0x7F7FFFFFu);
  EXPECT_EQ(code(big, "exact", Rounding::rne, Overflow::nan), fp32_nan);
  // The negative side, and 2^-127 x 2^-127 x 1 x 1 = 2^-254: far below FP32's 2^-149, so +0 (RNE) or the
  // smallest subnormal 0x00000001 (round up).
  const DotProblem negative{operand("mxfp8_e4m3", {0xFE}, {{0xFE}}), operand("mxfp8_e4m3", {0xFE}, {{0x7E}}), 0};
  EXPECT_EQ(code(negative), 0xFF800000u);
  EXPECT_EQ(code(negative, "exact", Rounding::rne, Overflow::saturate), 0xFF7FFFFFu);
  const DotProblem tiny{operand("mxfp8_e4m3", {0x00}, {{e4m3_one}}), operand("mxfp8_e4m3", {0x00}, {{e4m3_one}}), 0};
  EXPECT_EQ(code(tiny), 0x00000000u);
  EXPECT_EQ(code(tiny, "exact", Rounding::rup), 0x00000001u);
}

TEST(Dot, Blackwell4BitGroupsAlignOnScaleExponents) {
  // Block 1: 6 x 6 = 36, scales 2^0. Block 2: -0.5 x 0.5 with scales 2^-10 each: -2^-22. Exact 36 - 2^-22:
  // RNE 36 (0x42100000), toward zero 36 - 2^-18 (0x420fffff; FP32's step in [32, 64) is 2^-18).
  // kind::mxf4 sums each 16 products exactly and aligns on the scale exponents alone (0 and -20), keeping
  // 35 fraction bits: -2^-22 survives, and the RZ output is 0x420fffff. kind::mxf8f6f4 aligns each
  // product on its own exponent: 0.5 is an E2M1 subnormal (exponent 0), so -2^-22 counts at 2^-20 and the
  // second instruction's grid under C = 36 (exponent 5) is 2^(5-25): -2^-22 truncates to 0.
  const DotProblem p{operand("mxfp4_e2m1", {0x7F, 0x75}, {{0x7}, {0x9}}),
                     operand("mxfp4_e2m1", {0x7F, 0x75}, {{0x7}, {0x1}}), 0};
  EXPECT_EQ(code(p), 0x42100000u);
  EXPECT_EQ(code(p, "exact", Rounding::rtz), 0x420FFFFFu);
  EXPECT_EQ(code(p, "sm100-mxf4"), 0x420FFFFFu);
  EXPECT_EQ(code(p, "sm100-mxf8f6f4"), 0x42100000u);
}

TEST(Dot, Cdna3FloorsTheProductSumAt31Bits) {
  // C = 1024 (exponent 10); one product -0.25 x 0.25 with scales 2^-10 and 2^-10: -2^-24, exponent
  // -2 - 2 - 10 - 10 = -24. Its even sum is exactly -2^-24 (one member); the odd sum is 0. Against C the
  // product sum keeps 31 fraction bits below exponent 10 (grid 2^-21), floored: -2^-21. 1024 - 2^-21 lies
  // within half a step (2^-14 below 2^10) of 1024, so RNE gives 1024 (0x44800000); exact rounding toward
  // -Inf gives 1024 - 2^-14 (0x447fffff).
  const DotProblem p{operand("mxfp8_e4m3", {0x75}, {{0xA8}}), operand("mxfp8_e4m3", {0x75}, {{e4m3_quarter}}),
                     0x44800000};
  EXPECT_EQ(code(p, "cdna3-fp8"), 0x44800000u);
  EXPECT_EQ(code(p, "sm90-wgmma-bf16"), 0x44800000u);
  EXPECT_EQ(code(p), 0x44800000u);
  EXPECT_EQ(code(p, "exact", Rounding::rdn), 0x447FFFFFu);
}

TEST(Dot, NvidiaOverflowIsInfAndZeroIsPositive) {
  // Scales 2^127 and 2^127, elements 1 x 1: 2^254, beyond FP32. Truncated, it is still >= 2^128, so the
  // NVIDIA result is +Inf (0x7f800000), where IEEE rounding toward zero gives max finite (0x7f7fffff).
  const DotProblem big{operand("mxfp8_e4m3", {0xFE}, {{e4m3_one}}), operand("mxfp8_e4m3", {0xFE}, {{e4m3_one}}), 0};
  EXPECT_EQ(code(big, "sm100-mxf8f6f4"), 0x7F800000u);
  EXPECT_EQ(code(big, "exact", Rounding::rtz), 0x7F7FFFFFu);
  // Scales 2^-127 and 2^-127, elements -1 x 1: -2^-254, below FP32's 2^-149; truncated to FP32 it is a
  // zero, +0 (0x00000000) on NVIDIA, -0 (0x80000000) under IEEE rounding toward zero.
  const DotProblem tiny{operand("mxfp8_e4m3", {0x00}, {{e4m3_minus_one}}), operand("mxfp8_e4m3", {0x00}, {{e4m3_one}}),
                        0};
  EXPECT_EQ(code(tiny, "sm100-mxf8f6f4"), 0x00000000u);
  EXPECT_EQ(code(tiny, "exact", Rounding::rtz), 0x80000000u);
}

TEST(Dot, HopperFp8MmaSumsAlternatePairsInTwoPassesThenAddsCToNearest) {
  // Products 0 and 1 are 16 x 16 and -16 x 16 (E4M3 0x58 = 2^4, 0xD8 = -2^4), product 2 is 2^-9 x 2^-9 =
  // 2^-18 (0x01). The first pass holds products 0, 1 (and 4, 5, ...): 256 - 256 = +0. The second starts from
  // that +0 and holds product 2 alone: 2^-18 exactly (0x36800000). One fused sum of all 32 aligns 2^-18 to
  // exponent 8 keeping 25 bits (grid 2^-17) and drops it; so does a split into halves (0-15, 16-31).
  const DotProblem pairs{operand("mxfp8_e4m3", {0x7F}, {{0x58, 0xD8, 0x01}}),
                         operand("mxfp8_e4m3", {0x7F}, {{0x58, 0x58, 0x01}}), 0};
  EXPECT_EQ(code(pairs, "sm90-mma-fp8"), 0x36800000u);
  EXPECT_EQ(code(pairs, "sm100-mxf8f6f4"), 0x00000000u);
  // C = 2^24 + 2 (0x4B800001) and one product 1 x 1: 2^24 + 3 lies halfway between FP32 neighbours; C is added
  // last with RNE, giving 2^24 + 4 (0x4B800002), where the wgmma datapath truncates to 2^24 + 2.
  const DotProblem tie{operand("mxfp8_e4m3", {0x7F}, {{e4m3_one}}), operand("mxfp8_e4m3", {0x7F}, {{e4m3_one}}),
                       0x4B800001};
  EXPECT_EQ(code(tie, "sm90-mma-fp8"), 0x4B800002u);
  EXPECT_EQ(code(tie, "sm90-wgmma-fp16"), 0x4B800001u);
  // Operands are converted to FP16 first: E4M3 0x82 = -2^-8 is subnormal in E4M3 but normal in FP16. With
  // E5M2 0xE3 = -1.75 x 2^9 its product 3.5 counts with exponent -8 + 9 = 1, so the grid is 2^-24 and the
  // second product, E4M3 0x05 (5 x 2^-9) x E5M2 0x82 (-2^-15) = -5 x 2^-24, is kept whole: 3.5 - 5 x 2^-24
  // truncated to FP32 (step 2^-22) is 3.5 - 2^-21 (0x405FFFFE), as the H200 gives. Counting 0x82 at E4M3's
  // minimum exponent -6 instead puts the grid at 2^-22 and gives 3.5 - 2^-22 (0x405FFFFF).
  std::vector<std::uint64_t> a(32, 0), b(32, 0);
  a[22] = 0x82, b[22] = 0xE3, a[27] = 0x05, b[27] = 0x82;
  const DotProblem subnormal{operand("mxfp8_e4m3", {0x7F}, {a}), operand("mxfp8_e5m2", {0x7F}, {b}), 0};
  EXPECT_EQ(code(subnormal, "sm90-mma-fp8"), 0x405FFFFEu);
  EXPECT_EQ(code(subnormal, "sm90-wgmma-fp16"), 0x405FFFFFu);
  // A -0 C and only zero products: the passes give +0, and -0 + +0 is +0.
  const DotProblem zeros{operand("mxfp8_e4m3", {0x7F}, {{0x80}}), operand("mxfp8_e4m3", {0x7F}, {{e4m3_one}}),
                         0x80000000};
  EXPECT_EQ(code(zeros, "sm90-mma-fp8"), 0x00000000u);
}

TEST(Dot, DequantizingEmulationsRoundEachOperandFirst) {
  // A = 448 x 2^127 (E4M3 0x7E, scale 0xFE), B = 1 x 2^-127 (0x38, scale 0x00): the product is 448
  // (0x43e00000) exactly and in one FP32 rounding, but A alone is 1.75 x 2^135, beyond BF16 and FP32:
  // dequantized first, it is +Inf, and so is the result.
  const DotProblem wide{operand("mxfp8_e4m3", {0xFE}, {{0x7E}}), operand("mxfp8_e4m3", {0x00}, {{e4m3_one}}), 0};
  EXPECT_EQ(code(wide), 0x43E00000u);
  EXPECT_EQ(code(wide, "fp32-sequential"), 0x43E00000u);
  EXPECT_EQ(code(wide, "microxcaling"), 0x7F800000u);
  EXPECT_EQ(code(wide, "torchao-emulated"), 0x7F800000u);
  // A = 2^-9 x 2^-127 (E4M3 0x01, scale 0x00) = 2^-136: an FP32 subnormal, but below half of BF16's least
  // subnormal 2^-133, so BF16 holds 0. With B = 2^127: 2^-9 (0x3b000000), or +0 through BF16.
  const DotProblem small{operand("mxfp8_e4m3", {0x00}, {{0x01}}), operand("mxfp8_e4m3", {0xFE}, {{e4m3_one}}), 0};
  EXPECT_EQ(code(small), 0x3B000000u);
  EXPECT_EQ(code(small, "microxcaling"), 0x3B000000u);
  EXPECT_EQ(code(small, "torchao-emulated"), 0x00000000u);
}

TEST(Dot, EmulationsSumInOrderOntoC) {
  // C = 1 (0x3f800000) and two products 2^-24 (1 x 1 under scales 2^-12, 0x73): in order, 1 + 2^-24 is a
  // tie that goes to even, 1, twice; exactly, 1 + 2^-23 is 0x3f800001.
  const DotProblem p{operand("mxfp8_e4m3", {0x73}, {{e4m3_one, e4m3_one}}),
                     operand("mxfp8_e4m3", {0x73}, {{e4m3_one, e4m3_one}}), 0x3F800000};
  EXPECT_EQ(code(p), 0x3F800001u);
  EXPECT_EQ(code(p, "torchao-emulated"), 0x3F800000u);
  EXPECT_EQ(code(p, "microxcaling"), 0x3F800000u);
}

TEST(Dot, TransformerEngineReferenceAddsCAndTensorScalesLast) {
  // NVFP4, two blocks each with one product 1 x 1 (E2M1 0x2, UE4M3 scale 1.0 = 0x38), C = 2^24: the
  // reference sums the blocks from 0 (2) and adds C last: 2^24 + 2 (0x4b800001), exact too. C first, in
  // order, 2^24 + 1 ties to 2^24 twice (0x4b800000).
  const DotProblem p{operand("nvfp4", {0x38, 0x38}, {{0x2}, {0x2}}), operand("nvfp4", {0x38, 0x38}, {{0x2}, {0x2}}),
                     0x4B800000};
  EXPECT_EQ(code(p), 0x4B800001u);
  EXPECT_EQ(code(p, "te-nvfp4-reference"), 0x4B800001u);
  EXPECT_EQ(code(p, "fp32-sequential"), 0x4B800000u);
  // Tensor scales 1 + 2^-12 each (0x3f800800), one product 1.5 x 2 = 3: alpha = (1 + 2^-12)^2 = 1 + 2^-11 +
  // 2^-24 rounds (a tie, to even) to 1 + 2^-11 first, so 3 alpha = 3 + 3 x 2^-11 (0x40401800); exactly,
  // 3 + 3 x 2^-11 + 3 x 2^-24 is 0.75 of an ulp (2^-22) above it and rounds up (0x40401801).
  DotProblem t{operand("nvfp4", {0x38}, {{0x3}}), operand("nvfp4", {0x38}, {{0x4}}), 0};
  t.a.tensor_scale = t.b.tensor_scale = Dyadic(BigInt(4097), -12);
  EXPECT_EQ(code(t), 0x40401801u);
  EXPECT_EQ(code(t, "te-nvfp4-reference"), 0x40401800u);
}

TEST(Dot, Validation) {
  const DotOperand one_block = operand("mxfp8_e4m3", {0x7F}, {{e4m3_one}});
  const DotOperand two_blocks = operand("mxfp8_e4m3", {0x7F, 0x7F}, {{e4m3_one}, {e4m3_one}});
  EXPECT_THROW(code({one_block, two_blocks, 0}), std::invalid_argument);
  EXPECT_THROW(code({one_block, operand("nvfp4", {0x38}, {{1}}), 0}), std::invalid_argument);  // 32 vs 16
  DotOperand wide = one_block;
  wide.blocks[0].elements[0] = 0x100;
  EXPECT_THROW(code({wide, one_block, 0}), std::invalid_argument);
  EXPECT_THROW((void)find_accumulation_model("no-such-model"), std::invalid_argument);
}

// Independent decoding of the float-like element formats from their fields.
double element_value(const Format& f, std::uint64_t c) {
  const int e = static_cast<int>((c >> f.mantissa_bits) & ((1u << f.exponent_bits) - 1));
  const double m = static_cast<double>(c & ((1u << f.mantissa_bits) - 1));
  const double magnitude = e == 0 ? std::ldexp(m, 1 - f.bias - f.mantissa_bits)
                                  : std::ldexp(m + std::ldexp(1.0, f.mantissa_bits), e - f.bias - f.mantissa_bits);
  return (c >> (width(f) - 1)) != 0 ? -magnitude : magnitude;
}

// A random finite element code (no NaN or Inf patterns).
std::uint64_t random_element(const Format& f, std::uint64_t bits) {
  for (;; bits = splitmix64(bits)) {
    const std::uint64_t c = bits & code_mask(f);
    const std::uint64_t magnitude = c & (code_mask(f) >> 1);
    if (magnitude <= max_finite_code(f)) return c;
  }
}

TEST(Dot, ExactMatchesFloat64WhereFloat64IsExact) {
  const char* formats[] = {"mxfp8_e4m3", "mxfp8_e5m2", "mxfp6_e3m2", "mxfp6_e2m3", "mxfp4_e2m1"};
  std::uint64_t state = 12345;
  int exact_cases = 0;
  for (int trial = 0; trial < 150; ++trial) {
    const BlockFormat fa = parse_block_format(formats[trial % 5]);
    const BlockFormat fb = parse_block_format(formats[(trial / 5) % 5]);
    const int blocks = 1 + static_cast<int>((state = splitmix64(state)) % 128);  // K up to 4096
    DotProblem p{{fa, {}, Dyadic(1, 0)}, {fb, {}, Dyadic(1, 0)}, 0};
    double sum = 0;
    bool exact = true;
    // C: a float with 12 significant bits and exponent in [-8, 8].
    const double c_significand = static_cast<double>(((state = splitmix64(state)) % 4096) + 4096);
    const int c_exponent = -12 - 8 + static_cast<int>((state = splitmix64(state)) % 17);
    const double c = std::ldexp(c_significand, c_exponent);
    p.c = std::bit_cast<std::uint32_t>(static_cast<float>(c));
    sum = c;
    for (int j = 0; j < blocks; ++j) {
      DotBlock a{0x77 + (state = splitmix64(state)) % 17, {}};  // scales 2^-8 .. 2^8
      DotBlock b{0x77 + (state = splitmix64(state)) % 17, {}};
      for (int i = 0; i < 32; ++i) {
        a.elements.push_back(random_element(fa.element, state = splitmix64(state)));
        b.elements.push_back(random_element(fb.element, state = splitmix64(state)));
        const double product = element_value(fa.element, a.elements.back()) * std::ldexp(1.0, int(a.scale) - 127) *
                               element_value(fb.element, b.elements.back()) * std::ldexp(1.0, int(b.scale) - 127);
        // Knuth's TwoSum: the addition was exact iff its error term is 0.
        const double s = sum + product;
        const double bv = s - sum;
        if ((sum - (s - bv)) + (product - bv) != 0) exact = false;
        sum = s;
      }
      p.a.blocks.push_back(a);
      p.b.blocks.push_back(b);
    }
    if (!exact) continue;
    ++exact_cases;
    const float expected = static_cast<float>(sum);  // one float64 -> float32 rounding, RNE
    EXPECT_EQ(code(p), std::bit_cast<std::uint32_t>(expected)) << "trial " << trial;
  }
  EXPECT_GE(exact_cases, 50);  // the property is not vacuous
}

TEST(Dot, UnboundedFusedSumEqualsExact) {
  // The generic evaluator under `exact` (unbounded fraction bits, no intermediate rounding) against the
  // Dyadic sum rounded once, on random codes, NaN and Inf included, in every rounding mode.
  const char* formats[] = {"mxfp8_e4m3", "mxfp8_e5m2", "mxfp6_e3m2", "mxfp4_e2m1", "nvfp4"};
  std::uint64_t state = 777;
  for (int trial = 0; trial < 300; ++trial) {
    const BlockFormat f = parse_block_format(formats[trial % 5]);
    const int blocks = 1 + static_cast<int>((state = splitmix64(state)) % 4);
    DotProblem p{{f, {}, Dyadic(1, 0)}, {f, {}, Dyadic(1, 0)}, (state = splitmix64(state)) & 0xFFFFFFFF};
    for (DotOperand* o : {&p.a, &p.b})
      for (int j = 0; j < blocks; ++j) {
        DotBlock block{(state = splitmix64(state)) & code_mask(f.scale), {}};
        if (f.scale == e8m0 && block.scale == 0xFF && trial % 7 != 0) block.scale = 0x7F;  // NaN scales now and then
        for (int i = 0; i < f.block_size; ++i)
          block.elements.push_back((state = splitmix64(state)) & code_mask(f.element));
        o->blocks.push_back(block);
      }
    for (const Rounding r : {Rounding::rne, Rounding::rtz, Rounding::rup, Rounding::rdn, Rounding::rna}) {
      CastOptions options;
      options.rounding = r;
      const Value exact = exact_dot(p, fp32, r);
      const std::uint64_t expected = exact.is_nan() ? nan_code(fp32, false) : encode(fp32, exact, options).code;
      EXPECT_EQ(dot(p, fp32, options).code, expected) << "trial " << trial;
    }
  }
}

TEST(Dot, PresetsAreListed) {
  std::vector<std::string_view> names;
  for (const AccumulationModel& m : accumulation_models()) names.push_back(m.name);
  EXPECT_EQ(names, (std::vector<std::string_view>{"exact", "fp32-sequential", "fp32-fma-sequential", "torchao-emulated",
                                                  "microxcaling", "te-nvfp4-reference", "sm70-mma-fp16",
                                                  "sm80-mma-bf16", "sm80-mma-fp16", "sm89-mma-fp8", "sm90-wgmma-fp8",
                                                  "sm90-mma-fp8", "sm90-wgmma-bf16", "sm90-wgmma-fp16",
                                                  "sm100-mxf8f6f4", "sm100-mxf4", "sm100-mxf4nvf4", "cdna3-fp8"}));
}

}  // namespace
}  // namespace mxref
