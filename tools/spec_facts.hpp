// The pieces of `mxref spec` that the text and JSON writers share, so both say exactly the same thing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ref/decode.hpp"
#include "ref/dyadic.hpp"
#include "ref/format.hpp"
#include "ref/properties.hpp"
#include "ref/value.hpp"

namespace mxref::tools {

std::string_view encoding_name(Encoding e);

// Exact value with its sign: "-448", "-0", "inf", "-inf", "nan".
std::string signed_decimal(const Value& v);
// Hex-float with its sign: "-0x1.cp+8", "-0x0p+0", and the same words as above for Inf and NaN.
std::string signed_hexfloat(const Value& v);
// The longest signed_hexfloat() of any code of the format, for column alignment without a first pass.
std::size_t hexfloat_width_bound(const Format& f);

// The code's bits grouped as sign|exponent|mantissa ("0 1111 110"); two's complement: one group.
std::string field_bits(const Format& f, std::uint64_t code);

// "0x7e": the code zero-padded to the format's width.
std::string code_text(const Format& f, std::uint64_t code);

// Codes of one class, first..last inclusive. Derived from the encoding's structure rather than by
// enumerating codes, so that fp32 and fp64 get theirs too.
struct CodeRange {
  CodeClass kind;
  std::uint64_t first;
  std::uint64_t last;
};
// The zero, Inf and NaN codes, in code order.
std::vector<CodeRange> special_codes(const Format& f);
// "0x7f" or "0x7c01..0x7fff".
std::string range_text(const Format& f, const CodeRange& r);

// Full tables are printed by default up to this width, and on request (--table) up to the next.
inline constexpr int default_table_bits = 16;
inline constexpr int max_table_bits = 24;
// `spec --all --json` keeps to the tables of formats of at most this width unless --table asks for more.
inline constexpr int all_json_table_bits = 8;

}  // namespace mxref::tools
