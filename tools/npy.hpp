// NumPy's .npy format (versions 1-3; little-endian, C order) and uncompressed .npz archives of them:
// the tensor files of `mxref quantize / dequantize / fakequant --in/--out`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace mxref::tools {

struct NpyArray {
  std::string descr;               // '<f4', '<u1', ...
  std::vector<std::size_t> shape;  // () for a scalar
  std::vector<std::uint8_t> data;  // row-major, little-endian
  std::size_t count() const;
};

// Throws UsageError (naming `what`) for anything but a well-formed little-endian C-order array.
NpyArray parse_npy(std::span<const std::uint8_t> bytes, const std::string& what);
// The same, taking over a whole file's bytes: the data is moved down in place rather than copied, so a
// large tensor is held once.
NpyArray parse_npy(std::vector<std::uint8_t>&& bytes, const std::string& what);
std::vector<std::uint8_t> npy_bytes(const NpyArray& array);
// The header alone (magic to padding): a large array's data is written after it without a copy.
std::vector<std::uint8_t> npy_header(const std::string& descr, const std::vector<std::size_t>& shape);

// Members by name without the ".npy" suffix. Only stored (uncompressed) members are read, as
// np.savez and npz_bytes write them.
std::map<std::string, NpyArray> parse_npz(std::span<const std::uint8_t> bytes, const std::string& what);
std::vector<std::uint8_t> npz_bytes(const std::map<std::string, NpyArray>& members);

}  // namespace mxref::tools
