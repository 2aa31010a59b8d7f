// The integer path of the exact dot product against the Dyadic one (exact_dot, and dot() under a model that
// keeps every bit without taking that path): the same value and code on random problems rich in zeros,
// signs, extreme scales and, for dot(), NaN and Inf.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "ref/block/block_format.hpp"
#include "ref/decode.hpp"
#include "ref/dot/dot.hpp"
#include "ref/dot/small_exact_sum.hpp"
#include "ref/splitmix64.hpp"

namespace mxref {
namespace {

// A code of `f`: often a zero of either sign or an extreme, else uniform.
std::uint64_t random_code(SplitMix64& rng, const Format& f) {
  const std::uint64_t pick = rng.next() % 8;
  if (pick == 0) return 0;
  if (pick == 1) return sign_bit(f);
  if (pick == 2) return max_finite_code(f) | (rng.next() % 2 ? sign_bit(f) : 0);
  return rng.next() & code_mask(f);
}

DotOperand random_operand(SplitMix64& rng, const BlockFormat& f, std::size_t blocks) {
  DotOperand o{f, {}, f.tensor_scale ? Dyadic(3, -static_cast<std::int64_t>(rng.next() % 20)) : Dyadic(1, 0)};
  for (std::size_t j = 0; j < blocks; ++j) {
    DotBlock b{random_code(rng, f.scale), {}};
    for (int i = 0; i < f.block_size; ++i) b.elements.push_back(random_code(rng, f.element));
    o.blocks.push_back(std::move(b));
  }
  return o;
}

std::uint64_t random_c(SplitMix64& rng) {
  switch (rng.next() % 4) {
    case 0: return 0;
    case 1: return 0x80000000;
    default: return rng.next() & 0xFFFFFFFF;
  }
}

// The exact model with every bit kept by alignment instead: dot() takes the general path with it.
AccumulationModel general_exact() {
  AccumulationModel m = exact_accumulation();
  m.fraction_bits = 4096;
  return m;
}

constexpr Rounding roundings[] = {Rounding::rne, Rounding::rna, Rounding::rtz, Rounding::rup, Rounding::rdn};

TEST(SmallExactSum, MatchesTheDyadicSum) {
  SplitMix64 rng{2026};
  for (const char* name : {"mxfp8_e4m3", "mxfp8_e5m2", "mxfp6_e3m2", "mxfp6_e2m3", "mxfp4_e2m1", "mxint8", "nvfp4"}) {
    const BlockFormat f = parse_block_format(name);
    int compared = 0;
    for (int n = 0; n < 3000; ++n) {
      const DotProblem p{random_operand(rng, f, 1 + n % 3), random_operand(rng, f, 1 + n % 3), random_c(rng)};
      const Rounding r = roundings[n % 5];
      const Value exact = exact_dot(p, fp32, r);
      const auto fast = small_exact_sum(p, decode(fp32, p.c), r);
      if (!exact.is_finite() || decode(fp32, p.c).is_nan()) {
        EXPECT_FALSE(fast) << name << " problem " << n << ": the integer path must leave specials alone";
        continue;
      }
      if (!fast) continue;  // a format too wide for int64 sums
      ++compared;
      ASSERT_EQ(*fast, exact) << name << " problem " << n;
    }
    if (std::string(name) != "mxfp8_e5m2") {
      EXPECT_GT(compared, 1000) << name;
    }
  }
}

TEST(SmallExactSum, DotGivesTheGeneralPathsCode) {
  SplitMix64 rng{4};
  const AccumulationModel general = general_exact();
  ASSERT_FALSE(keeps_every_bit(general));
  ASSERT_TRUE(keeps_every_bit(exact_accumulation()));
  for (const char* name : {"mxfp8_e4m3", "mxfp4_e2m1", "nvfp4"}) {
    const BlockFormat f = parse_block_format(name);
    for (int n = 0; n < 2000; ++n) {
      const DotProblem p{random_operand(rng, f, 1 + n % 2), random_operand(rng, f, 1 + n % 2), random_c(rng)};
      CastOptions options;
      options.rounding = roundings[n % 5];
      for (const Format& out : {fp32, bf16}) {
        DotProblem q = p;
        q.c &= code_mask(out);
        const CastResult fast = dot(q, out, options);
        const CastResult slow = dot(q, out, options, general);
        ASSERT_EQ(fast.code, slow.code) << name << " problem " << n;
        ASSERT_EQ(fast.flags, slow.flags) << name << " problem " << n;
      }
    }
  }
}

}  // namespace
}  // namespace mxref
