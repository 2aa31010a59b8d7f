// Element codes to and from memory: packed little-endian at their width or one per byte, FP6 in
// 12-byte groups of lanes assembled with shuffles.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "fast/cuda/kernels/basics.cuh"

namespace mxref::fast::cuda::kernels {

// Stores the run-th `Bytes` bytes of `out` from a little-endian word. (Byte offsets are run x bytes, not
// code index x bits / 8, which the compiler cannot simplify past a possible wrap.)
template <int Bytes>
__device__ inline void store_bytes(std::uint8_t* out, std::size_t run, std::uint64_t w) {
  std::uint8_t* p = out + run * Bytes;
  if constexpr (Bytes == 8) *reinterpret_cast<std::uint64_t*>(p) = w;
  else if constexpr (Bytes == 4) *reinterpret_cast<std::uint32_t*>(p) = static_cast<std::uint32_t>(w);
  else if constexpr (Bytes == 2) *reinterpret_cast<std::uint16_t*>(p) = static_cast<std::uint16_t>(w);
  else if constexpr (Bytes % 2 == 0)
    for (int i = 0; i < Bytes / 2; ++i) reinterpret_cast<std::uint16_t*>(p)[i] = static_cast<std::uint16_t>(w >> (16 * i));
  else
    for (int i = 0; i < Bytes; ++i) p[i] = static_cast<std::uint8_t>(w >> (8 * i));
}

// N codes of `bits` bits, packed little-endian into one word (N * bits <= 64).
template <int Bits, int N>
__device__ inline std::uint64_t pack_word(const std::uint32_t (&c)[N]) {
  std::uint64_t w = 0;
  #pragma unroll
  for (int i = 0; i < N; ++i) w |= static_cast<std::uint64_t>(c[i] & ((1u << Bits) - 1)) << (i * Bits);
  return w;
}

// Stores the run-th N codes (code index run x N): packed at Bits each, or one per byte.
template <int Bits, int N>
__device__ inline void store_codes(std::uint8_t* out, std::size_t run, const std::uint32_t (&c)[N], bool packed) {
  if (packed && Bits < 8) store_bytes<N * Bits / 8>(out, run, pack_word<Bits, N>(c));
  else store_bytes<N>(out, run, pack_word<8, N>(c));
}

// The twin of store_bytes: the run-th `Bytes` bytes of `in` as a little-endian word.
template <int Bytes>
__device__ inline std::uint64_t load_bytes(const std::uint8_t* in, std::size_t run) {
  const std::uint8_t* p = in + run * Bytes;
  std::uint64_t w = 0;
  if constexpr (Bytes == 8) w = *reinterpret_cast<const std::uint64_t*>(p);
  else if constexpr (Bytes == 4) w = *reinterpret_cast<const std::uint32_t*>(p);
  else if constexpr (Bytes == 2) w = *reinterpret_cast<const std::uint16_t*>(p);
  else if constexpr (Bytes % 2 == 0)
    for (int i = 0; i < Bytes / 2; ++i) w |= static_cast<std::uint64_t>(reinterpret_cast<const std::uint16_t*>(p)[i]) << (16 * i);
  else
    for (int i = 0; i < Bytes; ++i) w |= static_cast<std::uint64_t>(p[i]) << (8 * i);
  return w;
}

// The run-th N codes, packed at Bits each or one per byte.
template <int Bits, int N>
__device__ inline void load_codes(const std::uint8_t* in, std::size_t run, std::uint32_t (&c)[N], bool packed) {
  const auto get = [&]<int W>() {
    const std::uint64_t w = load_bytes<N * W / 8>(in, run);
    #pragma unroll
    for (int i = 0; i < N; ++i) c[i] = static_cast<std::uint32_t>(w >> (i * W)) & ((1u << W) - 1);
  };
  if (packed && Bits < 8) get.template operator()<Bits>();
  else get.template operator()<8>();
}

// Packed FP6 in 12-byte groups of adjacent lanes (lane order = memory order), each lane holding N codes:
// N * 6 bits per lane are 3 or 6 bytes, a group is four lanes of 4 codes or two of 8, and its three
// 4-byte words are handled by the lanes their first bits lie in. The n-th word that starts in lane k's
// bits (k within the group), or -1:
template <int N>
constexpr int fp6_owned_word(int k, int n) {
  for (int w = 0, seen = 0; w < 3; ++w)
    if (32 * w >= k * N * 6 && 32 * w < (k + 1) * N * 6 && seen++ == n) return w;
  return -1;
}

// Stores the run-th N codes of each lane: a lane stores the words that start in its bits, completed from
// the next lane's. Every lane of the warp calls it (the shuffle); only `valid` lanes store.
template <int N>
__device__ inline void store_fp6_words(std::uint8_t* out, std::size_t run, const std::uint32_t (&c)[N], bool valid) {
  constexpr int chunk_bits = N * 6, group = 96 / chunk_bits, bytes = N * 6 / 8;
  constexpr int most = (3 + group - 1) / group;  // words a lane stores at most
  using Chunk = std::conditional_t<chunk_bits <= 32, std::uint32_t, std::uint64_t>;
  const Chunk chunk = static_cast<Chunk>(pack_word<6, N>(c));
  const Chunk next = __shfl_down_sync(full_warp, chunk, 1);  // unused by a group's last lane
  // This lane's bits and the next lane's first ones (a word reaches at most 16 bits into the next).
  const std::uint64_t joined = static_cast<std::uint64_t>(chunk) | static_cast<std::uint64_t>(next) << chunk_bits;
  const int in_group = static_cast<int>(threadIdx.x % 32) % group;
#pragma unroll
  for (int n = 0; n < most; ++n) {
    int at = -1, start = 0;  // from in_group alone: the same for every call of a thread
#pragma unroll
    for (int k = 0; k < group; ++k)
      if (k == in_group && fp6_owned_word<N>(k, n) >= 0) at = fp6_owned_word<N>(k, n), start = 32 * at - k * chunk_bits;
    if (valid && at >= 0)
      *reinterpret_cast<std::uint32_t*>(out + run * bytes + (4 * at - in_group * bytes)) = static_cast<std::uint32_t>(joined >> start);
  }
}

// Packed FP6 codes for adjacent lanes (lane order = memory order), N per lane, the run-th N codes: the
// twin of store_fp6_words. Each lane loads the 4-byte words of its 12-byte group that start in its bits;
// where its bits start inside a word, that word is the previous lane's last, which a shuffle brings.
// Every lane of the warp calls it; only `valid` lanes load.
template <int N>
__device__ inline void load_fp6_words(const std::uint8_t* in, std::size_t run, std::uint32_t (&c)[N], bool valid) {
  constexpr int chunk_bits = N * 6, group = 96 / chunk_bits;
  constexpr int most = (3 + group - 1) / group;  // words a lane loads at most
  constexpr auto owned = fp6_owned_word<N>;
  const int in_group = static_cast<int>(threadIdx.x % 32) % group;
  const std::uint32_t* words = reinterpret_cast<const std::uint32_t*>(in + (run - static_cast<std::size_t>(in_group)) * (N * 6 / 8));
  std::uint32_t own[most], last = 0;
#pragma unroll
  for (int n = 0; n < most; ++n) {
    int at = -1;
#pragma unroll
    for (int k = 0; k < group; ++k)
      if (k == in_group) at = owned(k, n);
    own[n] = valid && at >= 0 ? words[at] : 0;
    if (at >= 0) last = own[n];
  }
  const std::uint32_t previous = __shfl_up_sync(full_warp, last, 1);
  std::uint64_t bits = 0;
#pragma unroll
  for (int k = 0; k < group; ++k) {
    std::uint64_t mine = 0;
#pragma unroll
    for (int w = 0; w < 3; ++w) {
      const int offset = 32 * w - k * chunk_bits;  // word w's first bit relative to lane k's
      if (offset >= chunk_bits || offset + 32 <= 0) continue;
      std::uint64_t word = previous;
#pragma unroll
      for (int n = 0; n < most; ++n)
        if (owned(k, n) == w) word = own[n];
      mine |= offset >= 0 ? word << offset : word >> -offset;
    }
    if (k == in_group) bits = mine;
  }
#pragma unroll
  for (int i = 0; i < N; ++i) c[i] = static_cast<std::uint32_t>(bits >> (6 * i)) & 0x3Fu;
}

}  // namespace mxref::fast::cuda::kernels
