// Codes held as .npy arrays hold them: little-endian, in 1, 2, 4 or 8 bytes each. Tensor files are
// worked on in this form, not as 8-byte integers or exact Values, so that memory stays near the size
// of the files themselves.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace mxref::tools {

// The bytes a code of `bits` bits takes, and the .npy dtype that holds it.
inline std::size_t code_bytes(int bits) { return bits <= 8 ? 1 : bits <= 16 ? 2 : bits <= 32 ? 4 : 8; }
inline std::string code_descr(int bits) {
  return code_bytes(bits) == 1 ? "|u1" : "<u" + std::to_string(code_bytes(bits));
}

inline std::uint64_t code_at(std::span<const std::uint8_t> data, std::size_t i, std::size_t size) {
  std::uint64_t code = 0;
  for (std::size_t b = size; b-- > 0;) code = code << 8 | data[i * size + b];
  return code;
}

inline void put_code(std::span<std::uint8_t> data, std::size_t i, std::size_t size, std::uint64_t code) {
  for (std::size_t b = 0; b < size; ++b) data[i * size + b] = static_cast<std::uint8_t>(code >> (8 * b));
}

}  // namespace mxref::tools
