// What the GPU GEMMs (exact_gemm.cu, fused_gemm.cu) share around their kernels: the kernel timed between two
// CUDA events, and D gathered from the device with the outputs the kernel flagged settled on the host.
#pragma once

#include <cstring>
#include <vector>

#include "fast/cuda/device_memory.hpp"
#include "fast/cuda/exact_gemm.hpp"

namespace mxref::fast::cuda {

// Seconds that `launch` (one kernel launch) takes on the device.
template <class Launch>
double kernel_seconds(const Launch& launch, const char* what) {
  cudaEvent_t start, stop;
  check(cudaEventCreate(&start), "cudaEventCreate");
  check(cudaEventCreate(&stop), "cudaEventCreate");
  check(cudaEventRecord(start), "cudaEventRecord");
  launch();
  check(cudaGetLastError(), what);
  check(cudaEventRecord(stop), "cudaEventRecord");
  check(cudaEventSynchronize(stop), "cudaEventSynchronize");
  float milliseconds = 0;
  check(cudaEventElapsedTime(&milliseconds, start, stop), "cudaEventElapsedTime");
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  return milliseconds / 1000.0;
}

// D (m x n FP32 bit patterns) from the device; each output whose flag is set becomes settle(i, j).
template <class Settle>
ExactGemmResult gathered(const DeviceBytes& d, const DeviceBytes& flags, std::size_t n, double seconds,
                         const Settle& settle) {
  ExactGemmResult result;
  result.kernel_seconds = seconds;
  const std::vector<std::uint8_t> bytes = d.download(), flagged = flags.download();
  result.d.resize(flagged.size());
  std::memcpy(result.d.data(), bytes.data(), bytes.size());
  for (std::size_t at = 0; at < flagged.size(); ++at) {
    if (!flagged[at]) continue;
    result.d[at] = static_cast<std::uint32_t>(settle(at / n, at % n));
    ++result.settled_on_host;
  }
  return result;
}

}  // namespace mxref::fast::cuda
