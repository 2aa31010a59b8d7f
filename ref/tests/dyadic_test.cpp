#include <gtest/gtest.h>

#include "ref/dyadic.hpp"

namespace mxref {
namespace {

TEST(Dyadic, NormalisesToAnOddSignificand) {
  const Dyadic d(BigInt(12), 0);  // 12 = 3 * 2^2
  EXPECT_EQ(d.significand(), 3);
  EXPECT_EQ(d.exponent(), 2);
  EXPECT_EQ(Dyadic(BigInt(0), 7), Dyadic());
}

TEST(Dyadic, OrdersExactly) {
  EXPECT_LT(Dyadic(3, -1), Dyadic(2, 0));  // 1.5 < 2
  EXPECT_GT(Dyadic(5, -2), Dyadic(1, 0));  // 1.25 > 1
  EXPECT_EQ(Dyadic(1, 1), Dyadic(2, 0));
  EXPECT_LT(Dyadic(), Dyadic(1, -1000));
  const Dyadic big(BigInt(1) << 200, 0);
  EXPECT_LT(big, big + Dyadic(1, -200));
}

TEST(Dyadic, Arithmetic) {
  EXPECT_EQ(Dyadic(3, -1) + Dyadic(1, -2), Dyadic(7, -2));  // 1.5 + 0.25 = 1.75
  EXPECT_EQ(Dyadic(3, -1) - Dyadic(1, -1), Dyadic(1, 0));
  EXPECT_EQ(Dyadic(3, -1) * Dyadic(3, 2), Dyadic(9, 1));  // 1.5 * 12 = 18
  EXPECT_EQ(Dyadic(3, -1).floor_log2(), 0);
  EXPECT_EQ(Dyadic(1, -9).floor_log2(), -9);
}

TEST(Dyadic, DecimalIsExact) {
  EXPECT_EQ(to_decimal(Dyadic(1, -3)), "0.125");
  EXPECT_EQ(to_decimal(Dyadic(7, 6)), "448");
  EXPECT_EQ(to_decimal(Dyadic()), "0");
  EXPECT_EQ(to_decimal(Dyadic(1, -9)), "0.001953125");
  EXPECT_EQ(to_decimal(Dyadic(1, 127)), "170141183460469231731687303715884105728");
  EXPECT_EQ(to_decimal(Dyadic(1, -127)).size(), 2u + 127u);  // "0." and 127 places
}

TEST(Dyadic, HexFloat) {
  EXPECT_EQ(to_hexfloat(Dyadic(7, 6)), "0x1.cp+8");  // 448 = 1.75 * 2^8
  EXPECT_EQ(to_hexfloat(Dyadic(1, 0)), "0x1p+0");
  EXPECT_EQ(to_hexfloat(Dyadic(3, -10)), "0x1.8p-9");
  EXPECT_EQ(to_hexfloat(Dyadic()), "0x0p+0");
  EXPECT_EQ(to_hexfloat(Dyadic(0xFFFFFF, 104)), "0x1.fffffep+127");  // FLT_MAX
}

}  // namespace
}  // namespace mxref
