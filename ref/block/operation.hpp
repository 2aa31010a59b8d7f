// What is done with a block format: values to codes, codes to values, or both in one pass. The CLI's
// block subcommands, fast/cpu's loops and the tests all name the three with this one enum.
#pragma once

#include <cstdint>

namespace mxref {

enum class BlockOperation : std::uint8_t {
  quantize,       // values -> element codes and one scale per block
  dequantize,     // element codes and scales -> values
  fake_quantize,  // dequantize(quantize(values)), without storing the codes
};

}  // namespace mxref
