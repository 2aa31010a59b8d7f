// A block's statistics across the lanes of a warp that hold it: the full reduction (NaN and Inf
// included) and the reduce-scatter of finite blocks' maxima, and a scheme's choice passed between lanes.
#pragma once

#include <cstdint>

#include "fast/cpu/nvfp4_scalar.hpp"
#include "fast/cuda/kernels/basics.cuh"

namespace mxref::fast::cuda::kernels {

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

}  // namespace mxref::fast::cuda::kernels
