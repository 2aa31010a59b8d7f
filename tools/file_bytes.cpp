#include "tools/file_bytes.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

#include "tools/usage_error.hpp"

namespace mxref::tools {

std::vector<std::uint8_t> read_file_bytes(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) throw UsageError("cannot read '" + path + "': it is a folder");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw UsageError("cannot read '" + path + "': " + std::strerror(errno));
  // Sized first and read in one go: growing a vector by doubling would hold up to twice a large tensor.
  const std::uintmax_t size =
      std::filesystem::is_regular_file(path, error) ? std::filesystem::file_size(path, error) : 0;
  std::vector<std::uint8_t> bytes;
  if (!error && size > 0) {
    bytes.resize(static_cast<std::size_t>(size));
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size));
    if (in.gcount() != static_cast<std::streamsize>(size)) throw UsageError("error reading '" + path + "'");
  }
  // Whatever the size did not cover (a pipe, or a file still growing).
  try {
    bytes.insert(bytes.end(), std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } catch (const std::exception& e) {  // libstdc++ reports read errors here as exceptions
    throw UsageError("error reading '" + path + "': " + e.what());
  }
  if (in.bad()) throw UsageError("error reading '" + path + "'");
  return bytes;
}

void write_file_atomically(const std::string& path, std::span<const std::uint8_t> bytes) {
  write_file_atomically(path, {bytes});
}

void write_file_atomically(const std::string& path, std::initializer_list<std::span<const std::uint8_t>> pieces) {
  const std::string temporary = path + ".mxref-" + std::to_string(::getpid()) + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) throw UsageError("cannot write '" + path + "': " + std::strerror(errno));
    for (const std::span<const std::uint8_t> bytes : pieces)
      out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      out.close();
      std::remove(temporary.c_str());
      throw UsageError("error writing '" + path + "'");
    }
  }
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) {
    std::remove(temporary.c_str());
    throw UsageError("cannot write '" + path + "': " + error.message());
  }
}

}  // namespace mxref::tools
