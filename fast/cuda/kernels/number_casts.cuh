// The element casts of finite blocks on the GPU (FP8 and INT8 conversions, FP6/FP4 rounding in FP32
// and BF16x2 arithmetic) and the GPU's BF16 rounding, each proven equal to its CPU definition
// (block_element, bf16_of) by fast_cuda_sweep casts; docs/spec-notes/cuda-path.md says why each is exact.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp8.h>

#include <cstdint>
#include <type_traits>

#include "fast/cuda/kernels/basics.cuh"

namespace mxref::fast::cuda::kernels {

// In a block of finite values every scaled value is a number (finite, or Inf where fl32(x * factor)
// overflows): there the element cast needs no NaN handling, and the GPU's own conversions give
// block_element's codes where they round to nearest even and saturate as it does: FP8's
// cvt.rn.satfinite (four at a time), int8's cvt.rni with a clamp. FP6 and FP4 (no conversion on sm_90)
// round in FP32 arithmetic, which keeps the integer pipe (these kernels' bottleneck) free: |s| clamped to
// the largest element, plus and minus 2^k whose FP32 ulp is the element's step in |s|'s binade (one
// correctly rounded addition: RNE to that step, ties to the even code), then times 2^c, which puts the
// element's smallest normal at FP32's, so the FP32 bits shifted right are the code's magnitude, subnormal
// codes included. fast_cuda_sweep casts proves each equal to block_element on every non-NaN FP32 input.
template <class E>
__device__ inline std::uint32_t number_element(float s) {
  if constexpr (std::is_same_v<E, Int8>) {
    return static_cast<std::uint32_t>(min(max(__float2int_rn(s * 64.0f), -127), 127)) & 0xFFu;  // x 2^6 is exact
  } else {
    constexpr int M = E::mantissa_bits, emin = 1 - E::bias;
    const float largest =
        __uint_as_float((E::max_finite >> M) - E::bias + 127 << 23 | (E::max_finite & ((1u << M) - 1)) << (23 - M));
    // the magnet 2^(max(e, emin) - M + 23) for |s| in binade e
    constexpr std::uint32_t magnet_shift = static_cast<std::uint32_t>(23 - M) << 23;
    constexpr std::uint32_t smallest_magnet = static_cast<std::uint32_t>(emin - M + 23 + 127) << 23;
    const float to_fp32_normals =
        __uint_as_float(static_cast<std::uint32_t>(127 - 126 - emin) << 23);  // 2^(-126 - emin)
    const float a = fminf(fabsf(s), largest);
    const float magnet = __uint_as_float(max((__float_as_uint(a) & 0x7F800000u) + magnet_shift, smallest_magnet));
    const float rounded = __fsub_rn(__fadd_rn(a, magnet), magnet);
    const std::uint32_t magnitude = __float_as_uint(__fmul_rn(rounded, to_fp32_normals)) >> (23 - M);
    return (__float_as_uint(s) >> (31 - E::exponent_bits - M) & E::sign_bit) | magnitude;
  }
}

// Four FP8 codes in one word (s0 in the low byte): two cvt.rn.satfinite.{e4m3,e5m2}x2.f32 joined in PTX,
// so the compiler sees one 32-bit word whose bytes it can take apart and put back together for free.
template <class E>
__device__ inline std::uint32_t fp8x4(float s0, float s1, float s2, float s3) {
  std::uint32_t w;
  if constexpr (std::is_same_v<E, E4M3>)
    asm("{ .reg .b16 lo, hi;\n cvt.rn.satfinite.e4m3x2.f32 lo, %2, %1;\n cvt.rn.satfinite.e4m3x2.f32 hi, %4, %3;\n "
        "mov.b32 %0, {lo, hi}; }"
        : "=r"(w)
        : "f"(s0), "f"(s1), "f"(s2), "f"(s3));
  else
    asm("{ .reg .b16 lo, hi;\n cvt.rn.satfinite.e5m2x2.f32 lo, %2, %1;\n cvt.rn.satfinite.e5m2x2.f32 hi, %4, %3;\n "
        "mov.b32 %0, {lo, hi}; }"
        : "=r"(w)
        : "f"(s0), "f"(s1), "f"(s2), "f"(s3));
  return w;
}

template <class E>
constexpr bool is_fp8 = std::is_same_v<E, E4M3> || std::is_same_v<E, E5M2>;

template <class E, int N>
__device__ inline void number_elements(const float (&s)[N], std::uint32_t (&c)[N]) {
  if constexpr (is_fp8<E>) {
    static_assert(N % 4 == 0);
#pragma unroll
    for (int i = 0; i < N; i += 4) {
      const std::uint32_t w = fp8x4<E>(s[i], s[i + 1], s[i + 2], s[i + 3]);
#pragma unroll
      for (int k = 0; k < 4; ++k) c[i + k] = w >> 8 * k & 0xFFu;
    }
  } else {
#pragma unroll
    for (int i = 0; i < N; ++i) c[i] = number_element<E>(s[i]);
  }
}

// FP6 and FP4 codes of BF16 values (x[i] FP32 bits, the low halves zero) times power-of-two factors,
// two at a time in BF16x2 arithmetic: number_element's steps on pairs. x x 2^k is exact in BF16 wherever
// it is exact in FP32 (x has 8 significant bits; BF16 has FP32's exponent range); below 2^-126 both
// roundings leave a signed value that the element rounds to its zero. The magnet 2^(e - M + 7) has the
// element's step as its BF16 ulp; after x 2^(-126 - emin) the BF16 bits shifted right are the code's
// magnitude, and nothing else: the rounded value is a multiple of the element's step from 0 to the
// largest element, so the product's fields outside the code's are zero (no sign, no exponent bit above
// the element's). fast_cuda_sweep casts proves it equal to block_element(fl32(x x 2^k)) for every finite
// BF16 x and every k.
// (The codes in pairs: codes of x[2i] and x[2i + 1] in the low and high halves of pairs[i].)
template <class E, int N>
__device__ inline void bf16_number_pairs(const std::uint32_t (&x)[N], const float (&factor)[N],
                                         std::uint32_t (&pairs)[N / 2]) {
  static_assert(N % 2 == 0 && !is_fp8<E> && !std::is_same_v<E, Int8>);
  constexpr int M = E::mantissa_bits, emin = 1 - E::bias, sign_at = E::exponent_bits + M;
  constexpr std::uint32_t both = 0x00010001u;  // a 16-bit constant in each half
  constexpr std::uint32_t largest =
      ((E::max_finite >> M) - E::bias + 127 << 7 | (E::max_finite & ((1u << M) - 1)) << (7 - M)) * both;
  constexpr std::uint32_t magnet_shift = (static_cast<std::uint32_t>(7 - M) << 7) * both;
  constexpr std::uint32_t smallest_magnet = (static_cast<std::uint32_t>(emin - M + 7 + 127) << 7) * both;
  constexpr std::uint32_t to_fp32_normals = (static_cast<std::uint32_t>(1 - emin) << 7) * both;  // 2^(-126 - emin)
  constexpr std::uint32_t signs = E::sign_bit * both;
  const auto bf16x2 = [](std::uint32_t w) { return *reinterpret_cast<const __nv_bfloat162*>(&w); };
  const auto bits = [](__nv_bfloat162 h) { return *reinterpret_cast<const std::uint32_t*>(&h); };
#pragma unroll
  for (int i = 0; i < N; i += 2) {
    const std::uint32_t w = x[i] >> 16 | (x[i + 1] & 0xFFFF0000u);
    const std::uint32_t f = __float_as_uint(factor[i]) >> 16 | (__float_as_uint(factor[i + 1]) & 0xFFFF0000u);
    const __nv_bfloat162 a = __hmin2(__habs2(__hmul2(bf16x2(w), bf16x2(f))), bf16x2(largest));
    const std::uint32_t magnet = __vmaxu2((bits(a) & 0x7F807F80u) + magnet_shift, smallest_magnet);
    const __nv_bfloat162 rounded = __hsub2(__hadd2(a, bf16x2(magnet)), bf16x2(magnet));
    pairs[i / 2] = bits(__hmul2(rounded, bf16x2(to_fp32_normals))) >> (7 - M) | (w >> (15 - sign_at) & signs);
  }
}

template <class E, int N>
__device__ inline void bf16_number_elements(const std::uint32_t (&x)[N], const float (&factor)[N],
                                            std::uint32_t (&c)[N]) {
  std::uint32_t pairs[N / 2];
  bf16_number_pairs<E, N>(x, factor, pairs);
#pragma unroll
  for (int i = 0; i < N; i += 2) c[i] = pairs[i / 2] & 0xFFFFu, c[i + 1] = pairs[i / 2] >> 16;
}

// bf16_of of two values (FP32 bits) packed low, high: the GPU's cvt.rn.bf16x2.f32 (RNE, subnormals kept)
// where both are numbers, bf16_of where either is NaN (the conversion makes NaNs canonical).
// fast_cuda_sweep casts proves bf16_pair equal to bf16_of on every FP32 input, in both halves.
__device__ inline std::uint32_t bf16_pair_of_numbers(std::uint32_t low, std::uint32_t high) {
  const __nv_bfloat162 h = __floats2bfloat162_rn(__uint_as_float(low), __uint_as_float(high));
  return *reinterpret_cast<const std::uint32_t*>(&h);
}

__device__ inline std::uint32_t bf16_pair(std::uint32_t low, std::uint32_t high) {
  if (fast::kernels::is_nan(low) || fast::kernels::is_nan(high))
    return fast::kernels::bf16_of(low) | static_cast<std::uint32_t>(fast::kernels::bf16_of(high)) << 16;
  return bf16_pair_of_numbers(low, high);
}

}  // namespace mxref::fast::cuda::kernels
