// fast::cast_fp32 against ref/'s exact encoder, on FP32 inputs chosen to put every kind of rounding
// decision at every target's last kept bit, plus all bf16 and fp16 inputs and 2^24 random patterns
// (2^18 under a sanitizer: ref/tests/sanitizer_scale.hpp).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <set>
#include <stdexcept>
#include <vector>

#include "fast/cpu/cast_array.hpp"
#include "fast/cpu/element_cast.hpp"
#include "ref/cast.hpp"
#include "ref/format.hpp"
#include "ref/splitmix64.hpp"
#include "ref/tests/sanitizer_scale.hpp"

namespace mxref {
namespace {

template <class F>
std::uint32_t reference(const Format& to, std::uint32_t x, bool saturate) {
  const CastOptions o{.rounding = Rounding::rne,
                      .overflow = saturate ? Overflow::saturate : Overflow::natural,
                      .nan_to_finite = NanToFinite::zero};
  return static_cast<std::uint32_t>(cast(fp32, to, x, o).code);
}

// For every FP32 exponent and sign: the mantissa patterns exact / tie / ±1 around the tie / sticky only
// at every cut position 1..23 (so at the last kept bit of every target, normal or subnormal).
std::vector<std::uint32_t> decision_inputs() {
  std::set<std::uint32_t> mantissas{0, 0x7FFFFF};
  for (int cut = 1; cut <= 23; ++cut) {
    const std::uint32_t half = 1u << (cut - 1);
    for (const std::uint32_t upper : {0u, 0x7FFFFFu})
      for (const std::uint32_t last : {0u, 1u}) {
        const std::uint32_t kept = ((upper >> (cut + 1)) << (cut + 1) | last << cut) & 0x7FFFFF;
        for (const std::uint32_t below : {0u, half, half + 1, half - 1, 1u})
          mantissas.insert((kept | below) & 0x7FFFFF);
      }
  }
  std::vector<std::uint32_t> out;
  for (std::uint32_t sign = 0; sign < 2; ++sign)
    for (std::uint32_t field = 0; field < 256; ++field)
      for (const std::uint32_t m : mantissas) out.push_back(sign << 31 | field << 23 | m);
  return out;
}

std::vector<std::uint32_t> sixteen_bit_inputs() {
  std::vector<std::uint32_t> out;
  for (std::uint32_t b = 0; b < 65536; ++b) {
    out.push_back(b << 16);                                               // every bf16
    out.push_back(static_cast<std::uint32_t>(cast(fp16, fp32, b).code));  // every fp16, exactly in FP32
  }
  return out;
}

std::vector<std::uint32_t> random_inputs(std::size_t count) {
  std::vector<std::uint32_t> out(count);
  SplitMix64 stream{2026};
  for (std::uint32_t& x : out) x = static_cast<std::uint32_t>(stream.next());
  return out;
}

template <class F>
void expect_equal(const Format& to, const std::vector<std::uint32_t>& inputs, bool saturate) {
  std::vector<std::uint8_t> fast(inputs.size());
  fast::cast_fp32<F>(inputs, fast, saturate);
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::uint32_t want = reference<F>(to, inputs[i], saturate);
    if (fast[i] != want && ++mismatches <= 5)
      ADD_FAILURE() << "input 0x" << std::hex << inputs[i] << ": fast 0x" << int{fast[i]} << ", ref 0x" << want;
  }
  EXPECT_EQ(mismatches, 0u);
}

template <class F>
void all_inputs(const Format& to) {
  static const std::vector<std::uint32_t> decisions = decision_inputs();
  static const std::vector<std::uint32_t> sixteen = sixteen_bit_inputs();
  static const std::vector<std::uint32_t> random = random_inputs(testing::sample_size(std::size_t{1} << 24, 64));
  for (const bool saturate : {true, false}) {
    expect_equal<F>(to, decisions, saturate);
    expect_equal<F>(to, sixteen, saturate);
    expect_equal<F>(to, random, saturate);
  }
}

// The run-time dispatched array cast (AVX-512, AVX2 or baseline code of the same arithmetic) equals the
// scalar function on every input set above.
TEST(FastCastArray, DispatchedEqualsScalar) {
  std::vector<std::uint32_t> inputs = decision_inputs();
  for (const std::uint32_t x : sixteen_bit_inputs()) inputs.push_back(x);
  for (const std::uint32_t x : random_inputs(std::size_t{1} << 20)) inputs.push_back(x);
  std::vector<std::uint8_t> out(inputs.size());
  const auto check = [&](fast::Element e, auto scalar) {
    for (const std::string_view level : fast::simd_levels())
      for (const bool saturate : {true, false}) {
        fast::cast_fp32_array_at(level, e, inputs, out, saturate);
        std::size_t mismatches = 0;
        for (std::size_t i = 0; i < inputs.size(); ++i) mismatches += out[i] != scalar(inputs[i], saturate);
        EXPECT_EQ(mismatches, 0u) << "element " << int(e) << " on " << level;
      }
  };
  check(fast::Element::e4m3, [](std::uint32_t x, bool s) { return fast::cast_fp32<fast::E4M3>(x, s); });
  check(fast::Element::e5m2, [](std::uint32_t x, bool s) { return fast::cast_fp32<fast::E5M2>(x, s); });
  check(fast::Element::e3m2, [](std::uint32_t x, bool s) { return fast::cast_fp32<fast::E3M2>(x, s); });
  check(fast::Element::e2m3, [](std::uint32_t x, bool s) { return fast::cast_fp32<fast::E2M3>(x, s); });
  check(fast::Element::e2m1, [](std::uint32_t x, bool s) { return fast::cast_fp32<fast::E2M1>(x, s); });
  std::printf("dispatched to: %s\n", std::string(fast::simd_level()).c_str());
}

TEST(FastCastArray, RefusesInt8) {
  const std::vector<std::uint32_t> in(4, 0x3F800000u);
  std::vector<std::uint8_t> out(in.size());
  EXPECT_THROW(fast::cast_fp32_array(fast::Element::int8, in, out), std::invalid_argument);
}

TEST(FastElementCast, E4M3) { all_inputs<fast::E4M3>(e4m3); }
TEST(FastElementCast, E5M2) { all_inputs<fast::E5M2>(e5m2); }
TEST(FastElementCast, E3M2) { all_inputs<fast::E3M2>(e3m2); }
TEST(FastElementCast, E2M3) { all_inputs<fast::E2M3>(e2m3); }
TEST(FastElementCast, E2M1) { all_inputs<fast::E2M1>(e2m1); }

}  // namespace
}  // namespace mxref
