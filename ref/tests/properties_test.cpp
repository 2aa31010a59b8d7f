// Format properties checked against known values and against a count by enumeration.
#include <gtest/gtest.h>

#include "ref/decode.hpp"
#include "ref/format_name.hpp"
#include "ref/properties.hpp"

namespace mxref {
namespace {

TEST(Properties, KnownExtremes) {
  EXPECT_EQ(properties(e4m3).max_normal, Dyadic(7, 6));     // 448
  EXPECT_EQ(properties(e5m2).max_normal, Dyadic(7, 13));    // 57344
  EXPECT_EQ(properties(e3m2).max_normal, Dyadic(7, 2));     // 28
  EXPECT_EQ(properties(e2m3).max_normal, Dyadic(15, -1));   // 7.5
  EXPECT_EQ(properties(e2m1).max_normal, Dyadic(3, 1));     // 6
  EXPECT_EQ(properties(int8).max_normal, Dyadic(127, -6));  // 1.984375
  EXPECT_EQ(properties(e8m0).max_normal, Dyadic(1, 127));
  EXPECT_EQ(properties(e8m0).min_normal, Dyadic(1, -127));
  EXPECT_FALSE(properties(e8m0).min_subnormal.has_value());
  EXPECT_EQ(properties(e4m3).min_subnormal, Dyadic(1, -9));
  EXPECT_EQ(properties(e4m3).max_subnormal, Dyadic(7, -9));
  EXPECT_EQ(properties(e2m1).min_normal, Dyadic(1, 0));
  EXPECT_EQ(properties(fp16).epsilon, Dyadic(1, -10));
  // emax of the OCP scale rule (section 6.3): E4M3 8, E5M2 15, E3M2 4, E2M3 2, E2M1 2, INT8 0.
  EXPECT_EQ(properties(e4m3).max_exponent, 8);
  EXPECT_EQ(properties(e5m2).max_exponent, 15);
  EXPECT_EQ(properties(e3m2).max_exponent, 4);
  EXPECT_EQ(properties(e2m3).max_exponent, 2);
  EXPECT_EQ(properties(e2m1).max_exponent, 2);
  EXPECT_EQ(properties(int8).max_exponent, 0);
}

TEST(Properties, CountsMatchEnumeration) {
  for (const char* name :
       {"e5m2", "e4m3", "e3m2", "e2m3", "e2m1", "e3m0",   "int8",    "e8m0", "ue4m3", "e4m3fnuz", "e5m2fnuz",
        "fp16", "bf16", "e3m4", "e6m0", "e8m1", "e5m3fn", "e2m0fin", "int4", "sm4",   "sm8",      "e6m9ieee"}) {
    const Format f = parse_format(name);
    CodeCounts counted;
    for (std::uint64_t code = 0; code <= code_mask(f); ++code) {
      ++counted.total;
      switch (classify(f, code)) {
        case CodeClass::zero: ++counted.zeros; break;
        case CodeClass::subnormal: ++counted.subnormals; break;
        case CodeClass::normal: ++counted.normals; break;
        case CodeClass::infinity: ++counted.infinities; break;
        case CodeClass::nan: ++counted.nans; break;
      }
    }
    const CodeCounts c = properties(f).counts;
    EXPECT_EQ(c.total, counted.total) << name;
    EXPECT_EQ(c.zeros, counted.zeros) << name;
    EXPECT_EQ(c.subnormals, counted.subnormals) << name;
    EXPECT_EQ(c.normals, counted.normals) << name;
    EXPECT_EQ(c.infinities, counted.infinities) << name;
    EXPECT_EQ(c.nans, counted.nans) << name;
  }
  // 64-bit formats have 2^64 codes; FP64 spends 2^53 of them on Inf and NaN (exponent field all ones).
  const BigInt two64 = BigInt(1) << 64;
  EXPECT_EQ(properties(fp64).counts.total, two64);
  EXPECT_EQ(properties(fp64).counts.finite(), two64 - (BigInt(1) << 53));
  EXPECT_EQ(properties(parse_format("int64")).counts.finite(), two64);
  EXPECT_EQ(properties(Format{false, 12, 52, 2047, Encoding::ieee}).counts.nans, (BigInt(1) << 52) - 1);
  // Known totals: E4M3 has 2 NaNs and 2 zeros, 14 subnormals; E5M2 6 NaNs and 2 Infs.
  EXPECT_EQ(properties(e4m3).counts.nans, 2u);
  EXPECT_EQ(properties(e4m3).counts.subnormals, 14u);
  EXPECT_EQ(properties(e5m2).counts.nans, 6u);
  EXPECT_EQ(properties(fp32).counts.nans, 2u * ((1u << 23) - 1));
}

}  // namespace
}  // namespace mxref
