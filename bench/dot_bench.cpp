// 32-element MXFP8 (E4M3) dot products on one thread: dot() under the exact model (its integer path)
// beside exact_dot (the same sum in Dyadic arithmetic throughout, as dot() took it before) and a hardware
// model on the general path. Random finite codes; C a random FP32 value.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <vector>

#include "ref/block/block_format.hpp"
#include "ref/dot/dot.hpp"
#include "ref/splitmix64.hpp"

namespace {

std::vector<mxref::DotProblem> problems() {
  const mxref::BlockFormat f = mxref::parse_block_format("mxfp8_e4m3");
  mxref::SplitMix64 rng{1};
  const auto finite = [&] {
    std::uint64_t code = rng.next() & 0xFF;
    return (code & 0x7F) == 0x7F ? code - 1 : code;  // E4M3's NaNs left out: the common case is timed
  };
  std::vector<mxref::DotProblem> out(256);
  for (mxref::DotProblem& p : out) {
    for (mxref::DotOperand* o : {&p.a, &p.b}) {
      o->format = f;
      mxref::DotBlock block{120 + rng.next() % 16, {}};
      for (int i = 0; i < 32; ++i) block.elements.push_back(finite());
      o->blocks.push_back(block);
    }
    p.c = 0x3F800000 ^ (rng.next() & 0x807FFFFF);
  }
  return out;
}

void run(benchmark::State& state, const mxref::AccumulationModel& model) {
  const std::vector<mxref::DotProblem> ps = problems();
  std::size_t i = 0;
  for (auto _ : state) benchmark::DoNotOptimize(mxref::dot(ps[i++ % ps.size()], mxref::fp32, {}, model).code);
  state.SetItemsProcessed(state.iterations());
}

void BM_dot_exact(benchmark::State& state) { run(state, mxref::exact_accumulation()); }
void BM_dot_sm90_wgmma_fp8(benchmark::State& state) { run(state, mxref::find_accumulation_model("sm90-wgmma-fp8")); }

void BM_exact_dot_dyadic(benchmark::State& state) {
  const std::vector<mxref::DotProblem> ps = problems();
  std::size_t i = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(mxref::exact_dot(ps[i++ % ps.size()], mxref::fp32, mxref::Rounding::rne).kind);
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(BM_dot_exact);
BENCHMARK(BM_exact_dot_dyadic);
BENCHMARK(BM_dot_sm90_wgmma_fp8);

}  // namespace

BENCHMARK_MAIN();
