// Launch shapes of the contiguous quantize and dequantize kernels against a device copy, in one run on
// one GPU: 16-byte vectors per thread (J) and threads per CTA, beside probes that do only the loads,
// the FP8 conversion and the stores (with the scales stored in different ways). It is how
// fast/cuda/block_kernels.cuh's shapes were chosen (its LaunchShape comments); rates as in
// cuda_block_bench.cu (median of 20 launches, GB/s of bytes read + written, share of the copy measured
// just before).
//   cuda_shape_bench > rows.json
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <type_traits>
#include <vector>

#include "bench/cuda_timing.cuh"
#include "fast/cpu/block_quantize.hpp"
#include "fast/cuda/block_kernels.cuh"

namespace {

using namespace mxref;
using fast::FloatData;
namespace k = fast::cuda::kernels;

using bench::check;
using bench::fill;
using bench::median_ms;

struct Run {
  const void* in;
  void* out;
  std::uint8_t* codes;
  std::uint8_t* scales;
  std::size_t bytes;
  double copy_gbs;
};

// Probes of what the shape itself allows, FP32 -> E4M3 without the block work: the same loads and code
// stores with a fixed factor, and a byte per block of 32 values stored the way Scales says.
enum class Scales { none, bytes, warp_words, cta_words };
constexpr const char* scales_name[] = {"none", "bytes", "warp_words", "cta_words"};

// Stores `bytes` bytes (a multiple of 4) from shared memory, 16 (or 8, or 4) bytes a thread.
__device__ inline void store_staged(std::uint8_t* to, const std::uint8_t* staged, int bytes, int thread) {
  if (bytes >= 16) {
    if (thread < bytes / 16) reinterpret_cast<uint4*>(to)[thread] = reinterpret_cast<const uint4*>(staged)[thread];
  } else if (bytes == 8) {
    if (thread == 0) *reinterpret_cast<uint2*>(to) = *reinterpret_cast<const uint2*>(staged);
  } else if (thread == 0) {
    *reinterpret_cast<std::uint32_t*>(to) = *reinterpret_cast<const std::uint32_t*>(staged);
  }
}

template <int J, int Threads, Scales How>
__global__ void __launch_bounds__(Threads)
    cast_probe(const void* in, std::size_t vectors, std::uint8_t* codes, std::uint8_t* scales) {
  __shared__ __align__(16) std::uint8_t staged[Threads * J / 8];
  const std::size_t warp = (static_cast<std::size_t>(blockIdx.x) * Threads + threadIdx.x) / 32;
  const int lane = static_cast<int>(threadIdx.x % 32), warp_in_cta = static_cast<int>(threadIdx.x / 32);
  std::uint32_t word[J][4];
  k::load_warp_words<J>(in, warp * 32 * J, vectors, word);
#pragma unroll
  for (int j = 0; j < J; ++j) {
    const std::size_t v = warp * 32 * J + static_cast<std::size_t>(j) * 32 + lane;
    const auto f = [&](int i) { return __fmul_rn(__uint_as_float(word[j][i]), 0.25f); };
    if (v < vectors) k::store_bytes<4>(codes, v, k::fp8x4<fast::E4M3>(f(0), f(1), f(2), f(3)));
    if (lane % 8 == 0) {
      const auto scale = static_cast<std::uint8_t>(word[j][0]);
      if (How == Scales::bytes && v < vectors) scales[v / 8] = scale;
      if (How != Scales::none && How != Scales::bytes) staged[warp_in_cta * 4 * J + j * 4 + lane / 8] = scale;
    }
  }
  // (Whole CTAs only: the probe's sizes are multiples of a CTA's vectors.)
  if constexpr (How == Scales::warp_words) {
    __syncwarp();
    store_staged(scales + warp * 4 * J, staged + warp_in_cta * 4 * J, 4 * J, lane);
  } else if constexpr (How == Scales::cta_words) {
    __syncthreads();
    store_staged(scales + static_cast<std::size_t>(blockIdx.x) * Threads * J / 8, staged, Threads * J / 8,
                 static_cast<int>(threadIdx.x));
  }
}

template <int J, int Threads, Scales How>
void probe(const Run& r) {
  const std::size_t vectors = r.bytes / 16, values = vectors * 4;
  const unsigned grid = static_cast<unsigned>((vectors + Threads * J - 1) / (Threads * J));
  const float ms =
      median_ms([&](int) { cast_probe<J, Threads, How><<<grid, Threads>>>(r.in, vectors, r.codes, r.scales); });
  const double moved = static_cast<double>(r.bytes) + values + values / 32.0;
  const double gbs = moved / (ms * 1e-3) / 1e9;
  std::printf(
      "{\"probe\": \"cast, scales %s\", \"data\": \"fp32\", \"input_mib\": %zu, \"J\": %d, \"threads\": %d, "
      "\"ms\": %.4f, \"gbs\": %.1f, \"of_copy\": %.4f}\n",
      scales_name[static_cast<int>(How)], r.bytes >> 20, J, Threads, ms, gbs, gbs / r.copy_gbs);
  std::fflush(stdout);
}

template <class E, FloatData In, int J, int Threads, int MinCtas = 0>
void shape(const Run& r, const char* element, fast::Element e) {
  using S = k::MxScheme<E>;
  const k::Operands<S> op{
      {r.scales, fast::cuda::ScaleLayout::row_major, 1}, {fast::element_constants(e), ScaleRule::ocp}, true};
  auto* kernel = k::contiguous_kernel<S, In, false, FloatData::fp32, J, Threads, MinCtas>;
  const std::size_t vectors = r.bytes / 16, values = vectors * k::values_per_vector<In>;
  const unsigned grid = static_cast<unsigned>((vectors + Threads * J - 1) / (Threads * J));
  const float ms = median_ms([&](int) { kernel<<<grid, Threads>>>(r.in, vectors, r.codes, nullptr, op); });
  const double moved = static_cast<double>(r.bytes) + values * k::code_bits<E>() / 8.0 + values / 32.0;
  const double gbs = moved / (ms * 1e-3) / 1e9;
  cudaFuncAttributes attributes{};
  check(cudaFuncGetAttributes(&attributes, kernel), "attributes");
  std::printf(
      "{\"element\": \"%s\", \"data\": \"%s\", \"input_mib\": %zu, \"J\": %d, \"threads\": %d, \"min_ctas\": %d, "
      "\"registers\": %d, \"grid\": %u, \"ms\": %.4f, \"gbs\": %.1f, \"of_copy\": %.4f}\n",
      element, In == FloatData::fp32 ? "fp32" : "bf16", r.bytes >> 20, J, Threads, MinCtas, attributes.numRegs, grid,
      ms, gbs, gbs / r.copy_gbs);
  std::fflush(stdout);
}

template <int J_, int Threads_, int MinCtas_ = 0>
struct Shape {
  static constexpr int J = J_, threads = Threads_, min_ctas = MinCtas_;
};

template <class E, FloatData In, class... Shapes>
void shapes(const Run& r, const char* element, fast::Element e, Shapes...) {
  (shape<E, In, Shapes::J, Shapes::threads, Shapes::min_ctas>(r, element, e), ...);
}

// Dequantizing the codes and scales that the last quantize of E from FP32 left, to Out.
template <class E, FloatData Out, int J, int Threads>
void dequantize_shape(const Run& r, const char* element, fast::Element e) {
  using S = k::MxScheme<E>;
  const k::Operands<S> op{
      {r.scales, fast::cuda::ScaleLayout::row_major, 1}, {fast::element_constants(e), ScaleRule::ocp}, true};
  auto* kernel = k::contiguous_dequantize_kernel<S, Out, J, Threads>;
  const std::size_t values = r.bytes / 4, vectors = values / k::values_per_vector<Out>;
  const unsigned grid = static_cast<unsigned>((vectors + Threads * J - 1) / (Threads * J));
  const float ms = median_ms([&](int) { kernel<<<grid, Threads>>>(r.codes, vectors, r.out, op); });
  const double moved =
      static_cast<double>(values) * k::value_size<Out> + values * k::code_bits<E>() / 8.0 + values / 32.0;
  const double gbs = moved / (ms * 1e-3) / 1e9;
  cudaFuncAttributes attributes{};
  check(cudaFuncGetAttributes(&attributes, kernel), "attributes");
  std::printf(
      "{\"dequantize\": \"%s\", \"data\": \"%s\", \"input_mib\": %zu, \"J\": %d, \"threads\": %d, "
      "\"registers\": %d, \"ms\": %.4f, \"gbs\": %.1f, \"of_copy\": %.4f}\n",
      element, Out == FloatData::fp32 ? "fp32" : "bf16", r.bytes >> 20, J, Threads, attributes.numRegs, ms, gbs,
      gbs / r.copy_gbs);
  std::fflush(stdout);
}

template <class E, FloatData Out, class... Shapes>
void dequantize_shapes(const Run& r, const char* element, fast::Element e, Shapes...) {
  (dequantize_shape<E, Out, Shapes::J, Shapes::threads>(r, element, e), ...);
}

}  // namespace

int main() {
  for (const std::size_t mib : {1024, 4096}) {
    const std::size_t bytes = mib << 20;
    void *in, *out, *codes, *scales;
    check(cudaMalloc(&in, bytes), "malloc");
    check(cudaMalloc(&out, bytes), "malloc");
    check(cudaMalloc(&codes, bytes / 2), "malloc");
    check(cudaMalloc(&scales, bytes / 32), "malloc");
    fill<<<static_cast<unsigned>((bytes / 4 + 255) / 256), 256>>>(static_cast<std::uint32_t*>(in), bytes / 4, 77);
    check(cudaDeviceSynchronize(), "fill");
    const auto copy = [&] {
      const float ms = median_ms([&](int) { cudaMemcpyAsync(out, in, bytes, cudaMemcpyDeviceToDevice); });
      return 2.0 * bytes / (ms * 1e-3) / 1e9;
    };
    const auto with_copy = [&](auto&& f) {
      const Run r{in, out, static_cast<std::uint8_t*>(codes), static_cast<std::uint8_t*>(scales), bytes, copy()};
      std::printf("{\"copy_gbs\": %.1f, \"input_mib\": %zu}\n", r.copy_gbs, mib);
      f(r);
    };
    // The shapes block_kernels.cuh chose (quantize_shape, dequantize_shape) first, then the others (but
    // MXFP6 dequantizes with Shape<4, 64>, the fourth).
    with_copy([](const Run& r) {
      probe<1, 128, Scales::none>(r);
      probe<1, 128, Scales::bytes>(r);
      probe<1, 128, Scales::cta_words>(r);
      probe<1, 256, Scales::none>(r);
      probe<1, 256, Scales::cta_words>(r);
      probe<2, 128, Scales::none>(r);
      probe<2, 128, Scales::bytes>(r);
      probe<2, 128, Scales::cta_words>(r);
      probe<4, 256, Scales::none>(r);
      probe<4, 256, Scales::bytes>(r);
      probe<4, 256, Scales::warp_words>(r);
    });
    // (Shape<J, threads, min_ctas>: min_ctas CTAs per SM that __launch_bounds__ makes the registers leave
    // room for; none given, the compiler's choice.)
    const auto fp8_shapes = [](const Run& r, auto element) {
      using E = decltype(element);
      constexpr fast::Element e = std::is_same_v<E, fast::E4M3>   ? fast::Element::e4m3
                                  : std::is_same_v<E, fast::E5M2> ? fast::Element::e5m2
                                                                  : fast::Element::int8;
      const char* name = e == fast::Element::e4m3 ? "e4m3" : e == fast::Element::e5m2 ? "e5m2" : "int8";
      shapes<E, FloatData::bf16>(r, name, e, Shape<2, 64, 24>{}, Shape<4, 64, 24>{}, Shape<2, 64>{}, Shape<4, 64>{},
                                 Shape<4, 256>{}, Shape<4, 32>{}, Shape<2, 128>{});
      shapes<E, FloatData::fp32>(r, name, e, Shape<4, 64>{}, Shape<4, 64, 21>{}, Shape<4, 256>{}, Shape<4, 32>{},
                                 Shape<8, 64>{}, Shape<2, 64>{}, Shape<2, 128>{});
      dequantize_shapes<E, FloatData::fp32>(r, name, e, Shape<2, 128>{}, Shape<4, 256>{}, Shape<2, 64>{},
                                            Shape<4, 64>{}, Shape<1, 128>{});
      dequantize_shapes<E, FloatData::bf16>(r, name, e, Shape<2, 128>{}, Shape<4, 256>{}, Shape<2, 64>{},
                                            Shape<4, 64>{}, Shape<1, 128>{});
    };
    const auto small_shapes = [](const Run& r, auto element) {
      using E = decltype(element);
      constexpr fast::Element e = std::is_same_v<E, fast::E3M2> ? fast::Element::e3m2 : fast::Element::e2m1;
      const char* name = e == fast::Element::e3m2 ? "e3m2" : "e2m1";
      shapes<E, FloatData::bf16>(r, name, e, Shape<8, 128>{}, Shape<8, 128, 8>{}, Shape<8, 128, 10>{}, Shape<8, 64>{},
                                 Shape<8, 64, 20>{}, Shape<4, 256>{}, Shape<16, 64>{});
      shapes<E, FloatData::fp32>(r, name, e, Shape<8, 128>{}, Shape<8, 128, 9>{}, Shape<8, 128, 10>{}, Shape<8, 64>{},
                                 Shape<8, 32>{}, Shape<16, 64>{}, Shape<4, 256>{});
      dequantize_shapes<E, FloatData::fp32>(r, name, e, Shape<2, 128>{}, Shape<4, 256>{}, Shape<2, 64>{},
                                            Shape<4, 64>{}, Shape<4, 128>{}, Shape<8, 64>{});
      dequantize_shapes<E, FloatData::bf16>(r, name, e, Shape<2, 128>{}, Shape<4, 256>{}, Shape<2, 64>{},
                                            Shape<4, 64>{}, Shape<4, 128>{}, Shape<8, 64>{});
    };
    with_copy([&](const Run& r) { fp8_shapes(r, fast::E4M3{}); });
    with_copy([&](const Run& r) { fp8_shapes(r, fast::E5M2{}); });
    with_copy([&](const Run& r) { fp8_shapes(r, fast::Int8{}); });
    with_copy([&](const Run& r) { small_shapes(r, fast::E3M2{}); });
    with_copy([&](const Run& r) { small_shapes(r, fast::E2M1{}); });
    for (void* p : {in, out, codes, scales}) cudaFree(p);
  }
  return 0;
}
