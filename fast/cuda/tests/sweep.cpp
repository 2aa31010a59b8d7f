// Opt-in sweeps of the GPU path, run on a machine with an NVIDIA GPU (docs/performance.md records them):
//   fast_cuda_sweep casts               every FP32 input through each element cast (full and finite-block
//                                        paths) and the BF16 rounding, GPU against CPU
//   fast_cuda_sweep blocks [N] [format] [seed]  N random blocks (default 10^8) per element format and
//                                        NVFP4 (format "all": every one; or a list, "e4m3,nvfp4"), through quantize,
//                                        dequantize and fake_quantize, GPU against CPU; another seed draws other blocks
//   fast_cuda_sweep blocks N format seed across-bf16|across-bf16-4
//                                        the same with every chunk BF16 blocks across rows, 2048 columns
//                                        (the kernels that take 8 a thread) or 4 (those that take 4), to
//                                        check a change to those alone
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
constexpr std::string_view block_formats[] = {"e4m3", "e5m2", "e3m2", "e2m3", "e2m1", "int8", "nvfp4"};

int sweep_casts() {
  std::size_t total = 0;
  constexpr std::uint64_t chunk = std::uint64_t{1} << 30;
  for (int e = 0; e < 6; ++e) {
    std::size_t differ = 0;
    for (std::uint64_t first = 0; first < (std::uint64_t{1} << 32); first += chunk)
      differ += cuda_check::compare_element_casts(static_cast<fast::Element>(e), first, chunk);
    std::printf("casts %-5s 4294967296 FP32 inputs x 2 paths, %zu differ\n", element_names[e].data(), differ);
    total += differ;
    if (e >= 2 && e <= 4) {  // FP6 and FP4 take BF16 values in pairs
      const std::size_t bf16 = cuda_check::compare_bf16_casts(static_cast<fast::Element>(e));
      std::printf("casts %-5s every finite BF16 x 2^-127..2^127 (BF16 pairs), %zu differ\n", element_names[e].data(),
                  bf16);
      total += bf16;
    }
    const std::size_t decoded = cuda_check::compare_decoding(static_cast<fast::Element>(e));
    std::printf("decode %-5s every code x 256 scales x 4 ways, %zu differ\n", element_names[e].data(), decoded);
    total += decoded;
  }
  std::size_t differ = 0;
  for (std::uint64_t first = 0; first < (std::uint64_t{1} << 32); first += chunk)
    differ += cuda_check::compare_bf16_rounding(first, chunk);
  std::printf("bf16  rounding 4294967296 FP32 inputs, %zu differ\n", differ);
  total += differ;
  return total == 0 ? 0 : 1;
}

// One chunk's blocks, drawn on every core (random_blocks is sequential within a stream).
std::vector<std::uint32_t> draw_blocks(std::uint64_t seed, std::size_t blocks, std::size_t block_size) {
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t per = (blocks + threads - 1) / threads;
  std::vector<std::uint32_t> out(blocks * block_size);
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      const std::size_t first = std::min(blocks, t * per), count = std::min(blocks, first + per) - first;
      SplitMix64 stream{seed * 1000 + t};
      const std::vector<std::uint32_t> part = fast_check::random_blocks(stream, block_size, count);
      std::copy(part.begin(), part.end(), out.begin() + static_cast<std::ptrdiff_t>(first * block_size));
    });
  for (std::thread& t : pool) t.join();
  return out;
}

// NVFP4's tensor scale comes from the whole chunk, whose largest block would leave the rest with zero
// scales: two chunks in three squeeze every finite value into a 24-binade window (placed anywhere from
// the FP32 subnormals to the top), so that every block scale occurs. Under nvfp4-torchao a tensor holding
// Inf or NaN has a tensor scale that only the reference runs: there both become ±1.
void shape_for_nvfp4(std::vector<std::uint32_t>& values, std::size_t k, std::string_view profile) {
  const std::uint32_t low = static_cast<std::uint32_t>(k * 37 % 231);
  for (std::uint32_t& v : values) {
    const std::uint32_t field = v >> 23 & 0xFF;
    if (k % 3 != 0 && field != 0 && field != 0xFF) v = (v & 0x807FFFFFu) | (low + 1 + field % 24) << 23;
    if (profile == "nvfp4-torchao" && (v & 0x7F800000u) == 0x7F800000u) v = (v & 0x80000000u) | 0x3F800000u;
  }
}

// Whether `name` is one of the comma-separated `list`.
bool listed(std::string_view list, std::string_view name) {
  while (!list.empty()) {
    const std::size_t comma = list.find(',');
    if (list.substr(0, comma) == name) return true;
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
  }
  return false;
}

int sweep_blocks(std::size_t per_element, std::string_view only, std::uint64_t seed, bool across_bf16_only,
                 std::size_t across_width) {
  for (std::string_view list = only; !list.empty() && only != "all";) {
    const std::string_view name = list.substr(0, list.find(','));
    if (std::find(std::begin(block_formats), std::end(block_formats), name) == std::end(block_formats)) {
      std::fprintf(stderr, "fast_cuda_sweep: no block format %.*s\n", static_cast<int>(name.size()), name.data());
      return 2;
    }
    list.remove_prefix(std::min(list.size(), name.size() + 1));
  }
  const std::vector<fast_check::BlockCase> cases = fast_check::all_block_cases();
  std::size_t total = 0;
  for (const std::string_view element : block_formats) {
    const bool nvfp4 = element == "nvfp4";
    const std::size_t size = nvfp4 ? 16 : 32;
    const std::size_t chunk = (std::size_t{1} << 26) / size;  // blocks: 256 MiB of FP32
    std::vector<fast_check::BlockCase> mine;
    for (const fast_check::BlockCase& c : cases)
      if (c.format.ends_with(element)) mine.push_back(c);
    if (nvfp4) mine = {{"nvfp4", "nvfp4"}, {"nvfp4", "nvfp4-torchao"}, {"nvfp4", "nvfp4-te"}};
    if (!only.empty() && only != "all" && !listed(only, element)) continue;
    if (mine.empty()) {
      std::printf("no block cases for %s\n", element.data());
      return 2;
    }
    fast_check::Outcome sum;
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t done = 0, k = 0; done < per_element; done += chunk, ++k) {
      const std::size_t blocks = std::min(chunk, per_element - done);
      // Each chunk takes the next profile, alternates FP32 and BF16, and alternates blocks along the last
      // axis with blocks across rows (panels of 32 blocks' rows, 2048 columns), dequantizes and fake-quantizes
      // to FP32 in two chunks of four and to BF16 in the others; two in eight also pack and swizzle, one
      // of them dequantizing to FP32, the other to BF16 (packed FP6 loads differ by output width). With
      // across_bf16_only every chunk is BF16 across rows.
      const fast_check::BlockCase& c = mine[k % mine.size()];
      const fast::FloatData from =
          across_bf16_only || k / mine.size() % 2 ? fast::FloatData::bf16 : fast::FloatData::fp32;
      const std::size_t columns = across_width;
      const bool across = (across_bf16_only || k % 2 == 1) && blocks % (columns * 32) == 0;
      const cuda_check::Geometry g = across ? cuda_check::Geometry{{blocks / columns / 32, 32 * size, columns}, columns}
                                            : cuda_check::Geometry{{blocks, size, 1}, 1};
      std::vector<std::uint32_t> values =
          draw_blocks(0xB10C + k + 7919 * (&element - block_formats) + (seed << 32), blocks, size);
      if (across) values = cuda_check::place_blocks(values, g.view, size);
      if (from == fast::FloatData::bf16)
        for (std::uint32_t& v : values) v &= 0xFFFF0000u;
      if (nvfp4) shape_for_nvfp4(values, k, c.profile);  // after the cut to BF16, which can make a NaN Inf
      const fast::FloatData to = k / 2 % 2 ? fast::FloatData::bf16 : fast::FloatData::fp32;
      const fast_check::Outcome o =
          cuda_check::compare_with_cpu(c, values, g, from, k % 8 == 0 || k % 8 == 6, {&to, 1});
      sum.blocks += o.blocks;
      sum.mismatches += o.mismatches;
      if (sum.first.empty()) sum.first = o.first;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("blocks %-5s %zu blocks over %zu profiles, %zu mismatching buffers (%.0f s)%s%s\n", element.data(),
                sum.blocks, mine.size(), sum.mismatches, seconds,
                sum.first.empty() ? "" : "; first: ", sum.first.c_str());
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
    const std::string_view layout = argc > 5 ? argv[5] : "";
    if (what == "blocks" && (layout.empty() || layout == "across-bf16" || layout == "across-bf16-4"))
      return sweep_blocks(argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 100'000'000, argc > 3 ? argv[3] : "",
                          argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 0, !layout.empty(),
                          layout == "across-bf16-4" ? 4 : 2048);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fast_cuda_sweep: %s\n", e.what());
    return 2;
  }
  std::fprintf(stderr,
               "usage: fast_cuda_sweep casts | blocks [N] [all|FORMAT[,FORMAT...]] [seed] [across-bf16|across-bf16-4]\n"
               "  FORMAT: e4m3 e5m2 e3m2 e2m3 e2m1 int8 nvfp4\n");
  return 2;
}
