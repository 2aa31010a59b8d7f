// An exact sum of integers times powers of two held in a 128-bit window that moves down as smaller terms
// arrive, and its one rounding to FP32 (round to nearest even, subnormals, overflow to Inf). The exact
// GEMM's accumulator on the CPU (exact_gemm.cpp) and on the GPU (fast/cuda/exact_gemm.cu): constexpr, so
// the kernels run the same code.
#pragma once

#include <cstdint>

#ifdef __CUDACC__
#define MXREF_HOST_DEVICE __host__ __device__
#else
#define MXREF_HOST_DEVICE
#endif

namespace mxref::fast {

// GCC's, clang's and nvcc's 128-bit integers (__extension__: -Wpedantic knows they are not ISO C++).
__extension__ typedef __int128 int128;
__extension__ typedef unsigned __int128 uint128;

MXREF_HOST_DEVICE inline int bit_length(uint128 x) {
  const auto high = static_cast<std::uint64_t>(x >> 64), low = static_cast<std::uint64_t>(x);
#ifdef __CUDA_ARCH__
  return high ? 128 - __clzll(static_cast<long long>(high)) : 64 - __clzll(static_cast<long long>(low));
#else
  return high ? 128 - __builtin_clzll(high) : low ? 64 - __builtin_clzll(low) : 0;
#endif
}

MXREF_HOST_DEVICE inline uint128 magnitude(int128 x) {
  return x < 0 ? -static_cast<uint128>(x) : static_cast<uint128>(x);
}

struct WideSum {
  int128 value = 0;  // the sum is value x 2^low
  std::int64_t low = 0;
  bool overflow = false;  // a term the window could not hold: the sum is not known

  // value x 2^low += term x 2^exponent, keeping |value| below 2^126.
  MXREF_HOST_DEVICE void add(std::int64_t term, std::int64_t exponent) {
    if (term == 0 || overflow) return;
    const int term_bits = bit_length(magnitude(term));
    if (value == 0) {
      value = term;
      low = exponent;
      return;
    }
    if (exponent >= low) {
      const std::int64_t shift = exponent - low;
      if (term_bits + shift > 125 || bit_length(magnitude(value)) > 125) {
        overflow = true;
        return;
      }
      value += static_cast<int128>(term) << shift;
      return;
    }
    const std::int64_t shift = low - exponent;
    if (bit_length(magnitude(value)) + shift > 125) {
      overflow = true;
      return;
    }
    value = static_cast<int128>(static_cast<uint128>(value) << shift) + term;
    low = exponent;
  }

  // value x 2^low *= factor x 2^exponent (factor > 0), keeping |value| below 2^126.
  MXREF_HOST_DEVICE void multiply(std::int64_t factor, std::int64_t exponent) {
    if (overflow || value == 0) return;
    if (bit_length(magnitude(value)) + bit_length(static_cast<uint128>(factor)) > 125) {
      overflow = true;
      return;
    }
    value *= factor;
    low += exponent;
  }
};

// sign x m x 2^e (m > 0) rounded to FP32: nearest, ties to even, subnormals kept, overflow to Inf.
MXREF_HOST_DEVICE inline std::uint32_t fp32_nearest(bool negative, uint128 m, std::int64_t e) {
  const std::uint32_t sign = negative ? 0x80000000u : 0;
  const std::int64_t top = e + bit_length(m) - 1;  // the binade of the value
  if (top > 127) return sign | 0x7F800000u;
  // The least kept bit: 2^(top - 23), not below 2^-149.
  const std::int64_t least = top - 23 > -149 ? top - 23 : -149;
  const std::int64_t shift = least - e;  // bits of m below the kept ones
  uint128 kept = 0;
  if (shift <= 0) {
    kept = m << -shift;  // exact: at most 24 bits
  } else if (shift <= 127) {
    kept = m >> shift;
    const uint128 rest = m - (kept << shift), half = static_cast<uint128>(1) << (shift - 1);
    if (rest > half || (rest == half && (kept & 1))) ++kept;
  }  // else far below half of 2^-149 (m < 2^126): zero of the sign
  std::int64_t exponent = least;
  if (kept == (static_cast<uint128>(1) << 24)) {  // rounded up into the next binade
    kept >>= 1;
    ++exponent;
  }
  if (kept < (1u << 23)) return sign | static_cast<std::uint32_t>(kept);  // subnormal; 2^23 is the least normal
  const std::int64_t biased = exponent + 23 + 127;
  if (biased >= 255) return sign | 0x7F800000u;
  return sign | static_cast<std::uint32_t>(biased) << 23 | (static_cast<std::uint32_t>(kept) & 0x7FFFFFu);
}

}  // namespace mxref::fast
