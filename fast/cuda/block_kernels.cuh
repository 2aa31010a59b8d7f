// The GPU kernels of fast/cuda/block_quantize.hpp and nvfp4_quantize.hpp. Each value goes through the
// same constexpr functions as on the CPU (block_scalar.hpp, block_rules.hpp, nvfp4_scalar.hpp; nvcc
// --expt-relaxed-constexpr), so the two paths cannot drift apart; what is here is only how values reach
// them: 16-byte loads, the block's statistics, the packing of codes, the scale layouts. A scheme
// (MxScheme, Nvfp4Scheme) is what a block format brings: its block and code sizes, its scale choice,
// its element casts and its dequantization.
//
// Contiguous blocks: each thread holds 16 bytes of input (4 FP32 or 8 BF16 values), the block size /
// that many adjacent lanes reduce a block's statistics with warp shuffles, and each thread casts and
// stores its own codes. Blocks across rows: each thread owns four adjacent columns and a whole block of rows in
// registers (one pass over memory), so four blocks at once.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_fp8.h>

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "fast/cpu/block_scalar.hpp"
#include "fast/cpu/nvfp4_scalar.hpp"
#include "fast/cuda/block_quantize.hpp"

namespace mxref::fast::cuda::kernels {

constexpr unsigned full_warp = 0xFFFFFFFFu;

template <class E>
constexpr int code_bits() {
  if constexpr (std::is_same_v<E, Int8>) return 8;
  else return 1 + E::exponent_bits + E::mantissa_bits;
}

// Value storage: FP32 bits, or BF16 in the upper half of FP32 bits.
template <FloatData D>
constexpr int value_size = D == FloatData::fp32 ? 4 : 2;

struct ScaleTarget {
  std::uint8_t* scales = nullptr;
  ScaleLayout layout = ScaleLayout::row_major;
  std::size_t columns = 1;  // swizzled: the scale matrix's last dimension
};

// ref/block/packing.hpp's swizzled_scale_offset: 128x4 tiles row-major by tile, (r % 32) * 16 + (r / 32) * 4 + c inside.
__device__ inline std::size_t scale_offset(const ScaleTarget& t, std::size_t k) {
  if (t.layout == ScaleLayout::row_major) return k;
  const std::size_t row = k / t.columns, col = k % t.columns;
  const std::size_t tiles_across = (t.columns + 3) / 4;
  const std::size_t tile = (row / 128) * tiles_across + col / 4;
  return tile * 512 + (row % 32) * 16 + (row % 128 / 32) * 4 + col % 4;
}

// A value's part of a block's statistics: the largest finite magnitude, and bit 0 NaN, bit 1 Inf.
struct PartialStats {
  std::uint32_t amax = 0;
  std::uint32_t flags = 0;
  __device__ void add(std::uint32_t x) {
    const std::uint32_t a = x & 0x7FFFFFFFu;
    if (a < 0x7F800000u) amax = max(amax, a);
    else flags |= a == 0x7F800000u ? 2u : 1u;
  }
  __host__ __device__ BlockStats stats() const { return {amax, (flags & 1u) != 0, (flags & 2u) != 0}; }
};

// ---- the casts of blocks without NaN or Inf -----------------------------------------------------------

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
    const float largest = __uint_as_float((E::max_finite >> M) - E::bias + 127 << 23 | (E::max_finite & ((1u << M) - 1)) << (23 - M));
    // the magnet 2^(max(e, emin) - M + 23) for |s| in binade e
    constexpr std::uint32_t magnet_shift = static_cast<std::uint32_t>(23 - M) << 23;
    constexpr std::uint32_t smallest_magnet = static_cast<std::uint32_t>(emin - M + 23 + 127) << 23;
    const float to_fp32_normals = __uint_as_float(static_cast<std::uint32_t>(127 - 126 - emin) << 23);  // 2^(-126 - emin)
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
    asm("{ .reg .b16 lo, hi;\n cvt.rn.satfinite.e4m3x2.f32 lo, %2, %1;\n cvt.rn.satfinite.e4m3x2.f32 hi, %4, %3;\n mov.b32 %0, {lo, hi}; }"
        : "=r"(w) : "f"(s0), "f"(s1), "f"(s2), "f"(s3));
  else
    asm("{ .reg .b16 lo, hi;\n cvt.rn.satfinite.e5m2x2.f32 lo, %2, %1;\n cvt.rn.satfinite.e5m2x2.f32 hi, %4, %3;\n mov.b32 %0, {lo, hi}; }"
        : "=r"(w) : "f"(s0), "f"(s1), "f"(s2), "f"(s3));
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
// magnitude. fast_cuda_sweep casts proves it equal to block_element(fl32(x x 2^k)) for every finite
// BF16 x and every k.
// (The codes in pairs: codes of x[2i] and x[2i + 1] in the low and high halves of pairs[i].)
template <class E, int N>
__device__ inline void bf16_number_pairs(const std::uint32_t (&x)[N], const float (&factor)[N], std::uint32_t (&pairs)[N / 2]) {
  static_assert(N % 2 == 0 && !is_fp8<E> && !std::is_same_v<E, Int8>);
  constexpr int M = E::mantissa_bits, emin = 1 - E::bias, sign_at = E::exponent_bits + M;
  constexpr std::uint32_t both = 0x00010001u;  // a 16-bit constant in each half
  constexpr std::uint32_t largest = ((E::max_finite >> M) - E::bias + 127 << 7 | (E::max_finite & ((1u << M) - 1)) << (7 - M)) * both;
  constexpr std::uint32_t magnet_shift = (static_cast<std::uint32_t>(7 - M) << 7) * both;
  constexpr std::uint32_t smallest_magnet = (static_cast<std::uint32_t>(emin - M + 7 + 127) << 7) * both;
  constexpr std::uint32_t to_fp32_normals = (static_cast<std::uint32_t>(1 - emin) << 7) * both;  // 2^(-126 - emin)
  constexpr std::uint32_t magnitudes = ((E::sign_bit - 1) * both), signs = E::sign_bit * both;
  const auto bf16x2 = [](std::uint32_t w) { return *reinterpret_cast<const __nv_bfloat162*>(&w); };
  const auto bits = [](__nv_bfloat162 h) { return *reinterpret_cast<const std::uint32_t*>(&h); };
#pragma unroll
  for (int i = 0; i < N; i += 2) {
    const std::uint32_t w = x[i] >> 16 | (x[i + 1] & 0xFFFF0000u);
    const std::uint32_t f = __float_as_uint(factor[i]) >> 16 | (__float_as_uint(factor[i + 1]) & 0xFFFF0000u);
    const __nv_bfloat162 a = __hmin2(__habs2(__hmul2(bf16x2(w), bf16x2(f))), bf16x2(largest));
    const std::uint32_t magnet = __vmaxu2((bits(a) & 0x7F807F80u) + magnet_shift, smallest_magnet);
    const __nv_bfloat162 rounded = __hsub2(__hadd2(a, bf16x2(magnet)), bf16x2(magnet));
    pairs[i / 2] = (bits(__hmul2(rounded, bf16x2(to_fp32_normals))) >> (7 - M) & magnitudes) | (w >> (15 - sign_at) & signs);
  }
}

template <class E, int N>
__device__ inline void bf16_number_elements(const std::uint32_t (&x)[N], const float (&factor)[N], std::uint32_t (&c)[N]) {
  std::uint32_t pairs[N / 2];
  bf16_number_pairs<E, N>(x, factor, pairs);
#pragma unroll
  for (int i = 0; i < N; i += 2) c[i] = pairs[i / 2] & 0xFFFFu, c[i + 1] = pairs[i / 2] >> 16;
}

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

// ---- schemes -----------------------------------------------------------------------------------------

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
  static constexpr int block = 32;
  static constexpr int bits = code_bits<E>();
  using Choice = ScaleChoice;
  ElementConstants constants;
  BlockRule rule = BlockRule::ocp;

  __device__ Choice choose(const BlockStats& stats) const { return choose_scale(rule, stats, constants); }

  // The codes of values x[i] (read as In) under choice[i] (one block's choice, or each column's),
  // `finite` when the blocks hold neither NaN nor Inf. (MX factors are powers of two: BF16 values take
  // FP6 and FP4 in pairs.)
  template <FloatData In, int N>
  __device__ void codes(const std::uint32_t (&x)[N], bool finite, const Choice (&choice)[N], std::uint32_t (&c)[N]) const {
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
  // (read as In) under `choice` at run `run` and returns true: FP8, four at a time from the conversion;
  // FP4 from BF16, pairs of codes from bf16_number_pairs joined by byte permutes. Else returns false.
  template <FloatData In, int N>
  __device__ bool store_numbers(std::uint8_t* elements, std::size_t run, const std::uint32_t (&x)[N], const Choice& choice,
                                bool packed, bool valid) const {
    if constexpr (is_fp8<E> && N % 4 == 0 && N <= 8) {
      const auto s = [&](int i) { return __fmul_rn(__uint_as_float(x[i]), choice.factor); };
      std::uint64_t w = 0;
#pragma unroll
      for (int i = 0; i < N; i += 4) w |= static_cast<std::uint64_t>(fp8x4<E>(s(i), s(i + 1), s(i + 2), s(i + 3))) << (8 * i);
      if (valid) store_bytes<N>(elements, run, w);
      return true;
    } else if constexpr (std::is_same_v<E, E2M1> && In == FloatData::bf16 && N == 8) {
      float factor[N];
#pragma unroll
      for (int i = 0; i < N; ++i) factor[i] = choice.factor;
      std::uint32_t p[N / 2];  // codes 2i and 2i + 1 at bits 0-3 and 16-19
      bf16_number_pairs<E, N>(x, factor, p);
      if (packed) {
        std::uint32_t b[N / 2];  // byte 0: codes 2i | 2i + 1 << 4
#pragma unroll
        for (int i = 0; i < N / 2; ++i) b[i] = p[i] | p[i] >> 12;
        const std::uint32_t w = __byte_perm(__byte_perm(b[0], b[1], 0x0040), __byte_perm(b[2], b[3], 0x0040), 0x5410);
        if (valid) store_bytes<N / 2>(elements, run, w);
      } else {
        const std::uint64_t w = __byte_perm(p[0], p[1], 0x6420) | static_cast<std::uint64_t>(__byte_perm(p[2], p[3], 0x6420)) << 32;
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
    __device__ std::uint32_t value(std::uint32_t code) const { return fast::kernels::dequantized<E>(code, scale, nan); }
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
  Nvfp4Rule rule = Nvfp4Rule::exact;
  Nvfp4Tensor tensor;

  __device__ Choice choose(const BlockStats& stats) const { return fast::nvfp4::choose(rule, stats, tensor); }

  template <FloatData In, int N>
  __device__ void codes(const std::uint32_t (&x)[N], bool finite, const Choice (&choice)[N], std::uint32_t (&c)[N]) const {
    fast::nvfp4::with_rule(rule, [&]<Nvfp4Rule R>() {
      bool numbers = finite && R != Nvfp4Rule::exact;
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

// ---- 16-byte value vectors -------------------------------------------------------------------------

template <FloatData D>
constexpr int values_per_vector = 16 / value_size<D>;

// Streaming loads: every input byte is read once.
__device__ inline void load_words(const void* base, std::size_t vector, std::uint32_t (&word)[4]) {
  const uint4 w = __ldcs(static_cast<const uint4*>(base) + vector);
  word[0] = w.x, word[1] = w.y, word[2] = w.z, word[3] = w.w;
}

// A vector's values as FP32 bits.
template <FloatData D>
__device__ inline void unpack(const std::uint32_t (&word)[4], std::uint32_t (&x)[values_per_vector<D>]) {
  if constexpr (D == FloatData::fp32) {
    #pragma unroll
    for (int i = 0; i < 4; ++i) x[i] = word[i];
  } else {
    #pragma unroll
    for (int i = 0; i < 4; ++i) {
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

// N values (FP32 bits) stored as D at value index `first` (N values are N * value_size bytes, aligned to that).
// (may_nan false: none of the values is NaN.)
template <FloatData D, int N>
__device__ inline void store_values(void* base, std::size_t first, const std::uint32_t (&v)[N], bool may_nan = true) {
  if constexpr (D == FloatData::fp32) {
    static_assert(N % 4 == 0);
    #pragma unroll
    for (int i = 0; i < N; i += 4)
      __stcs(reinterpret_cast<uint4*>(static_cast<std::uint32_t*>(base) + first + i), make_uint4(v[i], v[i + 1], v[i + 2], v[i + 3]));
  } else {
    std::uint32_t h[N / 2];
    #pragma unroll
    for (int i = 0; i < N / 2; ++i) h[i] = may_nan ? bf16_pair(v[2 * i], v[2 * i + 1]) : bf16_pair_of_numbers(v[2 * i], v[2 * i + 1]);
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
}

// ---- codes -----------------------------------------------------------------------------------------

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

template <int Bits, int N>
__device__ inline void load_codes(const std::uint8_t* in, std::size_t run, std::uint32_t (&c)[N], bool packed) {
  const auto get = [&]<int W>() {
    constexpr int bytes = N * W / 8;
    const std::uint8_t* p = in + run * bytes;
    std::uint64_t w = 0;
    if constexpr (bytes == 8) w = *reinterpret_cast<const std::uint64_t*>(p);
    else if constexpr (bytes == 4) w = *reinterpret_cast<const std::uint32_t*>(p);
    else if constexpr (bytes == 2) w = *reinterpret_cast<const std::uint16_t*>(p);
    else if constexpr (bytes % 2 == 0)
      for (int i = 0; i < bytes / 2; ++i) w |= static_cast<std::uint64_t>(reinterpret_cast<const std::uint16_t*>(p)[i]) << (16 * i);
    else
      for (int i = 0; i < bytes; ++i) w |= static_cast<std::uint64_t>(p[i]) << (8 * i);
    #pragma unroll
    for (int i = 0; i < N; ++i) c[i] = static_cast<std::uint32_t>(w >> (i * W)) & ((1u << W) - 1);
  };
  if (packed && Bits < 8) get.template operator()<Bits>();
  else get.template operator()<8>();
}

// ---- contiguous blocks -----------------------------------------------------------------------------

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

constexpr int contiguous_threads = 256;
constexpr int vectors_per_thread = 4;  // independent 16-byte loads in flight per thread

template <class Scheme>
struct Operands {
  ScaleTarget scale;
  Scheme scheme;
  bool packed = false;
};

// The reduction of a block's statistics over the `lanes` threads that hold it (adjacent lanes of a warp).
template <int Lanes>
__device__ inline BlockStats reduce(PartialStats p) {
  #pragma unroll
  for (int offset = Lanes / 2; offset > 0; offset /= 2) {
    p.amax = max(p.amax, __shfl_xor_sync(full_warp, p.amax, offset));
    p.flags |= __shfl_xor_sync(full_warp, p.flags, offset);
  }
  return p.stats();
}

// A block's statistics from the `Lanes` threads that hold it, NaN and Inf included.
template <int Lanes, int N>
__device__ inline BlockStats block_stats(const std::uint32_t (&x)[N]) {
  PartialStats p;
#pragma unroll
  for (int i = 0; i < N; ++i) p.add(x[i]);
  return reduce<Lanes>(p);
}

// Reduce-scatter of J blocks' maxima over the lanes that differ in the lane bits High, High / 2, ..
// Low (each lane holds its part of J blocks, top[j]): at each butterfly step a lane keeps half of its
// blocks and sends the other half to its partner, until it holds the maxima of J / (High / Low x 2)
// blocks (at least one); steps left over then reduce as usual. The lanes so find the maxima of J blocks
// with one shuffle per block and step instead of one per step, and each block's scale is chosen once
// per warp instead of once per lane. ScatterOf says where each block ends up.
template <int High, int Low, int J>
struct ScatterOf {
  static constexpr int kept = J > High / Low * 2 ? J / (High / Low * 2) : 1;  // blocks per lane at the end
  // The lane bits (of High .. Low) of the lanes that end up holding block j; these lanes hold it at
  // slot j % kept.
  static constexpr int owner_bits(int j) {
    int bits = 0;
    for (int offset = High, n = J, base = 0; offset >= Low && n > 1; offset /= 2, n /= 2)
      if (j - base >= n / 2) bits |= offset, base += n / 2;
    return bits;
  }
  // The lane bits whose lanes hold the same blocks (the steps that reduced without scattering).
  static constexpr int copies_mask() {
    int mask = 0;
    for (int offset = High, n = J; offset >= Low; offset /= 2, n = n > 1 ? n / 2 : 1)
      if (n == 1) mask |= offset;
    return mask;
  }
};

template <int Offset, int Low, int N, int J>
__device__ inline void scatter_max(std::uint32_t (&top)[J], int lane) {
  if constexpr (Offset >= Low) {
    if constexpr (N > 1) {
      constexpr int half = N / 2;
      const bool upper = (lane & Offset) != 0;
#pragma unroll
      for (int i = 0; i < half; ++i) {
        const std::uint32_t send = upper ? top[i] : top[i + half], keep = upper ? top[i + half] : top[i];
        top[i] = max(keep, __shfl_xor_sync(full_warp, send, Offset));
      }
      scatter_max<Offset / 2, Low, half>(top, lane);
    } else {
      top[0] = max(top[0], __shfl_xor_sync(full_warp, top[0], Offset));
      scatter_max<Offset / 2, Low, 1>(top, lane);
    }
  }
}

// A scheme's choice as seen from lane `from`.
__device__ inline ScaleChoice shuffled(const ScaleChoice& c, int from) {
  const std::uint32_t word = __shfl_sync(full_warp, c.code | (c.nan_keeps_sign ? 0x100u : 0u), from);
  return {static_cast<std::uint8_t>(word), __shfl_sync(full_warp, c.factor, from), (word & 0x100u) != 0};
}
__device__ inline Nvfp4Choice shuffled(const Nvfp4Choice& c, int from) {
  return {static_cast<std::uint8_t>(__shfl_sync(full_warp, static_cast<std::uint32_t>(c.code), from)),
          __shfl_sync(full_warp, c.factor, from), __shfl_sync(full_warp, c.step, from)};
}

// quantize (Out unused) or fake-quantize (Out the output storage) `vectors` 16-byte vectors of blocks
// laid end to end. A warp holds 32 x vectors_per_thread adjacent vectors, lane order = memory order in
// each load, so the scales of its blocks are adjacent too.
template <class S, FloatData In, bool Fake, FloatData Out>
__global__ void __launch_bounds__(contiguous_threads)
contiguous_kernel(const void* in, std::size_t vectors, std::uint8_t* elements, void* out, Operands<S> op) {
  constexpr int V = values_per_vector<In>, J = vectors_per_thread;
  constexpr int lanes = S::block / V;
  using Choice = typename S::Choice;
  const int lane = static_cast<int>(threadIdx.x % 32);
  const std::size_t warp_first = (static_cast<std::size_t>(blockIdx.x) * contiguous_threads + threadIdx.x - lane) * J;
  const auto vector = [&](int j) { return warp_first + static_cast<std::size_t>(j) * 32 + lane; };
  std::uint32_t word[J][4];  // as loaded: BF16 values stay in pairs until a step needs them apart
  #pragma unroll
  for (int j = 0; j < J; ++j) {
    if (vector(j) < vectors) load_words(in, vector(j), word[j]);
    else for (int i = 0; i < 4; ++i) word[j][i] = 0;  // whole blocks are out of range: they only take part
  }
  // Codes (or values) of vector j under the choice of its block.
  // Called by every lane (packed FP6 shuffles); stores only where the vector exists.
  const auto emit = [&](int j, const Choice& s, bool finite) {
    const std::size_t v = vector(j);
    const bool valid = v < vectors;
    std::uint32_t x[V];
    unpack<In>(word[j], x);
    if constexpr (!Fake && requires { op.scheme.template store_numbers<In, V>(elements, v, x, s, op.packed, valid); }) {
      if (finite && op.scheme.template store_numbers<In, V>(elements, v, x, s, op.packed, valid)) return;
    }
    Choice each[V];
    #pragma unroll
    for (int i = 0; i < V; ++i) each[i] = s;
    std::uint32_t c[V];
    op.scheme.template codes<In>(x, finite, each, c);
    if constexpr (Fake) {
      const typename S::Decoder d = op.scheme.decoder(s.code);
      std::uint32_t y[V];
      const bool may_nan = d.template values<Out, V>(c, y);
      if (valid) store_values<Out, V>(out, v * V, y, may_nan);
    } else if constexpr (S::bits == 6) {
      if (op.packed) store_fp6_words<V>(elements, v, c, valid);
      else if (valid) store_codes<8, V>(elements, v, c, false);
    } else {
      if (valid) store_codes<S::bits, V>(elements, v, c, op.packed);
    }
  };
  std::uint32_t top[J];
  bool special = false;  // NaN or Inf
  #pragma unroll
  for (int j = 0; j < J; ++j) {
    top[j] = twice_top<In>(word[j]);
    special = special || top[j] >= 0xFF000000u;
  }
  if (__any_sync(full_warp, special)) {
    // Rare: the warp reduces each block's statistics in full and chooses its scale in every lane.
    #pragma unroll
    for (int j = 0; j < J; ++j) {
      std::uint32_t x[V];
      unpack<In>(word[j], x);
      const BlockStats stats = block_stats<lanes>(x);
      const Choice s = op.scheme.choose(stats);
      emit(j, s, !stats.any_nan && !stats.any_infinity);
      if (!Fake && lane % lanes == 0 && vector(j) < vectors) op.scale.scales[scale_offset(op.scale, vector(j) / lanes)] = s.code;
    }
    return;
  }
  // Finite blocks: the magnitudes' maximum is each block's amax.
  using Scatter = ScatterOf<lanes / 2, 1, J>;
  scatter_max<lanes / 2, 1, J>(top, lane);
  Choice mine[Scatter::kept];
  #pragma unroll
  for (int k = 0; k < Scatter::kept; ++k) mine[k] = op.scheme.choose(BlockStats{top[k] / 2, false, false});
  const int group = lane & ~(lanes - 1);
  if constexpr (!Fake) {
    if ((lane & Scatter::copies_mask()) == 0) {
      const int own = lane & (lanes - 1);
      #pragma unroll
      for (int k = 0; k < Scatter::kept; ++k) {
        int j_own = k;  // the block this lane holds at slot k
        #pragma unroll
        for (int j = k; j < J; j += Scatter::kept) j_own = Scatter::owner_bits(j) == own ? j : j_own;
        const std::size_t v = warp_first + static_cast<std::size_t>(j_own) * 32 + group;  // the block's first vector
        if (v < vectors) op.scale.scales[scale_offset(op.scale, v / lanes)] = mine[k].code;
      }
    }
  }
  #pragma unroll
  for (int j = 0; j < J; ++j) emit(j, shuffled(mine[j % Scatter::kept], group | Scatter::owner_bits(j)), true);
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

// Codes and scales back to values, 16 bytes of output per thread and loop step.
template <class S, FloatData Out>
__global__ void __launch_bounds__(contiguous_threads)
contiguous_dequantize_kernel(const std::uint8_t* elements, std::size_t vectors, void* out, Operands<S> op) {
  constexpr int V = values_per_vector<Out>;
  const std::size_t first = static_cast<std::size_t>(blockIdx.x) * contiguous_threads * vectors_per_thread + threadIdx.x;
  std::uint32_t c[vectors_per_thread][V];
  std::uint8_t code[vectors_per_thread];
#pragma unroll
  for (int j = 0; j < vectors_per_thread; ++j) {
    const std::size_t v = first + static_cast<std::size_t>(j) * contiguous_threads;
    if constexpr (S::bits == 6) {
      if (op.packed) load_fp6_words<V>(elements, v, c[j], v < vectors);  // every lane (a shuffle)
    }
    if (v >= vectors) continue;
    if constexpr (S::bits == 6) {
      if (!op.packed) load_codes<8, V>(elements, v, c[j], false);
    } else {
      load_codes<S::bits, V>(elements, v, c[j], op.packed);
    }
    code[j] = op.scale.scales[scale_offset(op.scale, v * V / S::block)];
  }
#pragma unroll
  for (int j = 0; j < vectors_per_thread; ++j) {
    const std::size_t v = first + static_cast<std::size_t>(j) * contiguous_threads;
    if (v >= vectors) continue;
    const typename S::Decoder d = op.scheme.decoder(code[j]);
    std::uint32_t y[V];
    const bool may_nan = d.template values<Out, V>(c[j], y);
    store_values<Out, V>(out, v * V, y, may_nan);
  }
}

// ---- blocks across rows ----------------------------------------------------------------------------

constexpr int across_threads = 128;
constexpr int across_columns = 4;  // adjacent columns per thread: four blocks side by side

template <FloatData D>
__device__ inline void load_four(const void* base, std::size_t index, std::uint32_t (&x)[across_columns]) {
  if constexpr (D == FloatData::fp32) {
    const uint4 w = __ldcs(reinterpret_cast<const uint4*>(static_cast<const std::uint32_t*>(base) + index));
    x[0] = w.x, x[1] = w.y, x[2] = w.z, x[3] = w.w;
  } else {
    const uint2 w = __ldcs(reinterpret_cast<const uint2*>(static_cast<const std::uint16_t*>(base) + index));
    x[0] = w.x << 16, x[1] = w.x & 0xFFFF0000u, x[2] = w.y << 16, x[3] = w.y & 0xFFFF0000u;
  }
}

// The tensor [outer, rows, columns] with blocks of Block rows in one column: thread t owns columns
// 4 * (t % (columns / 4)) .. + 3 of block row t / (columns / 4) (block rows counted over every outer index).
struct AcrossPlace {
  bool valid = false;
  std::size_t block_row = 0, column = 0;
  std::size_t base = 0;  // value index of the block's first row at `column`
  int rows = 0;          // Block, or fewer in a short last block
};

template <int Block>
__device__ inline AcrossPlace across_place(std::size_t outer, std::size_t rows, std::size_t columns) {
  const std::size_t groups = columns / across_columns, block_rows = (rows + Block - 1) / Block;
  const std::size_t t = static_cast<std::size_t>(blockIdx.x) * across_threads + threadIdx.x;
  if (t >= outer * block_rows * groups) return {};
  const std::size_t block_row = t / groups, column = t % groups * across_columns;
  const std::size_t o = block_row / block_rows, r0 = block_row % block_rows * Block;
  return {true, block_row, column, (o * rows + r0) * columns + column,
          static_cast<int>(min(static_cast<std::size_t>(Block), rows - r0))};
}

// Quantizing blocks across rows, a warp takes 8 units of four columns (one thread's in across_place)
// and each unit's block rows in 4 slices: lane = slice x 8 + unit, each lane Block / 4 rows of its
// unit. So a thread holds Block rows / 4 in registers, a load instruction reads 128 adjacent bytes of
// FP32 in each of 4 rows, and a reduce-scatter over the slices leaves each lane the maximum of one of its
// unit's four blocks, whose scale it chooses and stores.
constexpr int across_slices = 4;

template <class S, FloatData In, bool Fake, FloatData Out>
__global__ void __launch_bounds__(across_threads)
across_kernel(const void* in, std::size_t outer, std::size_t rows, std::size_t columns, std::uint8_t* elements,
              void* out, Operands<S> op) {
  constexpr int block = S::block, R = block / across_slices;
  using Choice = typename S::Choice;
  const int lane = static_cast<int>(threadIdx.x % 32), slice = lane / 8;
  // This lane's unit, as across_place numbers them.
  const std::size_t unit = (static_cast<std::size_t>(blockIdx.x) * across_threads + threadIdx.x) / 32 * 8 + lane % 8;
  const std::size_t groups = columns / across_columns, block_rows = (rows + block - 1) / block;
  const bool valid = unit < outer * block_rows * groups;  // every lane stays for the shuffles
  const std::size_t block_row = valid ? unit / groups : 0, column = unit % groups * across_columns;
  const std::size_t r0 = block_row % block_rows * block;
  const std::size_t base = ((block_row / block_rows) * rows + r0) * columns + column;  // the block's first row
  const int n = valid ? static_cast<int>(min(static_cast<std::size_t>(block), rows - r0)) : 0;
  const auto row_of = [&](int i) { return slice * R + i; };  // within the block
  std::uint32_t x[R][across_columns];
#pragma unroll
  for (int i = 0; i < R; ++i) {
    if (row_of(i) < n) load_four<In>(in, base + row_of(i) * columns, x[i]);
    else for (int k = 0; k < across_columns; ++k) x[i][k] = 0;
  }
  std::uint32_t top[across_columns];  // twice the largest magnitude's bits, as in contiguous_kernel
  bool special = false;
#pragma unroll
  for (int k = 0; k < across_columns; ++k) {
    top[k] = 0;
#pragma unroll
    for (int i = 0; i < R; ++i) top[k] = max(top[k], x[i][k] * 2u);
    special = special || top[k] >= 0xFF000000u;
  }
  Choice s[across_columns], own;  // own: the block this lane stores the scale of, column + slice
  bool finite = true;  // the four blocks
  if (__any_sync(full_warp, special)) {
    // Rare: every lane reduces the four blocks' statistics in full and chooses their scales.
#pragma unroll
    for (int k = 0; k < across_columns; ++k) {
      PartialStats p;
#pragma unroll
      for (int i = 0; i < R; ++i) p.add(x[i][k]);
#pragma unroll
      for (int offset = 16; offset >= 8; offset /= 2) {
        p.amax = max(p.amax, __shfl_xor_sync(full_warp, p.amax, offset));
        p.flags |= __shfl_xor_sync(full_warp, p.flags, offset);
      }
      const BlockStats stats = p.stats();
      s[k] = op.scheme.choose(stats);
      finite = finite && !stats.any_nan && !stats.any_infinity;
      if (k == slice) own = s[k];
    }
  } else {
    using Scatter = ScatterOf<16, 8, across_columns>;
    static_assert(Scatter::kept == 1 && Scatter::owner_bits(1) == 8 && Scatter::owner_bits(2) == 16);
    scatter_max<16, 8, across_columns>(top, lane);  // lane now holds block `slice`'s maximum
    own = op.scheme.choose(BlockStats{top[0] / 2, false, false});
#pragma unroll
    for (int k = 0; k < across_columns; ++k) s[k] = shuffled(own, k * 8 + lane % 8);
  }
  if (!Fake && valid) op.scale.scales[scale_offset(op.scale, block_row * columns + column + slice)] = own.code;
#pragma unroll
  for (int i = 0; i < R; ++i) {
    if (row_of(i) >= n) continue;
    std::uint32_t c[across_columns];
    op.scheme.template codes<In>(x[i], finite, s, c);
    const std::size_t at = base + row_of(i) * columns;
    if constexpr (Fake) {
      std::uint32_t y[across_columns];
      #pragma unroll
      for (int k = 0; k < across_columns; ++k) y[k] = op.scheme.decoder(s[k].code).template value<Out>(c[k]);
      store_values<Out, across_columns>(out, at, y);
    } else {
      store_codes<S::bits, across_columns>(elements, at / across_columns, c, op.packed);
    }
  }
}

template <class S, FloatData Out>
__global__ void __launch_bounds__(across_threads)
across_dequantize_kernel(const std::uint8_t* elements, std::size_t outer, std::size_t rows, std::size_t columns,
                         void* out, Operands<S> op) {
  const AcrossPlace place = across_place<S::block>(outer, rows, columns);
  if (!place.valid) return;
  const std::size_t block_row = place.block_row, column = place.column, base = place.base;
  const int n = place.rows;
  typename S::Decoder d[across_columns];
  #pragma unroll
  for (int k = 0; k < across_columns; ++k)
    d[k] = op.scheme.decoder(op.scale.scales[scale_offset(op.scale, block_row * columns + column + k)]);
#pragma unroll 8
  for (int r = 0; r < n; ++r) {
    std::uint32_t c[across_columns], y[across_columns];
    load_codes<S::bits, across_columns>(elements, (base + r * columns) / across_columns, c, op.packed);
    #pragma unroll
    for (int k = 0; k < across_columns; ++k) y[k] = d[k].template value<Out>(c[k]);
    store_values<Out, across_columns>(out, base + r * columns, y);
  }
}

}  // namespace mxref::fast::cuda::kernels
