#include "conformance/compare.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <algorithm>
#include <optional>

#include "ref/block/quantize.hpp"
#include "ref/decode.hpp"
#include "ref/dot/dot_codes.hpp"
#include "ref/dyadic.hpp"
#include "vectors/suite.hpp"
#include <sstream>
#include <stdexcept>

namespace mxref::conformance {

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument("cannot read '" + path + "'");
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out.push_back(line);
  }
  return out;
}

}  // namespace

// Codes as numbers, so that "0x7E" and "7e" agree.
std::optional<std::vector<unsigned long long>> parse_codes(const std::string& line) {
  std::vector<unsigned long long> out;
  std::istringstream in(line);
  for (std::string token; in >> token;) {
    if (token.starts_with("0x") || token.starts_with("0X")) token = token.substr(2);
    if (token.empty() || token.size() > 16 || token.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
      return std::nullopt;
    out.push_back(std::stoull(token, nullptr, 16));
  }
  return out;
}

std::string escape_xml(const std::string& s) {
  std::string out;
  for (const char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

namespace {

std::string decimal(const Value& v) {
  if (v.is_nan()) return "nan";
  if (v.is_infinity()) return v.negative ? "-inf" : "inf";
  std::string d = to_decimal(v.magnitude);
  if (d.size() > 24) d = to_hexfloat(v.magnitude);  // long expansions read better as hex floats
  return (v.negative ? "-" : "") + d;
}

// A line's codes as values: inputs in the source format; outputs as the values they stand for (a
// block's elements times its scale). Empty for a malformed line or codes too wide for their format.
std::string decimals(const vectors::Suite& s, const std::string& line, bool output) {
  const auto codes = parse_codes(line);
  if (!codes || codes->empty()) return "";
  const bool block = s.kind == vectors::Suite::Kind::block;
  std::string out;
  try {
    if (!output && s.kind == vectors::Suite::Kind::dot) {
      const std::vector<Format> formats = dot_code_formats(s.dot);
      if (formats.size() != codes->size()) return "";
      for (std::size_t k = 0; k < formats.size(); ++k)
        out += (out.empty() ? "" : " ") + decimal(decode(formats[k], (*codes)[k]));
    } else if (!output) {
      for (const auto c : *codes) out += (out.empty() ? "" : " ") + decimal(decode(s.from, c));
    } else if (!block) {
      out = decimal(decode(s.to, codes->front()));
    } else {
      const std::vector<std::uint64_t> elements(codes->begin() + 1, codes->end());
      for (const Value& v : dequantize_block(s.block, codes->front(), elements))
        out += (out.empty() ? "" : " ") + decimal(v);
    }
  } catch (const std::exception&) {
    return "";
  }
  return out;
}

}  // namespace

bool outputs_match(const std::vector<unsigned long long>& expected, const std::vector<unsigned long long>& got,
                   bool expected_scale_is_nan) {
  if (expected_scale_is_nan)
    return !got.empty() && !expected.empty() && got.size() == expected.size() && got[0] == expected[0];
  return got == expected;
}

Report compare(const std::string& suite_dir, const std::string& results, std::size_t keep) {
  const nlohmann::json doc = nlohmann::json::parse(read_text(suite_dir + "/vectors.json"));
  const std::vector<std::string> inputs = lines_of(read_text(suite_dir + "/stdin.txt"));
  const std::vector<std::string> expected = lines_of(read_text(suite_dir + "/expected.txt"));
  const std::vector<std::string> got = lines_of(results);
  const auto& vectors = doc.at("vectors");
  if (expected.size() != vectors.size() || inputs.size() != vectors.size())
    throw std::invalid_argument(suite_dir + ": the suite's files disagree (regenerate it with mxref gen)");
  const vectors::Suite suite = vectors::parse_suite(doc.at("suite"), suite_dir);
  Report r;
  r.suite = doc.at("suite").value("name", "?");
  for (std::size_t i = 0; i < vectors.size(); ++i) {
    const std::vector<std::string> tags = vectors[i].at("tags").get<std::vector<std::string>>();
    const bool present = i < got.size();
    const bool nan_scale = std::find(tags.begin(), tags.end(), "nan-block") != tags.end();
    const auto want = parse_codes(expected[i]);
    const auto have = present ? parse_codes(got[i]) : std::nullopt;
    const bool pass = want && have && outputs_match(*want, *have, nan_scale);
    (pass ? r.passed : r.failed)++;
    for (const std::string& t : tags) (pass ? r.by_tag[t].passed : r.by_tag[t].failed)++;
    if (!pass && r.mismatches.size() < keep) {
      std::optional<BlockDiagnosis> block;
      const auto in = parse_codes(inputs[i]);
      if (want && have && in)
        block = diagnose_block(suite, std::vector<std::uint64_t>(in->begin(), in->end()),
                               std::vector<std::uint64_t>(want->begin(), want->end()),
                               std::vector<std::uint64_t>(have->begin(), have->end()));
      r.mismatches.push_back({i, inputs[i], expected[i], present ? got[i] : "<missing>", tags,
                              decimals(suite, inputs[i], false), decimals(suite, expected[i], true),
                              present ? decimals(suite, got[i], true) : "", block});
    }
  }
  r.extra_lines = got.size() > vectors.size() ? got.size() - vectors.size() : 0;
  return r;
}

std::string text_report(const Report& r) {
  std::ostringstream o;
  o << "suite " << r.suite << ": " << r.passed << " passed, " << r.failed << " failed";
  if (r.extra_lines) o << ", " << r.extra_lines << " extra output lines";
  o << (r.ok() ? "  PASS\n" : "  FAIL\n");
  for (const auto& [tag, c] : r.by_tag) o << "  " << tag << ": " << c.passed << " passed, " << c.failed << " failed\n";
  for (const Mismatch& m : r.mismatches) {
    o << "  vector " << m.id << " [";
    for (std::size_t k = 0; k < m.tags.size(); ++k) o << (k ? "," : "") << m.tags[k];
    o << "]\n";
    if (m.block) {
      const BlockDiagnosis& b = *m.block;
      if (!b.diagnosis.empty()) o << "    diagnosis: " << b.diagnosis << "\n";
      if (b.scale_differs)
        o << "    scale differs"
          << (b.binades ? " by " + std::string(*b.binades > 0 ? "+" : "") + std::to_string(*b.binades) + " binade(s)"
                        : std::string())
          << "\n";
      constexpr std::size_t shown = 8;
      for (std::size_t k = 0; k < std::min(shown, b.elements.size()); ++k) {
        const ElementDifference& e = b.elements[k];
        o << "    element " << e.index << ": input 0x" << std::hex << e.input << ", expected 0x" << e.expected
          << ", got 0x" << e.got << std::dec << "\n";
      }
      if (b.elements.size() > shown) o << "    ... " << b.elements.size() - shown << " more elements differ\n";
    }
    o << "    input    " << m.inputs << "\n             = " << m.inputs_decimal << "\n    expected " << m.expected
      << "\n             = " << m.expected_decimal << "\n    got      " << m.got << "\n             = " << m.got_decimal
      << "\n";
  }
  return o.str();
}

std::string json_report(const Report& r) {
  nlohmann::ordered_json j;
  j["suite"] = r.suite;
  j["passed"] = r.passed;
  j["failed"] = r.failed;
  j["extra_lines"] = r.extra_lines;
  j["ok"] = r.ok();
  for (const auto& [tag, c] : r.by_tag) j["tags"][tag] = {{"passed", c.passed}, {"failed", c.failed}};
  j["mismatches"] = nlohmann::ordered_json::array();
  for (const Mismatch& m : r.mismatches)
    j["mismatches"].push_back({{"id", m.id},
                               {"input", m.inputs},
                               {"expected", m.expected},
                               {"got", m.got},
                               {"tags", m.tags},
                               {"input_values", m.inputs_decimal},
                               {"expected_values", m.expected_decimal},
                               {"got_values", m.got_decimal}});
  for (std::size_t k = 0; k < r.mismatches.size(); ++k) {
    const Mismatch& m = r.mismatches[k];
    if (!m.block) continue;
    auto& out = j["mismatches"][k];
    out["scale_differs"] = m.block->scale_differs;
    if (m.block->binades) out["scale_binades"] = *m.block->binades;
    out["differing_elements"] = nlohmann::ordered_json::array();
    for (const ElementDifference& e : m.block->elements)
      out["differing_elements"].push_back(
          {{"index", e.index}, {"input", e.input}, {"expected", e.expected}, {"got", e.got}});
    if (!m.block->diagnosis.empty()) out["diagnosis"] = m.block->diagnosis;
  }
  return j.dump(1) + "\n";
}

std::string junit_report(const Report& r) {
  // One test case per tag, failing with the tag's mismatch count: a CI dashboard shows what broke.
  std::ostringstream o;
  o << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite name=\"" << escape_xml(r.suite) << "\" tests=\""
    << r.by_tag.size() << "\" failures=\"";
  std::size_t failing = 0;
  for (const auto& [tag, c] : r.by_tag) failing += c.failed ? 1 : 0;
  o << failing << "\">\n";
  for (const auto& [tag, c] : r.by_tag) {
    o << "  <testcase classname=\"" << escape_xml(r.suite) << "\" name=\"" << escape_xml(tag) << "\"";
    if (c.failed)
      o << ">\n    <failure message=\"" << c.failed << " of " << c.passed + c.failed
        << " vectors differ\"/>\n  </testcase>\n";
    else o << "/>\n";
  }
  o << "</testsuite>\n";
  return o.str();
}

}  // namespace mxref::conformance
