// Lines from a stdio stream through one large buffer: the cast benchmark feeds 2^24 lines, and
// std::getline on std::cin costs more than the parsing it feeds.
#pragma once

#include <cstdio>
#include <optional>
#include <string_view>
#include <vector>

namespace mxref::tools {

class LineReader {
 public:
  explicit LineReader(std::FILE* in, std::size_t chunk = std::size_t{1} << 20);
  // The next line without its '\n'; valid until the next call. A last line without '\n' still counts.
  std::optional<std::string_view> next();

 private:
  bool refill();  // false at end of input

  std::FILE* in_;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;  // unread data is buffer_[begin_, end_)
  std::size_t end_ = 0;
  std::size_t scanned_ = 0;  // bytes after begin_ already known to hold no '\n'
  bool eof_ = false;
};

}  // namespace mxref::tools
