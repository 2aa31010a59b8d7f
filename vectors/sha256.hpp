// SHA-256 (FIPS 180-4), for the manifests that pin every generated vector file.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace mxref::vectors {

// Lower-case hex digest.
std::string sha256_hex(std::span<const std::uint8_t> bytes);

}  // namespace mxref::vectors
