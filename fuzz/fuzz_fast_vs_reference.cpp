// Differential: fast/cpu's block quantize, dequantize and fake-quantize against ref/, block by block
// (fast/tests/block_check.hpp), for the element format and profile, block size, value type and FP32
// patterns the input picks. Any disagreement aborts.
#include <vector>

#include "fast/tests/block_check.hpp"
#include "fuzz/fuzz_check.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mxref;
  static const std::vector<fast_check::BlockCase> cases = fast_check::all_block_cases();
  fuzz::ByteStream in(data, size);
  const fast_check::BlockCase& c = cases[in.byte() % cases.size()];
  const bool bf16 = in.byte() & 1;
  const std::size_t columns_byte = in.byte();
  std::vector<std::uint32_t> values;
  while (in.left() >= 4 && values.size() < 4096) values.push_back(bf16 ? in.u32() & 0xFFFF0000u : in.u32());
  // Blocks down columns (the strided kernels) when columns > 1.
  const std::size_t columns = 1 + columns_byte % 4;
  values.resize(values.size() / columns * columns);
  if (values.empty()) return 0;
  const auto type = bf16 ? fast::FloatData::bf16 : fast::FloatData::fp32;
  const fast_check::Outcome o =
      fast_check::compare_with_reference(c, values, {1, values.size() / columns, columns}, type, type, {.threads = 1});
  fuzz::require(o.mismatches == 0, std::string(c.format) + " " + std::string(c.profile) + ": " + o.first);
  return 0;
}
