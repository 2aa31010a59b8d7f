// Values to and from memory, 16 bytes a thread: streaming loads, BF16 pairs taken apart, a vector's
// largest magnitude, FP32 or BF16 stores.
#pragma once

#include <cuda_bf16.h>

#include <cstddef>
#include <cstdint>

#include "fast/cuda/kernels/number_casts.cuh"

namespace mxref::fast::cuda::kernels {

template <FloatData D>
constexpr int values_per_vector = 16 / value_size<D>;

// Streaming loads: every input byte is read once.
__device__ inline void load_words(const void* base, std::size_t vector, std::uint32_t (&word)[4]) {
  const uint4 w = __ldcs(static_cast<const uint4*>(base) + vector);
  word[0] = w.x, word[1] = w.y, word[2] = w.z, word[3] = w.w;
}

// The values of W loaded words (a vector's four, or fewer) as FP32 bits.
template <FloatData D, int W>
__device__ inline void unpack(const std::uint32_t (&word)[W], std::uint32_t (&x)[W * 4 / value_size<D>]) {
  if constexpr (D == FloatData::fp32) {
#pragma unroll
    for (int i = 0; i < W; ++i) x[i] = word[i];
  } else {
#pragma unroll
    for (int i = 0; i < W; ++i) {
      x[2 * i] = word[i] << 16;
      x[2 * i + 1] = word[i] & 0xFFFF0000u;
    }
  }
}

template <FloatData D>
__device__ inline void load_vector(const void* base, std::size_t vector, std::uint32_t (&x)[values_per_vector<D>]) {
  std::uint32_t word[4];
  load_words(base, vector, word);
  unpack<D>(word, x);
}

// Twice the FP32 bits of a vector's largest magnitude (the doubling drops the sign, on the
// multiply-add pipe); BF16 pairs compared two at a time.
template <FloatData D>
__device__ inline std::uint32_t twice_top(const std::uint32_t (&word)[4]) {
  if constexpr (D == FloatData::fp32) {
    return max(max(word[0] * 2u, word[1] * 2u), max(word[2] * 2u, word[3] * 2u));
  } else {
    const std::uint32_t m = __vmaxu2(__vmaxu2(word[0] & 0x7FFF7FFFu, word[1] & 0x7FFF7FFFu),
                                     __vmaxu2(word[2] & 0x7FFF7FFFu, word[3] & 0x7FFF7FFFu));
    return max(m >> 16, m & 0xFFFFu) << 17;
  }
}

// N BF16 values, in pairs (low half first), stored at value index `first` (aligned to N x 2 bytes).
template <int N>
__device__ inline void store_bf16_words(void* base, std::size_t first, const std::uint32_t (&h)[N / 2]) {
  if constexpr (N == 4) {
    __stcs(reinterpret_cast<uint2*>(static_cast<std::uint16_t*>(base) + first), make_uint2(h[0], h[1]));
  } else {
    static_assert(N % 8 == 0);
#pragma unroll
    for (int i = 0; i < N; i += 8)
      __stcs(reinterpret_cast<uint4*>(static_cast<std::uint16_t*>(base) + first + i),
             make_uint4(h[i / 2], h[i / 2 + 1], h[i / 2 + 2], h[i / 2 + 3]));
  }
}

// N values (FP32 bits) stored as D at value index `first` (N values are N * value_size bytes, aligned to that).
// (may_nan false: none of the values is NaN.)
template <FloatData D, int N>
__device__ inline void store_values(void* base, std::size_t first, const std::uint32_t (&v)[N], bool may_nan = true) {
  if constexpr (D == FloatData::fp32) {
    static_assert(N % 4 == 0);
#pragma unroll
    for (int i = 0; i < N; i += 4)
      __stcs(reinterpret_cast<uint4*>(static_cast<std::uint32_t*>(base) + first + i),
             make_uint4(v[i], v[i + 1], v[i + 2], v[i + 3]));
  } else {
    std::uint32_t h[N / 2];
#pragma unroll
    for (int i = 0; i < N / 2; ++i)
      h[i] = may_nan ? bf16_pair(v[2 * i], v[2 * i + 1]) : bf16_pair_of_numbers(v[2 * i], v[2 * i + 1]);
    store_bf16_words<N>(base, first, h);
  }
}

}  // namespace mxref::fast::cuda::kernels
