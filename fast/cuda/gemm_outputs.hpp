// What the GPU GEMMs (exact_gemm.cu, fused_gemm.cu) share around their kernels: the input's shapes checked and
// its operands put on the device, the kernel timed between two CUDA events, and D gathered from the device
// with the outputs the kernel flagged settled on the host.
#pragma once

#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "fast/cuda/device_memory.hpp"
#include "fast/cuda/exact_gemm.hpp"

namespace mxref::fast::cuda {

// A GEMM's operands on the device (A's and B's codes and scales, C if given) and room for D and the flags of
// the outputs the host settles. Throws std::invalid_argument, naming `who`, where the input's sizes disagree
// with its shape or its block size is not 16 or 32.
struct DeviceGemm {
  DeviceBytes a_codes, a_scales, b_codes, b_scales, c, d, settle;

  DeviceGemm(const ExactGemmInput& in, const char* who)
      : a_codes(checked(in, who).a_codes.size()),
        a_scales(in.a_scales.size()),
        b_codes(in.b_codes.size()),
        b_scales(in.b_scales.size()),
        c(in.c.size() * 4),
        d(in.m * in.n * 4),
        settle(in.m * in.n) {
    a_codes.upload(in.a_codes.data());
    a_scales.upload(in.a_scales.data());
    b_codes.upload(in.b_codes.data());
    b_scales.upload(in.b_scales.data());
    if (!in.c.empty()) c.upload(in.c.data());
  }
  const std::uint32_t* c_bits(const ExactGemmInput& in) const {
    return in.c.empty() ? nullptr : reinterpret_cast<const std::uint32_t*>(c.get());
  }
  std::uint32_t* d_bits() const { return reinterpret_cast<std::uint32_t*>(d.get()); }

 private:
  static const ExactGemmInput& checked(const ExactGemmInput& in, const char* who) {
    const auto block = static_cast<std::size_t>(in.a.block_size);
    if (in.a.block_size != in.b.block_size || (block != 16 && block != 32))
      throw std::invalid_argument(std::string(who) + ": blocks of 16 or 32 along K, the same for A and B");
    if (in.k % block != 0 || in.a_codes.size() != in.m * in.k || in.b_codes.size() != in.n * in.k ||
        in.a_scales.size() != in.m * in.k / block || in.b_scales.size() != in.n * in.k / block ||
        (!in.c.empty() && in.c.size() != in.m * in.n))
      throw std::invalid_argument(std::string(who) + ": shapes disagree");
    return in;
  }
};

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
