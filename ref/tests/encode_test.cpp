// Encoding decisions derived by hand in each test's comments, one rule at a time.
#include <gtest/gtest.h>

#include <cmath>

#include "exact_values.hpp"
#include "ref/cast.hpp"
#include "ref/encode.hpp"
#include "ref/format.hpp"

namespace mxref {
namespace {

using testing::value;

std::uint64_t code(const Format& f, double x, Rounding r = Rounding::rne, Overflow o = Overflow::natural) {
  return encode(f, value(x), {.rounding = r, .overflow = o}).code;
}

TEST(Encode, E4M3RoundsToNearestEven) {
  EXPECT_EQ(code(e4m3, 1.0), 0x38u);
  EXPECT_EQ(code(e4m3, 448.0), 0x7Eu);
  // 1.0625 lies halfway between 1.0 (0x38, mantissa 000) and 1.125 (0x39): ties go to the even 0x38.
  EXPECT_EQ(code(e4m3, 1.0625), 0x38u);
  // 1.1875 is halfway between 1.125 (0x39) and 1.25 (0x3A): even is 0x3A.
  EXPECT_EQ(code(e4m3, 1.1875), 0x3Au);
  EXPECT_EQ(code(e4m3, 1.0625, Rounding::rna), 0x39u);
  EXPECT_EQ(code(e4m3, -1.0625, Rounding::rna), 0xB9u);
  EXPECT_EQ(code(e4m3, 1.0625 + 1.0 / 1024), 0x39u);  // just above the tie
}

TEST(Encode, E4M3Overflow) {
  // Above 448 the next step would be 480 (the NaN pattern 0x7F read as a number); 464 is the tie.
  EXPECT_EQ(code(e4m3, 464.0), 0x7Eu);  // tie to even: 448
  EXPECT_EQ(code(e4m3, 464.0, Rounding::rne, Overflow::nan), 0x7Eu);
  EXPECT_EQ(code(e4m3, 465.0, Rounding::rne, Overflow::nan), 0x7Fu);  // rounds to 480: overflow -> NaN
  EXPECT_EQ(code(e4m3, -465.0, Rounding::rne, Overflow::nan), 0xFFu);
  EXPECT_EQ(code(e4m3, 465.0), 0x7Eu);                              // natural for a format without Inf: saturate
  EXPECT_EQ(code(e4m3, 1e6, Rounding::rtz, Overflow::nan), 0x7Eu);  // toward zero never overflows to NaN
  const CastResult r = encode(e4m3, value(500.0));
  EXPECT_EQ(r.flags, Flag::overflow | Flag::inexact);
  EXPECT_THROW(encode(e4m3, value(1.0), {.overflow = Overflow::inf}), std::invalid_argument);
}

TEST(Encode, InfinityIntoFiniteFormat) {
  // +Inf into E4M3 (no Inf): the overflow policy decides, in every rounding direction, and the flags
  // are overflow + inexact (docs/spec-notes/overflow-policies.md), never invalid.
  for (const Rounding r : {Rounding::rne, Rounding::rtz, Rounding::rdn, Rounding::rto}) {
    const CastResult sat = encode(e4m3, value(INFINITY), {.rounding = r, .overflow = Overflow::saturate});
    EXPECT_EQ(sat.code, 0x7Eu);  // 448
    EXPECT_EQ(sat.flags, Flag::overflow | Flag::inexact);
    const CastResult nan = encode(e4m3, value(-INFINITY), {.rounding = r, .overflow = Overflow::nan});
    EXPECT_EQ(nan.code, 0xFFu);  // S.1111.111 with the sign kept
    EXPECT_EQ(nan.flags, Flag::overflow | Flag::inexact);
  }
}

TEST(Encode, E4M3SubnormalsAndTies) {
  EXPECT_EQ(code(e4m3, std::ldexp(1, -9)), 0x01u);  // min subnormal
  // 2^-10 is halfway between 0 and 2^-9: RNE keeps the even 0.
  EXPECT_EQ(code(e4m3, std::ldexp(1, -10)), 0x00u);
  EXPECT_EQ(code(e4m3, std::ldexp(1, -10), Rounding::rna), 0x01u);
  EXPECT_EQ(code(e4m3, std::ldexp(1, -10), Rounding::rup), 0x01u);
  EXPECT_EQ(code(e4m3, -std::ldexp(1, -10), Rounding::rup), 0x80u);  // rounds to -0
  EXPECT_EQ(code(e4m3, -std::ldexp(1, -10), Rounding::rdn), 0x81u);
  // 3 * 2^-10 is halfway between 2^-9 (0x01) and 2^-8 (0x02): even is 0x02.
  EXPECT_EQ(code(e4m3, 3 * std::ldexp(1, -10)), 0x02u);
  // 15.5 * 2^-9 = 0.96875 * 2^-5... halfway between max subnormal 7*2^-9 (0x07) and min normal 8*2^-9 (0x08).
  EXPECT_EQ(code(e4m3, 7.5 * std::ldexp(1, -9)), 0x08u);
  const CastResult tiny = encode(e4m3, value(std::ldexp(1, -12)));
  EXPECT_EQ(tiny.code, 0u);
  EXPECT_EQ(tiny.flags, Flag::underflow | Flag::inexact);
}

TEST(Encode, E5M2OverflowFollowsIeeeDirections) {
  EXPECT_EQ(code(e5m2, 1e6), 0x7Cu);                 // +Inf
  EXPECT_EQ(code(e5m2, -1e6), 0xFCu);                // -Inf
  EXPECT_EQ(code(e5m2, 1e6, Rounding::rtz), 0x7Bu);  // max finite 57344
  EXPECT_EQ(code(e5m2, 1e6, Rounding::rdn), 0x7Bu);
  EXPECT_EQ(code(e5m2, -1e6, Rounding::rdn), 0xFCu);
  EXPECT_EQ(code(e5m2, -1e6, Rounding::rup), 0xFBu);
  EXPECT_EQ(code(e5m2, 1e6, Rounding::rne, Overflow::saturate), 0x7Bu);
  // 61440 is halfway between 57344 (mantissa 11) and 65536 (next binade): even goes up, so Inf.
  EXPECT_EQ(code(e5m2, 61440.0), 0x7Cu);
  EXPECT_EQ(code(e5m2, 61439.0), 0x7Bu);
  EXPECT_EQ(code(e5m2, INFINITY), 0x7Cu);
  EXPECT_EQ(code(e5m2, -INFINITY, Rounding::rtz), 0xFCu);  // Inf converts exactly, whatever the mode
}

TEST(Encode, E2M1) {
  // Values 0, 0.5, 1, 1.5, 2, 3, 4, 6. 5 is the tie between 4 (0x6, even) and 6 (0x7).
  EXPECT_EQ(code(e2m1, 5.0), 0x6u);
  EXPECT_EQ(code(e2m1, 5.0, Rounding::rna), 0x7u);
  EXPECT_EQ(code(e2m1, -5.0), 0xEu);
  // 7 is the tie between 6 (odd) and 8 (even, one binade up, beyond max): saturates to 6.
  EXPECT_EQ(code(e2m1, 7.0), 0x7u);
  EXPECT_EQ(code(e2m1, 0.25), 0x0u);  // tie between 0 and 0.5
  EXPECT_EQ(code(e2m1, 0.75), 0x2u);  // tie between 0.5 (odd) and 1.0 (even)
  EXPECT_EQ(code(e2m1, 2.5, Rounding::rtz), 0x4u);
  EXPECT_EQ(code(e2m1, 2.5, Rounding::rup), 0x5u);
  EXPECT_EQ(code(e2m1, -2.5, Rounding::rup), 0xCu);
  EXPECT_EQ(code(e2m1, -2.5, Rounding::rdn), 0xDu);
  // Round to odd: 4.5 truncates to 4 (0x6, last bit 0) and is inexact, so the odd neighbour 6 (0x7).
  EXPECT_EQ(code(e2m1, 4.5, Rounding::rto), 0x7u);
  EXPECT_EQ(code(e2m1, 3.5, Rounding::rto), 0x5u);  // truncates to 3 (0x5, odd): stays
  EXPECT_EQ(code(e2m1, 4.0, Rounding::rto), 0x6u);  // exact: stays even
}

TEST(Encode, StochasticRoundingComparesTheTopBitsOfTheDiscardedFraction) {
  // 4.5 on E2M1: between 4 and 6, the discarded fraction of the step is 0.25 = 0.01b.
  // With 2 random bits the top bits are 01: round up iff 1 + R >= 4, i.e. only R = 3.
  auto sr = [](double x, std::uint64_t r, int count) {
    return encode(e2m1, value(x), {.rounding = Rounding::stochastic, .random = {r, count}}).code;
  };
  EXPECT_EQ(sr(4.5, 0, 2), 0x6u);
  EXPECT_EQ(sr(4.5, 2, 2), 0x6u);
  EXPECT_EQ(sr(4.5, 3, 2), 0x7u);
  // With 1 random bit the top bit of 0.01b is 0: never rounds up (bits past the random width are dropped).
  EXPECT_EQ(sr(4.5, 1, 1), 0x6u);
  // 5 is 0.1b of the step: with 1 bit, rounds up iff R = 1.
  EXPECT_EQ(sr(5.0, 0, 1), 0x6u);
  EXPECT_EQ(sr(5.0, 1, 1), 0x7u);
  // Negative values round in magnitude: -5 goes to -6 with R = 1.
  EXPECT_EQ(encode(e2m1, value(-5.0), {.rounding = Rounding::stochastic, .random = {1, 1}}).code, 0xFu);
  EXPECT_EQ(sr(4.0, 3, 2), 0x6u);  // exact values never move
  EXPECT_THROW(sr(4.5, 0, 0), std::invalid_argument);
  EXPECT_THROW(sr(4.5, 4, 2), std::invalid_argument);
}

TEST(Encode, E8M0) {
  EXPECT_EQ(code(e8m0, 1.0), 0x7Fu);
  EXPECT_EQ(code(e8m0, 2.0), 0x80u);
  EXPECT_EQ(code(e8m0, 1.4), 0x7Fu);
  // Without mantissa bits "even" is the exponent field: 1.5 lies between 1 (0x7F, odd) and 2 (0x80): 2;
  // 3 lies between 2 (0x80, even) and 4 (0x81): 2.
  EXPECT_EQ(code(e8m0, 1.5), 0x80u);
  EXPECT_EQ(code(e8m0, 3.0), 0x80u);
  EXPECT_EQ(code(e8m0, 0.75), 0x7Eu);
  EXPECT_EQ(code(e8m0, 3.0, Rounding::rna), 0x81u);
  EXPECT_EQ(code(e8m0, 1.5, Rounding::rto), 0x7Fu);  // truncates to 1 (0x7F, odd): stays
  EXPECT_EQ(code(e8m0, 3.0, Rounding::rto), 0x81u);  // truncates to 2 (0x80, even): the odd 4
  EXPECT_EQ(code(e8m0, 1.9, Rounding::rtz), 0x7Fu);
  EXPECT_EQ(code(e8m0, 1.1, Rounding::rup), 0x80u);
  EXPECT_EQ(code(e8m0, std::ldexp(1, -127)), 0x00u);
  EXPECT_EQ(code(e8m0, std::ldexp(1, 127)), 0xFEu);
  EXPECT_EQ(code(e8m0, std::ldexp(1, 128)), 0xFEu);  // saturates
  EXPECT_EQ(code(e8m0, std::ldexp(1, 128), Rounding::rne, Overflow::nan), 0xFFu);
  EXPECT_EQ(code(e8m0, -1.0), 0xFFu);  // no sign: NaN
  EXPECT_EQ(code(e8m0, NAN), 0xFFu);
  // No zero: anything below 2^-127 (zero included) stands in as the smallest value.
  const CastResult tiny = encode(e8m0, value(std::ldexp(1, -130)));
  EXPECT_EQ(tiny.code, 0x00u);
  EXPECT_EQ(tiny.flags, Flag::underflow | Flag::inexact);
  EXPECT_EQ(code(e8m0, 0.0), 0x00u);
}

TEST(Encode, E3M0AsTorchaoDefinesIt) {
  // Values 0, 0.25, 0.5, 1, 2, 4, 8, 16 (fields 0..7, bias 3, no subnormals, no Inf or NaN).
  EXPECT_EQ(code(e3m0, 1.0), 0x3u);
  EXPECT_EQ(code(e3m0, 16.0), 0x7u);
  EXPECT_EQ(code(e3m0, 100.0), 0x7u);  // saturates
  EXPECT_EQ(code(e3m0, -100.0), 0xFu);
  EXPECT_EQ(code(e3m0, 1.5), 0x4u);    // tie 1 (field 3) / 2 (field 4): even field, 2
  EXPECT_EQ(code(e3m0, 3.0), 0x4u);    // tie 2 (field 4) / 4 (field 5): 2
  EXPECT_EQ(code(e3m0, 0.75), 0x2u);   // tie 0.5 (field 2) / 1 (field 3): 0.5
  EXPECT_EQ(code(e3m0, 0.125), 0x0u);  // tie 0 / 0.25 (field 1): 0
  EXPECT_EQ(code(e3m0, 0.13), 0x1u);
  EXPECT_EQ(code(e3m0, -0.1), 0x8u);  // -0
}

TEST(Encode, Int8SaturatesSymmetrically) {
  EXPECT_EQ(code(int8, 1.0), 0x40u);
  EXPECT_EQ(code(int8, -1.0), 0xC0u);
  EXPECT_EQ(code(int8, 127.0 / 64), 0x7Fu);
  EXPECT_EQ(code(int8, 2.0), 0x7Fu);
  EXPECT_EQ(code(int8, -2.0), 0x81u);  // -2.0 (0x80) is decodable but never produced
  EXPECT_EQ(code(int8, -100.0), 0x81u);
  EXPECT_EQ(code(int8, 1.0 / 128), 0x00u);  // tie between 0 and 1/64: even 0
  EXPECT_EQ(code(int8, 3.0 / 128), 0x02u);  // tie between 1/64 and 2/64: even 2/64
  EXPECT_EQ(code(int8, -3.0 / 128), 0xFEu);
  EXPECT_EQ(code(int8, 1.0 / 128, Rounding::rna), 0x01u);
  EXPECT_EQ(code(int8, -1.0 / 256), 0x00u);  // no negative zero
  EXPECT_EQ(code(int8, -1.0 / 256, Rounding::rdn), 0xFFu);
  EXPECT_THROW(encode(int8, value(NAN)), CastError);
  EXPECT_EQ(encode(int8, value(NAN), {.nan_to_finite = NanToFinite::max}).code, 0x7Fu);
  EXPECT_EQ(encode(int8, value(NAN), {.nan_to_finite = NanToFinite::zero}).code, 0x00u);
}

TEST(Encode, FnuzHasNoNegativeZero) {
  EXPECT_EQ(code(e4m3fnuz, -0.0), 0x00u);
  EXPECT_EQ(code(e4m3fnuz, -std::ldexp(1, -20)), 0x00u);
  EXPECT_EQ(code(e4m3fnuz, NAN), 0x80u);
  EXPECT_EQ(code(e4m3fnuz, 240.0), 0x7Fu);
  EXPECT_EQ(code(e4m3fnuz, 1e6), 0x7Fu);
  EXPECT_EQ(code(e4m3fnuz, 1e6, Rounding::rne, Overflow::nan), 0x80u);
  EXPECT_EQ(code(e4m3fnuz, -1.0), 0xC0u);  // 2^(8-8) * 1.0 with the sign bit
}

TEST(Encode, FiniteFormatsAndNan) {
  EXPECT_THROW(encode(e2m3, value(NAN)), CastError);
  EXPECT_EQ(encode(e2m3, value(NAN), {.nan_to_finite = NanToFinite::max}).code, 0x1Fu);
  EXPECT_EQ(code(e2m3, INFINITY), 0x1Fu);  // 7.5
  EXPECT_EQ(code(e2m3, -INFINITY), 0x3Fu);
  EXPECT_EQ(code(e3m2, 30.0), 0x1Fu);  // tie between 28 (odd) and 32: 32 overflows, saturate 28
  EXPECT_THROW(encode(e3m2, value(1.0), {.overflow = Overflow::nan}), std::invalid_argument);
}

TEST(Encode, IeeeNanKeepsSignAndLeadingPayloadBits) {
  // fp32 signalling NaN 0x7FA00000: mantissa 010 0000 ..., fp16 keeps the top 10 bits (0x100) and sets
  // the quiet bit (0x200): 0x7C00 | 0x300.
  EXPECT_EQ(cast(fp32, fp16, 0x7FA00000).code, 0x7F00u);
  EXPECT_EQ(cast(fp32, fp16, 0xFFC00000).code, 0xFE00u);
  EXPECT_EQ(cast(fp32, e5m2, 0x7FC00000).code, 0x7Eu);
  EXPECT_EQ(cast(fp32, e4m3, 0xFFC00000).code, 0xFFu);    // fn: the NaN of that sign
  EXPECT_EQ(cast(fp16, fp32, 0x7E01).code, 0x7FC02000u);  // widening keeps the whole payload
}

TEST(Encode, FlushAndDenormalsAreZero) {
  // 2^-8 is the e4m3 subnormal 0x02; with FTZ it flushes.
  const CastResult flushed = encode(e4m3, value(std::ldexp(1, -8)), {.flush_subnormal_results = true});
  EXPECT_EQ(flushed.code, 0x00u);
  EXPECT_EQ(flushed.flags, Flag::underflow | Flag::inexact);
  EXPECT_EQ(encode(e4m3, value(-std::ldexp(1, -8)), {.flush_subnormal_results = true}).code, 0x80u);
  // Just below the smallest normal but rounding up to it: a normal result, kept.
  EXPECT_EQ(encode(e4m3, value(std::ldexp(1, -6) * 0.99), {.flush_subnormal_results = true}).code, 0x08u);
  EXPECT_EQ(cast(fp32, fp32, 0x80000001, {.subnormal_inputs_as_zero = true}).code, 0x80000000u);
  EXPECT_EQ(cast(fp32, fp32, 0x00000001).code, 0x00000001u);
}

TEST(Encode, WideTargets) {
  // fp64 -> fp32: 1 + 2^-24 is the tie between 1 and 1 + 2^-23: even is 1.
  EXPECT_EQ(cast(fp64, fp32, 0x3FF0000010000000).code, 0x3F800000u);
  EXPECT_EQ(cast(fp64, fp32, 0x3FF0000030000000).code, 0x3F800002u);  // 1 + 3*2^-24: tie, even is 2
  EXPECT_EQ(cast(fp32, bf16, 0x3F808000).code, 0x3F80u);              // tie to even
  EXPECT_EQ(cast(fp32, bf16, 0x3F818000).code, 0x3F82u);
  EXPECT_EQ(cast(fp32, fp16, 0x477FF000).code, 0x7C00u);  // 65520 is the tie past 65504: Inf
  EXPECT_EQ(cast(fp32, fp16, 0x477FEFFF).code, 0x7BFFu);
  EXPECT_EQ(cast(fp32, fp16, 0x33000000).code, 0x0000u);  // 2^-25: tie between 0 and 2^-24
  EXPECT_EQ(cast(fp32, fp16, 0x33000001).code, 0x0001u);
}

}  // namespace
}  // namespace mxref
