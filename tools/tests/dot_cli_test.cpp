// `mxref dot` end to end, with expected codes derived by hand.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tools/tests/run_mxref.hpp"

namespace mxref::tools::cli_tests {
namespace {

using Lines = std::vector<std::string>;

Lines ok(std::vector<std::string> arguments, const std::string& input) {
  const Outcome r = run_mxref(arguments, input);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  return lines_of(r.out);
}

// A block: the scale code, then `count` copies of `element`, then `rest` zeros, as hex tokens.
std::string block(const std::string& scale, const std::string& element, int count, int rest) {
  std::string text = scale;
  for (int i = 0; i < count; ++i) text += " " + element;
  for (int i = 0; i < rest; ++i) text += " 0";
  return text;
}

// Scales 2^0, 32 x (0.25 x 0.25) = 2 (E4M3 0x28 = 0.25), C = 1024 (0x44800000).
const std::string quarters = block("7f", "28", 32, 0) + " " + block("7f", "28", 32, 0) + " 44800000\n";

TEST(Dot, ExactAndHopperFp8) {
  EXPECT_EQ(ok({"dot", "--format", "mxfp8_e4m3"}, quarters), (Lines{"44804000"}));  // 1026
  // Each 2^-4 product truncates away on the 2^-3 grid of 13 fraction bits under exponent 10: 1024.
  EXPECT_EQ(ok({"dot", "--format", "mxfp8_e4m3", "--model", "sm90-wgmma-fp8"}, quarters), (Lines{"44800000"}));
}

TEST(Dot, RoundingOfTheExactSum) {
  // 1 x 0.5 (E4M3 0x38, 0x30) with C = 2^24: 2^24 + 0.5 -> RNE 2^24, round up 2^24 + 2.
  const std::string line = block("7f", "38", 1, 31) + " " + block("7f", "30", 1, 31) + " 4b800000\n";
  EXPECT_EQ(ok({"dot", "--format", "mxfp8_e4m3"}, line + line), (Lines{"4b800000", "4b800000"}));
  EXPECT_EQ(ok({"dot", "--format", "mxfp8_e4m3", "--rounding", "rup"}, line), (Lines{"4b800001"}));
}

TEST(Dot, MixedFormatsBlocksAndOutput) {
  // E2M1 6 (0x7) times E4M3 1.5 (0x3c) in each of 2 blocks, scales 2^0: 9 + 9 = 18 -> bf16 0x4190.
  const std::string a = block("7f", "7", 1, 31) + " " + block("7f", "7", 1, 31);
  const std::string b = block("7f", "3c", 1, 31) + " " + block("7f", "3c", 1, 31);
  EXPECT_EQ(ok({"dot", "--format", "mxfp4_e2m1", "--format-b", "mxfp8_e4m3", "--blocks", "2", "--out", "bf16"},
               a + " " + b + " 0\n"),
            (Lines{"4190"}));
  // Scales 2^127 twice, 448 x 448: far beyond FP32: Inf, or 0x7f7fffff saturated.
  const std::string big = block("fe", "7e", 1, 31) + " " + block("fe", "7e", 1, 31) + " 0\n";
  EXPECT_EQ(ok({"dot", "--format", "mxfp8_e4m3"}, big), (Lines{"7f800000"}));
  EXPECT_EQ(ok({"dot", "--format", "mxfp8_e4m3", "--overflow", "saturate"}, big), (Lines{"7f7fffff"}));
  // A NaN scale: the canonical quiet NaN; under the NVIDIA models 0x7fffffff.
  const std::string nan = block("ff", "38", 1, 31) + " " + block("7f", "38", 1, 31) + " 0\n";
  EXPECT_EQ(ok({"dot", "--format", "mxfp8_e4m3"}, nan), (Lines{"7fc00000"}));
  EXPECT_EQ(ok({"dot", "--format", "mxfp8_e4m3", "--model", "sm100-mxf8f6f4"}, nan), (Lines{"7fffffff"}));
}

TEST(Dot, ListModels) {
  const Lines lines = ok({"dot", "--list-models"}, "");
  ASSERT_EQ(lines.size(), 18u);
  EXPECT_EQ(lines[0].substr(0, 6), "exact ");
  EXPECT_EQ(lines[3].substr(0, 17), "torchao-emulated ");
  EXPECT_EQ(lines[10].substr(0, 15), "sm90-wgmma-fp8 ");
  EXPECT_EQ(lines[11].substr(0, 13), "sm90-mma-fp8 ");
}

void expect_usage_error(std::vector<std::string> arguments, const std::string& input, const std::string& part) {
  const Outcome r = run_mxref(arguments, input);
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(part), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line";
}

TEST(Dot, NvfpTensorScales) {
  // NVFP4: block scales UE4M3 1.0 (0x38), one E2M1 1.5 (0x3) in A and 2.0 (0x4) in B, the rest 0:
  // 1.5 x 2 = 3, times tensor scales 2 (0x40000000) and 0.25 (0x3e800000): 1.5 (0x3fc00000).
  const std::string line = block("38", "3", 1, 15) + " " + block("38", "4", 1, 15) + " 0\n";
  EXPECT_EQ(ok({"dot", "--format", "nvfp4"}, line), (Lines{"40400000"}));  // 3.0 with tensor scales of 1
  EXPECT_EQ(ok({"dot", "--format", "nvfp4", "--tensor-scale-a", "40000000", "--tensor-scale-b", "3e800000"}, line),
            (Lines{"3fc00000"}));
  expect_usage_error({"dot", "--format", "nvfp4", "--tensor-scale-a", "bf800000"}, line,
                     "--tensor-scale-a must be a positive finite FP32");
  expect_usage_error({"dot", "--format", "mxfp8_e4m3", "--tensor-scale-b", "40000000"}, quarters,
                     "are for formats with a per-tensor scale");
}

TEST(Dot, BadInput) {
  expect_usage_error({"dot", "--format", "mxfp8_e4m3"}, quarters + "7f 28\n", "line 2: expected 67 hex tokens");
  std::string wide = quarters;
  wide.replace(3, 2, "128");  // the first element of A: 9 bits
  expect_usage_error({"dot", "--format", "mxfp8_e4m3"}, wide, "line 1: token 2: 0x128 does not fit e4m3");
  expect_usage_error({"dot", "--format", "mxfp8_e4m3", "--model", "nope"}, quarters, "unknown model 'nope'");
  expect_usage_error({"dot", "--format", "mxfp8_e4m3", "--format-b", "nvfp4"}, quarters, "same block size");
}

}  // namespace
}  // namespace mxref::tools::cli_tests
