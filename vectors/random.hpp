// The generator's random stream: SplitMix64, the same numbers on every machine.
#pragma once

#include <cstdint>

#include "ref/splitmix64.hpp"

namespace mxref::vectors {

struct Random {
  SplitMix64 stream;
  std::uint64_t next() { return stream.next(); }
  std::int64_t in(std::int64_t low, std::int64_t high) {  // [low, high]
    return low + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(high - low + 1));
  }
};

}  // namespace mxref::vectors
