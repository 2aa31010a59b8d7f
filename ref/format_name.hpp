// Format names: the built-in ones, and the grammar for custom ones (docs/spec-notes/format-names.md).
#pragma once

#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include "ref/format.hpp"

namespace mxref {

struct FormatNameError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

struct NamedFormat {
  std::string_view name;
  Format format;
};

// torch's float4_e2m1fn_x2: two E2M1 codes (float4_e2m1fn, every code a number) in one byte, the first in
// the low nibble. Not a format of one code: parse_format refuses it, naming what to write; block commands
// take it as the element of a block format and pack lsb-first (tools/block_command.cpp).
inline constexpr std::string_view packed_e2m1_pair = "float4_e2m1fn_x2";

// Every built-in format under its canonical name, in the order `mxref spec --all` lists them.
std::span<const NamedFormat> builtin_formats();

// Accepts built-in names and aliases, and custom names: [u]e<X>m<Y>[fn|fnuz|ieee|fin] and int<N>.
// Throws FormatNameError with a message naming what is wrong.
Format parse_format(std::string_view name);

// The canonical name: a built-in's name, or the custom grammar's spelling.
std::string format_name(const Format& format);

}  // namespace mxref
