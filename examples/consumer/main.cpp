// Uses mxref's reference models from an installed tree: one cast and one block quantization, printed so
// that a test can check them against values worked out by hand (tools/tests/install_test.py).
#include <cstdio>
#include <vector>

#include "ref/block/block_format.hpp"
#include "ref/block/profile.hpp"
#include "ref/block/quantize.hpp"
#include "ref/cast.hpp"
#include "ref/decode.hpp"
#include "ref/format.hpp"

int main() {
  // FP32 1.5 (0x3FC00000) in OCP E4M3: 1.1 x 2^0, code 0 0111 100 = 0x3C.
  const mxref::CastResult one_and_a_half = mxref::cast(mxref::fp32, mxref::e4m3, 0x3FC00000);
  // An MXFP8 E4M3 block of 1, 2 and 448 x 4 (amax 1792 = 1.75 x 2^10): scale 2^(10 - 8) = 2^2, code 0x81;
  // elements 1/4, 2/4 and 448 (0x28, 0x30, 0x7E).
  const mxref::BlockFormat f = mxref::parse_block_format("mxfp8_e4m3");
  std::vector<mxref::Value> values;
  for (const std::uint64_t bits : {0x3F800000u, 0x40000000u, 0x44E00000u})
    values.push_back(mxref::decode(mxref::fp32, bits));
  const mxref::QuantizedBlock q = mxref::quantize_block(f, mxref::find_profile("ocp"), values);
  std::printf("%02llx %02llx %02llx %02llx %02llx\n", static_cast<unsigned long long>(one_and_a_half.code),
              static_cast<unsigned long long>(q.scale), static_cast<unsigned long long>(q.elements[0]),
              static_cast<unsigned long long>(q.elements[1]), static_cast<unsigned long long>(q.elements[2]));
  return 0;
}
