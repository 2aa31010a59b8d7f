// Whole files as bytes, and writing them so that a failed run leaves no partial output file: the bytes
// go to a temporary file beside the target, which is renamed over it only once complete.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

namespace mxref::tools {

// Throws UsageError naming the file.
std::vector<std::uint8_t> read_file_bytes(const std::string& path);
void write_file_atomically(const std::string& path, std::span<const std::uint8_t> bytes);
// The pieces one after another (a header and a large body, without joining them in memory first).
void write_file_atomically(const std::string& path, std::initializer_list<std::span<const std::uint8_t>> pieces);

}  // namespace mxref::tools
