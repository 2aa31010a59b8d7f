// Byte layouts of element and scale codes as users meet them in memory (docs/spec-notes/packing.md).
//
// Elements narrower than a byte are a bit stream: element i occupies bits [i*w, (i+1)*w) of the stream.
// `lsb_first` numbers the stream's bits from the least significant bit of byte 0 (FP4: element 0 in
// the low nibble; the OCP/little-endian bit-stream order); `msb_first` from the most significant bit
// (FP4: element 0 in the high nibble; FP6: torchao's 4-in-3-bytes layout). Bytes-wide elements are
// written little-endian under either order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace mxref {

enum class BitOrder : std::uint8_t { lsb_first, msb_first, fp6_planar32 };
std::string_view to_string(BitOrder order);
std::optional<BitOrder> parse_bit_order(std::string_view name);

// Codes of `bits` bits each (1..64; codes must fit), packed; the last byte is padded with zero bits.
std::vector<std::uint8_t> pack_codes(std::span<const std::uint64_t> codes, int bits, BitOrder order);
// The first `count` codes back. Throws std::invalid_argument when the bytes are too few.
std::vector<std::uint64_t> unpack_codes(std::span<const std::uint8_t> bytes, int bits, std::size_t count,
                                        BitOrder order);

// NVIDIA's swizzled block-scale layout (cuBLAS "1D block scaling factors layout", used by Blackwell
// tensor cores): the rows × cols scale matrix is padded to multiples of 128 rows and 4 columns, cut
// into 128×4 tiles stored row-major by tile, and inside a tile scale (r, c) sits at
// (r % 32) * 16 + (r / 32) * 4 + c. Padding bytes are 0.
std::size_t swizzled_scale_offset(std::size_t row, std::size_t col, std::size_t cols);
std::vector<std::uint8_t> swizzle_scales(std::span<const std::uint8_t> row_major, std::size_t rows, std::size_t cols);
std::vector<std::uint8_t> unswizzle_scales(std::span<const std::uint8_t> swizzled, std::size_t rows, std::size_t cols);

}  // namespace mxref
