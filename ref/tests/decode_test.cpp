// Decode tables checked against the OCP MX v1.0 spec's element tables (section 5.3), written out here
// by hand, and against the IEEE 754 layout for the wider formats.
#include <gtest/gtest.h>

#include <array>
#include <cmath>

#include "exact_values.hpp"
#include "ref/decode.hpp"
#include "ref/format.hpp"

namespace mxref {
namespace {

using testing::to_double;

template <std::size_t N>
void expect_positive_table(const Format& f, const std::array<double, N>& table) {
  for (std::uint64_t code = 0; code < N; ++code) {
    EXPECT_EQ(to_double(decode(f, code)), table[code]) << "code " << code;
    EXPECT_EQ(to_double(decode(f, code | sign_bit(f))), -table[code]) << "negative code " << code;
  }
}

TEST(Decode, E2M1MatchesOcpTable) {
  expect_positive_table(e2m1, std::array<double, 8>{0, 0.5, 1, 1.5, 2, 3, 4, 6});
  EXPECT_EQ(classify(e2m1, 0x1), CodeClass::subnormal);
  EXPECT_EQ(classify(e2m1, 0x8), CodeClass::zero);
  EXPECT_TRUE(decode(e2m1, 0x8).negative);
}

TEST(Decode, E2M3MatchesOcpTable) {
  expect_positive_table(
      e2m3, std::array<double, 32>{0, 0.125, 0.25, 0.375, 0.5, 0.625, 0.75, 0.875,  // subnormals: m/8
                                   1, 1.125, 1.25, 1.375, 1.5, 1.625, 1.75, 1.875,  // 2^0 binade
                                   2, 2.25,  2.5,  2.75,  3,   3.25,  3.5,  3.75,   // 2^1
                                   4, 4.5,   5,    5.5,   6,   6.5,   7,    7.5});  // 2^2; 7.5 is max normal
}

TEST(Decode, E3M2MatchesOcpTable) {
  expect_positive_table(e3m2,
                        std::array<double, 32>{0,    0.0625, 0.125, 0.1875,  // subnormals: m/4 * 2^-2
                                               0.25, 0.3125, 0.375, 0.4375, 0.5, 0.625, 0.75, 0.875, 1, 1.25,
                                               1.5,  1.75,   2,     2.5,    3,   3.5,   4,    5,     6, 7,
                                               8,    10,     12,    14,     16,  20,    24,   28});  // 28 is max normal
}

TEST(Decode, E4M3SpecialsAndExtremes) {
  EXPECT_EQ(to_double(decode(e4m3, 0x7E)), 448.0);
  EXPECT_EQ(to_double(decode(e4m3, 0xFE)), -448.0);
  EXPECT_EQ(to_double(decode(e4m3, 0x08)), std::ldexp(1, -6));          // min normal
  EXPECT_EQ(to_double(decode(e4m3, 0x07)), 0.875 * std::ldexp(1, -6));  // max subnormal
  EXPECT_EQ(to_double(decode(e4m3, 0x01)), std::ldexp(1, -9));          // min subnormal
  EXPECT_EQ(to_double(decode(e4m3, 0x38)), 1.0);
  EXPECT_EQ(to_double(decode(e4m3, 0x78)), 256.0);  // 0.1111.000 is a number, not Inf
  EXPECT_TRUE(decode(e4m3, 0x7F).is_nan());
  EXPECT_TRUE(decode(e4m3, 0xFF).is_nan());
  for (std::uint64_t code = 0; code < 256; ++code)
    EXPECT_EQ(classify(e4m3, code) == CodeClass::nan, (code & 0x7F) == 0x7F) << code;
}

TEST(Decode, E4M3EveryNormalFollowsTheFormula) {
  // value = 2^(E-7) * (1 + M/8) for E in 1..15 (except the NaN pattern), 2^-6 * M/8 for E = 0.
  for (std::uint64_t code = 0; code < 0x7F; ++code) {
    const int e = static_cast<int>(code >> 3), m = static_cast<int>(code & 7);
    const double expected = e == 0 ? std::ldexp(m / 8.0, -6) : std::ldexp(1 + m / 8.0, e - 7);
    EXPECT_EQ(to_double(decode(e4m3, code)), expected) << code;
  }
}

TEST(Decode, E5M2IsIeeeLike) {
  EXPECT_EQ(to_double(decode(e5m2, 0x7B)), 57344.0);
  EXPECT_TRUE(decode(e5m2, 0x7C).is_infinity());
  EXPECT_TRUE(decode(e5m2, 0xFC).is_infinity() && decode(e5m2, 0xFC).negative);
  for (std::uint64_t code : {0x7D, 0x7E, 0x7F, 0xFD, 0xFE, 0xFF}) EXPECT_TRUE(decode(e5m2, code).is_nan()) << code;
  EXPECT_EQ(to_double(decode(e5m2, 0x04)), std::ldexp(1, -14));
  EXPECT_EQ(to_double(decode(e5m2, 0x01)), std::ldexp(1, -16));
}

TEST(Decode, E8M0IsPowersOfTwo) {
  for (std::uint64_t code = 0; code < 0xFF; ++code) {
    const Value v = decode(e8m0, code);
    EXPECT_EQ(v.magnitude, Dyadic::power_of_two(static_cast<std::int64_t>(code) - 127)) << code;
    EXPECT_FALSE(v.negative);
  }
  EXPECT_TRUE(decode(e8m0, 0xFF).is_nan());
}

TEST(Decode, Int8IsTwosComplementWithSixFractionBits) {
  EXPECT_EQ(to_double(decode(int8, 0x7F)), 127.0 / 64);
  EXPECT_EQ(to_double(decode(int8, 0x01)), 1.0 / 64);
  EXPECT_EQ(to_double(decode(int8, 0x40)), 1.0);
  EXPECT_EQ(to_double(decode(int8, 0x80)), -2.0);
  EXPECT_EQ(to_double(decode(int8, 0xFF)), -1.0 / 64);
  EXPECT_EQ(to_double(decode(int8, 0xC0)), -1.0);
  EXPECT_FALSE(decode(int8, 0x00).negative);
}

TEST(Decode, SignMagnitudeIsSignAndMagnitudeTimes2ToMinusBias) {
  // sm8 (block floating point elements): sign bit, 7-bit magnitude k, value k x 2^-6: 0x7f = 127/64,
  // 0xff = -127/64, 0x80 = -0, 0x01 = 1/64, 0x81 = -1/64.
  const Format f = parse_format("sm8");
  EXPECT_EQ(to_double(decode(f, 0x7F)), 127.0 / 64);
  EXPECT_EQ(to_double(decode(f, 0xFF)), -127.0 / 64);
  EXPECT_TRUE(decode(f, 0x80).is_zero());
  EXPECT_TRUE(decode(f, 0x80).negative);
  EXPECT_EQ(to_double(decode(f, 0x81)), -1.0 / 64);
  EXPECT_EQ(classify(f, 0x80), CodeClass::zero);
  EXPECT_EQ(classify(f, 0x81), CodeClass::normal);
}

TEST(Decode, FnuzHasOneNanAndNoNegativeZero) {
  EXPECT_TRUE(decode(e4m3fnuz, 0x80).is_nan());
  EXPECT_TRUE(decode(e5m2fnuz, 0x80).is_nan());
  EXPECT_EQ(to_double(decode(e4m3fnuz, 0x7F)), 240.0);    // 2^(15-8) * 1.875
  EXPECT_EQ(to_double(decode(e5m2fnuz, 0x7F)), 57344.0);  // 2^(31-16) * 1.75
  EXPECT_EQ(to_double(decode(e4m3fnuz, 0x08)), std::ldexp(1, -7));
  EXPECT_EQ(to_double(decode(e4m3fnuz, 0xFF)), -240.0);
}

TEST(Decode, Ue4m3IsUnsignedE4M3) {
  for (std::uint64_t code = 0; code < 0x80; ++code) EXPECT_EQ(decode(ue4m3, code), decode(e4m3, code)) << code;
  EXPECT_THROW(decode(ue4m3, 0x80), std::invalid_argument);
}

TEST(Decode, IeeeWideFormatsMatchTheHost) {
  for (float x : {1.0f, -2.5f, 3.4028235e38f, 1.17549435e-38f, 1.4e-45f, -0.0f, 65504.0f})
    EXPECT_EQ(to_double(decode(fp32, testing::bits_of(x))), static_cast<double>(x)) << x;
  EXPECT_EQ(to_double(decode(fp16, 0x7BFF)), 65504.0);
  EXPECT_EQ(to_double(decode(fp16, 0x0001)), std::ldexp(1, -24));
  EXPECT_EQ(to_double(decode(bf16, 0x3F80)), 1.0);
  EXPECT_EQ(to_double(decode(bf16, 0x7F7F)), std::ldexp(255.0 / 128, 127));
  EXPECT_EQ(to_double(decode(fp64, 0x3FF8000000000000)), 1.5);
}

TEST(Decode, NanPayloadIsKeptLeftAligned) {
  const Value v = decode(fp32, 0xFFA00001);
  ASSERT_TRUE(v.is_nan());
  EXPECT_TRUE(v.negative);
  EXPECT_EQ(v.nan_payload, (std::uint64_t{0x200001}) << 41);  // 23 mantissa bits moved to the top of 64
}

TEST(Decode, SubnormalsAsZero) {
  const Value v = decode(fp32, 0x80000001, {.subnormals_as_zero = true});
  EXPECT_TRUE(v.is_zero());
  EXPECT_TRUE(v.negative);
  EXPECT_FALSE(decode(fp32, 0x00800000, {.subnormals_as_zero = true}).is_zero());
}

TEST(Decode, RejectsBitsAboveTheWidth) {
  EXPECT_THROW(decode(e2m1, 0x10), std::invalid_argument);
  EXPECT_THROW(decode(e4m3, 0x100), std::invalid_argument);
  EXPECT_THROW(classify(e8m0, 0x1FF), std::invalid_argument);
}

}  // namespace
}  // namespace mxref
