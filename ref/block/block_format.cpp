#include "ref/block/block_format.hpp"

#include <array>
#include <charconv>

#include "ref/format_name.hpp"

namespace mxref {

namespace {

// Block floating point (pychop's presets, pychop/bfp_formats.py): N-bit mantissas with N - 1 fraction
// bits, values in [-1, 1) times the shared exponent. Two's complement, because pychop clips to
// [-2^(N-1), 2^(N-1) - 1] (negative saturation reaches -1); sm<N>f<N-1> spells the sign-magnitude kind.
constexpr Format bfp_mantissa(int bits) { return Format{true, 0, bits - 1, bits - 1, Encoding::twos_complement}; }
// MSFP (Microsoft floating point, Rouhani et al. 2020): sign and magnitude, 8-bit shared exponent,
// blocks of 16; MSFP12 has 3 magnitude bits, MSFP16 7.
constexpr Format msfp_mantissa(int bits) { return Format{true, 0, bits - 1, bits - 1, Encoding::sign_magnitude}; }
// Flexpoint's 5-bit shared exponent: 2^-15 .. 2^15.
constexpr Format e5m0{false, 5, 0, 15, Encoding::exponent_only};

constexpr std::array<NamedBlockFormat, 19> builtins{{
    {"mxfp8_e5m2", {e5m2}},
    {"mxfp8_e4m3", {e4m3}},
    {"mxfp6_e3m2", {e3m2}},
    {"mxfp6_e2m3", {e2m3}},
    {"mxfp4_e2m1", {e2m1}},
    {"mxint8", {int8}},
    {"mxfp4_e3m0", {e3m0}},
    {"nvfp4", {e2m1, ue4m3, 16, true}},
    {"bfp16", {bfp_mantissa(16), e8m0, 16}},
    {"bfp12", {bfp_mantissa(12), e8m0, 16}},
    {"bfp8", {bfp_mantissa(8), e8m0, 32}},
    {"bfp6", {bfp_mantissa(6), e8m0, 32}},
    {"bfp4", {bfp_mantissa(4), e8m0, 32}},
    {"bfp3", {bfp_mantissa(3), e8m0, 64}},
    {"bfp2", {bfp_mantissa(2), e8m0, 128}},
    {"flexpoint16", {bfp_mantissa(16), e5m0, 16}},
    {"flexpoint8", {bfp_mantissa(8), e5m0, 32}},
    {"msfp12", {msfp_mantissa(4), e8m0, 16}},
    {"msfp16", {msfp_mantissa(8), e8m0, 16}},
}};

[[noreturn]] void reject(std::string_view name, std::string_view why) {
  throw FormatNameError("unknown block format '" + std::string(name) + "': " + std::string(why));
}

int parse_block_size(std::string_view whole, std::string_view text) {
  int size = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), size);
  if (error != std::errc{} || end != text.data() + text.size() || size < 1 || size > (1 << 20))
    reject(whole, "block size must be a whole number from 1 to 1048576");
  return size;
}

}  // namespace

std::span<const NamedBlockFormat> builtin_block_formats() { return builtins; }

BlockFormat parse_block_format(std::string_view name) {
  for (const NamedBlockFormat& b : builtins)
    if (b.name == name) return b.format;
  BlockFormat f;
  const std::size_t first = name.find('/');
  f.element = parse_format(name.substr(0, first));
  if (first == std::string_view::npos) return f;
  const std::string_view rest = name.substr(first + 1);
  const std::size_t second = rest.find('/');
  f.scale = parse_format(rest.substr(0, second));
  if (second != std::string_view::npos) f.block_size = parse_block_size(name, rest.substr(second + 1));
  if (f.scale.encoding == Encoding::twos_complement) reject(name, "a scale must be a float-like format");
  return f;
}

std::string block_format_name(const BlockFormat& format) {
  for (const NamedBlockFormat& b : builtins)
    if (b.format == format) return std::string(b.name);
  return format_name(format.element) + "/" + format_name(format.scale) + "/" + std::to_string(format.block_size);
}

}  // namespace mxref
