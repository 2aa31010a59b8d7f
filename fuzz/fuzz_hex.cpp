// Hex tokens as the CLI and the conformance runner read them: a token either gives a value or nothing
// (never a crash), and a value written back as hex reads back the same; a results line's codes
// likewise.
#include <string>

#include "conformance/compare.hpp"
#include "fuzz/fuzz_check.hpp"
#include "tools/hex_lines.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mxref;
  const std::string_view text = fuzz::as_text(data, size);
  if (const auto v = tools::parse_hex(text)) {
    const std::string back = tools::to_hex(*v, 16);
    fuzz::require(tools::parse_hex(back) == v, "hex round trip: " + back);
  }
  const std::string line(text);
  if (const auto codes = conformance::parse_codes(line)) {
    std::string written;
    for (const unsigned long long c : *codes) written += tools::to_hex(c, 16) + " ";  // all 16 digits
    fuzz::require(conformance::parse_codes(written) == codes, "results line round trip: " + written);
  }
  return 0;
}
