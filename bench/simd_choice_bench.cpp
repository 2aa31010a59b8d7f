// The measurement behind fast/cpu's SIMD choice (docs/performance.md): the block path's inner loop —
// FP32 values times the block's factor, cast to E4M3 codes (saturating RNE) — written once with GCC
// vector extensions (fast/cpu/lanes.hpp, block_lanes.hpp: what fast/cpu runs) and once with Google
// Highway (Debian's libhwy-dev), each at the widest target the CPU has, on the same data in one run.
// Both must give the same codes; a case that does not is reported as an error, not timed.
//   highway/<values>, vector_extension/<values>: values per call (in cache, so arithmetic decides)

// Highway compiles this file once per target through foreach_target.h; these macros are its interface.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "bench/simd_choice_bench.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

HWY_BEFORE_NAMESPACE();
namespace mxref_simd_choice::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// fl32(x * factor) -> E4M3, the arithmetic of lanes::block_cast<E4M3, false>, in Highway's operations.
void cast_e4m3(const float* in, float factor, std::uint8_t* out, std::size_t n) {
  const hn::ScalableTag<float> df;
  const hn::RebindToUnsigned<decltype(df)> du;
  const hn::RebindToSigned<decltype(df)> di;
  const hn::Rebind<std::uint8_t, decltype(di)> d8;
  const auto f = hn::Set(df, factor);
  const auto largest = hn::Set(du, 0x43E00000u);         // 448
  const auto smallest_normal = hn::Set(di, 0x3C800000);  // 2^-6
  const auto round_and_rebias = hn::Set(du, ((1u << 19) - 1) - (120u << 23));
  const auto magnet = hn::Set(du, 141u << 23);  // 2^14: its ulp is E4M3's step 2^-9
  for (std::size_t i = 0; i < n; i += hn::Lanes(df)) {
    const auto s = hn::BitCast(du, hn::Mul(hn::LoadU(df, in + i), f));
    const auto a = hn::Min(hn::And(s, hn::Set(du, 0x7FFFFFFFu)), largest);
    const auto normal =
        hn::ShiftRight<20>(hn::Add(hn::Add(a, round_and_rebias), hn::And(hn::ShiftRight<20>(a), hn::Set(du, 1u))));
    const auto subnormal = hn::Sub(hn::BitCast(du, hn::Add(hn::BitCast(df, a), hn::BitCast(df, magnet))), magnet);
    const auto sign = hn::And(hn::ShiftRight<24>(s), hn::Set(du, 0x80u));
    const auto code = hn::Or(
        sign, hn::IfThenElse(hn::RebindMask(du, hn::Lt(hn::BitCast(di, a), smallest_normal)), subnormal, normal));
    hn::StoreU(hn::DemoteTo(d8, hn::BitCast(di, code)), d8, out + i);
  }
}

}  // namespace mxref_simd_choice::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <benchmark/benchmark.h>

#include <vector>

#include "fast/cpu/block_lanes.hpp"
#include "ref/splitmix64.hpp"

namespace mxref_simd_choice {

HWY_EXPORT(cast_e4m3);

// What fast/cpu's group loop does for each block, inlined into one function per target.
[[gnu::always_inline]] inline void lanes_cast(const float* in, float factor, std::uint8_t* out, std::size_t n) {
  namespace lanes = mxref::fast::lanes;
  for (std::size_t i = 0; i < n; i += lanes::width) {
    const lanes::U32 x = lanes::load_fp32(reinterpret_cast<const std::uint8_t*>(in + i));
    lanes::store_codes(out + i,
                       lanes::block_cast<mxref::fast::E4M3, false>(lanes::as_bits(lanes::as_float(x) * factor)));
  }
}
[[gnu::target("avx512f,avx512bw,avx512vl")]] void vector_extension_avx512(const float* in, float factor,
                                                                          std::uint8_t* out, std::size_t n) {
  lanes_cast(in, factor, out, n);
}
void vector_extension_baseline(const float* in, float factor, std::uint8_t* out, std::size_t n) {
  lanes_cast(in, factor, out, n);
}

using Kernel = void (*)(const float*, float, std::uint8_t*, std::size_t);

Kernel vector_extension() {
  return __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") ? vector_extension_avx512
                                                                                  : vector_extension_baseline;
}

// Values in E4M3's range after the factor, with random signs and mantissas (none NaN or Inf).
const std::vector<float>& values(std::size_t n) {
  static std::vector<float> v;
  if (v.size() != n) {
    v.resize(n);
    mxref::SplitMix64 stream{n};
    for (float& x : v) {
      const std::uint64_t r = stream.next();
      const std::uint32_t bits = static_cast<std::uint32_t>(r >> 63) << 31 |
                                 static_cast<std::uint32_t>(107 + (r >> 32) % 40) << 23 |
                                 (static_cast<std::uint32_t>(r) & 0x7FFFFF);
      std::memcpy(&x, &bits, 4);
    }
  }
  return v;
}

constexpr float factor = 0x1p-11f;  // the ocp scale of a block whose amax is 2^19

void run(benchmark::State& state, Kernel kernel, const char* label) {
  const std::size_t n = static_cast<std::size_t>(state.range(0));
  const std::vector<float>& in = values(n);
  std::vector<std::uint8_t> out(n), other(n);
  kernel(in.data(), factor, out.data(), n);
  (kernel == vector_extension() ? HWY_DYNAMIC_DISPATCH(cast_e4m3) : vector_extension())(in.data(), factor, other.data(),
                                                                                        n);
  if (out != other) {
    state.SkipWithError("Highway and the vector-extension kernel disagree");
    return;
  }
  for (auto _ : state) {
    kernel(in.data(), factor, out.data(), n);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * n * 4));
  state.SetLabel(label);
}

void highway(benchmark::State& state) {
  run(state, HWY_DYNAMIC_DISPATCH(cast_e4m3),
      hwy::TargetName(hwy::SupportedTargets() & ~(hwy::SupportedTargets() - 1)));
}
void vector_extension_kernel(benchmark::State& state) {
  run(state, vector_extension(), vector_extension() == vector_extension_avx512 ? "avx512" : "baseline");
}

BENCHMARK(highway)->Arg(4096)->Arg(65536);
BENCHMARK(vector_extension_kernel)->Name("vector_extension")->Arg(4096)->Arg(65536);

}  // namespace mxref_simd_choice

BENCHMARK_MAIN();
#endif  // HWY_ONCE
