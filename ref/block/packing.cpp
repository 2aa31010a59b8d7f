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

// torchao's planar FP6: for each group g of four codes x0..x3 (codes 4g..4g+3 of a 32-code block), byte g
// holds the high four bits of x0 and x1, byte 8 + g those of x2 and x3, and byte 16 + g the low two
// bits of x0, x1, x2, x3 from the top down.
void check_planar(int bits, std::size_t count) {
  if (bits != 6 || count % 32 != 0) throw std::invalid_argument("fp6-planar32 packs 6-bit codes in whole blocks of 32");
}

std::vector<std::uint8_t> pack_planar(std::span<const std::uint64_t> codes) {
  std::vector<std::uint8_t> out(codes.size() / 32 * 24, 0);
  for (std::size_t block = 0; block < codes.size() / 32; ++block)
    for (std::size_t g = 0; g < 8; ++g) {
      const auto x = [&](std::size_t k) { return static_cast<std::uint8_t>(codes[block * 32 + 4 * g + k]); };
      std::uint8_t* b = out.data() + block * 24;
      b[g] = static_cast<std::uint8_t>((x(0) >> 2) << 4 | x(1) >> 2);
      b[8 + g] = static_cast<std::uint8_t>((x(2) >> 2) << 4 | x(3) >> 2);
      b[16 + g] = static_cast<std::uint8_t>((x(0) & 3) << 6 | (x(1) & 3) << 4 | (x(2) & 3) << 2 | (x(3) & 3));
    }
  return out;
}

std::vector<std::uint64_t> unpack_planar(std::span<const std::uint8_t> bytes, std::size_t count) {
  std::vector<std::uint64_t> out(count);
  for (std::size_t block = 0; block < count / 32; ++block)
    for (std::size_t g = 0; g < 8; ++g) {
      const std::uint8_t* b = bytes.data() + block * 24;
      const std::uint64_t high[4] = {std::uint64_t{b[g]} >> 4, std::uint64_t{b[g]} & 15u, std::uint64_t{b[8 + g]} >> 4,
                                     std::uint64_t{b[8 + g]} & 15u};
      for (std::size_t k = 0; k < 4; ++k) out[block * 32 + 4 * g + k] = high[k] << 2 | (b[16 + g] >> (6 - 2 * k) & 3u);
    }
  return out;
}

}  // namespace

std::string_view to_string(BitOrder order) {
  switch (order) {
    case BitOrder::lsb_first: return "lsb-first";
    case BitOrder::msb_first: return "msb-first";
    case BitOrder::fp6_planar32: return "fp6-planar32";
  }
  return "?";
}

std::optional<BitOrder> parse_bit_order(std::string_view name) {
  for (const BitOrder o : {BitOrder::lsb_first, BitOrder::msb_first, BitOrder::fp6_planar32})
    if (to_string(o) == name) return o;
  return std::nullopt;
}

std::vector<std::uint8_t> pack_codes(std::span<const std::uint64_t> codes, int bits, BitOrder order) {
  check_bits(bits);
  if (order == BitOrder::fp6_planar32) {
    check_planar(bits, codes.size());
    for (const std::uint64_t c : codes)
      if (c >> 6 != 0) throw std::invalid_argument("code " + std::to_string(c) + " does not fit 6 bits");
    return pack_planar(codes);
  }
  if (bits % 8 == 0) order = BitOrder::lsb_first;  // whole bytes: little-endian either way
  std::vector<std::uint8_t> out((codes.size() * static_cast<std::size_t>(bits) + 7) / 8, 0);
  std::size_t k = 0;
  for (const std::uint64_t code : codes) {
    if (bits < 64 && code >> bits != 0)
      throw std::invalid_argument("code " + std::to_string(code) + " does not fit " + std::to_string(bits) + " bits");
    for (int j = 0; j < bits; ++j, ++k)
      if (code >> element_bit(j, bits, order) & 1)
        out[k / 8] |= static_cast<std::uint8_t>(1u << bit_position(k, order));
  }
  return out;
}

std::vector<std::uint64_t> unpack_codes(std::span<const std::uint8_t> bytes, int bits, std::size_t count,
                                        BitOrder order) {
  check_bits(bits);
  if (order == BitOrder::fp6_planar32) {
    check_planar(bits, count);
    if (bytes.size() < count / 32 * 24) throw std::invalid_argument("too few bytes for the fp6-planar32 blocks");
    return unpack_planar(bytes, count);
  }
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
