// fast/cpu block quantization against the machine's memory bandwidth and the slower ways to do the same
// work, in one run (docs/performance.md; bench/block_table.py turns the JSON into the table):
//   copy/<MiB>/<threads>            a STREAM-style copy of the FP32 tensor (the ceiling)
//   quantize/<element>/<MiB>/<t>    FP32 tensor -> element codes + E8M0 scales (fast::quantize, ocp)
//   dequantize/<element>/<MiB>/<t>  codes + scales -> FP32 tensor
//   scalar_loop/e4m3/<MiB>          a plain scalar C++ MXFP8 quantizer, one thread (the peer here)
//   reference/e4m3/1                ref/'s quantize_block, one thread
// Sizes are the FP32 tensor's (1 MiB .. 1 GiB); threads 0 means every hardware thread. Bytes/s count
// the FP32 tensor once: input for quantize and copy, output for dequantize.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "fast/cpu/block_quantize.hpp"
#include "fast/cpu/simd_level.hpp"
#include "ref/block/block_format.hpp"
#include "ref/block/profile.hpp"
#include "ref/block/quantize.hpp"
#include "ref/decode.hpp"
#include "ref/splitmix64.hpp"

namespace {

using mxref::fast::AxisView;
using mxref::fast::FloatData;

constexpr std::size_t mib = std::size_t{1} << 20;

// Activations-like FP32 data: random signs and mantissas over a spread of 2^-20 .. 2^20 (no NaN).
const std::vector<std::uint32_t>& tensor(std::size_t bytes) {
  static std::map<std::size_t, std::vector<std::uint32_t>> cache;
  std::vector<std::uint32_t>& v = cache[bytes];
  if (v.empty()) {
    v.resize(bytes / 4);
    mxref::SplitMix64 stream{bytes};
    for (std::uint32_t& x : v) {
      const std::uint64_t r = stream.next();
      x = static_cast<std::uint32_t>(r >> 63) << 31 | static_cast<std::uint32_t>(107 + (r >> 32) % 40) << 23 |
          (static_cast<std::uint32_t>(r) & 0x7FFFFF);
    }
  }
  return v;
}

unsigned threads_of(const benchmark::State& state) {
  return state.range(1) == 0 ? std::max(1u, std::thread::hardware_concurrency())
                             : static_cast<unsigned>(state.range(1));
}

mxref::fast::BlockSpec spec_of(const char* format) {
  return *mxref::fast::fast_block_spec(mxref::parse_block_format(format), mxref::find_profile("ocp"));
}

void label(benchmark::State& state, std::size_t bytes) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.SetLabel(std::string(mxref::fast::name(mxref::fast::runnable_levels().front())) + ", " +
                 std::to_string(threads_of(state)) + " threads");
}

// Chunks of the copy spread over threads as fast::quantize spreads its blocks (a thread per chunk,
// started per call), so the two pay the same start-up.
void copy(benchmark::State& state) {
  const std::size_t bytes = static_cast<std::size_t>(state.range(0)) * mib;
  const auto& in = tensor(bytes);
  std::vector<std::uint32_t> out(in.size());
  const unsigned threads = threads_of(state);
  for (auto _ : state) {
    const auto part = [&](unsigned t) {
      const std::size_t first = in.size() * t / threads, last = in.size() * (t + 1) / threads;
      std::memcpy(out.data() + first, in.data() + first, (last - first) * 4);
    };
    std::vector<std::jthread> workers;
    for (unsigned t = 1; t < threads; ++t) workers.emplace_back(part, t);
    part(0);
    workers.clear();
    benchmark::ClobberMemory();
  }
  label(state, bytes);
}

// The benchmark's FP32 tensor and room for its codes.
struct Tensor {
  explicit Tensor(const benchmark::State& state, const char* format)
      : bytes(static_cast<std::size_t>(state.range(0)) * mib),
        values(tensor(bytes)),
        view{1, values.size(), 1},
        spec(spec_of(format)),
        elements(values.size()),
        scales(values.size() / 32) {}
  std::size_t bytes;
  const std::vector<std::uint32_t>& values;
  AxisView view;
  mxref::fast::BlockSpec spec;
  std::vector<std::uint8_t> elements, scales;
};

void quantize(benchmark::State& state, const char* format) {
  Tensor t(state, format);
  for (auto _ : state) {
    mxref::fast::quantize(t.spec, FloatData::fp32, t.values.data(), t.view, t.elements.data(), t.scales.data(),
                          {.threads = threads_of(state)});
    benchmark::ClobberMemory();
  }
  label(state, t.bytes);
}

void dequantize(benchmark::State& state, const char* format) {
  Tensor t(state, format);
  mxref::fast::quantize(t.spec, FloatData::fp32, t.values.data(), t.view, t.elements.data(), t.scales.data());
  std::vector<std::uint32_t> out(t.values.size());
  for (auto _ : state) {
    mxref::fast::dequantize(t.spec, t.elements.data(), t.scales.data(), t.view, FloatData::fp32, out.data(),
                            {.threads = threads_of(state)});
    benchmark::ClobberMemory();
  }
  label(state, t.bytes);
}

// What a user would write without mxref: per block, amax, X = 2^(floor(log2 amax) - 8), then each
// value divided by X, clamped to ±448 and rounded to E4M3 with the C library (frexp/nearbyint).
std::uint8_t scalar_e4m3(float v) {
  const float a = std::min(std::fabs(v), 448.0f);
  std::uint8_t sign = std::signbit(v) ? 0x80 : 0;
  if (std::isnan(v)) return sign | 0x7F;
  int e = 0;
  std::frexp(a, &e);                                  // a = m x 2^e, m in [0.5, 1)
  const int exponent = std::max(e - 1, -6);           // E4M3's binade (subnormals below 2^-6)
  const float step = std::ldexp(1.0f, exponent - 3);  // 3 mantissa bits
  const float q = std::nearbyint(a / step) * step;
  if (q == 0) return sign;
  int qe = 0;
  const float qm = std::frexp(q, &qe);
  if (qe - 1 < -6) return sign | static_cast<std::uint8_t>(q / std::ldexp(1.0f, -9));
  return sign | static_cast<std::uint8_t>((qe - 1 + 7) << 3 | (static_cast<int>(qm * 16) & 7));
}

void scalar_loop(benchmark::State& state) {
  const std::size_t bytes = static_cast<std::size_t>(state.range(0)) * mib;
  const auto& in = tensor(bytes);
  std::vector<std::uint8_t> elements(in.size()), scales(in.size() / 32);
  for (auto _ : state) {
    for (std::size_t b = 0; b < in.size() / 32; ++b) {
      float amax = 0;
      for (std::size_t i = 0; i < 32; ++i) amax = std::max(amax, std::fabs(std::bit_cast<float>(in[32 * b + i])));
      const int e = amax == 0 ? -127 : std::clamp(static_cast<int>(std::floor(std::log2(amax))) - 8, -127, 127);
      scales[b] = static_cast<std::uint8_t>(e + 127);
      for (std::size_t i = 0; i < 32; ++i)
        elements[32 * b + i] = scalar_e4m3(std::ldexp(std::bit_cast<float>(in[32 * b + i]), -e));
    }
    benchmark::ClobberMemory();
  }
  label(state, bytes);
  // The peer must do the same work: say how many of its codes equal mxref's.
  std::vector<std::uint8_t> fast_elements(in.size()), fast_scales(in.size() / 32);
  mxref::fast::quantize(spec_of("mxfp8_e4m3"), FloatData::fp32, in.data(), {1, in.size(), 1}, fast_elements.data(),
                        fast_scales.data());
  std::size_t same = 0;
  for (std::size_t i = 0; i < in.size(); ++i)
    same += elements[i] == fast_elements[i] && scales[i / 32] == fast_scales[i / 32];
  state.SetLabel("1 thread, " + std::to_string(100.0 * static_cast<double>(same) / static_cast<double>(in.size())) +
                 "% of codes as mxref's");
}

void reference(benchmark::State& state) {
  const std::size_t bytes = static_cast<std::size_t>(state.range(0)) * mib;
  const auto& in = tensor(bytes);
  const mxref::BlockFormat format = mxref::parse_block_format("mxfp8_e4m3");
  const mxref::Profile& ocp = mxref::find_profile("ocp");
  std::vector<mxref::Value> block(32);
  for (auto _ : state) {
    for (std::size_t b = 0; b < in.size() / 32; ++b) {
      for (std::size_t i = 0; i < 32; ++i) block[i] = mxref::decode(mxref::fp32, in[32 * b + i]);
      benchmark::DoNotOptimize(mxref::quantize_block(format, ocp, block));
    }
  }
  label(state, bytes);
}

void sizes(benchmark::internal::Benchmark* b) {
  for (const int threads : {1, 0})
    for (const int size : {1, 16, 256, 1024}) b->Args({size, threads});
  b->UseRealTime()->Unit(benchmark::kMillisecond);
}

BENCHMARK(copy)->Apply(sizes);
BENCHMARK_CAPTURE(quantize, e4m3, "mxfp8_e4m3")->Apply(sizes);
BENCHMARK_CAPTURE(quantize, e2m3, "mxfp6_e2m3")->Apply(sizes);
BENCHMARK_CAPTURE(quantize, e2m1, "mxfp4_e2m1")->Apply(sizes);
BENCHMARK_CAPTURE(dequantize, e4m3, "mxfp8_e4m3")->Apply(sizes);
BENCHMARK_CAPTURE(dequantize, e2m3, "mxfp6_e2m3")->Apply(sizes);
BENCHMARK_CAPTURE(dequantize, e2m1, "mxfp4_e2m1")->Apply(sizes);
BENCHMARK(scalar_loop)->Args({1, 1})->Args({16, 1})->Args({256, 1})->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(reference)->Args({1, 1})->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
