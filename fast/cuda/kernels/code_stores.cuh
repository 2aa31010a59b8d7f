// Element codes to and from memory: packed little-endian at their width or one per byte; packed FP6,
// whose codes straddle bytes, stored by each lane on its own and loaded (eight a lane) in 12-byte
// groups of lanes joined by a shuffle.
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
    for (int i = 0; i < Bytes / 2; ++i)
      reinterpret_cast<std::uint16_t*>(p)[i] = static_cast<std::uint16_t>(w >> (16 * i));
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

// The bytes that `runs` runs of N codes take, packed at Bits each or one per byte: where run `runs`
// starts, for store_codes, load_codes and the packed FP6 accesses below (a buffer moved to a warp's or a
// CTA's first run).
template <int Bits, int N>
__device__ inline std::size_t run_bytes(std::size_t runs, bool packed) {
  return runs * N * (packed && Bits < 8 ? Bits : 8) / 8;
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
    for (int i = 0; i < Bytes / 2; ++i)
      w |= static_cast<std::uint64_t>(reinterpret_cast<const std::uint16_t*>(p)[i]) << (16 * i);
  else
    for (int i = 0; i < Bytes; ++i) w |= static_cast<std::uint64_t>(p[i]) << (8 * i);
  return w;
}

// N codes of W bits from a little-endian word.
template <int W, int N>
__device__ inline void codes_of_word(std::uint64_t w, std::uint32_t (&c)[N]) {
#pragma unroll
  for (int i = 0; i < N; ++i) c[i] = static_cast<std::uint32_t>(w >> (i * W)) & ((1u << W) - 1);
}

// The run-th N codes, packed at Bits each or one per byte.
template <int Bits, int N>
__device__ inline void load_codes(const std::uint8_t* in, std::size_t run, std::uint32_t (&c)[N], bool packed) {
  if (packed && Bits < 8) codes_of_word<Bits>(load_bytes<N * Bits / 8>(in, run), c);
  else codes_of_word<8>(load_bytes<N>(in, run), c);
}

// load_codes in two steps, so that a thread can issue all its loads before it waits on one: the bytes
// (load_code_bytes), then the codes (split_codes). (load_codes is not written as the two: so written,
// it gave the across-rows dequantization 5 more registers and cost it 4 points on the H200.)
template <int Bits, int N>
__device__ inline std::uint64_t load_code_bytes(const std::uint8_t* in, std::size_t run, bool packed) {
  if (packed && Bits < 8) return load_bytes<N * Bits / 8>(in, run);
  return load_bytes<N>(in, run);
}

template <int Bits, int N>
__device__ inline void split_codes(std::uint64_t w, std::uint32_t (&c)[N], bool packed) {
  if (packed && Bits < 8) codes_of_word<Bits>(w, c);
  else codes_of_word<8>(w, c);
}

// Packed FP6, a lane's N = 4 or 8 codes (N x 6 bits, little-endian) at byte N x 6 / 8 x run. Four
// codes: a 2-byte and a 1-byte access, ordered by whether the run is even or odd so that each is
// aligned (the buffer is); eight: three 2-byte accesses, aligned whatever the run (the 4 + 2 byte pair
// ordered by parity cost a select and an address of its own per run). No lane needs another's bits:
// callers may diverge. The run is an int counted from an even one (a warp's first), which lets the
// compiler work out a thread's addresses once. (On the H200 lane-own stores beat 4-byte words assembled
// with shuffles by 4 % for FP32 input, 1 % for BF16; cuda_block_bench at ada7196.)
__device__ inline void store_three_bytes(std::uint8_t* out, int run, std::uint32_t w) {
  std::uint8_t* p = out + run * 3;
  const bool odd = (run & 1) != 0;  // then byte 0 is a byte, 1-2 a half word
  *reinterpret_cast<std::uint16_t*>(p + (odd ? 1 : 0)) = static_cast<std::uint16_t>(odd ? w >> 8 : w);
  p[odd ? 0 : 2] = static_cast<std::uint8_t>(odd ? w : w >> 16);
}

// Bytes 0-1, 2-3 and 4-5 from the low halves of h0, h1, h2.
__device__ inline void store_six_bytes(std::uint8_t* out, int run, std::uint32_t h0, std::uint32_t h1,
                                       std::uint32_t h2) {
  std::uint16_t* p = reinterpret_cast<std::uint16_t*>(out + run * 6);
  p[0] = static_cast<std::uint16_t>(h0), p[1] = static_cast<std::uint16_t>(h1), p[2] = static_cast<std::uint16_t>(h2);
}

template <int N>
__device__ inline void store_fp6_codes(std::uint8_t* out, int run, const std::uint32_t (&c)[N]) {
  static_assert(N == 4 || N == 8);
  if constexpr (N == 4) store_three_bytes(out, run, static_cast<std::uint32_t>(pack_word<6, N>(c)));
  else {
    const std::uint64_t w = pack_word<6, N>(c);
    store_six_bytes(out, run, static_cast<std::uint32_t>(w), static_cast<std::uint32_t>(w >> 16),
                    static_cast<std::uint32_t>(w >> 32));
  }
}

// Packed FP6 loads in two steps, so that a thread issues all its loads before a shuffle waits on one:
// the words a lane loads (load_fp6_words), then its codes (fp6_codes). Four codes a lane are the twin of
// store_three_bytes. Eight take the 4-byte words of 12-byte groups of adjacent lanes (lane order =
// memory order; a group is two lanes), each from the lane its first bits lie in, and the previous
// lane's last word from a shuffle where the lane's bits start inside it (on the H200 4 % faster than a
// 4-byte and a 2-byte load of the lane's own, measured before the loads were issued first).
template <int N>
struct Fp6Words {
  static_assert(N == 4 || N == 8);
  std::uint32_t word[N == 4 ? 1 : 2];  // N = 4: the lane's 3 bytes; N = 8: the group's words it owns
};

// The run-th N codes' words (the run an int counted from an even one, as store_three_bytes's).
template <int N>
__device__ inline Fp6Words<N> load_fp6_words(const std::uint8_t* in, int run) {
  Fp6Words<N> l{};
  if constexpr (N == 4) {
    const std::uint8_t* p = in + run * 3;
    const bool odd = (run & 1) != 0;
    const std::uint32_t half = *reinterpret_cast<const std::uint16_t*>(p + (odd ? 1 : 0));
    const std::uint32_t byte = p[odd ? 0 : 2];
    l.word[0] = odd ? byte | half << 8 : half | byte << 16;
  } else {
    // Lane 0 of a group owns words 0 and 1 (its bits 0-47 are word 0 and word 1's low half), lane 1
    // word 2 (its bits 16-47).
    const std::uint32_t* words = reinterpret_cast<const std::uint32_t*>(in + (run & ~1) * 6);
    if ((run & 1) == 0) l.word[0] = words[0], l.word[1] = words[1];
    else l.word[0] = words[2];
  }
  return l;
}

// The codes from load_fp6_words's words. Every lane of the warp calls it (eight codes: the shuffle), a
// lane's parity that of its run (lane order = memory order).
template <int N>
__device__ inline void fp6_codes(const Fp6Words<N>& l, std::uint32_t (&c)[N]) {
  std::uint64_t bits = l.word[0];
  if constexpr (N == 8) {
    // Lane 1's bits 0-15 are the high half of word 1, lane 0's last.
    const std::uint32_t previous = __shfl_up_sync(full_warp, l.word[1], 1);
    bits = threadIdx.x % 2 == 0 ? l.word[0] | static_cast<std::uint64_t>(l.word[1]) << 32
                                : previous >> 16 | static_cast<std::uint64_t>(l.word[0]) << 16;
  }
#pragma unroll
  for (int i = 0; i < N; ++i) c[i] = static_cast<std::uint32_t>(bits >> (6 * i)) & 0x3Fu;
}

}  // namespace mxref::fast::cuda::kernels
