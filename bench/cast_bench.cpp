// The reference cast, one element at a time: the slow path every fast path is measured against.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <string>
#include <vector>

#include "fast/cpu/cast_array.hpp"
#include "fast/cpu/element_cast.hpp"
#include "ref/cast.hpp"
#include "ref/format_name.hpp"
#include "ref/splitmix64.hpp"

namespace {

// A fixed spread of fp32 inputs: every exponent, mixed mantissas, both signs (splitmix64 stream).
std::vector<std::uint32_t> inputs() {
  std::vector<std::uint32_t> v(1 << 16);
  mxref::SplitMix64 stream{0};
  for (std::uint32_t& x : v) x = static_cast<std::uint32_t>(stream.next());
  return v;
}

void cast_fp32_to(benchmark::State& state, const char* target, mxref::Model model) {
  const mxref::Format to = mxref::parse_format(target);
  const std::vector<std::uint32_t> in = inputs();
  const mxref::CastOptions options{.overflow = mxref::Overflow::saturate, .nan_to_finite = mxref::NanToFinite::max};
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(mxref::cast(mxref::fp32, to, in[i], options, model));
    i = (i + 1) & (in.size() - 1);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// The fast path over an array (fast/cpu/element_cast.hpp), side by side with the reference above.
template <class F>
void fast_cast_fp32_to(benchmark::State& state) {
  const std::vector<std::uint32_t> in = inputs();
  std::vector<std::uint8_t> out(in.size());
  for (auto _ : state) {
    mxref::fast::cast_fp32<F>(in, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * in.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * in.size() * sizeof(std::uint32_t)));
}
BENCHMARK(fast_cast_fp32_to<mxref::fast::E4M3>)->Name("fast_scalar_loop/e4m3");
BENCHMARK(fast_cast_fp32_to<mxref::fast::E2M1>)->Name("fast_scalar_loop/e2m1");

// The run-time dispatched array cast (fast/cpu/cast_array.hpp): the widest vector ISA the CPU has.
void fast_dispatched(benchmark::State& state, mxref::fast::Element to) {
  const std::vector<std::uint32_t> in = inputs();
  std::vector<std::uint8_t> out(in.size());
  for (auto _ : state) {
    mxref::fast::cast_fp32_array(to, in, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * in.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * in.size() * sizeof(std::uint32_t)));
  state.SetLabel(std::string(mxref::fast::simd_level()));
}
BENCHMARK_CAPTURE(fast_dispatched, e4m3, mxref::fast::Element::e4m3);
BENCHMARK_CAPTURE(fast_dispatched, e2m1, mxref::fast::Element::e2m1);

BENCHMARK_CAPTURE(cast_fp32_to, e4m3_integer, "e4m3", mxref::Model::integer);
BENCHMARK_CAPTURE(cast_fp32_to, e4m3_mpfr, "e4m3", mxref::Model::mpfr);
BENCHMARK_CAPTURE(cast_fp32_to, e2m1_integer, "e2m1", mxref::Model::integer);
BENCHMARK_CAPTURE(cast_fp32_to, e2m1_mpfr, "e2m1", mxref::Model::mpfr);
BENCHMARK_CAPTURE(cast_fp32_to, bf16_integer, "bf16", mxref::Model::integer);
BENCHMARK_CAPTURE(cast_fp32_to, bf16_mpfr, "bf16", mxref::Model::mpfr);
BENCHMARK_CAPTURE(cast_fp32_to, e8m0_integer, "e8m0", mxref::Model::integer);
BENCHMARK_CAPTURE(cast_fp32_to, e8m0_mpfr, "e8m0", mxref::Model::mpfr);

}  // namespace

BENCHMARK_MAIN();
