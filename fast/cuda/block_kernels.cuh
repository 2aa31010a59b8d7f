// The GPU kernels of fast/cuda/block_quantize.hpp and nvfp4_quantize.hpp. Each value goes through the
// same constexpr functions as on the CPU (block_scalar.hpp, block_rules.hpp, nvfp4_scalar.hpp; nvcc
// --expt-relaxed-constexpr), so the two paths cannot drift apart; what is here is only how values reach
// them: 16-byte loads, the block's statistics, the packing of codes, the scale layouts (the pieces are
// in fast/cuda/kernels/; a scheme, kernels/schemes.cuh, is what a block format brings).
//
// Contiguous blocks: each thread holds J x 16 bytes of input (4 FP32 or 8 BF16 values each; J by
// quantize_shape), a block is that many adjacent lanes, which reduce-scatter their blocks' maxima so
// that one lane chooses each scale, and each thread casts and stores its own codes; a CTA's scales are
// gathered in shared memory and stored together. Blocks across rows: four lanes share a unit
// of 16 bytes of columns (4 FP32, or 8 BF16 where the view allows; else 4), each a quarter of the
// block's rows, in registers (one pass over memory).
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "fast/cuda/kernels/basics.cuh"
#include "fast/cuda/kernels/code_stores.cuh"
#include "fast/cuda/kernels/schemes.cuh"
#include "fast/cuda/kernels/value_vectors.cuh"
#include "fast/cuda/kernels/warp_blocks.cuh"

namespace mxref::fast::cuda::kernels {

// How many 16-byte vectors a thread holds and how many threads a CTA has, blocks along the last axis:
// chosen on an NVIDIA H200 by bench/cuda_shape_bench.cu (at db72df5), where the best shape moved
// the FP8 rows from 94 to 99 % of the copy's bandwidth and FP6/FP4 from 84-87 to 92-100 %. (A CTA's
// scales are stored together, 16 bytes at a time; see store_staged_scales.)
struct LaunchShape {
  int vectors_per_thread;
  int threads;
  // CTAs per SM that __launch_bounds__ makes the registers leave room for; 0: the compiler's choice.
  // (1 is not the same: it frees the compiler to take up to 71 registers where it took 38-66.)
  int min_ctas = 0;
};

template <class S, FloatData In>
constexpr LaunchShape quantize_shape() {
  if constexpr (S::block != 32) {
    return {4, 256};  // NVFP4 (not among the measured shapes)
  } else if constexpr (S::bits == 8) {
    // FP8 from BF16 is capped at 40 registers (24 CTAs of 64 threads per SM): uncapped, E5M2 took 42
    // and reached 92-94 % of the copy, capped 97.5-98 % (H200, cuda_shape_bench's register-cap rows at 30eee89).
    constexpr bool fp8 = !std::is_same_v<typename S::Element, Int8>;
    if constexpr (In == FloatData::bf16 && fp8) {
      return {2, 64, 24};
    } else {
      return {4, 64};
    }
  } else {
    return {8, 128};
  }
}

// Packed FP6 takes four vectors a thread: with two, MXFP6 -> FP32 reached 80 % of the copy, with four
// (64 threads) 95 %, and -> BF16 91-93 against 94-96 % (H200, cuda_shape_bench at d834b7b).
template <class S>
constexpr LaunchShape dequantize_shape() {
  if constexpr (S::block != 32) return {4, 256};
  else if constexpr (S::bits == 6) return {4, 64};
  else return {2, 128};
}

template <class Scheme>
struct Operands {
  ScaleTarget scale;
  Scheme scheme;
  bool packed = false;
};

// One warp's part of quantize (Out unused) or fake-quantize (Out the output storage): the 32 x J
// adjacent 16-byte vectors from `warp_first` on (of `vectors` laid end to end), loaded into `word`, lane
// order = memory order in each load, so the scales of its blocks are adjacent too.
// put_scale(block, code) takes each block's scale (quantize only). Whole: every vector of the warp is in
// range, known to the compiler (all CTAs but the last).
template <class S, FloatData In, bool Fake, FloatData Out, int J, bool Whole, class PutScale>
__device__ inline void contiguous_warp(const std::uint32_t (&word)[J][4], std::size_t warp_first, std::size_t vectors,
                                       std::uint8_t* elements, void* out, const Operands<S>& op, PutScale&& put_scale) {
  constexpr int V = values_per_vector<In>;
  constexpr int lanes = S::block / V;
  using Choice = typename S::Choice;
  const int lane = static_cast<int>(threadIdx.x % 32);
  const auto vector = [&](int j) { return warp_first + static_cast<std::size_t>(j) * 32 + lane; };
  const auto in_range = [&](std::size_t v) { return Whole || v < vectors; };
  // Codes are stored by run (V codes) counted from the warp's first vector, in an int, so that the
  // compiler folds every vector's address into one per thread (from the global run in size_t it worked
  // out some of them anew for every vector). Packed runs keep the parity of the global run, which
  // store_fp6_codes needs (warp_first is even).
  std::uint8_t* const warp_elements = elements + run_bytes<S::bits, V>(warp_first, op.packed);
  // Codes (or values) of vector j under the choice of its block, stored where the vector exists.
  const auto emit = [&](int j, const Choice& s, bool finite) {
    const std::size_t v = vector(j);
    const int run = j * 32 + lane;
    const bool valid = in_range(v);
    std::uint32_t x[V];
    unpack<In>(word[j], x);
    if constexpr (!Fake &&
                  requires { op.scheme.template store_numbers<In, V>(warp_elements, run, x, s, op.packed, valid); }) {
      if (finite && op.scheme.template store_numbers<In, V>(warp_elements, run, x, s, op.packed, valid)) return;
    }
    Choice each[V];
#pragma unroll
    for (int i = 0; i < V; ++i) each[i] = s;
    std::uint32_t c[V];
    op.scheme.template codes<In>(x, finite, each, c);
    if constexpr (Fake) {
      if (valid) store_decoded<Out, V>(out, v * V, op.scheme.decoder(s.code), c);
    } else if (valid) {
      if (S::bits == 6 && op.packed) store_fp6_codes<V>(warp_elements, run, c);
      else store_codes<S::bits, V>(warp_elements, run, c, op.packed);
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
      if (!Fake && lane % lanes == 0 && in_range(vector(j))) put_scale(vector(j) / lanes, s.code);
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
        if (in_range(v)) put_scale(v / lanes, mine[k].code);
      }
    }
  }
#pragma unroll
  for (int j = 0; j < J; ++j) emit(j, shuffled(mine[j % Scatter::kept], group | Scatter::owner_bits(j)), true);
}

template <int J, bool Whole = false>
__device__ inline void load_warp_words(const void* in, std::size_t warp_first, std::size_t vectors,
                                       std::uint32_t (&word)[J][4]) {
  const int lane = static_cast<int>(threadIdx.x % 32);
#pragma unroll
  for (int j = 0; j < J; ++j) {
    const std::size_t v = warp_first + static_cast<std::size_t>(j) * 32 + lane;
    if (Whole || v < vectors) load_words(in, v, word[j]);
    else
      for (int i = 0; i < 4; ++i) word[j][i] = 0;  // whole blocks are out of range: they only take part
  }
}

// A CTA's scales, gathered in shared memory (`staged`, blocks first .. first + Blocks - 1 of `total`),
// stored together: whole 16-byte pieces where they are row-major and aligned, else one by one. (Byte
// stores from the lanes that chose the scales cost about 3 points of the copy's bandwidth;
// bench/cuda_shape_bench.cu.)
template <int Blocks, int Threads>
__device__ inline void store_staged_scales(const ScaleTarget& t, const std::uint8_t* staged, std::size_t first,
                                           std::size_t total) {
  __syncthreads();
  const int thread = static_cast<int>(threadIdx.x);
  if (Blocks % 16 == 0 && t.layout == ScaleLayout::row_major && first + Blocks <= total &&
      reinterpret_cast<std::uintptr_t>(t.scales) % 16 == 0) {
    for (int i = thread; i < Blocks / 16; i += Threads)
      reinterpret_cast<uint4*>(t.scales + first)[i] = reinterpret_cast<const uint4*>(staged)[i];
  } else {
    for (int b = thread; b < Blocks && first + b < total; b += Threads)
      t.scales[scale_offset(t, first + b)] = staged[b];
  }
}

// Quantize or fake-quantize `vectors` 16-byte vectors of blocks laid end to end, J vectors a thread.
template <class S, FloatData In, bool Fake, FloatData Out, int J = quantize_shape<S, In>().vectors_per_thread,
          int Threads = quantize_shape<S, In>().threads, int MinCtas = quantize_shape<S, In>().min_ctas>
__global__ void __launch_bounds__(Threads, MinCtas)
    contiguous_kernel(const void* in, std::size_t vectors, std::uint8_t* elements, void* out, Operands<S> op) {
  constexpr int lanes = S::block / values_per_vector<In>, cta_blocks = Threads * J / lanes;
  __shared__ __align__(16) std::uint8_t staged[Fake ? 1 : cta_blocks];
  const std::size_t cta_first = static_cast<std::size_t>(blockIdx.x) * Threads * J;
  const std::size_t warp_first = cta_first + threadIdx.x / 32 * 32 * J;
  const auto put_scale = [&](std::size_t block, std::uint8_t code) { staged[block - cta_first / lanes] = code; };
  std::uint32_t word[J][4];
  if (cta_first + Threads * J <= vectors) {  // whole CTAs: a condition the compiler sees is uniform, so its
                                             // shuffles need no check of the warp's convergence
    load_warp_words<J, true>(in, warp_first, vectors, word);
    contiguous_warp<S, In, Fake, Out, J, true>(word, warp_first, vectors, elements, out, op, put_scale);
  } else {
    load_warp_words<J, false>(in, warp_first, vectors, word);
    contiguous_warp<S, In, Fake, Out, J, false>(word, warp_first, vectors, elements, out, op, put_scale);
  }
  if constexpr (!Fake) store_staged_scales<cta_blocks, Threads>(op.scale, staged, cta_first / lanes, vectors / lanes);
}

// One CTA's part of dequantize, J x 16 bytes of output per thread: vectors cta_first + run, run = j x
// Threads + thread, counted in an int from the CTA's first so that the compiler works out a thread's
// addresses once (as contiguous_warp's codes); Whole: every vector is in range.
template <class S, FloatData Out, int J, int Threads, bool Whole>
__device__ inline void dequantize_cta(const std::uint8_t* elements, std::size_t cta_first, std::size_t vectors,
                                      void* out, const Operands<S>& op) {
  constexpr int V = values_per_vector<Out>;
  static_assert(Threads * J * V % S::block == 0, "a CTA's first value starts a block");
  const std::uint8_t* const cta_elements = elements + run_bytes<S::bits, V>(cta_first, op.packed);
  void* const cta_out = static_cast<std::uint8_t*>(out) + cta_first * 16;
  const auto run_of = [](int j) { return j * Threads + static_cast<int>(threadIdx.x); };
  const auto in_range = [&](int run) { return Whole || cta_first + run < vectors; };
  // Every load first (codes, then scales), then the codes from their bytes (packed FP6: a shuffle, every
  // lane), then the values. (Codes split as each load came back kept the next load waiting behind them:
  // MXFP4 -> BF16 at 83 % of the copy instead of 96 %; H200, cuda_block_bench at d834b7b.)
  constexpr bool fp6_words = S::bits == 6;
  std::uint64_t bytes[J] = {};
  Fp6Words<V> words[fp6_words ? J : 1] = {};
  std::uint8_t code[J];
#pragma unroll
  for (int j = 0; j < J; ++j) {
    const int run = run_of(j);
    if (!in_range(run)) continue;
    if (fp6_words && op.packed) words[fp6_words ? j : 0] = load_fp6_words<V>(cta_elements, run);
    else bytes[j] = load_code_bytes<S::bits, V>(cta_elements, run, op.packed);
  }
#pragma unroll
  for (int j = 0; j < J; ++j) {
    const int run = run_of(j);
    if (in_range(run))
      code[j] =
          op.scale.scales[scale_offset(op.scale, cta_first * V / S::block + static_cast<unsigned>(run) * V / S::block)];
  }
  std::uint32_t c[J][V];
#pragma unroll
  for (int j = 0; j < J; ++j) {
    if (fp6_words && op.packed) fp6_codes<V>(words[fp6_words ? j : 0], c[j]);
    else split_codes<S::bits, V>(bytes[j], c[j], op.packed);
  }
#pragma unroll
  for (int j = 0; j < J; ++j) {
    const int run = run_of(j);
    if (in_range(run)) store_decoded<Out, V>(cta_out, run * V, op.scheme.decoder(code[j]), c[j]);
  }
}

template <class S, FloatData Out, int J = dequantize_shape<S>().vectors_per_thread,
          int Threads = dequantize_shape<S>().threads>
__global__ void __launch_bounds__(Threads)
    contiguous_dequantize_kernel(const std::uint8_t* elements, std::size_t vectors, void* out, Operands<S> op) {
  const std::size_t cta_first = static_cast<std::size_t>(blockIdx.x) * Threads * J;
  if (cta_first + Threads * J <= vectors)
    dequantize_cta<S, Out, J, Threads, true>(elements, cta_first, vectors, out, op);
  else dequantize_cta<S, Out, J, Threads, false>(elements, cta_first, vectors, out, op);
}

// ---- blocks across rows ----------------------------------------------------------------------------

constexpr int across_threads = 128;
constexpr int across_columns = 4;  // the fewest adjacent columns a thread takes (a view's columns: a multiple)

// The adjacent columns a thread takes where the view's columns allow: 16 bytes of the values it loads
// (quantize) or stores (dequantize), so that a warp meets each row in 128-byte pieces as from FP32. (BF16
// in fours read or wrote 64-byte pieces: quantize from BF16 made 47-69 % of the copy on the H200, in
// eights 66-95 %; docs/performance.md.)
template <FloatData D>
constexpr int wide_columns = values_per_vector<D>;

// The words that C adjacent columns of D take (C x value_size bytes: 16, or 8 for four BF16).
template <FloatData D, int C>
constexpr int column_words = C* value_size<D> / 4;

template <FloatData D, int C>
__device__ inline void load_columns(const void* base, std::size_t index, std::uint32_t (&word)[column_words<D, C>]) {
  const std::uint8_t* p = static_cast<const std::uint8_t*>(base) + index * value_size<D>;
  if constexpr (column_words<D, C> == 4) {
    const uint4 w = __ldcs(reinterpret_cast<const uint4*>(p));
    word[0] = w.x, word[1] = w.y, word[2] = w.z, word[3] = w.w;
  } else {
    static_assert(column_words<D, C> == 2);
    const uint2 w = __ldcs(reinterpret_cast<const uint2*>(p));
    word[0] = w.x, word[1] = w.y;
  }
}

// The tensor [outer, rows, columns] with blocks of Block rows in one column: thread t owns columns
// C * (t % (columns / C)) .. + C - 1 of block row t / (columns / C) (block rows counted over every outer index).
struct AcrossPlace {
  bool valid = false;
  std::size_t block_row = 0, column = 0;
  std::size_t base = 0;  // value index of the block's first row at `column`
  int rows = 0;          // Block, or fewer in a short last block
};

template <int Block, int C>
__device__ inline AcrossPlace across_place(std::size_t outer, std::size_t rows, std::size_t columns) {
  const std::size_t groups = columns / C, block_rows = (rows + Block - 1) / Block;
  const std::size_t t = static_cast<std::size_t>(blockIdx.x) * across_threads + threadIdx.x;
  if (t >= outer * block_rows * groups) return {};
  const std::size_t block_row = t / groups, column = t % groups * C;
  const std::size_t o = block_row / block_rows, r0 = block_row % block_rows * Block;
  return {true, block_row, column, (o * rows + r0) * columns + column,
          static_cast<int>(min(static_cast<std::size_t>(Block), rows - r0))};
}

// Quantizing blocks across rows, a warp takes 8 units of C columns (one thread's in across_place) and
// each unit's block rows in 4 slices: lane = slice x 8 + unit, each lane Block / 4 rows of its unit. So
// a thread holds Block rows / 4 in registers (as loaded: BF16 in pairs), a load instruction reads
// 8 x C x value_size adjacent bytes (128, or 64 for four BF16 columns) in each of 4 rows, and a
// reduce-scatter over the slices leaves each lane the maxima of C / 4 of its unit's C blocks, whose
// scales it chooses and stores.
constexpr int across_slices = 4;

template <class S, FloatData In, bool Fake, FloatData Out, int C>
__global__ void __launch_bounds__(across_threads)
    across_kernel(const void* in, std::size_t outer, std::size_t rows, std::size_t columns, std::uint8_t* elements,
                  void* out, Operands<S> op) {
  constexpr int block = S::block, R = block / across_slices, W = column_words<In, C>;
  using Choice = typename S::Choice;
  using Scatter = ScatterOf<16, 8, C>;
  constexpr int kept = Scatter::kept;  // lane slice x 8 + u holds blocks slice x kept + m, m < kept, at top[m]
  static_assert([] {
    for (int j = 0; j < C; ++j)
      if (Scatter::owner_bits(j) != j / kept * 8) return false;
    return Scatter::copies_mask() == 0;
  }());
  const int lane = static_cast<int>(threadIdx.x % 32), slice = lane / 8;
  // This lane's unit, as across_place numbers them.
  const std::size_t unit = (static_cast<std::size_t>(blockIdx.x) * across_threads + threadIdx.x) / 32 * 8 + lane % 8;
  const std::size_t groups = columns / C, block_rows = (rows + block - 1) / block;
  const bool valid = unit < outer * block_rows * groups;  // every lane stays for the shuffles
  const std::size_t block_row = valid ? unit / groups : 0, column = unit % groups * C;
  const std::size_t r0 = block_row % block_rows * block;
  const std::size_t base = ((block_row / block_rows) * rows + r0) * columns + column;  // the block's first row
  const int n = valid ? static_cast<int>(min(static_cast<std::size_t>(block), rows - r0)) : 0;
  const auto row_of = [&](int i) { return slice * R + i; };  // within the block
  std::uint32_t word[R][W];
#pragma unroll
  for (int i = 0; i < R; ++i) {
    if (row_of(i) < n) load_columns<In, C>(in, base + row_of(i) * columns, word[i]);
    else
      for (int k = 0; k < W; ++k) word[i][k] = 0;
  }
  std::uint32_t top[C];  // twice the largest magnitude's bits, as in contiguous_kernel
  bool special = false;
#pragma unroll
  for (int k = 0; k < C; ++k) {
    top[k] = 0;
#pragma unroll
    for (int i = 0; i < R; ++i) {
      std::uint32_t x[C];
      unpack<In>(word[i], x);
      top[k] = max(top[k], x[k] * 2u);
    }
    special = special || top[k] >= 0xFF000000u;
  }
  Choice s[C], own[kept];  // own: the blocks this lane stores the scales of, columns column + slice x kept + m
  bool finite = true;      // the C blocks
  if (__any_sync(full_warp, special)) {
    // Rare: every lane reduces the C blocks' statistics in full and chooses their scales.
#pragma unroll
    for (int k = 0; k < C; ++k) {
      PartialStats p;
#pragma unroll
      for (int i = 0; i < R; ++i) {
        std::uint32_t x[C];
        unpack<In>(word[i], x);
        p.add(x[k]);
      }
#pragma unroll
      for (int offset = 16; offset >= 8; offset /= 2) {
        p.amax = max(p.amax, __shfl_xor_sync(full_warp, p.amax, offset));
        p.flags |= __shfl_xor_sync(full_warp, p.flags, offset);
      }
      const BlockStats stats = p.stats();
      s[k] = op.scheme.choose(stats);
      finite = finite && !stats.any_nan && !stats.any_infinity;
      if (k / kept == slice) own[k % kept] = s[k];
    }
  } else {
    scatter_max<16, 8, C>(top, lane);
#pragma unroll
    for (int m = 0; m < kept; ++m) own[m] = op.scheme.choose(BlockStats{top[m] / 2, false, false});
#pragma unroll
    for (int k = 0; k < C; ++k) s[k] = shuffled(own[k % kept], k / kept * 8 + lane % 8);
  }
  if (!Fake && valid) {
#pragma unroll
    for (int m = 0; m < kept; ++m)
      op.scale.scales[scale_offset(op.scale, block_row * columns + column + slice * kept + m)] = own[m].code;
  }
#pragma unroll
  for (int i = 0; i < R; ++i) {
    if (row_of(i) >= n) continue;
    std::uint32_t x[C], c[C];
    unpack<In>(word[i], x);
    op.scheme.template codes<In>(x, finite, s, c);
    const std::size_t at = base + row_of(i) * columns;
    if constexpr (Fake) {
      std::uint32_t y[C];
#pragma unroll
      for (int k = 0; k < C; ++k) y[k] = op.scheme.decoder(s[k].code).template value<Out>(c[k]);
      store_values<Out, C>(out, at, y);
    } else {
      store_codes<S::bits, C>(elements, at / C, c, op.packed);
    }
  }
}

template <class S, FloatData Out, int C>
__global__ void __launch_bounds__(across_threads)
    across_dequantize_kernel(const std::uint8_t* elements, std::size_t outer, std::size_t rows, std::size_t columns,
                             void* out, Operands<S> op) {
  const AcrossPlace place = across_place<S::block, C>(outer, rows, columns);
  if (!place.valid) return;
  const std::size_t block_row = place.block_row, column = place.column, base = place.base;
  const int n = place.rows;
  typename S::Decoder d[C];
#pragma unroll
  for (int k = 0; k < C; ++k)
    d[k] = op.scheme.decoder(op.scale.scales[scale_offset(op.scale, block_row * columns + column + k)]);
#pragma unroll 8
  for (int r = 0; r < n; ++r) {
    std::uint32_t c[C], y[C];
    load_codes<S::bits, C>(elements, (base + r * columns) / C, c, op.packed);
#pragma unroll
    for (int k = 0; k < C; ++k) y[k] = d[k].template value<Out>(c[k]);
    store_values<Out, C>(out, base + r * columns, y);
  }
}

}  // namespace mxref::fast::cuda::kernels
