// Runs the built mxref binary as a user would: arguments, stdin text, and what comes back.
#pragma once

#include <string>
#include <vector>

namespace mxref::tools::cli_tests {

struct Outcome {
  int status = -1;
  std::string out;
  std::string err;
};

Outcome run_mxref(const std::vector<std::string>& arguments, const std::string& input = "");

// The output split at '\n' (no trailing empty element).
std::vector<std::string> lines_of(const std::string& text);

}  // namespace mxref::tools::cli_tests
