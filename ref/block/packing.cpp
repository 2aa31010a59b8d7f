#include "ref/block/packing.hpp"

#include <stdexcept>
#include <string>

namespace mxref {

namespace {

constexpr std::size_t round_up(std::size_t n, std::size_t multiple) { return (n + multiple - 1) / multiple * multiple; }

void check_bits(int bits) {
  if (bits < 1 || bits > 64) throw std::invalid_argument("codes must be 1 to 64 bits wide");
}

// Bit k of the stream lives in byte k / 8, at position k % 8 from the end the order starts at.
int bit_position(std::size_t k, BitOrder order) {
  const int p = static_cast<int>(k % 8);
  return order == BitOrder::lsb_first ? p : 7 - p;
}

// Within an element the stream carries its bits most significant first under msb_first, least first
// under lsb_first, so that FP4 0xA followed by 0x5 packs as 0x5A (lsb_first) or 0xA5 (msb_first).
int element_bit(int j, int bits, BitOrder order) { return order == BitOrder::lsb_first ? j : bits - 1 - j; }

}  // namespace

std::string_view to_string(BitOrder order) { return order == BitOrder::lsb_first ? "lsb-first" : "msb-first"; }

std::optional<BitOrder> parse_bit_order(std::string_view name) {
  if (name == "lsb-first") return BitOrder::lsb_first;
  if (name == "msb-first") return BitOrder::msb_first;
  return std::nullopt;
}

std::vector<std::uint8_t> pack_codes(std::span<const std::uint64_t> codes, int bits, BitOrder order) {
  check_bits(bits);
  if (bits % 8 == 0) order = BitOrder::lsb_first;  // whole bytes: little-endian either way
  std::vector<std::uint8_t> out((codes.size() * static_cast<std::size_t>(bits) + 7) / 8, 0);
  std::size_t k = 0;
  for (const std::uint64_t code : codes) {
    if (bits < 64 && code >> bits != 0)
      throw std::invalid_argument("code " + std::to_string(code) + " does not fit " + std::to_string(bits) + " bits");
    for (int j = 0; j < bits; ++j, ++k)
      if (code >> element_bit(j, bits, order) & 1) out[k / 8] |= static_cast<std::uint8_t>(1u << bit_position(k, order));
  }
  return out;
}

std::vector<std::uint64_t> unpack_codes(std::span<const std::uint8_t> bytes, int bits, std::size_t count,
                                        BitOrder order) {
  check_bits(bits);
  if (bits % 8 == 0) order = BitOrder::lsb_first;
  if (bytes.size() * 8 < count * static_cast<std::size_t>(bits))
    throw std::invalid_argument(std::to_string(bytes.size()) + " bytes hold fewer than " + std::to_string(count) +
                                " codes of " + std::to_string(bits) + " bits");
  std::vector<std::uint64_t> out(count, 0);
  std::size_t k = 0;
  for (std::uint64_t& code : out)
    for (int j = 0; j < bits; ++j, ++k)
      if (bytes[k / 8] >> bit_position(k, order) & 1) code |= std::uint64_t{1} << element_bit(j, bits, order);
  return out;
}

std::size_t swizzled_scale_offset(std::size_t row, std::size_t col, std::size_t cols) {
  const std::size_t tiles_per_row = round_up(cols, 4) / 4;
  const std::size_t tile = row / 128 * tiles_per_row + col / 4;
  const std::size_t r = row % 128;
  return tile * 512 + (r % 32) * 16 + (r / 32) * 4 + col % 4;
}

std::vector<std::uint8_t> swizzle_scales(std::span<const std::uint8_t> row_major, std::size_t rows, std::size_t cols) {
  if (row_major.size() != rows * cols) throw std::invalid_argument("the scale matrix is not rows x cols");
  std::vector<std::uint8_t> out(round_up(rows, 128) * round_up(cols, 4), 0);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) out[swizzled_scale_offset(r, c, cols)] = row_major[r * cols + c];
  return out;
}

std::vector<std::uint8_t> unswizzle_scales(std::span<const std::uint8_t> swizzled, std::size_t rows, std::size_t cols) {
  if (swizzled.size() != round_up(rows, 128) * round_up(cols, 4))
    throw std::invalid_argument("a swizzled scale matrix holds whole 128 x 4 tiles");
  std::vector<std::uint8_t> out(rows * cols);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) out[r * cols + c] = swizzled[swizzled_scale_offset(r, c, cols)];
  return out;
}

}  // namespace mxref
