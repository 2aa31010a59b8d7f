#include "fast/cuda/nvfp4_quantize.hpp"

#include <cuda_runtime.h>

#include <algorithm>
#include <stdexcept>
#include <string>

#include "fast/cuda/launch.cuh"

namespace mxref::fast::cuda::nvfp4 {

namespace {

using Scheme = kernels::Nvfp4Scheme;

constexpr int stats_threads = 256;

// Grid-stride over 16-byte vectors (and then the last values short of one): each thread's part of the
// statistics, then the warp's, then one atomic per warp into stats[0] (the amax bits) and stats[1]
// (bit 0 NaN, bit 1 Inf).
template <FloatData From>
__global__ void __launch_bounds__(stats_threads)
    tensor_stats_kernel(const void* in, std::size_t count, std::uint32_t* stats) {
  constexpr int V = kernels::values_per_vector<From>;
  kernels::PartialStats p;
  const std::size_t step = static_cast<std::size_t>(gridDim.x) * stats_threads;
  const std::size_t first = static_cast<std::size_t>(blockIdx.x) * stats_threads + threadIdx.x;
  const std::size_t vectors = count / V;
  for (std::size_t v = first; v < vectors; v += step) {
    std::uint32_t x[V];
    kernels::load_vector<From>(in, v, x);
#pragma unroll
    for (int i = 0; i < V; ++i) p.add(x[i]);
  }
  for (std::size_t i = vectors * V + first; i < count; i += step) {
    if constexpr (From == FloatData::fp32) p.add(static_cast<const std::uint32_t*>(in)[i]);
    else p.add(std::uint32_t{static_cast<const std::uint16_t*>(in)[i]} << 16);
  }
  for (int offset = 16; offset > 0; offset /= 2) {
    p.amax = max(p.amax, __shfl_xor_sync(kernels::full_warp, p.amax, offset));
    p.flags |= __shfl_xor_sync(kernels::full_warp, p.flags, offset);
  }
  if (threadIdx.x % 32 == 0) {
    atomicMax(stats, p.amax);
    atomicOr(stats + 1, p.flags);
  }
}

kernels::Operands<Scheme> operands(const Spec& spec, const CodeLayout& layout, std::uint8_t* scales) {
  return {{scales, layout.scales, layout.scale_columns}, {spec.rule, spec.tensor}, layout.packed};
}

void require(const Spec& spec, const AxisView& view, const void* a, const void* b) {
  if (!runs_on_nvfp4_path(spec.rule))
    throw std::invalid_argument("the NVFP4 fast path does not run scale rule " + std::string(to_string(spec.rule)));
  if (const std::string why = unsupported(view); !why.empty()) throw std::runtime_error("CUDA path: " + why);
  launch::require_aligned(a, b);
}

}  // namespace

BlockStats tensor_stats(FloatData from, const void* in, std::size_t count, Stream stream) {
  launch::require_aligned(in, in);
  std::uint32_t* device = nullptr;
  check(cudaMallocAsync(reinterpret_cast<void**>(&device), 2 * sizeof(std::uint32_t), stream), "cudaMallocAsync");
  check(cudaMemsetAsync(device, 0, 2 * sizeof(std::uint32_t), stream), "cudaMemsetAsync");
  if (count != 0) {
    // About four vectors a thread, and at most 64 blocks per SM of an H200-sized GPU: enough loads in flight.
    const unsigned grid = std::max(1u, std::min(launch::grid_for(count, stats_threads * 16), 132u * 64u));
    launch::with_data(from, [&]<FloatData From>() {
      tensor_stats_kernel<From><<<grid, stats_threads, 0, stream>>>(in, count, device);
    });
    check(cudaGetLastError(), "tensor_stats kernel");
  }
  std::uint32_t host[2] = {0, 0};
  check(cudaMemcpyAsync(host, device, sizeof host, cudaMemcpyDeviceToHost, stream), "cudaMemcpyAsync");
  check(cudaFreeAsync(device, stream), "cudaFreeAsync");
  check(cudaStreamSynchronize(stream), "tensor_stats");
  return kernels::PartialStats{host[0], host[1]}.stats();
}

std::size_t element_bytes(const AxisView& view, const CodeLayout& layout) {
  return launch::element_bytes(Scheme::bits, view, layout);
}

std::size_t scale_bytes(const AxisView& view, const CodeLayout& layout) {
  return launch::scale_bytes(view.blocks(Scheme::block), layout);
}

std::string unsupported(const AxisView& view) { return launch::unsupported(Scheme::block, view); }

void quantize(const Spec& spec, FloatData from, const void* in, const AxisView& view, std::uint8_t* elements,
              std::uint8_t* scales, const CodeLayout& layout, Stream stream) {
  require(spec, view, in, elements);
  launch::prepare_scales(view.blocks(Scheme::block), layout, scales, stream);
  launch::quantize<false>(operands(spec, layout, scales), from, in, view, elements, FloatData::fp32, nullptr, stream);
}

void fake_quantize(const Spec& spec, FloatData from, const void* in, const AxisView& view, FloatData to, void* out,
                   Stream stream) {
  require(spec, view, in, out);
  launch::quantize<true>(operands(spec, {}, nullptr), from, in, view, nullptr, to, out, stream);
}

void dequantize(const Spec& spec, const std::uint8_t* elements, const std::uint8_t* scales, const AxisView& view,
                const CodeLayout& layout, FloatData to, void* out, Stream stream) {
  require(spec, view, elements, out);
  launch::dequantize(operands(spec, layout, const_cast<std::uint8_t*>(scales)), elements, view, to, out, stream);
}

}  // namespace mxref::fast::cuda::nvfp4
