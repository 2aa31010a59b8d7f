// Suite definitions as `mxref gen --suite` reads them: JSON that is malformed, or well-formed but not
// a suite, is rejected with std::invalid_argument; nothing crashes or runs away.
#include <nlohmann/json.hpp>

#include <stdexcept>

#include "fuzz/fuzz_check.hpp"
#include "vectors/suite.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const nlohmann::json definition = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (definition.is_discarded()) return 0;
  try {
    const mxref::vectors::Suite suite = mxref::vectors::parse_suite(definition, "fuzz.json");
    mxref::fuzz::require(suite.count >= 1 && suite.count <= 1000000, "a vector count outside 1..10^6 accepted");
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
