// Format, block-format, profile and cast-profile names: any text either parses or throws
// std::invalid_argument; a parsed format's canonical name parses back to the same format.
#include <stdexcept>
#include <string>

#include "fuzz/fuzz_check.hpp"
#include "ref/block/block_format.hpp"
#include "ref/block/profile.hpp"
#include "ref/cast_profile.hpp"
#include "ref/format_name.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mxref;
  const std::string_view text = fuzz::as_text(data, size);
  try {
    const Format f = parse_format(text);
    const std::string name = format_name(f);
    fuzz::require(parse_format(name) == f, "format name round trip: '" + name + "'");
  } catch (const std::invalid_argument&) {
  }
  try {
    const BlockFormat b = parse_block_format(text);
    const std::string name = block_format_name(b);
    fuzz::require(parse_block_format(name) == b, "block format name round trip: '" + name + "'");
  } catch (const std::invalid_argument&) {
  }
  try {
    fuzz::require(find_profile(text).name == text, "find_profile returned another profile");
  } catch (const std::invalid_argument&) {
  }
  if (const auto p = parse_cast_profile(text)) fuzz::require(to_string(*p) == text, "cast profile round trip");
  return 0;
}
