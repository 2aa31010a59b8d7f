// Hex bit patterns as text: one pattern per input line (cast, quantize), and codes written back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ref/format.hpp"

namespace mxref::tools {

struct HexToken {
  std::uint64_t value = 0;
  std::string error;  // empty when the token parsed
  bool ok() const { return error.empty(); }
};

// Surrounding spaces, tabs and a trailing CR (CRLF input) removed.
std::string_view trim(std::string_view text);

// One hex number: surrounding whitespace ignored, optional 0x/0X, upper or lower case digits,
// at most 64 significant bits. An empty token is an error, so blank lines never pass silently.
HexToken parse_hex_token(std::string_view token);

// The same without building an error message: the per-line fast path. nullopt where
// parse_hex_token() would report an error.
std::optional<std::uint64_t> parse_hex(std::string_view token);

// Hex digits needed for a code of `bits` bits (e2m1: 1, e4m3: 2, fp32: 8).
constexpr int hex_digits(int bits) { return (bits + 3) / 4; }

// Lower-case, zero-padded to `digits`, no prefix (the form $readmemh reads).
void append_hex(std::string& out, std::uint64_t value, int digits);
std::string to_hex(std::uint64_t value, int digits);

// A bad input line: throws UsageError "line N: why" (exit status 2, the command's one stderr line).
[[noreturn]] void fail_line(std::uint64_t line_number, const std::string& why);

// A line's whitespace-separated hex tokens as numbers; a malformed one is fail_line, naming it (1-based).
std::vector<std::uint64_t> tokens_of(std::string_view line, std::uint64_t line_number);

// A code token must fit its format: otherwise fail_line, naming the token (1-based) and the whole value.
void check_code_fits(const Format& format, std::uint64_t code, std::uint64_t line_number, std::size_t token);

}  // namespace mxref::tools
