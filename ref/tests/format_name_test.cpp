#include <gtest/gtest.h>

#include <string>

#include "ref/format_name.hpp"

namespace mxref {
namespace {

TEST(FormatName, BuiltinsAndAliases) {
  EXPECT_EQ(parse_format("e4m3"), e4m3);
  EXPECT_EQ(parse_format("e4m3fn"), e4m3);
  EXPECT_EQ(parse_format("ue8m0"), e8m0);
  EXPECT_EQ(parse_format("mxint8"), int8);
  EXPECT_EQ(parse_format("f32"), fp32);
  EXPECT_EQ(parse_format("bfloat16"), bf16);
  for (const NamedFormat& n : builtin_formats()) {
    EXPECT_EQ(parse_format(n.name), n.format) << n.name;
    EXPECT_EQ(format_name(n.format), n.name);
  }
}

// ml_dtypes' and torch's type names, each with that library's meaning: float8_e4m3 is IEEE-like (Inf and
// NaNs, bias 7), float8_e4m3b11fnuz has bias 11, the FP6/FP4 "fn" types have no NaN.
TEST(FormatName, LibraryDtypeNames) {
  EXPECT_EQ(parse_format("float8_e4m3fn"), e4m3);
  EXPECT_EQ(parse_format("float8_e5m2"), e5m2);
  EXPECT_EQ(parse_format("float8_e4m3fnuz"), e4m3fnuz);
  EXPECT_EQ(parse_format("float8_e5m2fnuz"), e5m2fnuz);
  EXPECT_EQ(parse_format("float8_e4m3b11fnuz"), (Format{true, 4, 3, 11, Encoding::fnuz}));
  EXPECT_EQ(parse_format("float8_e3m4"), e3m4);
  EXPECT_EQ(parse_format("float8_e4m3"), (Format{true, 4, 3, 7, Encoding::ieee}));
  EXPECT_EQ(parse_format("float8_e8m0fnu"), e8m0);
  EXPECT_EQ(parse_format("float6_e3m2fn"), e3m2);
  EXPECT_EQ(parse_format("float6_e2m3fn"), e2m3);
  EXPECT_EQ(parse_format("float4_e2m1fn"), e2m1);
  EXPECT_EQ(format_name(parse_format("float8_e4m3")), "e4m3ieee");
  // The spellings that read two ways are refused, naming both readings and a spelling for each.
  for (const char* name : {"e3m2fn", "e2m3fn", "e2m1fn"}) {
    try {
      parse_format(name);
      ADD_FAILURE() << name << " parsed";
    } catch (const FormatNameError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("reads two ways"), std::string::npos) << what;
      EXPECT_NE(what.find("float"), std::string::npos) << what;
      EXPECT_NE(what.find("nan for the first"), std::string::npos) << what;
    }
  }
  // mxref's reading, spelled with "nan": one NaN per sign at the all-ones codes.
  EXPECT_EQ(parse_format("e2m1nan"), (Format{true, 2, 1, 1, Encoding::fn}));
  EXPECT_EQ(format_name(parse_format("e2m1nan")), "e2m1nan");
  EXPECT_EQ(parse_format("e5m3nan"), parse_format("e5m3fn"));
  EXPECT_EQ(format_name(parse_format("e5m3nan")), "e5m3fn");
}

TEST(FormatName, CustomGrammar) {
  // E8M0's family: unsigned, bias 2^(X-1)-1.
  EXPECT_EQ(parse_format("e6m0"), (Format{false, 6, 0, 31, Encoding::exponent_only}));
  EXPECT_EQ(parse_format("e10m0"), (Format{false, 10, 0, 511, Encoding::exponent_only}));
  EXPECT_EQ(parse_format("e8m1"), (Format{true, 8, 1, 127, Encoding::finite}));
  EXPECT_EQ(parse_format("e5m3fn"), (Format{true, 5, 3, 15, Encoding::fn}));
  EXPECT_EQ(parse_format("e4m4fnuz"), (Format{true, 4, 4, 8, Encoding::fnuz}));
  EXPECT_EQ(parse_format("e6m9ieee"), (Format{true, 6, 9, 31, Encoding::ieee}));
  EXPECT_EQ(parse_format("ue5m3"), (Format{false, 5, 3, 15, Encoding::finite}));
  EXPECT_EQ(parse_format("e2m0fin"), (Format{true, 2, 0, 1, Encoding::finite}));
  EXPECT_EQ(parse_format("int4"), (Format{true, 0, 3, 2, Encoding::twos_complement}));
  EXPECT_EQ(parse_format("sm8"), (Format{true, 0, 7, 6, Encoding::sign_magnitude}));
  EXPECT_THROW(parse_format("sm1"), FormatNameError);
  EXPECT_EQ(parse_format("sm8f7"), (Format{true, 0, 7, 7, Encoding::sign_magnitude}));
  EXPECT_EQ(format_name(parse_format("int8f7")), "int8f7");
  EXPECT_EQ(format_name(parse_format("int8f6")), "int8");
  EXPECT_THROW(parse_format("sm8f"), FormatNameError);
  EXPECT_THROW(parse_format("sm8x"), FormatNameError);
  for (const char* name :
       {"e6m0", "e10m0", "e8m1", "e5m3fn", "e4m4fnuz", "e6m9ieee", "ue5m3", "e2m0fin", "int4", "sm8"})
    EXPECT_EQ(format_name(parse_format(name)), name);
}

TEST(FormatName, RejectsImpossibleNames) {
  for (const char* name : {"", "e0m3", "e16m1", "e4m53", "e20m60", "e4", "m3", "e4m3x", "ue4m3fnuz", "e4m0ieee", "int1",
                           "int65", "int", "fp8", "e1m0", "e-1m2", "e4m3 "})
    EXPECT_THROW(parse_format(name), FormatNameError) << name;
}

// Found by fuzz/fuzz_names: "e3m00" parsed as the 3-bit exponent-only format and was named "e3m0",
// the built-in E3M0 element. Numbers now refuse leading zeros, and an exponent-only format whose bare
// name is a built-in keeps its 'u'.
TEST(FormatName, NoSecondSpellings) {
  for (const char* name : {"e3m00", "e04m3", "ue05m2", "int08", "e4m3f0", "e2m01fn"})
    EXPECT_THROW(parse_format(name), FormatNameError) << name;
  EXPECT_NO_THROW(parse_format("e10m0"));
  const Format exponent_only_3 = parse_format("ue3m0");
  EXPECT_NE(exponent_only_3, e3m0);
  EXPECT_EQ(exponent_only_3.encoding, Encoding::exponent_only);
  EXPECT_EQ(format_name(exponent_only_3), "ue3m0");
  EXPECT_EQ(format_name(parse_format("e6m0")), "e6m0");
  EXPECT_EQ(format_name(e3m0), "e3m0");
  // A custom format whose usual spelling is a built-in's name keeps its convention explicit (found by
  // fuzz_names: "e3m4fin" was printed as "e3m4", the IEEE-like built-in).
  EXPECT_EQ(format_name(parse_format("e3m4fin")), "e3m4fin");
  EXPECT_NE(parse_format("e3m4fin"), parse_format("e3m4"));
}

// Every name of the custom grammar up to 15 exponent and 12 mantissa bits, signed and unsigned, with
// each suffix: if it parses, its canonical name parses back to the same format.
TEST(FormatName, EveryCanonicalNameParsesBack) {
  int parsed = 0;
  for (const char* sign : {"", "u"})
    for (int e = 1; e <= 15; ++e)
      for (int m = 0; m <= 12; ++m)
        for (const char* suffix : {"", "fn", "nan", "fnuz", "ieee", "fin"}) {
          const std::string name = std::string(sign) + "e" + std::to_string(e) + "m" + std::to_string(m) + suffix;
          Format f;
          try {
            f = parse_format(name);
          } catch (const FormatNameError&) {
            continue;
          }
          ++parsed;
          EXPECT_EQ(parse_format(format_name(f)), f) << name << " -> " << format_name(f);
        }
  for (const NamedFormat& n : builtin_formats()) EXPECT_EQ(parse_format(format_name(n.format)), n.format) << n.name;
  EXPECT_GT(parsed, 1000);
}

}  // namespace
}  // namespace mxref
