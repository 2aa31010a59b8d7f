// Output gathered in a string and handed to stdio in large chunks: one fwrite per megabyte instead of
// one formatted write per line.
#pragma once

#include <cstdio>
#include <stdexcept>
#include <string>

namespace mxref::tools {

class OutputBuffer {
 public:
  explicit OutputBuffer(std::FILE* out, std::size_t chunk = std::size_t{1} << 20) : out_(out), chunk_(chunk) {
    text_.reserve(chunk + 4096);
  }
  OutputBuffer(const OutputBuffer&) = delete;
  OutputBuffer& operator=(const OutputBuffer&) = delete;
  // Whatever is still buffered is written even when an exception unwinds the command, so the lines
  // before a bad input line reach stdout.
  ~OutputBuffer() {
    try {
      flush();
    } catch (...) {
    }
  }

  std::string& text() { return text_; }
  void append(std::string_view s) {
    text_ += s;
    maybe_flush();
  }
  void maybe_flush() {
    if (text_.size() >= chunk_) flush();
  }
  void flush() {
    if (!text_.empty() && std::fwrite(text_.data(), 1, text_.size(), out_) != text_.size())
      throw std::runtime_error("error writing output");
    text_.clear();
    if (std::fflush(out_) != 0) throw std::runtime_error("error writing output");
  }

 private:
  std::FILE* out_;
  std::size_t chunk_;
  std::string text_;
};

}  // namespace mxref::tools
