// Profile inference: which of mxref's profiles an implementation's outputs are consistent with. Every
// candidate recomputes the suite's expected outputs from its inputs; candidates are ranked by how many
// vectors they explain, and the vectors they do not are summarised by tag ("matches torchao-floor
// except 3 vectors tagged nan-block").
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace mxref::conformance {

struct Candidate {
  std::string name;  // a block profile, or a cast profile / option set ("spec rna saturate")
  std::size_t matched = 0;
  std::size_t total = 0;
  std::map<std::string, std::size_t> unexplained_tags;  // tags of the vectors it does not explain
};

// Best first. Throws std::invalid_argument for an unreadable suite.
std::vector<Candidate> infer_profiles(const std::string& suite_dir, const std::string& results);

std::string text_inference(const std::vector<Candidate>& candidates, std::size_t show = 5);

// The same for the JSON report (every candidate, with the profile's or model's one-line meaning) and as a
// JUnit test case whose output lists the ranking.
nlohmann::ordered_json json_inference(const std::vector<Candidate>& candidates);
std::string junit_inference(const std::vector<Candidate>& candidates, const std::string& suite);

}  // namespace mxref::conformance
