// Opt-in: N random blocks (default 10^7) of every format and profile the fast path runs, each through
// quantize, dequantize and fake_quantize, compared with ref/ block by block on every core.
//   fast_block_sweep [blocks] [threads] [format-substring]     exit 0: no mismatch; 1: mismatches (the first printed)
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fast/tests/block_check.hpp"

int main(int argc, char** argv) {
  using namespace mxref;
  const std::size_t blocks = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 10'000'000;
  const unsigned threads =
      argc > 2 ? static_cast<unsigned>(std::atoi(argv[2])) : std::max(1u, std::thread::hardware_concurrency());
  constexpr std::size_t chunk = 20'000;  // blocks per work item
  std::vector<fast_check::BlockCase> cases = fast_check::all_block_cases();
  if (argc > 3) std::erase_if(cases, [&](const auto& c) { return c.format.find(argv[3]) == std::string_view::npos; });
  const std::size_t chunks = (blocks + chunk - 1) / chunk;
  std::atomic<std::size_t> next{0};
  std::mutex lock;
  std::vector<fast_check::Outcome> totals(cases.size());
  const auto worker = [&] {
    for (std::size_t item; (item = next++) < cases.size() * chunks;) {
      const std::size_t c = item / chunks, k = item % chunks;
      const std::size_t count = std::min(chunk, blocks - k * chunk);
      SplitMix64 stream{0x5EED0000 + item};
      const std::vector<std::uint32_t> values = fast_check::random_blocks(stream, 32, count);
      // Alternate the value types so both are swept: even chunks FP32 -> FP32, odd BF16 -> BF16.
      const auto type = k % 2 ? fast::FloatData::bf16 : fast::FloatData::fp32;
      const fast_check::Outcome o =
          fast_check::compare_with_reference(cases[c], values, {1, values.size(), 1}, type, type, {.threads = 1});
      std::lock_guard guard(lock);
      totals[c].blocks += o.blocks;
      totals[c].mismatches += o.mismatches;
      if (totals[c].first.empty()) totals[c].first = o.first;
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (std::thread& t : pool) t.join();
  std::size_t mismatches = 0;
  for (std::size_t c = 0; c < cases.size(); ++c) {
    std::printf("%-12s %-14s %10zu blocks  %zu mismatching%s%s\n", std::string(cases[c].format).c_str(),
                std::string(cases[c].profile).c_str(), totals[c].blocks, totals[c].mismatches,
                totals[c].first.empty() ? "" : "  first: ", totals[c].first.c_str());
    mismatches += totals[c].mismatches;
  }
  return mismatches == 0 ? 0 : 1;
}
