#include "tools/progress.hpp"

#include <cstdio>
#include <unistd.h>

namespace mxref::tools {

ProgressLine::ProgressLine(std::string label, std::string unit)
    : label_(std::move(label)),
      unit_(std::move(unit)),
      terminal_(::isatty(STDERR_FILENO) != 0),
      start_(std::chrono::steady_clock::now()) {}

ProgressLine::~ProgressLine() {
  if (shown_) std::fprintf(stderr, "\r\033[K");
}

void ProgressLine::operator()(std::size_t done, std::size_t total) {
  if (!terminal_ || total == 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - start_ < std::chrono::seconds(1) || now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  shown_ = true;
  std::fprintf(stderr, "\rmxref: %s %3zu%% (%zu of %zu %s)", label_.c_str(), done * 100 / total, done, total,
               unit_.c_str());
  std::fflush(stderr);
}

}  // namespace mxref::tools
