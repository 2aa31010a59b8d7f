// The opt-in sweep: fast::cast_fp32 against ref/ on every one of the 2^32 FP32 inputs, for every element
// format and both overflow modes, over all cores. Too long for CI (minutes on 16 cores); results are
// recorded in docs/performance.md. Usage: fast_exhaustive_sweep [threads] [--dispatched]
// --dispatched: every run-time dispatched array path (fast/cpu/cast_array.hpp) against the scalar
// function instead, on all 2^32 inputs (minutes on two cores: the scalar function is itself fast).
// --block-lanes: the block path's sixteen-lane saturating casts (fast/cpu/block_lanes.hpp) on every
// FP32 input, NaN as the default NaN the block path hands them: the float formats against cast_fp32
// (proven above), MXINT8's against ref/ itself.
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <string>
#include <vector>

#include "fast/cpu/block_lanes.hpp"
#include "fast/cpu/cast_array.hpp"
#include "fast/cpu/element_cast.hpp"
#include "ref/cast.hpp"
#include "ref/format.hpp"

namespace {

template <class F>
std::uint64_t sweep(const mxref::Format& to, bool saturate, unsigned threads) {
  std::atomic<std::uint64_t> mismatches{0};
  std::atomic<std::uint64_t> next{0};
  constexpr std::uint64_t chunk = std::uint64_t{1} << 20;
  const mxref::CastOptions o{.rounding = mxref::Rounding::rne,
                             .overflow = saturate ? mxref::Overflow::saturate : mxref::Overflow::natural,
                             .nan_to_finite = mxref::NanToFinite::zero};
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (std::uint64_t start; (start = next.fetch_add(chunk)) < (std::uint64_t{1} << 32);)
        for (std::uint64_t x = start; x < start + chunk; ++x) {
          const auto bits = static_cast<std::uint32_t>(x);
          if (mxref::fast::cast_fp32<F>(bits, saturate) != mxref::cast(mxref::fp32, to, bits, o).code) {
            if (mismatches.fetch_add(1) < 5) std::printf("  mismatch at 0x%08x\n", bits);
          }
        }
    });
  for (std::thread& t : pool) t.join();
  return mismatches;
}

template <class F>
std::uint64_t both(const char* name, const mxref::Format& to, unsigned threads) {
  std::uint64_t total = 0;
  for (const bool saturate : {true, false}) {
    const std::uint64_t m = sweep<F>(to, saturate, threads);
    std::printf("%s %s: 4294967296 inputs, %llu mismatches\n", name, saturate ? "saturate" : "natural",
                static_cast<unsigned long long>(m));
    std::fflush(stdout);
    total += m;
  }
  return total;
}

template <class F>
std::uint64_t dispatched(const char* name, mxref::fast::Element e, unsigned threads) {
  std::uint64_t total = 0;
  for (const std::string_view level : mxref::fast::simd_levels())
    for (const bool saturate : {true, false}) {
      std::atomic<std::uint64_t> mismatches{0}, next{0};
      constexpr std::uint64_t chunk = std::uint64_t{1} << 20;
      std::vector<std::thread> pool;
      for (unsigned t = 0; t < threads; ++t)
        pool.emplace_back([&] {
          std::vector<std::uint32_t> in(chunk);
          std::vector<std::uint8_t> out(chunk);
          for (std::uint64_t start; (start = next.fetch_add(chunk)) < (std::uint64_t{1} << 32);) {
            for (std::uint64_t k = 0; k < chunk; ++k) in[k] = static_cast<std::uint32_t>(start + k);
            mxref::fast::cast_fp32_array_at(level, e, in, out, saturate);
            for (std::uint64_t k = 0; k < chunk; ++k)
              if (out[k] != mxref::fast::cast_fp32<F>(in[k], saturate)) mismatches.fetch_add(1);
          }
        });
      for (std::thread& t : pool) t.join();
      std::printf("%s %s %s: 4294967296 inputs, %llu mismatches\n", name, std::string(level).c_str(),
                  saturate ? "saturate" : "natural", static_cast<unsigned long long>(mismatches.load()));
      std::fflush(stdout);
      total += mismatches;
    }
  return total;
}

// Every input x through block_cast<E> sixteen at a time, against `expected(canonical x)`.
template <class E, class Expected>
std::uint64_t block_lanes(const char* name, Expected expected, unsigned threads) {
  std::atomic<std::uint64_t> mismatches{0}, next{0};
  constexpr std::uint64_t chunk = std::uint64_t{1} << 16;
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (std::uint64_t start; (start = next.fetch_add(chunk)) < (std::uint64_t{1} << 32);)
        for (std::uint64_t x = start; x < start + chunk; x += mxref::fast::lanes::width) {
          mxref::fast::lanes::U32 v;
          for (std::uint32_t k = 0; k < mxref::fast::lanes::width; ++k) {
            const auto bits = static_cast<std::uint32_t>(x + k);
            v[k] = (bits & 0x7FFFFFFFu) > 0x7F800000u ? (bits & 0x80000000u) | 0x7FC00000u : bits;
          }
          const mxref::fast::lanes::U32 codes = mxref::fast::lanes::block_cast<E>(v);
          for (std::uint32_t k = 0; k < mxref::fast::lanes::width; ++k)
            if (codes[k] != expected(v[k]) && mismatches.fetch_add(1) < 5)
              std::printf("  mismatch at 0x%08x: 0x%02x\n", static_cast<unsigned>(x + k),
                          static_cast<unsigned>(codes[k]));
        }
    });
  for (std::thread& t : pool) t.join();
  std::printf("%s block lanes: 4294967296 inputs, %llu mismatches\n", name,
              static_cast<unsigned long long>(mismatches.load()));
  std::fflush(stdout);
  return mismatches;
}

template <class F>
std::uint64_t block_lanes_float(const char* name, unsigned threads) {
  return block_lanes<F>(
      name, [](std::uint32_t x) { return mxref::fast::cast_fp32<F>(x, true, true); }, threads);
}

}  // namespace

int main(int argc, char** argv) {
  const unsigned threads = argc > 1 ? static_cast<unsigned>(std::atoi(argv[1])) : std::thread::hardware_concurrency();
  std::uint64_t total = 0;
  if (argc > 2 && std::string(argv[2]) == "--dispatched") {
    total += dispatched<mxref::fast::E4M3>("e4m3", mxref::fast::Element::e4m3, threads);
    total += dispatched<mxref::fast::E5M2>("e5m2", mxref::fast::Element::e5m2, threads);
    total += dispatched<mxref::fast::E3M2>("e3m2", mxref::fast::Element::e3m2, threads);
    total += dispatched<mxref::fast::E2M3>("e2m3", mxref::fast::Element::e2m3, threads);
    total += dispatched<mxref::fast::E2M1>("e2m1", mxref::fast::Element::e2m1, threads);
    return total == 0 ? 0 : 1;
  }
  if (argc > 2 && std::string(argv[2]) == "--block-lanes") {
    total += block_lanes_float<mxref::fast::E4M3>("e4m3", threads);
    total += block_lanes_float<mxref::fast::E5M2>("e5m2", threads);
    total += block_lanes_float<mxref::fast::E3M2>("e3m2", threads);
    total += block_lanes_float<mxref::fast::E2M3>("e2m3", threads);
    total += block_lanes_float<mxref::fast::E2M1>("e2m1", threads);
    const mxref::CastOptions saturating{.rounding = mxref::Rounding::rne,
                                        .overflow = mxref::Overflow::saturate,
                                        .nan_to_finite = mxref::NanToFinite::zero};
    total += block_lanes<mxref::fast::Int8>(
        "int8", [&](std::uint32_t x) { return mxref::cast(mxref::fp32, mxref::int8, x, saturating).code; }, threads);
    return total == 0 ? 0 : 1;
  }
  total += both<mxref::fast::E4M3>("e4m3", mxref::e4m3, threads);
  total += both<mxref::fast::E5M2>("e5m2", mxref::e5m2, threads);
  total += both<mxref::fast::E3M2>("e3m2", mxref::e3m2, threads);
  total += both<mxref::fast::E2M3>("e2m3", mxref::e2m3, threads);
  total += both<mxref::fast::E2M1>("e2m1", mxref::e2m1, threads);
  return total == 0 ? 0 : 1;
}
