#include "tools/line_reader.hpp"

#include <cstring>
#include <stdexcept>

namespace mxref::tools {

LineReader::LineReader(std::FILE* in, std::size_t chunk) : in_(in), buffer_(chunk) {}

bool LineReader::refill() {
  if (eof_) return false;
  // Keep the partial line: move it to the front, and grow only when one line fills the buffer.
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);
  const std::size_t got = std::fread(buffer_.data() + end_, 1, buffer_.size() - end_, in_);
  if (got == 0) {
    if (std::ferror(in_)) throw std::runtime_error("error reading input");
    eof_ = true;
    return false;
  }
  end_ += got;
  return true;
}

std::optional<std::string_view> LineReader::next() {
  for (;;) {
    const char* start = buffer_.data() + begin_;
    const auto* newline = static_cast<const char*>(std::memchr(start + scanned_, '\n', end_ - begin_ - scanned_));
    if (newline != nullptr) {
      const auto length = static_cast<std::size_t>(newline - start);
      begin_ += length + 1;
      scanned_ = 0;
      return std::string_view(start, length);
    }
    scanned_ = end_ - begin_;
    if (!refill()) {
      if (begin_ == end_) return std::nullopt;
      const std::string_view last(buffer_.data() + begin_, end_ - begin_);
      begin_ = end_;
      scanned_ = 0;
      return last;
    }
  }
}

}  // namespace mxref::tools
