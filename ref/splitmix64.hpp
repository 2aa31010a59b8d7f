// SplitMix64 (Steele, Lea & Flood 2014): the one generator behind every reproducible stream in mxref —
// stochastic-rounding bits, golden-vector inputs, test and benchmark samples.
#pragma once

#include <cstdint>

namespace mxref {

inline constexpr std::uint64_t splitmix64_increment = 0x9E3779B97F4A7C15;

// The first output of a SplitMix64 generator whose state is `state`.
constexpr std::uint64_t splitmix64(std::uint64_t state) {
  std::uint64_t z = state + splitmix64_increment;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
  return z ^ (z >> 31);
}

// A generator: next() returns the successive outputs of the stream seeded with `state`.
struct SplitMix64 {
  std::uint64_t state;
  constexpr std::uint64_t next() {
    const std::uint64_t out = splitmix64(state);
    state += splitmix64_increment;
    return out;
  }
};

// The published first output of SplitMix64 seeded with 0.
static_assert(splitmix64(0) == 0xE220A8397B1DCDAF);

}  // namespace mxref
