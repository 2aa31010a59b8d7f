// Opt-in sweeps of the GPU path, run on the lent GPU (docs/performance.md records them):
//   fast_cuda_sweep casts               every FP32 input through each element cast (full and finite-block
//                                        paths) and the BF16 rounding, GPU against CPU
//   fast_cuda_sweep blocks [N] [format] [seed]  N random blocks (default 10^8) per element format
//                                        (format "all": every one), through quantize, dequantize and
//                                        fake_quantize, GPU against CPU; another seed draws other blocks
// exit 0: no difference; 1: differences (the first printed); 2: bad arguments.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "fast/cuda/block_quantize.hpp"
#include "fast/cuda/tests/cuda_check.hpp"
#include "ref/splitmix64.hpp"

namespace {

using namespace mxref;

constexpr std::string_view element_names[] = {"e4m3", "e5m2", "e3m2", "e2m3", "e2m1", "int8"};

int sweep_casts() {
  std::size_t total = 0;
  constexpr std::uint64_t chunk = std::uint64_t{1} << 30;
  for (int e = 0; e < 6; ++e) {
    std::size_t differ = 0;
    for (std::uint64_t first = 0; first < (std::uint64_t{1} << 32); first += chunk)
      differ += cuda_check::compare_element_casts(static_cast<fast::BlockElement>(e), first, chunk);
    std::printf("casts %-5s 4294967296 FP32 inputs x 2 paths, %zu differ\n", element_names[e].data(), differ);
    total += differ;
  }
  std::size_t differ = 0;
  for (std::uint64_t first = 0; first < (std::uint64_t{1} << 32); first += chunk) differ += cuda_check::compare_bf16_rounding(first, chunk);
  std::printf("bf16  rounding 4294967296 FP32 inputs, %zu differ\n", differ);
  total += differ;
  return total == 0 ? 0 : 1;
}

// One chunk's blocks, drawn on every core (random_blocks is sequential within a stream).
std::vector<std::uint32_t> draw_blocks(std::uint64_t seed, std::size_t blocks) {
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t per = (blocks + threads - 1) / threads;
  std::vector<std::uint32_t> out(blocks * 32);
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      const std::size_t first = std::min(blocks, t * per), count = std::min(blocks, first + per) - first;
      SplitMix64 stream{seed * 1000 + t};
      const std::vector<std::uint32_t> part = fast_check::random_blocks(stream, 32, count);
      std::copy(part.begin(), part.end(), out.begin() + static_cast<std::ptrdiff_t>(first * 32));
    });
  for (std::thread& t : pool) t.join();
  return out;
}

int sweep_blocks(std::size_t per_element, std::string_view only, std::uint64_t seed) {
  constexpr std::size_t chunk = std::size_t{1} << 21;  // blocks: 256 MiB of FP32
  const std::vector<fast_check::BlockCase> cases = fast_check::all_block_cases();
  std::size_t total = 0;
  for (const std::string_view element : element_names) {
    std::vector<fast_check::BlockCase> mine;
    for (const fast_check::BlockCase& c : cases)
      if (c.format.ends_with(element)) mine.push_back(c);
    if (!only.empty() && only != "all" && element != only) continue;
    if (mine.empty()) {
      std::printf("no block cases for %s\n", element.data());
      return 2;
    }
    fast_check::Outcome sum;
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t done = 0, k = 0; done < per_element; done += chunk, ++k) {
      const std::size_t blocks = std::min(chunk, per_element - done);
      // Each chunk takes the next profile, alternates FP32 and BF16, and alternates blocks along the last
      // axis with blocks across rows (1024-row panels 32 x 2048 blocks wide); every 8th also packs and swizzles.
      const fast_check::BlockCase& c = mine[k % mine.size()];
      const fast::FloatData from = k / mine.size() % 2 ? fast::FloatData::bf16 : fast::FloatData::fp32;
      const bool across = k % 2 == 1 && blocks % 2048 == 0;
      const cuda_check::Geometry g = across ? cuda_check::Geometry{{blocks / 2048 / 32, 1024, 2048}, 2048}
                                            : cuda_check::Geometry{{blocks, 32, 1}, 1};
      std::vector<std::uint32_t> values = draw_blocks(0xB10C + k + 7919 * (&element - element_names) + (seed << 32), blocks);
      if (across) values = cuda_check::place_blocks(values, g.view);
      if (from == fast::FloatData::bf16)
        for (std::uint32_t& v : values) v &= 0xFFFF0000u;
      const fast_check::Outcome o = cuda_check::compare_with_cpu(c, values, g, from, k % 8 == 0);
      sum.blocks += o.blocks;
      sum.mismatches += o.mismatches;
      if (sum.first.empty()) sum.first = o.first;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("blocks %-5s %zu blocks over %zu profiles, %zu mismatching buffers (%.0f s)%s%s\n", element.data(),
                sum.blocks, mine.size(), sum.mismatches, seconds, sum.first.empty() ? "" : "; first: ", sum.first.c_str());
    std::fflush(stdout);
    total += sum.mismatches;
  }
  return total == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (!fast::cuda::device_present()) {
    std::fprintf(stderr, "fast_cuda_sweep: no CUDA device\n");
    return 2;
  }
  const std::string_view what = argc > 1 ? argv[1] : "";
  try {
    if (what == "casts") return sweep_casts();
    if (what == "blocks")
      return sweep_blocks(argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 100'000'000, argc > 3 ? argv[3] : "",
                          argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 0);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fast_cuda_sweep: %s\n", e.what());
    return 2;
  }
  std::fprintf(stderr, "usage: fast_cuda_sweep casts | blocks [N] [all|e4m3|e5m2|e3m2|e2m3|e2m1|int8] [seed]\n");
  return 2;
}
