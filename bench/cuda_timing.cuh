// What the GPU benchmarks share: CUDA error checks, the input fill, and the median launch time.
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

namespace mxref::bench {

inline void check(cudaError_t status, const char* what) {
  if (status != cudaSuccess) {
    std::fprintf(stderr, "%s: %s\n", what, cudaGetErrorString(status));
    std::exit(1);
  }
}

// Numbers of both signs spread over about 2^-15 .. 2^16, none zero, NaN or Inf, read as FP32 words or
// as BF16 halves: each 16-bit half is a sign, an exponent field 112 .. 143 and 7 random mantissa bits.
__global__ inline void fill(std::uint32_t* words, std::size_t n, std::uint32_t seed) {
  const std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= n) return;
  std::uint32_t h = static_cast<std::uint32_t>(i) * 0x9E3779B1u ^ seed;
  h ^= h >> 15, h *= 0x2C1B3C6Du, h ^= h >> 12, h *= 0x297A2D39u, h ^= h >> 15;
  const auto half = [](std::uint32_t r) { return (r & 0x8000u) | (112u + (r >> 7 & 31u)) << 7 | (r & 0x7Fu); };
  words[i] = half(h >> 16) << 16 | half(h & 0xFFFFu);
}

// The medians of 20 timed launches of each of `launches`, taken in turns (after 3 warm-up turns), so
// that a drift of the GPU's speed during the run touches each alike; launches[k](i) uses input set i
// (of `sets`).
inline std::vector<float> interleaved_median_ms(const std::vector<std::function<void(int)>>& launches, int sets = 1) {
  cudaEvent_t start, stop;
  check(cudaEventCreate(&start), "event");
  check(cudaEventCreate(&stop), "event");
  std::vector<std::vector<float>> ms(launches.size());
  for (int turn = 0; turn < 23; ++turn)
    for (std::size_t k = 0; k < launches.size(); ++k) {
      check(cudaEventRecord(start), "record");
      launches[k](turn % sets);
      check(cudaEventRecord(stop), "record");
      check(cudaEventSynchronize(stop), "sync");
      float t = 0;
      check(cudaEventElapsedTime(&t, start, stop), "elapsed");
      if (turn >= 3) ms[k].push_back(t);
    }
  check(cudaGetLastError(), "launch");
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  std::vector<float> medians;
  for (std::vector<float>& m : ms) {
    std::sort(m.begin(), m.end());
    medians.push_back(m[m.size() / 2]);
  }
  return medians;
}

// The median of 20 timed launches after 3 warm-ups; launch(i) uses input set i (of `sets`).
inline float median_ms(const std::function<void(int)>& launch, int sets = 1) {
  return interleaved_median_ms({launch}, sets)[0];
}

}  // namespace mxref::bench
