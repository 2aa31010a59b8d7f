// Host-side CUDA helpers that the launches, the GPU checks and the conformance plug-in share: an error
// check that throws, and device memory freed on scope exit.
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace mxref::fast::cuda {

inline void check(cudaError_t status, const char* what) {
  if (status != cudaSuccess) throw std::runtime_error(std::string("CUDA: ") + what + ": " + cudaGetErrorString(status));
}

// Device memory of n bytes, filled with 0xA5 so that an unwritten byte shows.
class DeviceBytes {
 public:
  explicit DeviceBytes(std::size_t n) : n_(n) {
    check(cudaMalloc(&p_, std::max<std::size_t>(n, 16)), "cudaMalloc");
    check(cudaMemset(p_, 0xA5, std::max<std::size_t>(n, 16)), "cudaMemset");
  }
  DeviceBytes(const DeviceBytes&) = delete;
  DeviceBytes& operator=(const DeviceBytes&) = delete;
  ~DeviceBytes() { cudaFree(p_); }
  std::uint8_t* get() const { return static_cast<std::uint8_t*>(p_); }
  void upload(const void* host) { check(cudaMemcpy(p_, host, n_, cudaMemcpyHostToDevice), "upload"); }
  // After every kernel queued before it has finished.
  std::vector<std::uint8_t> download() const {
    check(cudaDeviceSynchronize(), "kernel");
    std::vector<std::uint8_t> out(n_);
    check(cudaMemcpy(out.data(), p_, n_, cudaMemcpyDeviceToHost), "download");
    return out;
  }

 private:
  void* p_ = nullptr;
  std::size_t n_;
};

}  // namespace mxref::fast::cuda
