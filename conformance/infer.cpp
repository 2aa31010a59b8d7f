#include "conformance/infer.hpp"

#include "conformance/compare.hpp"

#include <algorithm>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>

#include "ref/block/quantize.hpp"
#include "ref/cast_profile.hpp"
#include "ref/decode.hpp"
#include "ref/dot/dot.hpp"
#include "ref/dot/dot_codes.hpp"
#include "ref/encode.hpp"
#include "vectors/suite.hpp"

namespace mxref::conformance {

namespace {

std::vector<std::uint64_t> hex_list(const nlohmann::json& list) {
  std::vector<std::uint64_t> out;
  for (const auto& h : list) out.push_back(std::stoull(h.get<std::string>(), nullptr, 16));
  return out;
}

// A candidate's output line for one vector, as codes; empty where it refuses the input.
using Outputs = std::vector<std::uint64_t>;

struct Trial {
  std::string name;
  std::function<Outputs(const std::vector<std::uint64_t>&)> run;
};

std::vector<Trial> trials(const vectors::Suite& s) {
  std::vector<Trial> out;
  if (s.kind == vectors::Suite::Kind::dot) {
    // Every accumulation model that takes the suite's formats, under the suite's output rounding.
    for (const AccumulationModel& m : accumulation_models()) {
      try {
        validate(s.dot, m);
      } catch (const std::invalid_argument&) {
        continue;
      }
      out.push_back({std::string(m.name), [&s, &m](const std::vector<std::uint64_t>& inputs) -> Outputs {
                       return {dot(dot_problem_of(s.dot, inputs), s.dot.out, s.options, m).code};
                     }});
    }
    return out;
  }
  if (s.kind == vectors::Suite::Kind::block) {
    for (const Profile& p : profiles()) {
      out.push_back({std::string(p.name), [&s, &p](const std::vector<std::uint64_t>& inputs) -> Outputs {
                       std::vector<Value> values;
                       for (const std::uint64_t c : inputs) values.push_back(decode(s.from, c));
                       const QuantizedBlock q = quantize_block(s.block, p, values);
                       Outputs o{q.scale};
                       o.insert(o.end(), q.elements.begin(), q.elements.end());
                       return o;
                     }});
    }
    return out;
  }
  for (const CastProfile p : {CastProfile::ml_dtypes, CastProfile::ml_dtypes_0_6, CastProfile::torch,
                              CastProfile::torch_cuda, CastProfile::cuda_satfinite, CastProfile::cuda_nosat})
    for (const Rounding r : {Rounding::rne, Rounding::rna, Rounding::rtz, Rounding::rup})
      out.push_back({std::string(to_string(p)) + " " + std::string(to_string(r)),
                     [&s, p, r](const std::vector<std::uint64_t>& inputs) -> Outputs {
                       return {cast_with_profile(p, s.to, decode(s.from, inputs.at(0)), r).code};
                     }});
  for (const Rounding r : {Rounding::rne, Rounding::rna, Rounding::rtz, Rounding::rup, Rounding::rdn})
    for (const Overflow o : {Overflow::saturate, Overflow::inf, Overflow::nan})
      for (const NanToFinite n : {NanToFinite::zero, NanToFinite::max})
        out.push_back({"spec " + std::string(to_string(r)) + " " + std::string(to_string(o)) +
                           " nan=" + std::string(to_string(n)),
                       [&s, r, o, n](const std::vector<std::uint64_t>& inputs) -> Outputs {
                         return {encode(s.to, decode(s.from, inputs.at(0)),
                                        CastOptions{.rounding = r, .overflow = o, .nan_to_finite = n})
                                     .code};
                       }});
  return out;
}

}  // namespace

std::vector<Candidate> infer_profiles(const std::string& suite_dir, const std::string& results) {
  std::ifstream in(suite_dir + "/vectors.json");
  if (!in) throw std::invalid_argument("cannot read '" + suite_dir + "/vectors.json'");
  const nlohmann::json doc = nlohmann::json::parse(in);
  const vectors::Suite suite = vectors::parse_suite(doc.at("suite"), suite_dir);
  std::vector<std::string> got;
  std::istringstream lines(results);
  for (std::string line; std::getline(lines, line);) got.push_back(line);
  std::vector<Candidate> out;
  for (const Trial& t : trials(suite)) {
    Candidate c{t.name, 0, doc.at("vectors").size(), {}};
    bool usable = true;
    for (std::size_t i = 0; i < c.total && usable; ++i) {
      const auto& v = doc["vectors"][i];
      Outputs want;
      try {
        want = t.run(hex_list(v.at("inputs")));
      } catch (const std::exception&) {
        usable = false;  // the candidate cannot express this suite (a format or rounding it lacks)
        break;
      }
      // The candidate's own NaN scale makes its elements don't-care, as in compare().
      const bool nan_scale = suite.kind == vectors::Suite::Kind::block && !want.empty() &&
                             classify(suite.block.scale, want[0]) == CodeClass::nan;
      const auto have = i < got.size() ? parse_codes(got[i]) : std::nullopt;
      if (have && outputs_match(std::vector<unsigned long long>(want.begin(), want.end()), *have, nan_scale))
        ++c.matched;
      else
        for (const auto& tag : v.at("tags")) ++c.unexplained_tags[tag.get<std::string>()];
    }
    if (usable) out.push_back(std::move(c));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Candidate& a, const Candidate& b) { return a.matched > b.matched; });
  return out;
}

namespace {

// A candidate's one-line meaning: the block profile's or the accumulation model's summary.
std::string meaning_of(const std::string& name) {
  for (const Profile& p : profiles())
    if (p.name == name) return std::string(p.summary);
  for (const AccumulationModel& m : accumulation_models())
    if (m.name == name) return std::string(m.summary);
  return "";
}

}  // namespace

nlohmann::ordered_json json_inference(const std::vector<Candidate>& candidates) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const Candidate& c : candidates) {
    nlohmann::ordered_json j;
    j["name"] = c.name;
    j["matched"] = c.matched;
    j["total"] = c.total;
    j["consistent"] = c.matched == c.total;
    j["unexplained_tags"] = c.unexplained_tags;
    if (const std::string m = meaning_of(c.name); !m.empty()) j["meaning"] = m;
    out.push_back(j);
  }
  return out;
}

std::string junit_inference(const std::vector<Candidate>& candidates, const std::string& suite) {
  return "  <testcase classname=\"" + escape_xml(suite) + "\" name=\"profile inference\">\n    <system-out>" +
         escape_xml(text_inference(candidates, candidates.size())) + "</system-out>\n  </testcase>\n";
}

std::string text_inference(const std::vector<Candidate>& candidates, std::size_t show) {
  std::ostringstream o;
  o << "profile inference:\n";
  for (std::size_t i = 0; i < std::min(show, candidates.size()); ++i) {
    const Candidate& c = candidates[i];
    o << "  " << c.name << ": " << c.matched << " of " << c.total;
    if (c.matched == c.total) {
      o << " (consistent)\n";
      continue;
    }
    // The tags that most distinguish it: those most often unexplained.
    std::vector<std::pair<std::string, std::size_t>> tags(c.unexplained_tags.begin(), c.unexplained_tags.end());
    std::sort(tags.begin(), tags.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    o << ", except";
    for (std::size_t k = 0; k < std::min<std::size_t>(4, tags.size()); ++k)
      o << (k ? "," : "") << " " << tags[k].second << " " << tags[k].first;
    o << "\n";
  }
  return o.str();
}

}  // namespace mxref::conformance
