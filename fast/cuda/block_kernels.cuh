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
// cvt.rn.satfinite (two at a time), int8's cvt.rni with a clamp. FP6 and FP4 (no conversion on sm_90)
// add the rounding carry at the cut, as fast/cpu/block_lanes.hpp does. fast_cuda_sweep casts proves
// each equal to block_element on every non-NaN FP32 input.
template <class E>
__device__ inline std::uint32_t number_element(float s) {
  if constexpr (std::is_same_v<E, Int8>) {
    return static_cast<std::uint32_t>(min(max(__float2int_rn(s * 64.0f), -127), 127)) & 0xFFu;  // x 2^6 is exact
  } else {
    constexpr int M = E::mantissa_bits;
    constexpr std::uint32_t largest = (E::max_finite >> M) - E::bias + 127 << 23 | (E::max_finite & ((1u << M) - 1)) << (23 - M);
    constexpr std::uint32_t smallest_normal = static_cast<std::uint32_t>(1 - E::bias + 127) << 23;
    // 2^k whose FP32 ulp is the element's smallest step: adding it rounds to that step (RNE).
    constexpr std::uint32_t step_magnet = static_cast<std::uint32_t>(1 - E::bias - M + 23 + 127) << 23;
    constexpr std::uint32_t half_minus_one_and_rebias =
        ((1u << (22 - M)) - 1) - (static_cast<std::uint32_t>(127 - E::bias) << 23);
    const std::uint32_t bits = __float_as_uint(s);
    const std::uint32_t a = min(bits & 0x7FFFFFFFu, largest);
    const std::uint32_t normal = (a + half_minus_one_and_rebias + ((a >> (23 - M)) & 1u)) >> (23 - M);
    const std::uint32_t subnormal =
        __float_as_uint(__fadd_rn(__uint_as_float(a), __uint_as_float(step_magnet))) - step_magnet;
    return (bits >> (31 - E::exponent_bits - M) & E::sign_bit) | (a < smallest_normal ? subnormal : normal);
  }
}

template <class E, int N>
__device__ inline void number_elements(const float (&s)[N], std::uint32_t (&c)[N]) {
  if constexpr (std::is_same_v<E, E4M3> || std::is_same_v<E, E5M2>) {
    constexpr __nv_fp8_interpretation_t kind = std::is_same_v<E, E4M3> ? __NV_E4M3 : __NV_E5M2;
#pragma unroll
    for (int i = 0; i < N; i += 2) {
      const std::uint32_t pair = __nv_cvt_float2_to_fp8x2(make_float2(s[i], s[i + 1]), __NV_SATFINITE, kind);
      c[i] = pair & 0xFFu;
      c[i + 1] = pair >> 8 & 0xFFu;
    }
  } else {
#pragma unroll
    for (int i = 0; i < N; ++i) c[i] = number_element<E>(s[i]);
  }
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

  // The codes of values x[i] under choice[i] (one block's choice, or each column's), `finite` when the
  // blocks hold neither NaN nor Inf.
  template <int N>
  __device__ void codes(const std::uint32_t (&x)[N], bool finite, const Choice (&choice)[N], std::uint32_t (&c)[N]) const {
    if (finite) {
      number_codes<E, N>(x, choice, c);
    } else {
#pragma unroll
      for (int i = 0; i < N; ++i)
        c[i] = fast::kernels::block_element<E>(
            fast::kernels::scaled(x[i], choice[i].factor, choice[i].nan_keeps_sign ? 0x80000000u : 0u));
    }
  }

  // A block's codes back to values (FP32 bits; stored as BF16 through bf16_of).
  struct Decoder {
    float scale = 1;
    bool nan = false;
    template <FloatData Out>
    __device__ std::uint32_t value(std::uint32_t code) const { return fast::kernels::dequantized<E>(code, scale, nan); }
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

  template <int N>
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
  };
  __device__ Decoder decoder(std::uint8_t code) const { return {code, tensor.decode}; }
};

// ---- 16-byte value vectors -------------------------------------------------------------------------

template <FloatData D>
constexpr int values_per_vector = 16 / value_size<D>;

// Streaming loads: every input byte is read once.
template <FloatData D>
__device__ inline void load_vector(const void* base, std::size_t vector, std::uint32_t (&x)[values_per_vector<D>]) {
  const uint4 w = __ldcs(static_cast<const uint4*>(base) + vector);
  const std::uint32_t word[4] = {w.x, w.y, w.z, w.w};
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

// N values (FP32 bits) stored as D at value index `first` (N values are N * value_size bytes, aligned to that).
template <FloatData D, int N>
__device__ inline void store_values(void* base, std::size_t first, const std::uint32_t (&v)[N]) {
  if constexpr (D == FloatData::fp32) {
    static_assert(N % 4 == 0);
    #pragma unroll
    for (int i = 0; i < N; i += 4)
      __stcs(reinterpret_cast<uint4*>(static_cast<std::uint32_t*>(base) + first + i), make_uint4(v[i], v[i + 1], v[i + 2], v[i + 3]));
  } else {
    std::uint32_t h[N];
    #pragma unroll
    for (int i = 0; i < N; ++i) h[i] = fast::kernels::bf16_of(v[i]);
    if constexpr (N == 4) {
      __stcs(reinterpret_cast<uint2*>(static_cast<std::uint16_t*>(base) + first),
             make_uint2(h[0] | h[1] << 16, h[2] | h[3] << 16));
    } else {
      static_assert(N % 8 == 0);
#pragma unroll
      for (int i = 0; i < N; i += 8)
        __stcs(reinterpret_cast<uint4*>(static_cast<std::uint16_t*>(base) + first + i),
               make_uint4(h[i] | h[i + 1] << 16, h[i + 2] | h[i + 3] << 16, h[i + 4] | h[i + 5] << 16, h[i + 6] | h[i + 7] << 16));
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

// Stores N codes at code index `first` (a multiple of N): packed at Bits each, or one per byte.
template <int Bits, int N>
__device__ inline void store_codes(std::uint8_t* out, std::size_t first, const std::uint32_t (&c)[N], bool packed) {
  const auto put = [&]<int W>(std::uint64_t w) {
    constexpr int bytes = N * W / 8;
    std::uint8_t* p = out + first * W / 8;
    if constexpr (bytes == 8) *reinterpret_cast<std::uint64_t*>(p) = w;
    else if constexpr (bytes == 4) *reinterpret_cast<std::uint32_t*>(p) = static_cast<std::uint32_t>(w);
    else if constexpr (bytes == 2) *reinterpret_cast<std::uint16_t*>(p) = static_cast<std::uint16_t>(w);
    else if constexpr (bytes % 2 == 0)
      for (int i = 0; i < bytes / 2; ++i) reinterpret_cast<std::uint16_t*>(p)[i] = static_cast<std::uint16_t>(w >> (16 * i));
    else
      for (int i = 0; i < bytes; ++i) p[i] = static_cast<std::uint8_t>(w >> (8 * i));
  };
  if (packed && Bits < 8) put.template operator()<Bits>(pack_word<Bits, N>(c));
  else put.template operator()<8>(pack_word<8, N>(c));
}

template <int Bits, int N>
__device__ inline void load_codes(const std::uint8_t* in, std::size_t first, std::uint32_t (&c)[N], bool packed) {
  const auto get = [&]<int W>() {
    constexpr int bytes = N * W / 8;
    const std::uint8_t* p = in + first * W / 8;
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

// Packed FP6 from adjacent lanes (lane order = memory order), each holding N codes at code index
// `first`: N * 6 bits per lane are 3 or 6 bytes, so the lanes of each 12-byte group (four lanes of 4
// codes, two of 8) assemble its three 4-byte words from each other's bits and store them whole.
template <int N>
__device__ inline void store_fp6_words(std::uint8_t* out, std::size_t first, const std::uint32_t (&c)[N]) {
  constexpr int chunk_bits = N * 6, group = 96 / chunk_bits;
  const std::uint64_t chunk = pack_word<6, N>(c);
  const int in_group = static_cast<int>(threadIdx.x % 32) % group, base = static_cast<int>(threadIdx.x % 32) - in_group;
  // Called by the lanes whose vectors exist: whole groups (a group lies inside one block).
  const unsigned active = __activemask();
  std::uint32_t word[3] = {0, 0, 0};
#pragma unroll
  for (int k = 0; k < group; ++k) {
    const std::uint64_t part = __shfl_sync(active, chunk, base + k);
#pragma unroll
    for (int w = 0; w < 3; ++w) {
      const int shift = k * chunk_bits - 32 * w;  // where the part starts relative to word w
      if (shift >= 32 || shift + chunk_bits <= 0) continue;
      word[w] |= static_cast<std::uint32_t>(shift >= 0 ? part << shift : part >> -shift);
    }
  }
  std::uint32_t* words = reinterpret_cast<std::uint32_t*>(out + (first - static_cast<std::size_t>(in_group) * N) * 6 / 8);
#pragma unroll
  for (int w = 0; w < 3; ++w)
    if (w % group == in_group) words[w] = word[w];
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

// A block's statistics from the `Lanes` threads that hold it. Most blocks are finite: one maximum over
// the magnitudes is their amax. Only where some block of the warp holds NaN or Inf does the warp reduce
// the finite amax and the flags separately.
template <int Lanes, int N>
__device__ inline BlockStats block_stats(const std::uint32_t (&x)[N]) {
  std::uint32_t top = 0;
#pragma unroll
  for (int i = 0; i < N; ++i) top = max(top, x[i] & 0x7FFFFFFFu);
#pragma unroll
  for (int offset = Lanes / 2; offset > 0; offset /= 2) top = max(top, __shfl_xor_sync(full_warp, top, offset));
  if (!__any_sync(full_warp, top >= 0x7F800000u)) return {top, false, false};
  PartialStats p;
#pragma unroll
  for (int i = 0; i < N; ++i) p.add(x[i]);
  return reduce<Lanes>(p);
}

// quantize (Out unused) or fake-quantize (Out the output storage) `vectors` 16-byte vectors of blocks
// laid end to end.
template <class S, FloatData In, bool Fake, FloatData Out>
__global__ void __launch_bounds__(contiguous_threads)
contiguous_kernel(const void* in, std::size_t vectors, std::uint8_t* elements, void* out, Operands<S> op) {
  constexpr int V = values_per_vector<In>;
  constexpr int lanes = S::block / V;
  const std::size_t first = static_cast<std::size_t>(blockIdx.x) * contiguous_threads * vectors_per_thread + threadIdx.x;
  std::uint32_t x[vectors_per_thread][V];
  #pragma unroll
  for (int j = 0; j < vectors_per_thread; ++j) {
    const std::size_t v = first + static_cast<std::size_t>(j) * contiguous_threads;
    if (v < vectors) load_vector<In>(in, v, x[j]);
    else for (int i = 0; i < V; ++i) x[j][i] = 0;
  }
  #pragma unroll
  for (int j = 0; j < vectors_per_thread; ++j) {
    const std::size_t v = first + static_cast<std::size_t>(j) * contiguous_threads;
    const BlockStats stats = block_stats<lanes>(x[j]);  // every lane takes part, valid or not (whole blocks are)
    if (v >= vectors) continue;
    const typename S::Choice s = op.scheme.choose(stats);
    typename S::Choice each[V];
    #pragma unroll
    for (int i = 0; i < V; ++i) each[i] = s;
    std::uint32_t c[V];
    op.scheme.codes(x[j], !stats.any_nan && !stats.any_infinity, each, c);
    if constexpr (Fake) {
      const typename S::Decoder d = op.scheme.decoder(s.code);
      std::uint32_t y[V];
      #pragma unroll
      for (int i = 0; i < V; ++i) y[i] = d.template value<Out>(c[i]);
      store_values<Out, V>(out, v * V, y);
    } else {
      if constexpr (S::bits == 6) {
        if (op.packed) store_fp6_words<V>(elements, v * V, c);
        else store_codes<8, V>(elements, v * V, c, false);
      } else {
        store_codes<S::bits, V>(elements, v * V, c, op.packed);
      }
      if (threadIdx.x % lanes == 0) op.scale.scales[scale_offset(op.scale, v / lanes)] = s.code;
    }
  }
}

// Packed FP6 codes for adjacent lanes (lane order = memory order), N per lane at code index `first`: each
// lane reads the three 4-byte words of its 12-byte group (the group's lanes read the same addresses)
// and takes its own N * 6 bits, instead of three single-byte loads.
template <int N>
__device__ inline void load_fp6_words(const std::uint8_t* in, std::size_t first, std::uint32_t (&c)[N]) {
  constexpr int chunk_bits = N * 6, group = 96 / chunk_bits;
  const int in_group = static_cast<int>(threadIdx.x % 32) % group;
  const std::uint32_t* words = reinterpret_cast<const std::uint32_t*>(in + (first - static_cast<std::size_t>(in_group) * N) * 6 / 8);
  const std::uint32_t w0 = words[0], w1 = words[1], w2 = words[2];
  const std::uint64_t low = w0 | static_cast<std::uint64_t>(w1) << 32;
  const int at = in_group * chunk_bits;  // 0, 24, 48 or 72 bits into the group
  const std::uint64_t bits = at == 0 ? low : at < 64 ? (low >> at | static_cast<std::uint64_t>(w2) << (64 - at))
                                                      : static_cast<std::uint64_t>(w2) >> (at - 64);
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
    if (v >= vectors) continue;
    if constexpr (S::bits == 6) {
      if (op.packed) load_fp6_words<V>(elements, v * V, c[j]);
      else load_codes<8, V>(elements, v * V, c[j], false);
    } else {
      load_codes<S::bits, V>(elements, v * V, c[j], op.packed);
    }
    code[j] = op.scale.scales[scale_offset(op.scale, v * V / S::block)];
  }
#pragma unroll
  for (int j = 0; j < vectors_per_thread; ++j) {
    const std::size_t v = first + static_cast<std::size_t>(j) * contiguous_threads;
    if (v >= vectors) continue;
    const typename S::Decoder d = op.scheme.decoder(code[j]);
    std::uint32_t y[V];
#pragma unroll
    for (int i = 0; i < V; ++i) y[i] = d.template value<Out>(c[j][i]);
    store_values<Out, V>(out, v * V, y);
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

template <class S, FloatData In, bool Fake, FloatData Out>
__global__ void __launch_bounds__(across_threads)
across_kernel(const void* in, std::size_t outer, std::size_t rows, std::size_t columns, std::uint8_t* elements,
              void* out, Operands<S> op) {
  constexpr int block = S::block;
  const AcrossPlace place = across_place<block>(outer, rows, columns);
  if (!place.valid) return;
  const std::size_t block_row = place.block_row, column = place.column, base = place.base;
  const int n = place.rows;
  std::uint32_t x[block][across_columns];
#pragma unroll
  for (int r = 0; r < block; ++r) {
    if (r < n) load_four<In>(in, base + r * columns, x[r]);
    else for (int k = 0; k < across_columns; ++k) x[r][k] = 0;
  }
  typename S::Choice s[across_columns];
  bool all_finite = true;  // the four blocks
#pragma unroll
  for (int k = 0; k < across_columns; ++k) {
    std::uint32_t top = 0;  // as block_stats: the magnitudes' maximum is a finite block's amax
#pragma unroll
    for (int r = 0; r < block; ++r) top = max(top, x[r][k] & 0x7FFFFFFFu);
    BlockStats stats{top, false, false};
    if (top >= 0x7F800000u) {
      PartialStats p;
#pragma unroll
      for (int r = 0; r < block; ++r) p.add(x[r][k]);
      stats = p.stats();
      all_finite = false;
    }
    s[k] = op.scheme.choose(stats);
    if constexpr (!Fake) op.scale.scales[scale_offset(op.scale, block_row * columns + column + k)] = s[k].code;
  }
#pragma unroll
  for (int r = 0; r < block; ++r) {
    if (r >= n) continue;
    std::uint32_t c[across_columns];
    op.scheme.codes(x[r], all_finite, s, c);
    if constexpr (Fake) {
      std::uint32_t y[across_columns];
      #pragma unroll
      for (int k = 0; k < across_columns; ++k) y[k] = op.scheme.decoder(s[k].code).template value<Out>(c[k]);
      store_values<Out, across_columns>(out, base + r * columns, y);
    } else {
      store_codes<S::bits, across_columns>(elements, base + r * columns, c, op.packed);
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
    load_codes<S::bits, across_columns>(elements, base + r * columns, c, op.packed);
    #pragma unroll
    for (int k = 0; k < across_columns; ++k) y[k] = d[k].template value<Out>(c[k]);
    store_values<Out, across_columns>(out, base + r * columns, y);
  }
}

}  // namespace mxref::fast::cuda::kernels
