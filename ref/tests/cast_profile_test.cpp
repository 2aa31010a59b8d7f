// Element-cast profiles: each expectation is the third party's documented rule applied by hand
// (docs/spec-notes/profile-element-casts.md); ml_dtypes is also compared exhaustively in
// tools/tests/ml_dtypes_profile_test.py.
#include <gtest/gtest.h>

#include <cmath>

#include "exact_values.hpp"
#include "ref/cast_profile.hpp"
#include "ref/decode.hpp"

namespace mxref {
namespace {

using testing::value;

std::uint64_t code(CastProfile p, const Format& to, double x, Rounding r = Rounding::rne) {
  return cast_with_profile(p, to, value(x), r).code;
}

TEST(CastProfile, CudaFp8) {
  // 480 overflows E4M3 (max 448): satfinite -> 0x7e; nosat -> NaN with the sign (0x7f / 0xff). E5M2 nosat
  // -> Inf (0x7c). A NaN input gives 0x7f whatever its sign.
  EXPECT_EQ(code(CastProfile::cuda_satfinite, e4m3, 480.0), 0x7Eu);
  EXPECT_EQ(code(CastProfile::cuda_nosat, e4m3, 480.0), 0x7Fu);
  EXPECT_EQ(code(CastProfile::cuda_nosat, e4m3, -480.0), 0xFFu);
  EXPECT_EQ(code(CastProfile::cuda_nosat, e5m2, 1e6), 0x7Cu);
  EXPECT_EQ(code(CastProfile::cuda_satfinite, e5m2, -INFINITY), 0xFBu);
  EXPECT_EQ(cast_with_profile(CastProfile::cuda_satfinite, e4m3, Value::nan(true), Rounding::rne).code, 0x7Fu);
  EXPECT_THROW(code(CastProfile::cuda_satfinite, e4m3, 1.0, Rounding::rtz), std::invalid_argument);
}

TEST(CastProfile, CudaFp6Fp4SaturateAndNanIsMax) {
  // E2M1: 7 saturates to 6 (0x7); NaN -> +max (0x7); RTZ is offered: 5.9 -> 4 (0x6).
  EXPECT_EQ(code(CastProfile::cuda_nosat, e2m1, 7.0), 0x7u);
  EXPECT_EQ(code(CastProfile::cuda_satfinite, e2m1, NAN), 0x7u);
  EXPECT_EQ(code(CastProfile::cuda_satfinite, e2m1, 5.9, Rounding::rtz), 0x6u);
  EXPECT_EQ(code(CastProfile::cuda_satfinite, e3m2, -NAN), 0x1Fu);  // +max 28 even for -NaN
}

TEST(CastProfile, CudaE8m0) {
  // |x| is used: -3 with RUP -> 4 = 2^2 -> 0x81; RTZ -> 2 -> 0x80. Inf: satfinite 0xfe, nosat 0xff.
  EXPECT_EQ(code(CastProfile::cuda_satfinite, e8m0, -3.0, Rounding::rup), 0x81u);
  EXPECT_EQ(code(CastProfile::cuda_satfinite, e8m0, -3.0, Rounding::rtz), 0x80u);
  EXPECT_EQ(code(CastProfile::cuda_satfinite, e8m0, INFINITY, Rounding::rup), 0xFEu);
  EXPECT_EQ(code(CastProfile::cuda_nosat, e8m0, INFINITY, Rounding::rup), 0xFFu);
  EXPECT_EQ(code(CastProfile::cuda_nosat, e8m0, 0.0, Rounding::rup), 0x00u);
  EXPECT_EQ(default_rounding(CastProfile::cuda_satfinite, e8m0), Rounding::rup);
}

TEST(CastProfile, MlDtypes) {
  // E4M3: overflow and Inf -> NaN with sign; FP4: NaN -> a zero of the opposite sign (+NaN -> 0x8).
  EXPECT_EQ(code(CastProfile::ml_dtypes, e4m3, -INFINITY), 0xFFu);
  EXPECT_EQ(code(CastProfile::ml_dtypes, e4m3, 465.0), 0x7Fu);
  EXPECT_EQ(code(CastProfile::ml_dtypes, e2m1, NAN), 0x8u);
  EXPECT_EQ(cast_with_profile(CastProfile::ml_dtypes, e2m1, Value::nan(true), Rounding::rne).code, 0x0u);
  EXPECT_EQ(code(CastProfile::ml_dtypes, e2m1, INFINITY), 0x7u);
  // fnuz: everything special -> 0x80.
  EXPECT_EQ(code(CastProfile::ml_dtypes, e4m3fnuz, -INFINITY), 0x80u);
  // E8M0 rounds ties up (3 -> 4 = 0x81, 0.75 -> 1 = 0x7f), NaN for zero and negatives. Between 2^-127
  // and 2^-126 0.7 rounds like anywhere else (the midpoint is 1.5 x 2^-127: 1.0156 x 2^-127 -> 0x00,
  // 1.5 x 2^-127 -> 0x01); 0.6 took that whole interval up to 2^-126 (0x01).
  EXPECT_EQ(code(CastProfile::ml_dtypes, e8m0, 3.0, Rounding::rna), 0x81u);
  EXPECT_EQ(code(CastProfile::ml_dtypes, e8m0, 0.75, Rounding::rna), 0x7Fu);
  EXPECT_EQ(code(CastProfile::ml_dtypes, e8m0, 0.0, Rounding::rna), 0xFFu);
  EXPECT_EQ(code(CastProfile::ml_dtypes, e8m0, -2.0, Rounding::rna), 0xFFu);
  EXPECT_EQ(code(CastProfile::ml_dtypes, e8m0, std::ldexp(65.0 / 64.0, -127), Rounding::rna), 0x00u);
  EXPECT_EQ(code(CastProfile::ml_dtypes, e8m0, std::ldexp(1.5, -127), Rounding::rna), 0x01u);
  EXPECT_EQ(code(CastProfile::ml_dtypes_0_6, e8m0, std::ldexp(65.0 / 64.0, -127), Rounding::rna), 0x01u);
  EXPECT_EQ(code(CastProfile::ml_dtypes_0_6, e8m0, 3.0, Rounding::rna), 0x81u);
  EXPECT_EQ(code(CastProfile::torch, e8m0, std::ldexp(65.0 / 64.0, -127), Rounding::rna), 0x01u);
  for (const CastProfile p : {CastProfile::ml_dtypes, CastProfile::ml_dtypes_0_6})
    EXPECT_EQ(code(p, e8m0, std::ldexp(1.0, -127), Rounding::rna), 0x00u);
  // IEEE-like targets: NaN is canonical (quiet, no payload), sign kept: E5M2 0x7e / 0xfe.
  EXPECT_EQ(cast_with_profile(CastProfile::ml_dtypes, e5m2, Value::nan(true, 1), Rounding::rne).code, 0xFEu);
}

TEST(CastProfile, TorchE5m2NanIsAllOnesWithItsSign) {
  // c10's fp8e5m2_from_fp32_value: |x| above 0x7F800000 (any NaN) -> 0x7F, then the sign bit: 0x7F / 0xFF
  // whatever the payload (observed on CPU and CUDA, torch 2.11). ml_dtypes gives the quiet 0x7E / 0xFE.
  EXPECT_EQ(cast_with_profile(CastProfile::torch, e5m2, Value::nan(false), Rounding::rne).code, 0x7Fu);
  EXPECT_EQ(cast_with_profile(CastProfile::torch, e5m2, Value::nan(true, 1), Rounding::rne).code, 0xFFu);
  EXPECT_EQ(cast_with_profile(CastProfile::torch, e5m2, Value::nan(false, 0x2AAAAA), Rounding::rne).code, 0x7Fu);
  // Infinity and overflow are unchanged: 0x7C / 0xFC; E4M3 NaN stays 0x7F / 0xFF (its only NaN per sign).
  EXPECT_EQ(code(CastProfile::torch, e5m2, -INFINITY), 0xFCu);
  EXPECT_EQ(code(CastProfile::torch, e5m2, 65536.0), 0x7Cu);
  EXPECT_EQ(cast_with_profile(CastProfile::torch, e4m3, Value::nan(true), Rounding::rne).code, 0xFFu);
}

TEST(CastProfile, TorchHalfAndBfloat16NanDependOnTheDevice) {
  // Observed with torch 2.11 (x86 CPU; CUDA on an H200). CPU FP16: x86's vcvtps2ph keeps the sign, sets
  // the quiet bit and keeps the top 9 payload bits: fp32 0xffb12345 (payload 0x312345) -> 0xfc00 | 0x200 |
  // (0x312345 >> 13 = 0x189) = 0xff89; 0x7f800001 -> 0x7e00. CPU BF16: 0xffff for every NaN. CUDA: 0x7fff.
  const Value negative = decode(fp32, 0xFFB12345);
  const Value signalling = decode(fp32, 0x7F800001);
  EXPECT_EQ(cast_with_profile(CastProfile::torch, fp16, negative, Rounding::rne).code, 0xFF89u);
  EXPECT_EQ(cast_with_profile(CastProfile::torch, fp16, signalling, Rounding::rne).code, 0x7E00u);
  EXPECT_EQ(cast_with_profile(CastProfile::torch, bf16, signalling, Rounding::rne).code, 0xFFFFu);
  for (const Format& to : {fp16, bf16})
    for (const Value& v : {negative, signalling})
      EXPECT_EQ(cast_with_profile(CastProfile::torch_cuda, to, v, Rounding::rne).code, 0x7FFFu);
  // Everything else is one rule on both devices: e5m2 NaN 0x7f | sign, and ordinary values.
  EXPECT_EQ(cast_with_profile(CastProfile::torch_cuda, e5m2, negative, Rounding::rne).code, 0xFFu);
  EXPECT_EQ(code(CastProfile::torch_cuda, fp16, 65520.0), 0x7C00u);
}

}  // namespace
}  // namespace mxref
