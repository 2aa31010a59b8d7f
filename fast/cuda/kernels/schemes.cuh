// A scheme is what a block format brings to the kernels: its block and code sizes, its scale choice,
// its element casts and its dequantization. MxScheme<E>: the MX formats; Nvfp4Scheme: NVFP4.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp8.h>

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "fast/cpu/block_scalar.hpp"
#include "fast/cpu/nvfp4_scalar.hpp"
#include "fast/cuda/kernels/code_stores.cuh"
#include "fast/cuda/kernels/number_casts.cuh"
#include "fast/cuda/kernels/value_vectors.cuh"

namespace mxref::fast::cuda::kernels {

// The number path: fl32(x[i] x choice[i].factor) cast by number_elements (finite values, finite factors).
template <class E, int N, class Choice>
__device__ inline void number_codes(const std::uint32_t (&x)[N], const Choice (&choice)[N], std::uint32_t (&c)[N]) {
  float s[N];
#pragma unroll
  for (int i = 0; i < N; ++i) s[i] = __fmul_rn(__uint_as_float(x[i]), choice[i].factor);
  number_elements<E, N>(s, c);
}

// The MX formats: an E8M0 scale from block_rules.hpp; blocks of finite values cast by number_elements,
// the rest by block_scalar.hpp's full cast.
template <class E>
struct MxScheme {
  using Element = E;
  static constexpr int block = 32;
  static constexpr int bits = code_bits<E>();
  using Choice = ScaleChoice;
  ElementConstants constants;
  ScaleRule rule = ScaleRule::ocp;

  __device__ Choice choose(const BlockStats& stats) const { return choose_scale(rule, stats, constants); }

  // The codes of values x[i] (read as In) under choice[i] (one block's choice, or each column's),
  // `finite` when the blocks hold neither NaN nor Inf. (MX factors are powers of two: BF16 values take
  // FP6 and FP4 in pairs.)
  template <FloatData In, int N>
  __device__ void codes(const std::uint32_t (&x)[N], bool finite, const Choice (&choice)[N],
                        std::uint32_t (&c)[N]) const {
    if (finite) {
      if constexpr (In == FloatData::bf16 && !is_fp8<E> && !std::is_same_v<E, Int8>) {
        float factor[N];
#pragma unroll
        for (int i = 0; i < N; ++i) factor[i] = choice[i].factor;
        bf16_number_elements<E, N>(x, factor, c);
      } else {
        number_codes<E, N>(x, choice, c);
      }
    } else {
#pragma unroll
      for (int i = 0; i < N; ++i)
        c[i] = fast::kernels::block_element<E>(
            fast::kernels::scaled(x[i], choice[i].factor, choice[i].nan_keeps_sign ? 0x80000000u : 0u));
    }
  }

  // Where codes can be formed straight as the bytes they are stored as, stores those of finite x[i]
  // (read as In) under `choice` at run `run` (of N codes, counted from an even one) and returns true:
  // FP8, four at a time from the conversion; FP6 and FP4 from BF16, pairs of codes from
  // bf16_number_pairs joined by shifts or byte permutes. Else returns false.
  template <FloatData In, int N>
  __device__ bool store_numbers(std::uint8_t* elements, int run, const std::uint32_t (&x)[N], const Choice& choice,
                                bool packed, bool valid) const {
    if constexpr (is_fp8<E> && N % 4 == 0 && N <= 8) {
      const auto s = [&](int i) { return __fmul_rn(__uint_as_float(x[i]), choice.factor); };
      std::uint64_t w = 0;
#pragma unroll
      for (int i = 0; i < N; i += 4)
        w |= static_cast<std::uint64_t>(fp8x4<E>(s(i), s(i + 1), s(i + 2), s(i + 3))) << (8 * i);
      if (valid) store_bytes<N>(elements, run, w);
      return true;
    } else if constexpr (!is_fp8<E> && !std::is_same_v<E, Int8> && In == FloatData::bf16 && N == 8) {
      float factor[N];
#pragma unroll
      for (int i = 0; i < N; ++i) factor[i] = choice.factor;
      std::uint32_t p[N / 2];  // codes 2i and 2i + 1 at bits 0-5 and 16-21
      bf16_number_pairs<E, N>(x, factor, p);
      if (packed && bits == 6) {
        // Bits 0-11: codes 2i | 2i + 1 << 6 (code 2i + 1 is at bits 16-21 too, which is cut off wherever it
        // would reach another pair's bits), then the three half words, whose bits above 15 are not stored.
        std::uint32_t q[N / 2];
#pragma unroll
        for (int i = 0; i < N / 2; ++i) q[i] = p[i] + (p[i] >> 10);
        if (valid)
          store_six_bytes(elements, run, q[0] + (q[1] << 12), (q[1] >> 4 & 0xFFu) + (q[2] << 8),
                          (q[2] >> 8 & 0xFu) + (q[3] << 4));
      } else if (packed) {
        std::uint32_t b[N / 2];  // byte 0: codes 2i | 2i + 1 << 4
#pragma unroll
        for (int i = 0; i < N / 2; ++i) b[i] = p[i] | p[i] >> 12;
        const std::uint32_t w = __byte_perm(__byte_perm(b[0], b[1], 0x0040), __byte_perm(b[2], b[3], 0x0040), 0x5410);
        if (valid) store_bytes<N / 2>(elements, run, w);
      } else {
        const std::uint64_t w =
            __byte_perm(p[0], p[1], 0x6420) | static_cast<std::uint64_t>(__byte_perm(p[2], p[3], 0x6420)) << 32;
        if (valid) store_bytes<N>(elements, run, w);
      }
      return true;
    } else {
      return false;
    }
  }

  // A block's codes back to values (FP32 bits; stored as BF16 through bf16_pair): dequantized's
  // element value times the scale, rounded once. Where the scale is a number, FP8 codes go through the
  // GPU's exact cvt.rn.f16x2.{e4m3,e5m2}x2 and FP6 and FP4 codes, which have no NaN or Inf, through
  // their fields placed in FP32's (the element's value times 2^(bias - 127), exactly); a NaN code or
  // scale takes dequantized itself. fast_cuda_sweep casts proves values equal to dequantized for every
  // scale and code, in every position.
  struct Decoder {
    float scale = 1;
    bool nan = false;
    template <FloatData Out>
    __device__ std::uint32_t value(std::uint32_t code) const {
      return fast::kernels::dequantized<E>(code, scale, nan);
    }
    // Returns whether a result may be NaN (false where none can be).
    template <FloatData Out, int N>
    __device__ bool values(const std::uint32_t (&c)[N], std::uint32_t (&y)[N]) const {
      if constexpr (is_fp8<E>) {
        if (!nan) {
          constexpr __nv_fp8_interpretation_t kind = std::is_same_v<E, E4M3> ? __NV_E4M3 : __NV_E5M2;
          bool any_nan = false;
#pragma unroll
          for (int i = 0; i < N; i += 2) {
            const __half2_raw h = __nv_cvt_fp8x2_to_halfraw2(
                static_cast<__nv_fp8x2_storage_t>((c[i] & 0xFFu) | (c[i + 1] & 0xFFu) << 8), kind);
            const float2 f = __half22float2(__half2(h));
            const float p0 = __fmul_rn(f.x, scale), p1 = __fmul_rn(f.y, scale);
            any_nan = any_nan || p0 != p0 || p1 != p1;  // only from NaN codes
            y[i] = __float_as_uint(p0), y[i + 1] = __float_as_uint(p1);
          }
          if (!any_nan) return false;
        }
      } else if constexpr (!std::is_same_v<E, Int8>) {
        if (!nan) {
          constexpr int M = E::mantissa_bits, sign_at = E::exponent_bits + M;
          constexpr std::uint32_t fields = (E::sign_bit - 1) << (23 - M);
          const float to_value = __uint_as_float(static_cast<std::uint32_t>(254 - E::bias) << 23);  // 2^(127 - bias)
#pragma unroll
          for (int i = 0; i < N; ++i) {
            const std::uint32_t placed = (c[i] << (31 - sign_at) & 0x80000000u) | (c[i] << (23 - M) & fields);
            y[i] = __float_as_uint(__fmul_rn(__fmul_rn(__uint_as_float(placed), to_value), scale));
          }
          return false;
        }
      } else {
        if (!nan) {  // INT8 values are numbers
#pragma unroll
          for (int i = 0; i < N; ++i) y[i] = value<Out>(c[i]);
          return false;
        }
      }
#pragma unroll
      for (int i = 0; i < N; ++i) y[i] = value<Out>(c[i]);
      return true;
    }
    // BF16 output of FP6 and FP4 codes in BF16x2 arithmetic, pairs (low half first): the code's fields
    // placed in BF16's (the element's value times 2^(bias - 127), exactly), times 2^(127 - bias)
    // (exact), times the scale, rounded once. That is bf16_of of dequantized's FP32 product, because
    // that product is exact (the element has at most 4 significant bits, its last at 2^-4 or above; the
    // scale is 2^-127 or more) or overflows, as the BF16 product then does. False for the other formats
    // and the NaN scale.
    template <int N>
    __device__ bool bf16_words(const std::uint32_t (&c)[N], std::uint32_t (&h)[N / 2]) const {
      if constexpr (!is_fp8<E> && !std::is_same_v<E, Int8>) {
        if (nan) return false;
        constexpr int M = E::mantissa_bits, sign_at = E::exponent_bits + M;
        constexpr std::uint32_t fields = (E::sign_bit - 1) << (7 - M);
        constexpr std::uint32_t to_value = (static_cast<std::uint32_t>(254 - E::bias) << 7) * 0x00010001u;
        const std::uint32_t scales = (__float_as_uint(scale) >> 16) * 0x00010001u;  // 2^(code - 127), exact in BF16
        const auto placed = [](std::uint32_t code) {
          return (code << (15 - sign_at) & 0x8000u) | (code << (7 - M) & fields);
        };
        const auto bf16x2 = [](std::uint32_t w) { return *reinterpret_cast<const __nv_bfloat162*>(&w); };
#pragma unroll
        for (int i = 0; i < N / 2; ++i) {
          const __nv_bfloat162 value = __hmul2(bf16x2(placed(c[2 * i]) | placed(c[2 * i + 1]) << 16), bf16x2(to_value));
          const __nv_bfloat162 product = __hmul2(value, bf16x2(scales));
          h[i] = *reinterpret_cast<const std::uint32_t*>(&product);
        }
        return true;
      }
      return false;
    }
  };
  __device__ Decoder decoder(std::uint8_t code) const { return {fast::kernels::scale_value(code), code == 0xFF}; }
};

// NVFP4: E2M1 in blocks of 16, a UE4M3 scale and the FP32 tensor scale, as nvfp4_scalar.hpp. The FP32
// profiles (torchao, te) take the number path where the block and its factor are finite; the exact
// profile compares each value with the scale's midpoints in double.
struct Nvfp4Scheme {
  static constexpr int block = 16;
  static constexpr int bits = 4;
  using Choice = Nvfp4Choice;
  ScaleRule rule = ScaleRule::amax_over_max;
  Nvfp4Tensor tensor;

  __device__ Choice choose(const BlockStats& stats) const { return fast::nvfp4::choose(rule, stats, tensor); }

  template <FloatData In, int N>
  __device__ void codes(const std::uint32_t (&x)[N], bool finite, const Choice (&choice)[N],
                        std::uint32_t (&c)[N]) const {
    fast::nvfp4::with_rule(rule, [&]<ScaleRule R>() {
      bool numbers = finite && R != ScaleRule::amax_over_max;
#pragma unroll
      for (int i = 0; i < N; ++i) numbers = numbers && (__float_as_uint(choice[i].factor) & 0x7FFFFFFFu) < 0x7F800000u;
      if (numbers) {
        number_codes<E2M1, N>(x, choice, c);
      } else {
#pragma unroll
        for (int i = 0; i < N; ++i) c[i] = fast::nvfp4::element_as<R>(x[i], choice[i]);
      }
    });
  }

  // For BF16 output the value is rounded to odd in FP32 first, so bf16_of rounds it once (nvfp4_scalar.hpp).
  struct Decoder {
    std::uint8_t scale = 0;
    float decode = 1;
    template <FloatData Out>
    __device__ std::uint32_t value(std::uint32_t code) const {
      if constexpr (Out == FloatData::fp32) return fast::nvfp4::value_fp32(code, scale, decode);
      else return fast::nvfp4::value_for_bf16(code, scale, decode);
    }
    template <FloatData Out, int N>
    __device__ bool values(const std::uint32_t (&c)[N], std::uint32_t (&y)[N]) const {
#pragma unroll
      for (int i = 0; i < N; ++i) y[i] = value<Out>(c[i]);
      return true;
    }
  };
  __device__ Decoder decoder(std::uint8_t code) const { return {code, tensor.decode}; }
};

// BF16 output of a run of codes, in pairs: the decoder's own BF16x2 path where it has one, else its
// FP32 values through bf16_pair.
template <int N, class Decoder>
__device__ inline void bf16_words_of(const Decoder& d, const std::uint32_t (&c)[N], std::uint32_t (&h)[N / 2]) {
  if constexpr (requires { d.template bf16_words<N>(c, h); }) {
    if (d.template bf16_words<N>(c, h)) return;
  }
  std::uint32_t y[N];
  const bool may_nan = d.template values<FloatData::bf16, N>(c, y);
#pragma unroll
  for (int i = 0; i < N / 2; ++i)
    h[i] = may_nan ? bf16_pair(y[2 * i], y[2 * i + 1]) : bf16_pair_of_numbers(y[2 * i], y[2 * i + 1]);
}

// A run of N codes decoded by d and stored as Out at value index `first`.
template <FloatData Out, int N, class Decoder>
__device__ inline void store_decoded(void* out, std::size_t first, const Decoder& d, const std::uint32_t (&c)[N]) {
  if constexpr (Out == FloatData::bf16) {
    std::uint32_t h[N / 2];
    bf16_words_of<N>(d, c, h);
    store_bf16_words<N>(out, first, h);
  } else {
    std::uint32_t y[N];
    const bool may_nan = d.template values<Out, N>(c, y);
    store_values<Out, N>(out, first, y, may_nan);
  }
}

}  // namespace mxref::fast::cuda::kernels
