// `mxref cast` against values worked out by hand from the format definitions.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tools/random_bits.hpp"
#include "tools/tests/run_mxref.hpp"

namespace mxref::tools::cli_tests {
namespace {

// The output of `mxref cast ARGS` for the given input lines; the run must succeed.
std::vector<std::string> cast(std::vector<std::string> arguments, const std::string& input) {
  arguments.insert(arguments.begin(), "cast");
  const Outcome r = run_mxref(arguments, input);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
  return lines_of(r.out);
}

using Lines = std::vector<std::string>;

TEST(Cast, Fp32ToE4m3) {
  // 1.0 = 2^0: exponent field 0 + bias 7 = 0111, mantissa 000 -> 0 0111 000 = 0x38.
  // 448 (0x43E00000) = 1.75 x 2^8: field 15, mantissa 110 -> 0 1111 110 = 0x7e, the max normal.
  // -448 (0xC3E00000): the same with the sign bit -> 0xfe.
  EXPECT_EQ(cast({"--to", "e4m3"}, "3F800000\n43E00000\nC3E00000\n"), (Lines{"38", "7e", "fe"}));
}

TEST(Cast, E4m3TieAtTheTopRoundsToEven) {
  // 464 (0x43E80000) = 1.8125 x 2^8 lies halfway between 448 (mantissa 110, even) and 480 (110 + 1,
  // which would be the NaN pattern 0x7f). Ties-to-even picks 448 = 0x7e, inexact.
  EXPECT_EQ(cast({"--to", "e4m3", "--flags"}, "43E80000\n"), (Lines{"7e x"}));
}

TEST(Cast, E4m3OverflowPolicies) {
  // 480 (0x43F00000) = 1.875 x 2^8 is beyond the max normal 448. E4M3 has no Inf: natural = saturate
  // -> 0x7e; nan -> the positive NaN 0 1111 111 = 0x7f. Both overflow and inexact.
  EXPECT_EQ(cast({"--to", "e4m3", "--flags"}, "43F00000\n"), (Lines{"7e xo"}));
  EXPECT_EQ(cast({"--to", "e4m3", "--overflow", "saturate"}, "43F00000\n"), (Lines{"7e"}));
  EXPECT_EQ(cast({"--to", "e4m3", "--overflow", "nan"}, "43F00000\n"), (Lines{"7f"}));
  // +Inf (0x7F800000) and -Inf (0xFF800000) overflow the same way, even rounding toward zero.
  EXPECT_EQ(cast({"--to", "e4m3", "--rounding", "rtz", "--flags"}, "7F800000\nFF800000\n"), (Lines{"7e xo", "fe xo"}));
  EXPECT_EQ(cast({"--to", "e4m3", "--rounding", "rtz", "--overflow", "nan"}, "7F800000\n"), (Lines{"7f"}));
}

TEST(Cast, E4m3DirectedRoundings) {
  // 1.0625 (0x3F880000) is halfway between 1.0 (0x38, mantissa 000) and 1.125 (0x39).
  const std::string half = "3F880000\n";
  EXPECT_EQ(cast({"--to", "e4m3", "--rounding", "rne"}, half), (Lines{"38"}));
  EXPECT_EQ(cast({"--to", "e4m3", "--rounding", "rna"}, half), (Lines{"39"}));
  EXPECT_EQ(cast({"--to", "e4m3", "--rounding", "rtz"}, half), (Lines{"38"}));
  EXPECT_EQ(cast({"--to", "e4m3", "--rounding", "rup"}, half), (Lines{"39"}));
  EXPECT_EQ(cast({"--to", "e4m3", "--rounding", "rdn"}, half), (Lines{"38"}));
  // -1.0625 (0xBF880000): toward -Inf is away from zero -> -1.125 = 0xb9; toward +Inf -> -1.0 = 0xb8.
  EXPECT_EQ(cast({"--to", "e4m3", "--rounding", "rdn"}, "BF880000\n"), (Lines{"b9"}));
  EXPECT_EQ(cast({"--to", "e4m3", "--rounding", "rup"}, "BF880000\n"), (Lines{"b8"}));
  // 1.03125 (0x3F840000): truncates to 1.0 (mantissa 000) and is inexact, so round-to-odd sets the last
  // bit -> 001 = 0x39.
  EXPECT_EQ(cast({"--to", "e4m3", "--rounding", "rto"}, "3F840000\n"), (Lines{"39"}));
}

TEST(Cast, E4m3Subnormals) {
  // 2^-9 (fp32 exponent field 127 - 9 = 118 = 0x76 -> 0x3B000000) is E4M3's smallest subnormal 0x01,
  // exact. With --ftz a subnormal result becomes +0.
  EXPECT_EQ(cast({"--to", "e4m3", "--flags"}, "3B000000\n"), (Lines{"01 -"}));
  EXPECT_EQ(cast({"--to", "e4m3", "--ftz"}, "3B000000\n"), (Lines{"00"}));
  // The smallest fp32 subnormal 2^-149 is far below half of 2^-9: rounds to +0, inexact and underflow.
  EXPECT_EQ(cast({"--to", "e4m3", "--flags"}, "00000001\n"), (Lines{"00 xu"}));
}

TEST(Cast, E2m1TiesAndNaN) {
  // E2M1 codes: 0x0=0 0x1=0.5 0x2=1 0x3=1.5 0x4=2 0x5=3 0x6=4 0x7=6.
  // 5.0 (0x40A00000) is halfway between 4 (0x6, mantissa 0: even) and 6 (0x7).
  EXPECT_EQ(cast({"--to", "e2m1"}, "40A00000\n"), (Lines{"6"}));
  EXPECT_EQ(cast({"--to", "e2m1", "--rounding", "rna"}, "40A00000\n"), (Lines{"7"}));
  // -5.0 (0xC0A00000) ties away from zero -> -6 = 0xf.
  EXPECT_EQ(cast({"--to", "e2m1", "--rounding", "rna"}, "C0A00000\n"), (Lines{"f"}));
  // E2M1 has no NaN: --nan max gives +6 = 0x7 and raises invalid; --nan zero gives +0.
  EXPECT_EQ(cast({"--to", "e2m1", "--nan", "max", "--flags"}, "7FC00000\n"), (Lines{"7 i"}));
  EXPECT_EQ(cast({"--to", "e2m1", "--nan", "zero"}, "7FC00000\n"), (Lines{"0"}));
}

TEST(Cast, NaNWithoutPolicyIsALineError) {
  const Outcome r = run_mxref({"cast", "--to", "e2m1"}, "7FC00000\n");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("line 1"), std::string::npos) << r.err;
}

TEST(Cast, OtherSourceAndTargetFormats) {
  // bf16 is the top half of fp32: 0x3F80 is 1.0 = fp32 0x3F800000.
  EXPECT_EQ(cast({"--from", "bf16", "--to", "fp32"}, "3F80\n"), (Lines{"3f800000"}));
  // E8M0: 2.0 = 2^1 -> field 1 + 127 = 128 = 0x80; 1.0 -> 0x7f.
  EXPECT_EQ(cast({"--to", "e8m0"}, "40000000\n3F800000\n"), (Lines{"80", "7f"}));
  // fp64 output is 16 digits: 1.0 = exponent 1023 = 0x3ff.
  EXPECT_EQ(cast({"--to", "fp64"}, "3F800000\n"), (Lines{"3ff0000000000000"}));
  // fp16: 65520 (0x477FF000) is halfway between the max 65504 (0x7bff, odd mantissa) and 65536: ties to
  // even go up, beyond the range -> Inf 0x7c00; toward zero stays at 0x7bff.
  EXPECT_EQ(cast({"--to", "fp16"}, "477FF000\n"), (Lines{"7c00"}));
  EXPECT_EQ(cast({"--to", "fp16", "--rounding", "rtz"}, "477FF000\n"), (Lines{"7bff"}));
  // MXINT8 = integer x 2^-6: 1.0 -> 64 = 0x40; -1.0 -> -64 = 0xc0; 2.0 saturates at 127 = 0x7f.
  EXPECT_EQ(cast({"--to", "int8"}, "3F800000\nBF800000\n40000000\n"), (Lines{"40", "c0", "7f"}));
}

TEST(Cast, DenormalsAreZeroReadsSubnormalInputsAsZero) {
  // fp16 0x0001 is 2^-24: fp32 exponent field 127 - 24 = 103 = 0x67 -> 0x33800000; with --daz, +0.
  EXPECT_EQ(cast({"--from", "fp16", "--to", "fp32"}, "0001\n"), (Lines{"33800000"}));
  EXPECT_EQ(cast({"--from", "fp16", "--to", "fp32", "--daz"}, "0001\n"), (Lines{"00000000"}));
}

TEST(Cast, MpfrModelAgrees) {
  EXPECT_EQ(cast({"--to", "e4m3", "--model", "mpfr"}, "3F800000\n43E80000\n3F880000\n"), (Lines{"38", "7e", "38"}));
}

TEST(Cast, InputSpellings) {
  // 0x/0X prefixes, either case, surrounding blanks, CRLF, and a last line without '\n'.
  EXPECT_EQ(cast({"--to", "e4m3"}, "0x3f800000\n0X3F800000\n  3f800000\t\n3F800000\r\n3f800000"),
            (Lines{"38", "38", "38", "38", "38"}));
}

TEST(Cast, StochasticRoundingFollowsSplitmix64) {
  // The top bits of splitmix64(0..5) are 1 1 1 0 0 0 (first outputs 0xe220.., 0x910a.., 0x9758..,
  // 0x1d0b.., 0x6e73.., 0x6303..). With one random bit r, the tie 5.0 -> E2M1 keeps one discarded bit
  // (1), and rounds up to 6 (0x7) when 1 + r >= 2, i.e. when r = 1.
  std::string six_ties;
  for (int i = 0; i < 6; ++i) six_ties += "40A00000\n";
  EXPECT_EQ(cast({"--to", "e2m1", "--rounding", "stochastic", "--random-bits", "1"}, six_ties),
            (Lines{"7", "7", "7", "6", "6", "6"}));
  // Seed 100: splitmix64(100) has top bit 0, splitmix64(101) top bit 1.
  EXPECT_EQ(
      cast({"--to", "e2m1", "--rounding", "stochastic", "--random-bits", "1", "--seed", "100"}, "40A00000\n40A00000\n"),
      (Lines{"6", "7"}));
}

TEST(RandomBits, SplitMix64ReferenceOutputs) {
  // Successive outputs of SplitMix64 seeded with 0 are splitmix64(0), splitmix64(golden), ...
  EXPECT_EQ(splitmix64(0), 0xE220A8397B1DCDAFu);
  EXPECT_EQ(splitmix64(0x9E3779B97F4A7C15u), 0x6E789E6AA1B965F4u);
  EXPECT_EQ(stochastic_bits(0, 0, 4).value, 0xEu);
  EXPECT_EQ(stochastic_bits(0, 0, 64).value, 0xE220A8397B1DCDAFu);
}

}  // namespace
}  // namespace mxref::tools::cli_tests
