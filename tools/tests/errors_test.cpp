// Bad input: status 2, exactly one line on stderr starting "mxref: ", nothing on stdout for the bad part.
#include <gtest/gtest.h>

#include <string>

#include "tools/tests/run_mxref.hpp"

namespace mxref::tools::cli_tests {
namespace {

void expect_usage_error(const Outcome& r, const std::string& fragment, const std::string& expected_out = "") {
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_EQ(r.out, expected_out);
  ASSERT_EQ(lines_of(r.err).size(), 1u) << r.err;
  EXPECT_TRUE(r.err.starts_with("mxref: ")) << r.err;
  EXPECT_NE(r.err.find(fragment), std::string::npos) << r.err;
}

// An error that a flag would fix names the flag.
TEST(Errors, NameTheFlagThatFixesThem) {
  expect_usage_error(run_mxref({"cast", "--to", "e2m1"}, "7fc00000\n"), "--nan zero or --nan max");
  expect_usage_error(run_mxref({"cast", "--to", "e4m3", "--rounding", "stochastic"}, "3f800000\n"), "--random-bits");
  expect_usage_error(run_mxref({"quantize", "--format", "mxfp8_e4m3"}, "3f800000 3f800000\n"),
                     "a short last block needs --ragged");
}

TEST(Errors, UnknownFormat) {
  expect_usage_error(run_mxref({"spec", "xyz"}), "mxref: unknown format 'xyz': ");
  expect_usage_error(run_mxref({"cast", "--to", "xyz"}, "3f800000\n"), "unknown format 'xyz'");
  expect_usage_error(run_mxref({"cast", "--from", "xyz", "--to", "e4m3"}, "3f800000\n"), "unknown format 'xyz'");
}

TEST(Errors, ImpossibleCustomFormats) {
  expect_usage_error(run_mxref({"spec", "e0m3"}), "unknown format 'e0m3'");
  expect_usage_error(run_mxref({"spec", "e20m60"}), "unknown format 'e20m60'");
  expect_usage_error(run_mxref({"cast", "--to", "e0m3"}, "3f800000\n"), "e0m3");
}

TEST(Errors, MalformedHexKeepsEarlierLines) {
  expect_usage_error(run_mxref({"cast", "--to", "e4m3"}, "3f800000\nzz\n3f800000\n"), "line 2: malformed hex 'zz'",
                     "38\n");
  expect_usage_error(run_mxref({"cast", "--to", "e4m3"}, "0x\n"), "line 1");
  expect_usage_error(run_mxref({"cast", "--to", "e4m3"}, "12345678123456781\n"), "line 1");
}

TEST(Errors, EmptyLineIsAnError) {
  expect_usage_error(run_mxref({"cast", "--to", "e4m3"}, "3f800000\n\n3f800000\n"), "line 2: empty line", "38\n");
}

TEST(Errors, BitsAboveTheSourceWidth) {
  expect_usage_error(run_mxref({"cast", "--from", "e4m3", "--to", "fp32"}, "1ff\n"), "line 1");
  expect_usage_error(run_mxref({"cast", "--to", "e4m3"}, "100000000\n"), "line 1");
}

TEST(Errors, ImpossibleOptionsFailBeforeInput) {
  expect_usage_error(run_mxref({"cast", "--to", "e4m3", "--rounding", "stochastic"}, "3f800000\n"), "random bits");
  expect_usage_error(
      run_mxref({"cast", "--to", "e4m3", "--rounding", "stochastic", "--random-bits", "65"}, "3f800000\n"),
      "random bits");
  expect_usage_error(run_mxref({"cast", "--to", "e4m3", "--overflow", "inf"}, "3f800000\n"), "inf");
  expect_usage_error(run_mxref({"cast", "--to", "e2m1", "--overflow", "nan"}, "3f800000\n"), "nan");
  expect_usage_error(run_mxref({"cast", "--to", "e4m3", "--rounding", "up"}, "3f800000\n"), "unknown rounding 'up'");
  expect_usage_error(run_mxref({"cast", "--to", "e4m3", "--nan", "keep"}, "3f800000\n"), "unknown NaN policy");
  expect_usage_error(run_mxref({"cast", "--to", "e4m3", "--seed", "-1"}, "3f800000\n"), "--seed");
  expect_usage_error(run_mxref({"cast", "--to", "e4m3", "--model", "fast"}, "3f800000\n"), "unknown model");
}

TEST(Errors, CommandLineMistakesExitTwo) {
  expect_usage_error(run_mxref({"frob"}), "unknown subcommand 'frob'");
  expect_usage_error(run_mxref({}), "subcommand");
  expect_usage_error(run_mxref({"cast"}), "--to");
  expect_usage_error(run_mxref({"cast", "--to", "e4m3", "--bogus"}), "--bogus");
  expect_usage_error(run_mxref({"spec"}), "FORMAT or --all");
  expect_usage_error(run_mxref({"spec", "e4m3", "--all"}), "FORMAT or --all");
  expect_usage_error(run_mxref({"spec", "fp32", "--table"}), "24 bits");
}

TEST(Errors, HelpAndVersionSucceed) {
  const Outcome version = run_mxref({"--version"});
  EXPECT_EQ(version.status, 0);
  EXPECT_EQ(version.out, "0.1.0\n");
  const Outcome help = run_mxref({"--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_NE(help.out.find("cast"), std::string::npos);
  EXPECT_NE(help.out.find("spec"), std::string::npos);
}

}  // namespace
}  // namespace mxref::tools::cli_tests
