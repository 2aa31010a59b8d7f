// `mxref quantize / dequantize / fakequant` end to end, with expected codes derived by hand.
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

// Block of 4 fp32 values 1, 2, -3, 0.25: amax 3, floor(log2 3) = 1, E2M1 emax 2 -> X = 2^-1 (E8M0 0x7e).
// Elements 1/X = 2 (0x4), 4 (0x6), -6 (0xf), 0.5 (0x1).
const std::string block = "3f800000 40000000 c0400000 3e800000\n";

TEST(Quantize, OneBlockPerLine) {
  EXPECT_EQ(ok({"quantize", "--format", "mxfp4_e2m1", "--block", "4"}, block + block),
            (Lines{"7e 4 6 f 1", "7e 4 6 f 1"}));
}

TEST(Quantize, PackedNibbleOrders) {
  // lsb-first: byte 0 = 0x6 << 4 | 0x4 = 0x64, byte 1 = 0x1 << 4 | 0xf = 0x1f; msb-first: 0x46, 0xf1.
  EXPECT_EQ(ok({"quantize", "--format", "mxfp4_e2m1", "--block", "4", "--packed"}, block), (Lines{"7e 641f"}));
  EXPECT_EQ(ok({"quantize", "--format", "mxfp4_e2m1", "--block", "4", "--packed", "--bit-order", "msb-first"}, block),
            (Lines{"7e 46f1"}));
  EXPECT_EQ(ok({"dequantize", "--format", "mxfp4_e2m1", "--block", "4", "--packed"}, "7e 641f\n"),
            (Lines{"3f800000 40000000 c0400000 3e800000"}));
}

TEST(Quantize, TorchPackedE2m1PairAlias) {
  // torch's float4_e2m1fn_x2: E2M1 codes two a byte, the first in the low nibble. Block [1, 6, -0.5, 0]:
  // amax 6 = 1.5 x 2^2 and E2M1's emax 2 give X = 2^0 (0x7f); codes 0x2, 0x7, 0x9 (-0.5), 0x0; bytes 0x72, 0x09.
  const std::string block = "3f800000 40c00000 bf000000 00000000\n";
  EXPECT_EQ(ok({"quantize", "--format", "float4_e2m1fn_x2/e8m0/4"}, block), (Lines{"7f 7209"}));
  EXPECT_EQ(ok({"dequantize", "--format", "float4_e2m1fn_x2/e8m0/4"}, "7f 7209\n"),
            (Lines{"3f800000 40c00000 bf000000 00000000"}));
  const Outcome msb = run_mxref({"quantize", "--format", "float4_e2m1fn_x2/e8m0/4", "--bit-order", "msb-first"}, block);
  EXPECT_EQ(msb.status, 2);
  EXPECT_NE(msb.err.find("low nibble"), std::string::npos) << msb.err;
  // One code of it is not a format: the message says what to write instead.
  const Outcome cast = run_mxref({"cast", "--from", "f32", "--to", "float4_e2m1fn_x2"}, "3f800000\n");
  EXPECT_EQ(cast.status, 2);
  EXPECT_NE(cast.err.find("write e2m1 (float4_e2m1fn)"), std::string::npos) << cast.err;
}

TEST(Dequantize, ScaleTimesElement) {
  // 0x7e = 2^-1; E2M1 0xf = -6 -> -3 = 0xc0400000; exact output as hex floats.
  EXPECT_EQ(ok({"dequantize", "--format", "mxfp4_e2m1", "--block", "2"}, "7e f 1\n"), (Lines{"c0400000 3e800000"}));
  EXPECT_EQ(ok({"dequantize", "--format", "mxfp4_e2m1", "--block", "2", "--to", "exact"}, "7e f 1\n"),
            (Lines{"-0x1.8p+1 0x1p-2"}));
  EXPECT_EQ(ok({"dequantize", "--format", "mxfp4_e2m1", "--block", "2", "--to", "bf16"}, "ff f 1\n"),
            (Lines{"7fc0 7fc0"}));  // a NaN scale: every value is NaN (bf16 quiet NaN 0x7fc0)
}

TEST(Fakequant, QuantizeThenDequantize) {
  // 0.3 (0x3e99999a) with amax 1 in E4M3: X = 2^-8, 0.3 * 256 = 76.8 -> E4M3 step 8 in [64,128): 80
  // -> 80 / 256 = 0.3125 = 0x3ea00000. 1.0 stays 1.0.
  EXPECT_EQ(ok({"fakequant", "--format", "mxfp8_e4m3", "--block", "2"}, "3e99999a 3f800000\n"),
            (Lines{"3ea00000 3f800000"}));
}

TEST(Quantize, ProfilesDiffer) {
  // 255/128 (0x3fff0000) under ocp: X = 2^-8 (0x77), 510 saturates to 448 (0x7e); under nvidia-rceil
  // X = 2^-7 (0x78) and 255 rounds to 256 (0x78).
  EXPECT_EQ(ok({"quantize", "--format", "mxfp8_e4m3", "--block", "1"}, "3fff0000\n"), (Lines{"77 7e"}));
  EXPECT_EQ(ok({"quantize", "--format", "mxfp8_e4m3", "--block", "1", "--profile", "nvidia-rceil"}, "3fff0000\n"),
            (Lines{"78 78"}));
}

TEST(Quantize, Bf16Input) {
  // bf16 0x4040 = 3.0, 0x3f80 = 1.0: amax 3 -> E4M3 X = 2^(1-8) (0x78); 3 * 128 = 384 = 1.5 * 2^8 -> 0x7c;
  // 128 = 2^7 -> 0x70.
  EXPECT_EQ(ok({"quantize", "--format", "mxfp8_e4m3", "--block", "2", "--from", "bf16"}, "4040 3f80\n"),
            (Lines{"78 7c 70"}));
}

TEST(BlockErrors, ClearMessagesAndStatus2) {
  const auto fails = [](std::vector<std::string> arguments, const std::string& input, const std::string& needle) {
    const Outcome r = run_mxref(arguments, input);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
  };
  fails({"quantize", "--format", "mxfp4_e2m1", "--block", "4"}, "3f800000\n", "line 1: expected 4 hex codes");
  fails({"quantize", "--format", "mxfp4_e2m1", "--block", "2"}, "3f800000 zz\n", "line 1: token 2");
  fails({"quantize", "--format", "mxfp4_e2m1", "--block", "0"}, "", "--block");
  fails({"quantize", "--format", "mxfp9", "--block", "1"}, "", "unknown");
  fails({"quantize", "--format", "mxfp4_e2m1", "--profile", "nope"}, "", "unknown profile 'nope'");
  // The whole value is named, not its last digit.
  fails({"quantize", "--format", "mxfp4_e2m1", "--block", "1", "--from", "bf16"}, "12345\n",
        "line 1: token 1: 0x12345 does not fit bf16 (16 bits)");
  fails({"dequantize", "--format", "mxfp4_e2m1", "--block", "1"}, "7e 10\n", "token 2");
  fails({"dequantize", "--format", "mxfp4_e2m1", "--block", "4", "--packed"}, "7e 641\n", "packed bytes");
}

}  // namespace
}  // namespace mxref::tools::cli_tests
