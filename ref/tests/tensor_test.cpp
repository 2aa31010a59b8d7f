// Tensors cut into blocks along an axis or into 2-D tiles; expected scales worked out by hand (OCP rule,
// E2M1 emax 2: X = 2^(floor(log2 amax) - 2), E8M0 code 127 + that exponent).
#include <gtest/gtest.h>

#include <vector>

#include "exact_values.hpp"
#include "ref/block/tensor.hpp"

namespace mxref {
namespace {

using testing::value;
using Codes = std::vector<std::uint64_t>;

// [[1, 2, 64], [4, 0.5, 0]]
std::vector<Value> matrix() { return {value(1), value(2), value(64), value(4), value(0.5), value(0)}; }

BlockFormat fp4_block_of(int n) {
  BlockFormat f = parse_block_format("mxfp4_e2m1");
  f.block_size = n;
  return f;
}

TEST(Tensor, BlocksAlongTheLastAxisWithARaggedEnd) {
  // Rows cut in blocks of 2: [1,2] amax 2 -> 2^-1 (0x7e); [64] -> 2^4 (0x83); [4,0.5] -> 2^0 (0x7f);
  // [0] -> the smallest scale 0x00. Elements: 1/0.5 = 2 (0x4), 2/0.5 = 4 (0x6), 64/16 = 4 (0x6), 4 (0x6),
  // 0.5 (0x1), 0 (0x0).
  const QuantizedTensor q = quantize_tensor(fp4_block_of(2), find_profile("ocp"), matrix(), {{2, 3}, 1});
  EXPECT_EQ(q.scale_shape, (std::vector<std::size_t>{2, 2}));
  EXPECT_EQ(q.scales, (Codes{0x7E, 0x83, 0x7F, 0x00}));
  EXPECT_EQ(q.elements, (Codes{0x4, 0x6, 0x6, 0x6, 0x1, 0x0}));
}

TEST(Tensor, BlocksAlongTheFirstAxis) {
  // Columns: [1,4] -> 2^0 (0x7f); [2,0.5] -> 2^-1 (0x7e); [64,0] -> 2^4 (0x83).
  const QuantizedTensor q = quantize_tensor(fp4_block_of(2), find_profile("ocp"), matrix(), {{2, 3}, 0});
  EXPECT_EQ(q.scale_shape, (std::vector<std::size_t>{1, 3}));
  EXPECT_EQ(q.scales, (Codes{0x7F, 0x7E, 0x83}));
  // 1/1 = 1 (0x2), 2/0.5 = 4 (0x6), 64/16 = 4 (0x6), 4/1 = 4 (0x6), 0.5/0.5 = 1 (0x2), 0.
  EXPECT_EQ(q.elements, (Codes{0x2, 0x6, 0x6, 0x6, 0x2, 0x0}));
  const std::vector<Value> back = dequantize_tensor(fp4_block_of(2), q, {{2, 3}, 0});
  EXPECT_EQ(back, matrix());  // every value here is representable at its block's scale
}

TEST(Tensor, TwoByTwoTiles) {
  // Tiles of 2 rows x 2 columns: {1,2,4,0.5} amax 4 -> 0x7f; {64,0} -> 0x83.
  const QuantizedTensor q = quantize_tensor(fp4_block_of(2), find_profile("ocp"), matrix(), {{2, 3}, 0, 2});
  EXPECT_EQ(q.scale_shape, (std::vector<std::size_t>{1, 2}));
  EXPECT_EQ(q.scales, (Codes{0x7F, 0x83}));
}

TEST(Tensor, RejectsBadLayouts) {
  EXPECT_THROW(quantize_tensor(fp4_block_of(2), find_profile("ocp"), matrix(), {{2, 2}, 0}), std::invalid_argument);
  EXPECT_THROW(quantize_tensor(fp4_block_of(2), find_profile("ocp"), matrix(), {{2, 3}, 2}), std::invalid_argument);
  EXPECT_THROW(quantize_tensor(fp4_block_of(2), find_profile("ocp"), matrix(), {{6}, 0, 2}), std::invalid_argument);
}

}  // namespace
}  // namespace mxref
