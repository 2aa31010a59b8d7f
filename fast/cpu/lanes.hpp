// Sixteen 32-bit lanes as a GCC/Clang vector type: the compiler maps each operation to one AVX-512
// instruction, two AVX2 ones or four SSE2 ones, so one piece of code serves every SIMD level without
// depending on the auto-vectorizer's judgement. Every function is forced inline: the lanes never cross
// a call (whose ABI would depend on the level).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"  // no vector crosses a function boundary (all inline)

namespace mxref::fast::lanes {

using U32 = std::uint32_t __attribute__((vector_size(64)));
using I32 = std::int32_t __attribute__((vector_size(64)));
using F32 = float __attribute__((vector_size(64)));
using U16 = std::uint16_t __attribute__((vector_size(32)));
using U8 = std::uint8_t __attribute__((vector_size(16)));
using I8 = std::int8_t __attribute__((vector_size(16)));

constexpr std::size_t width = 16;

[[gnu::always_inline]] inline U32 broadcast(std::uint32_t x) { return U32{} + x; }
[[gnu::always_inline]] inline F32 as_float(U32 x) { return (F32)x; }
[[gnu::always_inline]] inline U32 as_bits(F32 x) { return (U32)x; }
[[gnu::always_inline]] inline U32 select(I32 mask, U32 yes, U32 no) { return mask ? yes : no; }
[[gnu::always_inline]] inline U32 min(U32 a, U32 b) { return a < b ? a : b; }
[[gnu::always_inline]] inline U32 max(U32 a, U32 b) { return a > b ? a : b; }

[[gnu::always_inline]] inline U32 load_fp32(const std::uint8_t* p) {
  U32 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
[[gnu::always_inline]] inline U32 load_bf16(const std::uint8_t* p) {
  U16 h;
  std::memcpy(&h, p, sizeof h);
  return __builtin_convertvector(h, U32) << 16;
}
[[gnu::always_inline]] inline U32 load_codes(const std::uint8_t* p) {
  U8 c;
  std::memcpy(&c, p, sizeof c);
  // Through 16 bits: GCC 12 widens 8 -> 16 -> 32 with vpmovzx, but 8 -> 32 in one step byte by byte.
  return __builtin_convertvector(__builtin_convertvector(c, U16), U32);
}
[[gnu::always_inline]] inline void store_codes(std::uint8_t* p, U32 v) {
  const U8 c = __builtin_convertvector(v, U8);
  std::memcpy(p, &c, sizeof c);
}
[[gnu::always_inline]] inline void store_fp32(std::uint8_t* p, U32 v) { std::memcpy(p, &v, sizeof v); }
[[gnu::always_inline]] inline void store_bf16(std::uint8_t* p, U32 v) {
  const U16 h = __builtin_convertvector(v, U16);
  std::memcpy(p, &h, sizeof h);
}

// The largest lane.
[[gnu::always_inline]] inline std::uint32_t max_lane(U32 v) {
  v = max(v, __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
  v = max(v, __builtin_shufflevector(v, v, 4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11));
  v = max(v, __builtin_shufflevector(v, v, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13));
  v = max(v, __builtin_shufflevector(v, v, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14));
  return v[0];
}

}  // namespace mxref::fast::lanes

#pragma GCC diagnostic pop
