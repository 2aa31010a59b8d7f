// BlockWalk groups values as quantize_tensor does: the same blocks, in the same scale order, so that
// quantizing its blocks one at a time gives quantize_tensor's scales and elements, and fake-quantizing
// them gives dequantize_tensor's values, on every layout.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "ref/block/block_format.hpp"
#include "ref/block/quantize.hpp"
#include "ref/block/tensor.hpp"
#include "ref/decode.hpp"
#include "tools/block_walk.hpp"

namespace mxref::tools {
namespace {

std::vector<Value> random_values(std::size_t count, std::mt19937_64& random) {
  std::vector<Value> values;
  for (std::size_t i = 0; i < count; ++i) {
    // Mostly a narrow exponent range, so that blocks mix scales; some NaN, Inf and zeros too.
    const std::uint64_t bits =
        random() % 16 == 0 ? random() : (random() & 0x80ffffffu) | (0x38000000u + (random() % 24 << 23));
    values.push_back(decode(fp32, bits & 0xffffffffu));
  }
  return values;
}

struct Case {
  std::vector<std::size_t> shape;
  std::size_t axis, tile_rows;
};

TEST(BlockWalk, SameBlocksAsQuantizeTensor) {
  const std::vector<Case> cases = {
      {{7}, 0, 0},        {{2, 3}, 1, 0},    {{2, 3}, 0, 0},    {{5, 4, 33}, 2, 0}, {{5, 4, 33}, 1, 0},
      {{5, 4, 33}, 0, 0}, {{3, 1, 9}, 1, 0}, {{6, 40}, 1, 2},   {{5, 33}, 1, 3},    {{2, 5, 7}, 2, 4},
      {{1, 1}, 1, 1},     {{64, 64}, 0, 0},  {{3, 0, 4}, 2, 0}, {{0, 8}, 1, 2},
  };
  std::mt19937_64 random(7);
  for (const char* name : {"mxfp4_e2m1", "mxfp8_e4m3", "mxint8", "bfp8"}) {
    for (const int block_size : {1, 2, 3, 32}) {
      BlockFormat format = parse_block_format(name);
      format.block_size = block_size;
      const Profile& profile = find_profile("ocp");
      for (const Case& c : cases) {
        const BlockLayout layout{c.shape, c.axis, c.tile_rows};
        const BlockWalk walk(layout, static_cast<std::size_t>(block_size));
        std::vector<Value> values = random_values(walk.values(), random);
        const QuantizedTensor q = quantize_tensor(format, profile, values, layout);
        const std::vector<Value> expected = dequantize_tensor(format, q, layout);

        ASSERT_EQ(walk.scale_shape(), q.scale_shape);
        ASSERT_EQ(walk.blocks(), q.scales.size());
        BlockFormat per_block = format;
        per_block.block_size = static_cast<int>(walk.block_capacity());
        std::vector<int> seen(values.size(), 0);
        std::vector<std::size_t> members;
        for (std::size_t b = 0; b < walk.blocks(); ++b) {
          walk.members(b, members);
          ASSERT_FALSE(members.empty());
          ASSERT_LE(members.size(), walk.block_capacity());
          std::vector<Value> block;
          for (std::size_t k = 0; k < members.size(); ++k) {
            if (k > 0) {
              ASSERT_LT(members[k - 1], members[k]);  // ascending, as quantize_tensor gathers them
            }
            ++seen.at(members[k]);
            block.push_back(values[members[k]]);
          }
          const QuantizedBlock qb = quantize_block(per_block, profile, block);
          EXPECT_EQ(qb.scale, q.scales[b]) << name << " block " << b;
          const std::vector<Value> fake = fake_quantize_block(per_block, profile, block);
          std::vector<Value> want;
          for (const std::size_t i : members) want.push_back(expected[i]);
          keep_fake_quant_conventions(per_block, profile, q.scales[b], block, want);
          for (std::size_t k = 0; k < members.size(); ++k) {
            EXPECT_EQ(qb.elements[k], q.elements[members[k]]);
            EXPECT_EQ(fake[k], want[k]);
          }
        }
        EXPECT_EQ(seen, std::vector<int>(values.size(), 1));  // every value in exactly one block
      }
    }
  }
}

TEST(BlockWalk, RefusesWhatQuantizeTensorRefuses) {
  EXPECT_THROW(BlockWalk(BlockLayout{{}, 0, 0}, 2), std::invalid_argument);
  EXPECT_THROW(BlockWalk(BlockLayout{{4, 4}, 2, 0}, 2), std::invalid_argument);
  EXPECT_THROW(BlockWalk(BlockLayout{{4}, 0, 2}, 2), std::invalid_argument);
}

}  // namespace
}  // namespace mxref::tools
