// Properties of block quantization over random blocks of FP32 values.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <vector>

#include "exact_values.hpp"
#include "ref/block/block_format.hpp"
#include "ref/block/quantize.hpp"
#include "ref/decode.hpp"
#include "ref/properties.hpp"

namespace mxref {
namespace {

const char* const mx_formats[] = {"mxfp8_e5m2", "mxfp8_e4m3", "mxfp6_e3m2", "mxfp6_e2m3", "mxfp4_e2m1", "mxint8"};

// A block of finite FP32 values whose magnitudes share a neighbourhood (as real tensors' blocks do), with
// some zeros and sign changes, and the block's exponent anywhere in FP32's range.
rc::Gen<std::vector<Value>> fp32_block(int size) {
  return rc::gen::exec([size] {
    const int centre = *rc::gen::inRange(-140, 128);
    std::vector<Value> block;
    for (int i = 0; i < size; ++i) {
      const int e = std::clamp(centre - *rc::gen::inRange(0, 12), -149, 127);
      const std::uint32_t m = *rc::gen::inRange<std::uint32_t>(0, 1u << 24);
      const bool zero = *rc::gen::inRange(0, 10) == 0;
      Value v = Value::finite(*rc::gen::arbitrary<bool>(), zero ? Dyadic() : Dyadic(BigInt(m | 1u << 23), e - 23));
      // Round to FP32 by construction: drop bits below 2^-149.
      if (!v.magnitude.is_zero() && v.magnitude.exponent() < -149) {
        const std::int64_t shift = -149 - v.magnitude.exponent();
        v.magnitude = Dyadic(v.magnitude.significand() >> shift, -149);
      }
      block.push_back(v);
    }
    return block;
  });
}

Dyadic distance(const Value& a, const Value& b) {
  if (a.negative == b.negative)
    return a.magnitude >= b.magnitude ? a.magnitude - b.magnitude : b.magnitude - a.magnitude;
  return a.magnitude + b.magnitude;
}

// For ocp, every element that is not saturated is a nearest representable value of V / X: no other
// element value, times X, is closer to V (the half-ulp bound, checked against the neighbouring codes).
RC_GTEST_PROP(BlockProperties, OcpElementsAreNearest, ()) {
  const BlockFormat f =
      parse_block_format(*rc::gen::elementOf(std::vector<const char*>(std::begin(mx_formats), std::end(mx_formats))));
  const std::vector<Value> block = *fp32_block(f.block_size);
  const QuantizedBlock q = quantize_block(f, find_profile("ocp"), block);
  const std::vector<Value> d = dequantize_block(f, q.scale, q.elements);
  const Value scale = decode(f.scale, q.scale);
  const Dyadic max_normal = properties(f.element).max_normal;
  for (std::size_t i = 0; i < block.size(); ++i) {
    if (block[i].magnitude > max_normal * scale.magnitude) continue;  // saturated
    for (const std::int64_t step : {-1, 1}) {
      const std::int64_t neighbour = static_cast<std::int64_t>(q.elements[i]) + step;
      if (neighbour < 0 || neighbour > static_cast<std::int64_t>(code_mask(f.element))) continue;
      const std::vector<std::uint64_t> one{static_cast<std::uint64_t>(neighbour)};
      const Value other = dequantize_block(f, q.scale, one)[0];
      if (!other.is_finite()) continue;
      RC_ASSERT(distance(d[i], block[i]) <= distance(other, block[i]));
    }
  }
}

// The OCP scale keeps the block's amax inside the element's top binade: amax / X < 2^(emax + 1), and
// amax / X >= 2^emax unless the scale was clamped at E8M0's bottom.
RC_GTEST_PROP(BlockProperties, OcpScaleBracketsAmax, ()) {
  const BlockFormat f =
      parse_block_format(*rc::gen::elementOf(std::vector<const char*>(std::begin(mx_formats), std::end(mx_formats))));
  const std::vector<Value> block = *fp32_block(f.block_size);
  Dyadic amax;
  for (const Value& v : block) amax = std::max(amax, v.magnitude);
  RC_PRE(!amax.is_zero());
  const QuantizedBlock q = quantize_block(f, find_profile("ocp"), block);
  const std::int64_t x = decode(f.scale, q.scale).magnitude.floor_log2();
  const std::int64_t emax = properties(f.element).max_exponent;
  RC_ASSERT(amax.floor_log2() - x <= emax);
  if (x > -127) RC_ASSERT(amax.floor_log2() - x == emax);
}

// microxcaling's float log2 changes the scale only for an amax within 2^-17 (relative) below a power of
// two: there the FP32 log2 can round up to the integer (2^-17 bounds half an FP32 ulp of log2 values up
// to 128, divided by ln 2 and rounded generously). (Its elements differ in more places: its FP32
// floor(x + 0.5) rounds values just below a half up; BlockQuantize.Microxcaling* pins those.)
RC_GTEST_PROP(BlockProperties, MicroxcalingDiffersFromOcpOnlyJustBelowPowersOfTwo, ()) {
  const BlockFormat f =
      parse_block_format(*rc::gen::elementOf(std::vector<const char*>(std::begin(mx_formats), std::end(mx_formats))));
  std::vector<Value> block = *fp32_block(f.block_size);
  if (*rc::gen::inRange(0, 3) == 0) {  // often, an amax a few FP32 ulps below a power of two
    const int e = *rc::gen::inRange(-120, 127);
    block[0] = Value::finite(false, Dyadic(BigInt((1u << 24) - *rc::gen::inRange(1, 64)), e - 24));
  }
  Dyadic amax;
  for (const Value& v : block) amax = std::max(amax, v.magnitude);
  RC_PRE(!amax.is_zero());
  const QuantizedBlock ocp = quantize_block(f, find_profile("ocp"), block);
  const QuantizedBlock mx = quantize_block(f, find_profile("microxcaling-even"), block);
  const Dyadic next = Dyadic::power_of_two(amax.floor_log2() + 1);
  const bool predicted = next - amax <= next.scaled(-17);
  if (!predicted) RC_ASSERT(ocp.scale == mx.scale);
}

// torchao FLOOR reads the same exponent as OCP; its elements differ only where it divides by 2^-126
// instead of the stored 2^-127 (scale code 0). Finite FP32 blocks, so no NaN/Inf blocks here.
RC_GTEST_PROP(BlockProperties, TorchaoFloorDiffersFromOcpOnlyAtTheSmallestScale, ()) {
  const BlockFormat f = parse_block_format(*rc::gen::elementOf(
      std::vector<const char*>{"mxfp8_e5m2", "mxfp8_e4m3", "mxfp6_e3m2", "mxfp6_e2m3", "mxfp4_e2m1"}));
  const std::vector<Value> block = *fp32_block(f.block_size);
  const QuantizedBlock ocp = quantize_block(f, find_profile("ocp"), block);
  const QuantizedBlock torchao = quantize_block(f, find_profile("torchao-floor"), block);
  RC_ASSERT(ocp.scale == torchao.scale);
  if (ocp.scale != 0) RC_ASSERT(ocp.elements == torchao.elements);
}

// TransformerEngine's fl32(amax x fl32(1/max)) cannot change the RCEIL scale for FP32 inputs and the
// FP8 elements: fl32(1/448) = (1/448)(1 + 4.5e-8) (and 1/57344 likewise, both maxima being 1.75 x 2^k),
// an error below half an FP32 ulp, so a quotient that is exactly 2^k rounds back to 2^k; and an FP32 amax
// 1.75 x 2^k (1 - e) with 0 < e < 4.5e-8 does not exist (its neighbours are 6.8e-8 apart, relative).
// So on FP32 blocks the two rules must agree wherever amax / max is an FP32 normal number; below 2^-126
// the FP32 product is subnormal and loses the bits that decide the round-up (E5M2, amax 1.75 x 2^-112
// (1 + 2^-23): exact 2^-126, TransformerEngine 2^-127), so those blocks are left out.
RC_GTEST_PROP(BlockProperties, NvidiaRceilEqualsExactRceilOnFp32Blocks, ()) {
  const BlockFormat f = parse_block_format(*rc::gen::elementOf(std::vector<const char*>{"mxfp8_e5m2", "mxfp8_e4m3"}));
  std::vector<Value> block = *fp32_block(f.block_size);
  if (*rc::gen::inRange(0, 3) == 0) {  // often, amax a few FP32 ulps from 1.75 x 2^e (E4M3/E5M2 max x 2^k)
    const std::int64_t e = *rc::gen::inRange(-120, 100);
    block[0] = Value::finite(false, Dyadic(BigInt(0xE00000 + *rc::gen::inRange(-8, 9)), e - 23));
    for (std::size_t i = 1; i < block.size(); ++i)
      block[i].magnitude = block[i].magnitude.is_zero() ? Dyadic() : Dyadic(1, e - 30);
  }
  Dyadic amax;
  for (const Value& v : block) amax = std::max(amax, v.magnitude);
  RC_PRE(amax >= properties(f.element).max_normal.scaled(-126));
  const QuantizedBlock exact = quantize_block(f, find_profile("rceil"), block);
  const QuantizedBlock te = quantize_block(f, find_profile("nvidia-rceil"), block);
  RC_ASSERT(exact.scale == te.scale);
}

// Quantizing what ocp has already quantized (the dequantized values) gives back the same scale and
// codes: the largest element stays in the element's top binade (saturation keeps it below
// 2^(emax + 1)), so the same X is found again, and every element value is representable.
RC_GTEST_PROP(BlockProperties, OcpQuantizeIsIdempotent, ()) {
  const BlockFormat f =
      parse_block_format(*rc::gen::elementOf(std::vector<const char*>(std::begin(mx_formats), std::end(mx_formats))));
  const std::vector<Value> block = *fp32_block(f.block_size);
  const QuantizedBlock q = quantize_block(f, find_profile("ocp"), block);
  const QuantizedBlock again = quantize_block(f, find_profile("ocp"), dequantize_block(f, q.scale, q.elements));
  RC_ASSERT(again.scale == q.scale);
  RC_ASSERT(again.elements == q.elements);
}

}  // namespace
}  // namespace mxref
