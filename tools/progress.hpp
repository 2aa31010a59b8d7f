// A progress line on stderr for long tensor runs: only on a terminal, only after a second, at most ten
// updates a second, erased when done — so scripts and tests never see it.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace mxref::tools {

class ProgressLine {
 public:
  explicit ProgressLine(std::string label, std::string unit = "blocks");
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;
  void operator()(std::size_t done, std::size_t total);

 private:
  std::string label_, unit_;
  bool terminal_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace mxref::tools
