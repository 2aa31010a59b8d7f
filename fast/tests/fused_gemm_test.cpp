// The fused-sum presets (NVIDIA's and CDNA3's) on machine integers (fast/cpu/fused_dot.hpp) against ref/'s dot(), dot
// by dot: random MX rows of every element format of up to 8 bits, scales from narrow to the whole E8M0 range, NVFP4
// rows with any UE4M3 scale and tensor scales, zeros and tiny elements, C across FP32's range; each code must be the
// reference's, and the integer path must settle the finite dots itself (not hand them all back to the reference).
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "fast/cpu/exact_gemm.hpp"
#include "fast/cpu/fused_gemm.hpp"
#include "ref/block/block_format.hpp"
#include "ref/decode.hpp"
#include "ref/dot/dot.hpp"

namespace mxref::fast {
namespace {

const char* const presets[] = {"sm70-mma-fp16",  "sm80-mma-bf16", "sm80-mma-fp16",   "sm89-mma-fp8",
                               "sm90-wgmma-fp8", "sm90-mma-fp8",  "sm90-wgmma-bf16", "sm90-wgmma-fp16",
                               "sm100-mxf8f6f4", "sm100-mxf4",    "sm100-mxf4nvf4",  "cdna3-fp8"};
const char* const formats[] = {"mxfp8_e4m3", "mxfp8_e5m2", "mxfp6_e3m2", "mxfp6_e2m3", "mxfp4_e2m1", "mxint8", "nvfp4"};

// A scale: E8M0 127 ± spread; for NVFP4 any finite UE4M3 code (zero and subnormals too). 1 where `unit`.
std::uint64_t random_scale(std::mt19937_64& rng, const BlockFormat& f, int spread, bool unit) {
  if (f.scale == e8m0)
    return unit ? 127 : static_cast<std::uint64_t>(127 + static_cast<int>(rng() % (2 * spread + 1)) - spread);
  if (unit) return 0x38;  // UE4M3 1.0
  return rng() % 0x7F;    // 0x7F is UE4M3's NaN
}

// A row of `blocks` blocks: finite element codes (a quarter zeros), scales as random_scale, and for NVFP4 a tensor
// scale (1 where `unit`; else an FP32 significand times 2^-20 .. 2^20).
DotOperand random_row(std::mt19937_64& rng, const BlockFormat& f, int blocks, int spread, bool unit) {
  const int codes = 1 << width(f.element);
  DotOperand o{f, {}, Dyadic(1, 0)};
  if (f.tensor_scale && !unit)
    o.tensor_scale = Dyadic(BigInt(0x800000 | rng() % 0x800000), static_cast<std::int64_t>(rng() % 41) - 20 - 23);
  for (int j = 0; j < blocks; ++j) {
    DotBlock b;
    b.scale = random_scale(rng, f, spread, unit);
    for (int i = 0; i < f.block_size; ++i) {
      std::uint64_t code = rng() % 4 == 0 ? 0 : rng() % static_cast<std::uint64_t>(codes);
      while (!decode(f.element, code).is_finite()) code = rng() % static_cast<std::uint64_t>(codes);
      b.elements.push_back(code);
    }
    o.blocks.push_back(b);
  }
  return o;
}

std::uint64_t random_c(std::mt19937_64& rng) {
  switch (rng() % 4) {
    case 0: return 0;
    case 1: return 0x80000000u;
    default: {
      const auto field = static_cast<std::uint32_t>(1 + rng() % 254);
      return (static_cast<std::uint32_t>(rng() % 2) << 31) | (field << 23) |
             static_cast<std::uint32_t>(rng() % 0x800000);
    }
  }
}

TEST(FusedGemm, EqualsTheReferenceDotByDot) {
  std::mt19937_64 rng(2026);
  for (const char* preset : presets) {
    const AccumulationModel& model = find_accumulation_model(preset);
    for (const char* name : formats) {
      const BlockFormat f = parse_block_format(name);
      ASSERT_TRUE(FusedGemm::applies(f, f, model, fp32, CastOptions{})) << preset << " " << name;
      const FusedGemm gemm(f, f, model, fp32, CastOptions{});
      int settled = 0, dots = 0, unit_settled = 0, unit_dots = 0;
      for (const int spread : {0, 3, 40, 127}) {
        for (int trial = 0; trial < 60; ++trial) {
          const int blocks = 1 + static_cast<int>(rng() % 3);
          const bool unit = spread == 0;
          const DotOperand a = random_row(rng, f, blocks, spread, unit), b = random_row(rng, f, blocks, spread, unit);
          const std::uint64_t c = random_c(rng);
          const std::uint64_t want = dot(DotProblem{a, b, c}, fp32, CastOptions{}, model).code;
          ASSERT_EQ(gemm.code(a, b, c), want) << preset << " " << name << " spread " << spread << " trial " << trial;
          const FlatRow fa(a), fb(b);
          std::uint32_t out = 0;
          const bool mine = fused_dot(gemm.model(), fa.view(gemm.table_a(), gemm.scale_table_a()),
                                      fb.view(gemm.table_b(), gemm.scale_table_b()), static_cast<int>(fa.codes.size()),
                                      f.block_size, static_cast<std::uint32_t>(c), out);
          if (mine) {
            EXPECT_EQ(out, want) << preset << " " << name;
          }
          settled += mine ? 1 : 0;
          ++dots;
          unit_settled += unit && mine ? 1 : 0;
          unit_dots += unit ? 1 : 0;
        }
      }
      // Finite operands with unit scales are the integer path's own, and so are most with other scales, except
      // where the model converts its operands (only unit scales settle there).
      // (E5M2's products span 2^-32 .. 2^27: a 16-product group sum against 35 fraction bits can pass int64.)
      if (gemm.model().group == 1 || std::string(name) != "mxfp8_e5m2") {
        EXPECT_EQ(unit_settled, unit_dots) << preset << " " << name;
      }
      if (!gemm.model().unit_scales_only) {
        EXPECT_GT(settled, dots / 2) << preset << " " << name << ": " << settled << " of " << dots << " settled";
      }
    }
  }
}

TEST(FusedGemm, Cdna3DropsACMoreThan25BinadesDown) {
  // One product 1 x 1 (label 0) and C = -2^-25 (label -25, 25 below: kept) or -2^-26 (dropped). Kept, C is
  // floored onto the grid 2^-24 of 24 fraction bits below 0: -2^-24; 1 - 2^-24 is an FP32 (0x3F7FFFFF).
  // Dropped, the result is 1 (0x3F800000).
  const BlockFormat f = parse_block_format("mxfp8_e4m3");
  const AccumulationModel& model = find_accumulation_model("cdna3-fp8");
  const FusedGemm gemm(f, f, model, fp32, CastOptions{});
  DotOperand one{f, {DotBlock{127, std::vector<std::uint64_t>(32, 0)}}, Dyadic(1, 0)};
  one.blocks[0].elements[0] = 0x38;
  for (const auto& [c, want] :
       {std::pair<std::uint64_t, std::uint32_t>{0xB3000000u, 0x3F7FFFFFu}, {0xB2800000u, 0x3F800000u}}) {
    EXPECT_EQ(dot(DotProblem{one, one, c}, fp32, CastOptions{}, model).code, want);
    const FlatRow row(one);
    std::uint32_t out = 0;
    ASSERT_TRUE(fused_dot(gemm.model(), row.view(gemm.table_a(), gemm.scale_table_a()),
                          row.view(gemm.table_b(), gemm.scale_table_b()), 32, 32, static_cast<std::uint32_t>(c), out));
    EXPECT_EQ(out, want) << std::hex << c;
  }
}

// The exact model's integer path (fast/cpu/exact_gemm.hpp) on NVFP4 rows with any UE4M3 scales and tensor scales.
TEST(ExactGemm, NvFp4EqualsTheReferenceDotByDot) {
  std::mt19937_64 rng(4);
  const BlockFormat f = parse_block_format("nvfp4");
  ASSERT_TRUE(ExactGemm::applies(f, f));
  const ExactGemm gemm(f, f, fp32, CastOptions{});
  int settled = 0;
  for (int trial = 0; trial < 400; ++trial) {
    const bool unit = trial % 4 == 0;
    const DotOperand a = random_row(rng, f, 1 + trial % 4, 0, unit), b = random_row(rng, f, 1 + trial % 4, 0, unit);
    const std::uint64_t c = random_c(rng);
    const std::uint64_t want = dot(DotProblem{a, b, c}, fp32, CastOptions{}).code;
    const ExactGemmRow ra = gemm.prepare_a(a), rb = gemm.prepare_b(b);
    ASSERT_EQ(gemm.code(ra, rb, a, b, c), want) << "trial " << trial;
    settled += ra.general || rb.general ? 0 : 1;
  }
  EXPECT_EQ(settled, 400);  // every row finite: none left to the reference for its scales
}

// NVFP4 by hand: A = 1.0 (E2M1 0x2) under scale 1.5 (UE4M3 0x3C) and tensor scale fl32(1/3) = 11184811 x 2^-25
// (0x3EAAAAAB); B = 6.0 (0x7) under scale 0.5 (0x30), tensor scale 1; the other 15 elements 0. The product is
// 1 x 1.5 x 6 x 0.5 x 11184811 x 2^-25 = 100663299 x 2^-26, and with C = -1.5 the sum is 3 x 2^-26 = 0x33400000,
// exact: the exact model and sm100-mxf4nvf4 (35 fraction bits below the largest label, 0 for C) both give it.
TEST(FusedGemm, NvFp4TensorScalesByHand) {
  const BlockFormat f = parse_block_format("nvfp4");
  DotOperand a{f, {DotBlock{0x3C, std::vector<std::uint64_t>(16, 0)}}, Dyadic(11184811, -25)};
  DotOperand b{f, {DotBlock{0x30, std::vector<std::uint64_t>(16, 0)}}, Dyadic(1, 0)};
  a.blocks[0].elements[0] = 0x2;
  b.blocks[0].elements[0] = 0x7;
  const std::uint64_t c = 0xBFC00000u;  // -1.5
  const AccumulationModel& model = find_accumulation_model("sm100-mxf4nvf4");
  EXPECT_EQ(dot(DotProblem{a, b, c}, fp32, CastOptions{}).code, 0x33400000u);
  EXPECT_EQ(dot(DotProblem{a, b, c}, fp32, CastOptions{}, model).code, 0x33400000u);
  const FusedGemm gemm(f, f, model, fp32, CastOptions{});
  const FlatRow fa(a), fb(b);
  std::uint32_t out = 0;
  ASSERT_TRUE(fused_dot(gemm.model(), fa.view(gemm.table_a(), gemm.scale_table_a()),
                        fb.view(gemm.table_b(), gemm.scale_table_b()), 16, 16, static_cast<std::uint32_t>(c), out));
  EXPECT_EQ(out, 0x33400000u);
  const ExactGemm exact(f, f, fp32, CastOptions{});
  EXPECT_EQ(exact.code(exact.prepare_a(a), exact.prepare_b(b), a, b, c), 0x33400000u);
}

TEST(FusedGemm, TakesTheFusedSumPresetsOnly) {
  const BlockFormat f = parse_block_format("mxfp8_e4m3");
  for (const char* name :
       {"exact", "fp32-sequential", "fp32-fma-sequential", "torchao-emulated", "microxcaling", "te-nvfp4-reference"})
    EXPECT_FALSE(FusedGemm::model_of(find_accumulation_model(name))) << name;
  EXPECT_FALSE(FusedGemm::applies(f, f, find_accumulation_model("sm90-wgmma-fp8"), bf16, CastOptions{}));
  EXPECT_TRUE(FusedGemm::applies(parse_block_format("nvfp4"), parse_block_format("nvfp4"),
                                 find_accumulation_model("sm100-mxf4nvf4"), fp32, CastOptions{}));
  // The parameters, as docs/spec-notes/dot-models.md tabulates them.
  const auto mma = FusedGemm::model_of(find_accumulation_model("sm90-mma-fp8"));
  ASSERT_TRUE(mma);
  EXPECT_EQ(mma->fraction_bits, 25);
  EXPECT_EQ(mma->chunk, 32);
  EXPECT_EQ(mma->passes, 2);
  EXPECT_EQ(mma->pass_stride, 2);
  EXPECT_TRUE(mma->unit_scales_only);
  const auto fp4 = FusedGemm::model_of(find_accumulation_model("sm100-mxf4"));
  ASSERT_TRUE(fp4);
  EXPECT_EQ(fp4->group, 16);
  EXPECT_EQ(fp4->fraction_bits, 35);
  EXPECT_EQ(FusedGemm::model_of(find_accumulation_model("sm90-wgmma-fp8"))->result_fraction_bits, 13);
  const auto cdna3 = FusedGemm::model_of(find_accumulation_model("cdna3-fp8"));
  ASSERT_TRUE(cdna3);
  EXPECT_EQ(cdna3->lanes, 2);
  EXPECT_EQ(cdna3->lane_fraction_bits, 24);
  EXPECT_EQ(cdna3->sum_bits, 31);
  EXPECT_EQ(cdna3->c_bits, 24);
  EXPECT_EQ(cdna3->c_reach, 25);
}

}  // namespace
}  // namespace mxref::fast
