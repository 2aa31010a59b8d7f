// The random bits of stochastic rounding on the command line: reproducible from a seed and the input
// line number alone, so any line can be re-derived without replaying the lines before it.
//
// For input line i (0-based) the random integer is splitmix64(seed + i) >> (64 - N), the top N bits of
// one SplitMix64 output (Steele, Lea & Flood 2014; the generator Java's SplittableRandom and
// xoshiro's seeding use). splitmix64(x) is the first output of a SplitMix64 generator whose state is x.
#pragma once

#include <cstdint>

#include "ref/cast_options.hpp"
#include "ref/splitmix64.hpp"

namespace mxref::tools {

using mxref::splitmix64;

// count must be 1..64 (validate() has checked it before any line is read).
constexpr StochasticBits stochastic_bits(std::uint64_t seed, std::uint64_t line_index, int count) {
  return {splitmix64(seed + line_index) >> (64 - count), count};
}

}  // namespace mxref::tools
