// Byte layouts written out by hand: which bits of which byte each element lands in.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <numeric>
#include <vector>

#include "ref/block/packing.hpp"

namespace mxref {
namespace {

using Bytes = std::vector<std::uint8_t>;
using Codes = std::vector<std::uint64_t>;

TEST(Packing, Fp4NibbleOrders) {
  // Elements 0xA, 0x5, 0x3: lsb-first puts element 0 in the low nibble (0x5A, then 0x03 padded);
  // msb-first in the high nibble (0xA5, then 0x30).
  const Codes codes{0xA, 0x5, 0x3};
  EXPECT_EQ(pack_codes(codes, 4, BitOrder::lsb_first), (Bytes{0x5A, 0x03}));
  EXPECT_EQ(pack_codes(codes, 4, BitOrder::msb_first), (Bytes{0xA5, 0x30}));
}

TEST(Packing, Fp6FourInThreeBytes) {
  // x0..x3 = 0b101010, 0b110011, 0b000111, 0b111000.
  // msb-first (torchao): 101010|11 0011|0001 11|111000 -> 0xAB 0x31 0xF8.
  // lsb-first: byte0 = x0 | (x1 & 3) << 6 = 0b11101010 = 0xEA; byte1 = x1 >> 2 | (x2 & 0xF) << 4
  // = 0b0111'1100 = 0x7C; byte2 = x2 >> 4 | x3 << 2 = 0b11100000 = 0xE0.
  const Codes codes{0b101010, 0b110011, 0b000111, 0b111000};
  EXPECT_EQ(pack_codes(codes, 6, BitOrder::msb_first), (Bytes{0xAB, 0x31, 0xF8}));
  EXPECT_EQ(pack_codes(codes, 6, BitOrder::lsb_first), (Bytes{0xEA, 0x7C, 0xE0}));
}

TEST(Packing, TorchaoPlanarFp6) {
  // A block of 32 codes, all 0 except x0 = 0b101101, x1 = 0b010011 (group 0) and x31 = 0b111111 (group 7,
  // its x3). Byte 0 = x0[5:2] << 4 | x1[5:2] = 0b1011'0100 = 0xB4; byte 16 = x0[1:0] << 6 | x1[1:0] << 4
  // = 0b0111'0000 = 0x70; byte 15 (8 + 7) = x2[5:2] << 4 | x3[5:2] = 0x0F; byte 23 = x3[1:0] = 0x03.
  Codes codes(32, 0);
  codes[0] = 0b101101;
  codes[1] = 0b010011;
  codes[31] = 0b111111;
  Bytes expected(24, 0);
  expected[0] = 0xB4;
  expected[16] = 0x70;
  expected[15] = 0x0F;
  expected[23] = 0x03;
  EXPECT_EQ(pack_codes(codes, 6, BitOrder::fp6_planar32), expected);
  for (std::size_t i = 0; i < codes.size(); ++i) codes[i] = (i * 37 + 5) & 63;
  EXPECT_EQ(unpack_codes(pack_codes(codes, 6, BitOrder::fp6_planar32), 6, 32, BitOrder::fp6_planar32), codes);
  EXPECT_THROW(pack_codes(Codes(31, 0), 6, BitOrder::fp6_planar32), std::invalid_argument);
}

TEST(Packing, WholeBytesAreLittleEndianEitherWay) {
  EXPECT_EQ(pack_codes(Codes{0x12, 0xFE}, 8, BitOrder::msb_first), (Bytes{0x12, 0xFE}));
  EXPECT_EQ(pack_codes(Codes{0x1234}, 16, BitOrder::msb_first), (Bytes{0x34, 0x12}));
}

TEST(Packing, RoundTripsEveryWidth) {
  for (int bits = 1; bits <= 16; ++bits)
    for (const BitOrder order : {BitOrder::lsb_first, BitOrder::msb_first}) {
      Codes codes(37);
      for (std::size_t i = 0; i < codes.size(); ++i) codes[i] = (i * 0x9E37u + 11) & ((1u << bits) - 1);
      EXPECT_EQ(unpack_codes(pack_codes(codes, bits, order), bits, codes.size(), order), codes) << bits;
    }
  EXPECT_THROW(pack_codes(Codes{0x10}, 4, BitOrder::lsb_first), std::invalid_argument);
  EXPECT_THROW(unpack_codes(Bytes{0x00}, 6, 2, BitOrder::lsb_first), std::invalid_argument);
}

// Any codes of any width 1..16, in either bit order, come back from their packed bytes.
RC_GTEST_PROP(Packing, UnpackUndoesPack, ()) {
  const int bits = *rc::gen::inRange(1, 17);
  const BitOrder order = *rc::gen::elementOf(std::vector<BitOrder>{BitOrder::lsb_first, BitOrder::msb_first});
  const Codes codes = *rc::gen::container<Codes>(rc::gen::inRange<std::uint64_t>(0, std::uint64_t{1} << bits));
  RC_ASSERT(unpack_codes(pack_codes(codes, bits, order), bits, codes.size(), order) == codes);
}

// Any scale matrix comes back from NVIDIA's swizzled layout.
RC_GTEST_PROP(Packing, UnswizzleUndoesSwizzle, ()) {
  const std::size_t rows = *rc::gen::inRange<std::size_t>(1, 300), cols = *rc::gen::inRange<std::size_t>(1, 20);
  const Bytes scales = *rc::gen::container<Bytes>(rows * cols, rc::gen::arbitrary<std::uint8_t>());
  RC_ASSERT(unswizzle_scales(swizzle_scales(scales, rows, cols), rows, cols) == scales);
}

TEST(Packing, SwizzledScales) {
  // A 130 x 5 scale matrix pads to 256 x 8: two tile rows of two 128x4 tiles (512 bytes each).
  // (0,0) -> 0; (1,0) -> 16; (32,0) -> 4; (0,3) -> 3; (0,4) -> the second tile, 512; (128,0) -> tile 2, 1024;
  // (97,2): r%32 = 1, r/32 = 3 -> 16 + 12 + 2 = 30.
  EXPECT_EQ(swizzled_scale_offset(0, 0, 5), 0u);
  EXPECT_EQ(swizzled_scale_offset(1, 0, 5), 16u);
  EXPECT_EQ(swizzled_scale_offset(32, 0, 5), 4u);
  EXPECT_EQ(swizzled_scale_offset(0, 3, 5), 3u);
  EXPECT_EQ(swizzled_scale_offset(0, 4, 5), 512u);
  EXPECT_EQ(swizzled_scale_offset(128, 0, 5), 1024u);
  EXPECT_EQ(swizzled_scale_offset(97, 2, 5), 30u);
  Bytes m(130 * 5);
  std::iota(m.begin(), m.end(), std::uint8_t{1});
  const Bytes s = swizzle_scales(m, 130, 5);
  EXPECT_EQ(s.size(), 256u * 8u);
  EXPECT_EQ(unswizzle_scales(s, 130, 5), m);
}

}  // namespace
}  // namespace mxref
