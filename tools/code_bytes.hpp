// Codes held as .npy arrays hold them: little-endian, in 1, 2, 4 or 8 bytes each. Tensor files are
// worked on in this form, not as 8-byte integers or exact Values, so that memory stays near the size
// of the files themselves.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "ref/format.hpp"

namespace mxref::tools {

// The .npy dtype that holds a code of `bits` bits (storage_bytes(bits) bytes each).
inline std::string code_descr(int bits) {
  return storage_bytes(bits) == 1 ? "|u1" : "<u" + std::to_string(storage_bytes(bits));
}

inline std::uint64_t code_at(std::span<const std::uint8_t> data, std::size_t i, std::size_t size) {
  std::uint64_t code = 0;
  for (std::size_t b = size; b-- > 0;) code = code << 8 | data[i * size + b];
  return code;
}

inline void put_code(std::span<std::uint8_t> data, std::size_t i, std::size_t size, std::uint64_t code) {
  for (std::size_t b = 0; b < size; ++b) data[i * size + b] = static_cast<std::uint8_t>(code >> (8 * b));
}

// Codes of one format in a tensor's shape, little-endian in storage_bytes(width) bytes each.
struct CodeTensor {
  Format format;
  std::vector<std::size_t> shape;
  std::vector<std::uint8_t> bytes;
  // An input's codes held by the caller instead (the Python module's arrays, read in place): `bytes` is empty
  // then, and the tensor is only read.
  std::span<const std::uint8_t> borrowed = {};
  std::span<const std::uint8_t> data() const {
    return borrowed.empty() ? std::span<const std::uint8_t>(bytes) : borrowed;
  }
  std::size_t size() const { return storage_bytes(width(format)); }
  std::size_t count() const { return data().size() / size(); }
  std::uint64_t at(std::size_t i) const { return code_at(data(), i, size()); }
  void put(std::size_t i, std::uint64_t code) { put_code(bytes, i, size(), code); }
};

// The .npy dtype a tensor of codes is stored as: floats as numpy's own float types, bf16 and every
// other format as unsigned integers of its bits.
inline std::string value_descr(const Format& f) {
  if (f == fp32) return "<f4";
  if (f == fp64) return "<f8";
  if (f == fp16) return "<f2";
  return code_descr(width(f));
}

}  // namespace mxref::tools
