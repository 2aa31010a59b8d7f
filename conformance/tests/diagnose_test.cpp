// diagnose_block on blocks built by hand: each known fault, injected into the reference's own output, is
// named; a fault that no rule explains gets no diagnosis.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "conformance/diagnose.hpp"
#include "ref/block/quantize.hpp"
#include "ref/decode.hpp"
#include "ref/encode.hpp"

namespace mxref::conformance {
namespace {

vectors::Suite mxfp8_suite() {
  return vectors::parse_suite(
      nlohmann::json::parse(R"({"name": "t", "kind": "block", "format": "mxfp8_e4m3", "classes": ["ties"]})"), "t");
}

// FP32 codes of a block: amax 448 (so X = 2^0 under ocp: E4M3's emax is 8, 448 = 1.75 x 2^8), then values
// between E4M3 neighbours: 1.0625 (a tie between 1 and 1.125), 1.09375 (above the tie), 2.125 (a tie
// between 2 and 2.25), the rest 1.
std::vector<std::uint64_t> inputs() {
  std::vector<std::uint64_t> codes(32, encode(fp32, Value::finite(false, Dyadic(1, 0)), {}).code);
  codes[0] = encode(fp32, Value::finite(false, Dyadic(448, 0)), {}).code;
  codes[1] = encode(fp32, Value::finite(false, Dyadic(17, -4)), {}).code;  // 1.0625
  codes[2] = encode(fp32, Value::finite(false, Dyadic(35, -5)), {}).code;  // 1.09375
  codes[3] = encode(fp32, Value::finite(false, Dyadic(17, -3)), {}).code;  // 2.125
  return codes;
}

std::vector<std::uint64_t> reference(const vectors::Suite& s, const std::vector<std::uint64_t>& in) {
  std::vector<Value> values;
  for (const std::uint64_t c : in) values.push_back(decode(fp32, c));
  const QuantizedBlock q = quantize_block(s.block, *s.profile, values);
  std::vector<std::uint64_t> out{q.scale};
  out.insert(out.end(), q.elements.begin(), q.elements.end());
  return out;
}

TEST(Diagnose, TiesAwayFromZero) {
  const vectors::Suite s = mxfp8_suite();
  const std::vector<std::uint64_t> in = inputs(), want = reference(s, in);
  ASSERT_EQ(want[0], 0x7Fu);
  // RNE: 1.0625 -> 1 (0x38), 2.125 -> 2 (0x40); ties away: 1.125 (0x39), 2.25 (0x41).
  EXPECT_EQ(want[2], 0x38u);
  EXPECT_EQ(want[4], 0x40u);
  std::vector<std::uint64_t> got = want;
  got[2] = 0x39;
  got[4] = 0x41;
  const auto d = diagnose_block(s, in, want, got);
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->scale_differs);
  ASSERT_EQ(d->elements.size(), 2u);
  EXPECT_EQ(d->elements[0].index, 1u);
  EXPECT_EQ(d->elements[0].expected, 0x38u);
  EXPECT_EQ(d->elements[0].got, 0x39u);
  EXPECT_EQ(d->diagnosis, "ties rounded away from zero, not to even");
}

TEST(Diagnose, Truncation) {
  const vectors::Suite s = mxfp8_suite();
  const std::vector<std::uint64_t> in = inputs(), want = reference(s, in);
  // 1.09375 rounds to 1.125 (0x39) to nearest; truncated it is 1 (0x38).
  EXPECT_EQ(want[3], 0x39u);
  std::vector<std::uint64_t> got = want;
  got[3] = 0x38;
  const auto d = diagnose_block(s, in, want, got);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->diagnosis, "elements truncated (rounded toward zero), not rounded to nearest even");
}

// inputs() quantized under X = 2 instead of 1: 448 -> 224 (0x76), 1 -> 0.5 (0x30), 1.0625 -> 0.53125 (0x30,
// RNE), 1.09375 -> 0.546875 (0x31), 2.125 -> 1.0625 (0x38).
std::vector<std::uint64_t> inputs_one_binade_up() {
  std::vector<std::uint64_t> got(33, 0x30);
  got[0] = 0x80;
  got[1] = 0x76;
  got[3] = 0x31;
  got[4] = 0x38;
  return got;
}

TEST(Diagnose, ScaleOneBinadeUpWithConsistentElements) {
  const vectors::Suite s = mxfp8_suite();
  const std::vector<std::uint64_t> in = inputs(), want = reference(s, in);
  std::vector<std::uint64_t> got = inputs_one_binade_up();
  const auto d = diagnose_block(s, in, want, got);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->scale_differs);
  EXPECT_EQ(d->binades, 1);
  EXPECT_NE(d->diagnosis.find("scale +1 binade, every element consistent with it"), std::string::npos) << d->diagnosis;
  // The same scale with one element off is not that rule.
  got[5] = 0x31;
  EXPECT_EQ(diagnose_block(s, in, want, got)->diagnosis, "");
}

TEST(Diagnose, FloatLog2RoundingUpJustBelowAPowerOfTwo) {
  const vectors::Suite s = mxfp8_suite();
  // amax = 2^101 (1 - 2^-20) (FP32 0x71FFFFF0): log2 = 101 - 1.38e-6, within half an FP32 step (2^-18 at
  // 101) of 101, so fl32(log2) = 101 where the true floor is 100. ocp: X = 2^(100 - 8); a float log2 gives
  // 2^(101 - 8), one binade up; the other values are 2^92 (1 under ocp's X, 0.5 under the other).
  std::vector<std::uint64_t> in(32, encode(fp32, Value::finite(false, Dyadic(1, 92)), {}).code);
  in[0] = 0x71FFFFF0;
  const std::vector<std::uint64_t> want = reference(s, in);
  ASSERT_EQ(want[0], 127u + 92);  // 2^92
  // Under 2^93: amax -> 2^8 (1 - 2^-20) -> 256 (0x78, RNE); 2^92 -> 0.5 (0x30).
  std::vector<std::uint64_t> got(33, 0x30);
  got[0] = 127 + 93;
  got[1] = 0x78;
  const auto d = diagnose_block(s, in, want, got);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->binades, 1);
  EXPECT_NE(d->diagnosis.find("amax lies just below a power of two, where an FP32 log2 rounds up"), std::string::npos)
      << d->diagnosis;
  // The same +1 binade with an amax well inside its binade (448 in inputs()) is the generic rule instead.
  const std::vector<std::uint64_t> plain = inputs();
  EXPECT_NE(diagnose_block(s, plain, reference(s, plain), inputs_one_binade_up())->diagnosis.find("another scale rule"),
            std::string::npos);
}

TEST(Diagnose, WrongCodeCount) {
  const vectors::Suite s = mxfp8_suite();
  const std::vector<std::uint64_t> in = inputs(), want = reference(s, in);
  const std::vector<std::uint64_t> got(want.begin(), want.begin() + 10);
  EXPECT_EQ(diagnose_block(s, in, want, got)->diagnosis,
            "10 codes where 33 were expected (a scale and the block's elements)");
}

}  // namespace
}  // namespace mxref::conformance
