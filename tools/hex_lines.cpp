#include "tools/hex_lines.hpp"

#include <array>
#include <bit>

#include "ref/format_name.hpp"
#include "tools/usage_error.hpp"

namespace mxref::tools {

namespace {

constexpr bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

// -1 for a character that is not a hex digit. A table, not comparisons: random hex digits make the
// digit-or-letter branch unpredictable, and that branch was a fifth of `cast`'s time.
constexpr std::array<std::int8_t, 256> digit_values = [] {
  std::array<std::int8_t, 256> table{};
  table.fill(-1);
  for (int i = 0; i < 10; ++i) table['0' + i] = static_cast<std::int8_t>(i);
  for (int i = 0; i < 6; ++i) {
    table['a' + i] = static_cast<std::int8_t>(10 + i);
    table['A' + i] = static_cast<std::int8_t>(10 + i);
  }
  return table;
}();

int digit_value(char c) { return digit_values[static_cast<unsigned char>(c)]; }

// Quoted in error messages; long garbage is cut so the message stays one readable line.
std::string quoted(std::string_view text) {
  constexpr std::size_t limit = 40;
  std::string shown(text.substr(0, limit));
  for (char& c : shown)
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F) c = '?';
  return "'" + shown + (text.size() > limit ? "...'" : "'");
}

}  // namespace

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

std::optional<std::uint64_t> parse_hex(std::string_view token) {
  token = trim(token);
  if (token.size() >= 2 && token[0] == '0' && (token[1] == 'x' || token[1] == 'X')) token.remove_prefix(2);
  if (token.empty()) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : token) {
    const int d = digit_value(c);
    if (d < 0 || value >> 60 != 0) return std::nullopt;
    value = value << 4 | static_cast<std::uint64_t>(d);
  }
  return value;
}

HexToken parse_hex_token(std::string_view token) {
  const std::string_view original = token;
  token = trim(token);
  if (token.empty()) return {0, "empty line (expected a hex bit pattern)"};
  if (token.size() >= 2 && token[0] == '0' && (token[1] == 'x' || token[1] == 'X')) token.remove_prefix(2);
  if (token.empty()) return {0, "malformed hex " + quoted(trim(original)) + " (no digits after 0x)"};
  std::uint64_t value = 0;
  for (char c : token) {
    const int d = digit_value(c);
    if (d < 0) return {0, "malformed hex " + quoted(trim(original))};
    if (value >> 60 != 0) return {0, "hex " + quoted(trim(original)) + " is wider than 64 bits"};
    value = value << 4 | static_cast<std::uint64_t>(d);
  }
  return {value, {}};
}

void append_hex(std::string& out, std::uint64_t value, int digits) {
  constexpr char alphabet[] = "0123456789abcdef";
  const std::size_t start = out.size();
  out.resize(start + static_cast<std::size_t>(digits));
  for (int i = digits - 1; i >= 0; --i) {
    out[start + static_cast<std::size_t>(i)] = alphabet[value & 0xF];
    value >>= 4;
  }
}

std::string to_hex(std::uint64_t value, int digits) {
  std::string out;
  append_hex(out, value, digits);
  return out;
}

[[noreturn]] void fail_line(std::uint64_t line_number, const std::string& why) {
  throw UsageError("line " + std::to_string(line_number) + ": " + why);
}

std::vector<std::uint64_t> tokens_of(std::string_view line, std::uint64_t line_number) {
  std::vector<std::uint64_t> out;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    if (i == line.size()) break;
    std::size_t end = i;
    while (end < line.size() && line[end] != ' ' && line[end] != '\t' && line[end] != '\r') ++end;
    const HexToken t = parse_hex_token(line.substr(i, end - i));
    if (!t.ok()) fail_line(line_number, "token " + std::to_string(out.size() + 1) + ": " + t.error);
    out.push_back(t.value);
    i = end;
  }
  return out;
}

void check_code_fits(const Format& format, std::uint64_t code, std::uint64_t line_number, std::size_t token) {
  if (code <= code_mask(format)) return;
  fail_line(line_number, "token " + std::to_string(token) + ": 0x" +
                             to_hex(code, hex_digits(static_cast<int>(std::bit_width(code)))) + " does not fit " +
                             format_name(format) + " (" + std::to_string(width(format)) + " bits)");
}

}  // namespace mxref::tools
