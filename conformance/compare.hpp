// Comparing an implementation's outputs with a generated suite's expected outputs, vector by vector and
// code by code, and tallying the result per tag.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "conformance/diagnose.hpp"

namespace mxref::conformance {

struct Mismatch {
  std::size_t id = 0;
  std::string inputs;    // the vector's input line
  std::string expected;  // the expected output line
  std::string got;       // the implementation's line ("<missing>" past its end)
  std::vector<std::string> tags;
  // The same lines as decimal values ("nan", "-inf", exact decimals; scale x element for blocks).
  std::string inputs_decimal, expected_decimal, got_decimal;
  std::optional<BlockDiagnosis> block;  // block suites: what differs, and why where a known rule says
};

struct TagCount {
  std::size_t passed = 0;
  std::size_t failed = 0;
};

struct Report {
  std::string suite;
  std::size_t passed = 0;
  std::size_t failed = 0;
  std::map<std::string, TagCount> by_tag;
  std::vector<Mismatch> mismatches;  // the first `keep` of them
  std::size_t extra_lines = 0;       // lines the implementation wrote beyond the vectors
  bool ok() const { return failed == 0 && extra_lines == 0; }
};

// suite_dir holds the files `mxref gen` wrote; results is the implementation's output in the form of
// expected.txt (the text output of `mxref cast` / `mxref quantize`: hex codes, case and 0x ignored).
Report compare(const std::string& suite_dir, const std::string& results, std::size_t keep = 20);

// A results line's codes ("7e 0x7F" -> {0x7e, 0x7f}); nothing for a malformed line.
std::optional<std::vector<unsigned long long>> parse_codes(const std::string& line);

// Whether got matches expected: every code equal, except that a block whose expected scale is NaN is
// judged on its scale alone — every value of it is NaN whatever its elements hold
// (docs/spec-notes/block-edge-cases.md).
bool outputs_match(const std::vector<unsigned long long>& expected, const std::vector<unsigned long long>& got,
                   bool expected_scale_is_nan);

// Text for an XML attribute or element: <, >, & and " escaped.
std::string escape_xml(const std::string& s);

std::string text_report(const Report& r);
std::string json_report(const Report& r);
std::string junit_report(const Report& r);

}  // namespace mxref::conformance
