// `mxref spec` against the formats' published extremes and code counts, worked out by hand.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <cmath>
#include <set>
#include <string>

#include "tools/tests/run_mxref.hpp"

namespace mxref::tools::cli_tests {
namespace {

using nlohmann::json;

json spec_json(const std::string& format, bool decimals = false) {
  const Outcome r =
      decimals ? run_mxref({"spec", format, "--json", "--decimal"}) : run_mxref({"spec", format, "--json"});
  EXPECT_EQ(r.status, 0) << r.err;
  return json::parse(r.out);
}

// The value after "label:" on the text output's line for it.
std::string text_property(const std::string& text, const std::string& label) {
  for (const std::string& line : lines_of(text))
    if (line.starts_with(label + ":")) {
      const std::size_t start = line.find_first_not_of(' ', label.size() + 1);
      return start == std::string::npos ? "" : line.substr(start);
    }
  return "<no " + label + ">";
}

struct Expected {
  std::string format;
  std::string max_decimal;
  std::string max_hex;
  std::uint64_t total, zeros, subnormals, normals, infinities, nans;
};

// Max normals: the largest non-special code's value.
//   e4m3: 1.75 x 2^8 = 448 (0 1111 110; 111 is NaN)    e5m2: 1.75 x 2^15 = 57344 (field 30 of 31)
//   e2m1: 1.5 x 2^2 = 6      e3m2: 1.75 x 2^4 = 28      e2m3: 1.875 x 2^2 = 7.5
//   int8: 127 x 2^-6 = 1.984375                        e8m0: 2^(254 - 127) = 2^127
// Counts: subnormals are the nonzero mantissas of field 0, per sign; NaN/Inf as the encoding spends them.
//   e4m3: 2 zeros, 2 x 7 subnormals, 2 NaNs (S.1111.111), 256 - 18 = 238 normals.
//   e5m2: 2 zeros, 2 x 3 subnormals, 2 Inf, 2 x 3 NaN, 2 x 30 x 4 = 240 normals.
//   e2m1: 2 zeros, 2 x 1 subnormals, 2 x 3 x 2 = 12 normals.   e3m2: 2, 2 x 3, 2 x 7 x 4 = 56.
//   e2m3: 2, 2 x 7, 2 x 3 x 8 = 48.   int8: one zero, 255 nonzero integers.
//   e8m0: no zero, 255 powers of two, 0xff NaN.
const Expected expectations[] = {
    {"e4m3", "448", "0x1.cp+8", 256, 2, 14, 238, 0, 2},
    {"e5m2", "57344", "0x1.cp+15", 256, 2, 6, 240, 2, 6},
    {"e2m1", "6", "0x1.8p+2", 16, 2, 2, 12, 0, 0},
    {"e3m2", "28", "0x1.cp+4", 64, 2, 6, 56, 0, 0},
    {"e2m3", "7.5", "0x1.ep+2", 64, 2, 14, 48, 0, 0},
    {"int8", "1.984375", "0x1.fcp+0", 256, 1, 0, 255, 0, 0},
    {"e8m0", "170141183460469231731687303715884105728", "0x1p+127", 256, 0, 0, 255, 0, 1},
};

TEST(Spec, MaxNormalAndCountsInJson) {
  for (const Expected& e : expectations) {
    SCOPED_TRACE(e.format);
    const json j = spec_json(e.format, true);
    EXPECT_EQ(j["name"], e.format);
    EXPECT_EQ(j["max_normal"]["decimal"], e.max_decimal);
    EXPECT_EQ(j["max_normal"]["hex"], e.max_hex);
    EXPECT_EQ(j["max_normal"]["double"], std::stod(e.max_decimal));  // each exact in a double
    const json& c = j["counts"];
    EXPECT_EQ(c["total"], e.total);
    EXPECT_EQ(c["zeros"], e.zeros);
    EXPECT_EQ(c["subnormals"], e.subnormals);
    EXPECT_EQ(c["normals"], e.normals);
    EXPECT_EQ(c["infinities"], e.infinities);
    EXPECT_EQ(c["nans"], e.nans);
    EXPECT_EQ(c["finite"], e.zeros + e.subnormals + e.normals);
    EXPECT_EQ(j["table"].size(), e.total);
  }
}

TEST(Spec, MaxNormalInText) {
  for (const Expected& e : expectations) {
    SCOPED_TRACE(e.format);
    const Outcome r = run_mxref({"spec", e.format});
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(text_property(r.out, "max normal"), e.max_decimal + "  (" + e.max_hex + ")");
    EXPECT_EQ(text_property(r.out, "format"), e.format);
  }
}

TEST(Spec, E4m3TableRows) {
  const json j = spec_json("e4m3");
  const json& table = j["table"];
  ASSERT_EQ(table.size(), 256u);
  EXPECT_EQ(table[0x38]["code"], 0x38);
  EXPECT_EQ(table[0x38]["fields"], "0 0111 000");
  EXPECT_EQ(table[0x38]["hex"], "0x1p+0");
  EXPECT_EQ(table[0x38]["double"], 1.0);
  EXPECT_FALSE(table[0x38].contains("decimal"));  // only with --decimal
  EXPECT_EQ(table[0x7e]["fields"], "0 1111 110");
  EXPECT_EQ(table[0x7e]["hex"], "0x1.cp+8");
  EXPECT_EQ(table[0x7e]["double"], 448.0);
  EXPECT_EQ(table[0x7f]["class"], "nan");
  EXPECT_EQ(table[0x7f]["double"], nullptr);  // JSON has no NaN
  EXPECT_EQ(table[0x80]["class"], "zero");
  EXPECT_EQ(table[0x80]["hex"], "-0x0p+0");
  EXPECT_TRUE(std::signbit(table[0x80]["double"].get<double>()));
  EXPECT_EQ(table[0x01]["class"], "subnormal");
  EXPECT_EQ(table[0x01]["double"], 0.001953125);  // 2^-9
  EXPECT_EQ(table[0xfe]["hex"], "-0x1.cp+8");
  EXPECT_EQ(j["special_values"]["nan"], json::parse("[[127, 127], [255, 255]]"));
  EXPECT_EQ(j["special_values"]["zero"], json::parse("[[0, 0], [128, 128]]"));
  EXPECT_EQ(j["max_normal"], json::parse(R"({"hex": "0x1.cp+8", "double": 448.0})"));
  EXPECT_EQ(j["emax"], 8);
  EXPECT_EQ(j["emin"], -6);
  // --decimal adds the exact decimal expansion: the smallest subnormal 2^-9 written out.
  const json d = spec_json("e4m3", true);
  EXPECT_EQ(d["table"][0x01]["decimal"], "0.001953125");
  EXPECT_EQ(d["table"][0x80]["decimal"], "-0");
  EXPECT_EQ(d["max_normal"]["decimal"], "448");
  EXPECT_EQ(run_mxref({"spec", "e4m3", "--decimal"}).status, 2);  // text always has decimals
}

TEST(Spec, WideFormatsOmitTheTable) {
  const json j = spec_json("fp32", true);
  EXPECT_FALSE(j.contains("table"));
  EXPECT_EQ(j["table_included"], false);
  // 0x1.fffffep+127 = (2^24 - 1) x 2^104.
  EXPECT_EQ(j["max_normal"]["decimal"], "340282346638528859811704183484516925440");
  EXPECT_EQ(j["max_normal"]["double"], 340282346638528859811704183484516925440.0);
  EXPECT_EQ(j["special_values"]["nan"], json::parse("[[2139095041, 2147483647], [4286578689, 4294967295]]"));
  const Outcome r = run_mxref({"spec", "fp64"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(text_property(r.out, "counts").rfind("total 18446744073709551616,", 0), 0u);
}

TEST(Spec, ValuesBeyondTheDoubleRangeHaveNoDouble) {
  // e12m3 (bias 2047): max normal 1.875 x 2^2048, beyond a double; its smallest subnormal 2^-2049 is
  // below half the smallest double subnormal (2^-1075), so its nearest double is 0.
  const json j = spec_json("e12m3");
  EXPECT_EQ(j["max_normal"]["hex"], "0x1.ep+2048");
  EXPECT_EQ(j["max_normal"]["double"], nullptr);
  EXPECT_EQ(j["min_subnormal"]["hex"], "0x1p-2049");
  EXPECT_EQ(j["min_subnormal"]["double"], 0.0);
}

const std::string builtin_names[] = {"e5m2", "e4m3", "e3m2",  "e2m1",     "e2m3",       "e3m0",
                                     "int8", "e8m0", "ue4m3", "e4m3fnuz", "e5m2fnuz",   "fp16",
                                     "bf16", "fp32", "fp64",  "e3m4",     "e4m3b11fnuz"};

TEST(Spec, AllListsEveryBuiltin) {
  const Outcome text = run_mxref({"spec", "--all"});
  ASSERT_EQ(text.status, 0) << text.err;
  std::set<std::string> listed;
  for (const std::string& line : lines_of(text.out))
    if (line.starts_with("format:")) listed.insert(line.substr(line.find_first_not_of(' ', 7)));
  EXPECT_EQ(listed, std::set<std::string>(std::begin(builtin_names), std::end(builtin_names)));

  const Outcome js = run_mxref({"spec", "--all", "--json"});
  ASSERT_EQ(js.status, 0) << js.err;
  const json all = json::parse(js.out);
  std::set<std::string> named;
  for (const json& f : all["formats"]) {
    named.insert(f["name"].get<std::string>());
    // Compact: tables up to 8 bits (under 300 kB in all); --table adds those of 16 bits.
    EXPECT_EQ(f.contains("table"), f["bits"].get<int>() <= 8) << f["name"];
  }
  EXPECT_EQ(named, listed);
  EXPECT_LT(js.out.size(), 300'000u);
  const json with_tables = json::parse(run_mxref({"spec", "--all", "--json", "--table"}).out);  // named: it must
  for (const json& f : with_tables["formats"])  // outlive the loop (a temporary's member would not)
    EXPECT_EQ(f.contains("table"), f["bits"].get<int>() <= 16) << f["name"];
}

// Special-value lists are derived from each encoding's structure; the table classifies every code.
// They must agree.
TEST(Spec, SpecialValuesMatchTheTable) {
  const json all = json::parse(run_mxref({"spec", "--all", "--json", "--table"}).out);
  for (const json& f : all["formats"]) {
    if (!f.contains("table")) continue;
    SCOPED_TRACE(f["name"].get<std::string>());
    for (const auto& [kind, key] : {std::pair{"zero", "zero"}, {"inf", "inf"}, {"nan", "nan"}}) {
      std::set<std::uint64_t> from_table, from_list;
      for (const json& row : f["table"])
        if (row["class"] == kind) from_table.insert(row["code"].get<std::uint64_t>());
      for (const json& range : f["special_values"][key])
        for (std::uint64_t c = range[0].get<std::uint64_t>(); c <= range[1].get<std::uint64_t>(); ++c)
          from_list.insert(c);
      EXPECT_EQ(from_table, from_list) << kind;
    }
  }
}

TEST(Spec, CustomNamesWork) {
  // e5m3fn: bias 15, max 1.75 x 2^16 = 114688 (S.11111.111 is NaN, so mantissa 110).
  const json j = spec_json("e5m3fn");
  EXPECT_EQ(j["name"], "e5m3fn");
  EXPECT_EQ(j["max_normal"]["hex"], "0x1.cp+16");
  EXPECT_EQ(j["max_normal"]["double"], 114688.0);
  EXPECT_EQ(j["table"].size(), 512u);
}

}  // namespace
}  // namespace mxref::tools::cli_tests
