// Whole files as bytes, and writing them so that a failed run leaves no partial output file: the bytes
// go to a temporary file beside the target, which is renamed over it only once complete.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace mxref::tools {

// Throws UsageError naming the file.
std::vector<std::uint8_t> read_file_bytes(const std::string& path);
void write_file_atomically(const std::string& path, std::span<const std::uint8_t> bytes);

}  // namespace mxref::tools
