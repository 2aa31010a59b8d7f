// The GPU exact GEMM (fast/cuda/exact_gemm.hpp) against the CPU integer path (fast/cpu/exact_gemm.hpp, whose
// codes are ref/'s: tools/tests/gemm_test.py), every output compared; the GPU fused-sum GEMM
// (fast/cuda/fused_gemm.hpp) under every fused-sum preset against fast::FusedGemm (ref/'s codes:
// fast/tests/fused_gemm_test.cpp) on every output and against ref/'s dot() on a sample; and, with --bench,
// the exact GEMM's speed.
//
//   exact_gemm_check            # the comparisons (skips without a GPU)
//   exact_gemm_check --bench S  # M = N = K = S for MXFP8 E4M3, MXFP4 E2M1 and NVFP4: JSON lines
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "fast/cpu/exact_gemm.hpp"
#include "fast/cuda/block_quantize.hpp"
#include "fast/cuda/exact_gemm.hpp"
#include "fast/cuda/fused_gemm.hpp"
#include "fast/cpu/fused_gemm.hpp"
#include "ref/block/block_format.hpp"
#include "ref/decode.hpp"
#include "ref/dot/dot.hpp"
#include "ref/dot/dot_codes.hpp"

namespace {

using mxref::BlockFormat;
using mxref::fast::ExactGemm;
namespace cuda = mxref::fast::cuda;

struct Problem {
  BlockFormat f;
  std::size_t m, n, k;
  std::vector<std::uint8_t> a, as, b, bs;
  std::vector<std::uint32_t> c;
  std::uint32_t ta = 0x3F800000, tb = 0x3F800000;  // tensor scales (NVFP4's)
  cuda::ExactGemmInput input() const { return {f, f, m, n, k, a, as, b, bs, c, ta, tb}; }
};

// A scale code: E8M0 127 + [-spread, spread]; UE4M3 (NVFP4's) any finite code, zero and subnormals included.
std::uint8_t random_scale(std::mt19937_64& rng, const BlockFormat& f, int spread) {
  if (f.scale == mxref::e8m0)
    return static_cast<std::uint8_t>(127 + static_cast<int>(rng() % (2 * spread + 1)) - spread);
  return static_cast<std::uint8_t>(rng() % 0x7F);  // 0x7F: UE4M3's NaN
}

// Random finite codes; `kind` adds what sends outputs to the host or stresses the window.
Problem make(const char* format, std::size_t m, std::size_t n, std::size_t k, const std::string& kind,
             std::uint64_t seed) {
  Problem p{mxref::parse_block_format(format), m, n, k, {}, {}, {}, {}, {}};
  std::mt19937_64 rng(seed);
  const mxref::Format& e = p.f.element;
  const auto block = static_cast<std::size_t>(p.f.block_size);
  const bool e8m0 = p.f.scale == mxref::e8m0;
  const std::uint8_t one = e8m0 ? 127 : 0x38, nan = e8m0 ? 0xFF : 0x7F, least = 0x00, most = e8m0 ? 0xFE : 0x7E;
  if (p.f.tensor_scale && kind != "unit")  // an FP32 significand times 2^-30 .. 2^30
    for (std::uint32_t* t : {&p.ta, &p.tb})
      *t = static_cast<std::uint32_t>(127 + static_cast<int>(rng() % 61) - 30) << 23 |
           static_cast<std::uint32_t>(rng() % 0x800000);
  std::vector<std::uint8_t> finite;
  for (std::uint64_t code = 0; code < (std::uint64_t{1} << mxref::width(e)); ++code)
    if (mxref::decode(e, code).is_finite()) finite.push_back(static_cast<std::uint8_t>(code));
  const auto fill = [&](std::vector<std::uint8_t>& codes, std::vector<std::uint8_t>& scales, std::size_t rows) {
    codes.resize(rows * k);
    scales.resize(rows * k / block);
    for (auto& c : codes) c = finite[rng() % finite.size()];
    for (auto& s : scales) s = random_scale(rng, p.f, 10);
    if (kind == "unit")  // unit scales: what a model that converts its operands settles on the GPU
      for (auto& s : scales) s = one;
    if (kind == "spread")  // blocks of one row up to 2^±100 apart: wide windows, some beyond 128 bits
      for (auto& s : scales) s = random_scale(rng, p.f, 100);
    if (kind == "edges")  // the ends of the scale format, a NaN scale in a few rows, all-zero rows
      for (std::size_t r = 0; r < rows; ++r) {
        if (r % 7 == 0) scales[r * k / block] = nan;
        if (r % 5 == 1)
          std::fill(scales.begin() + static_cast<std::ptrdiff_t>(r * k / block),
                    scales.begin() + static_cast<std::ptrdiff_t>((r + 1) * k / block), r % 2 ? most : least);
        if (r % 9 == 2)
          std::fill(codes.begin() + static_cast<std::ptrdiff_t>(r * k),
                    codes.begin() + static_cast<std::ptrdiff_t>((r + 1) * k), 0);
      }
  };
  fill(p.a, p.as, m);
  fill(p.b, p.bs, n);
  if (kind == "cancel")  // B's second half repeats its first; A's second half is its first negated
    for (std::size_t r = 0; r < m; ++r)
      for (std::size_t col = 0; col < k / 2; ++col)
        p.a[r * k + k / 2 + col] = static_cast<std::uint8_t>(p.a[r * k + col] ^ mxref::sign_bit(e));
  if (kind == "cancel")
    for (std::size_t r = 0; r < n; ++r) {
      for (std::size_t col = 0; col < k / 2; ++col) p.b[r * k + k / 2 + col] = p.b[r * k + col];
      for (std::size_t kb = 0; kb < k / block / 2; ++kb)
        p.bs[r * k / block + k / block / 2 + kb] = p.bs[r * k / block + kb];
    }
  if (kind == "cancel")
    for (std::size_t r = 0; r < m; ++r)
      for (std::size_t kb = 0; kb < k / block / 2; ++kb)
        p.as[r * k / block + k / block / 2 + kb] = p.as[r * k / block + kb];
  if (kind != "noc") {
    p.c.resize(m * n);
    std::uniform_int_distribution<std::uint32_t> bits;
    for (auto& c : p.c) c = kind == "edges" ? bits(rng) : (bits(rng) & 0x807FFFFFu) | (127u + rng() % 40 - 20) << 23;
  }
  return p;
}

mxref::DotOperand row(const Problem& p, bool a, std::size_t r) { return cuda::operand_row(p.input(), a, r); }

cuda::ExactGemmResult run(const Problem& p) { return cuda::exact_gemm(p.input()); }

int check(const char* format, const std::string& kind, std::size_t m, std::size_t n, std::size_t k) {
  const Problem p = make(format, m, n, k, kind, std::hash<std::string>{}(std::string(format) + kind));
  const cuda::ExactGemmResult gpu = run(p);
  const ExactGemm host(p.f, p.f, mxref::fp32, mxref::CastOptions{});
  std::vector<mxref::fast::ExactGemmRow> ra, rb;
  std::vector<mxref::DotOperand> oa, ob;
  for (std::size_t i = 0; i < m; ++i) ra.push_back(host.prepare_a(oa.emplace_back(row(p, true, i))));
  for (std::size_t j = 0; j < n; ++j) rb.push_back(host.prepare_b(ob.emplace_back(row(p, false, j))));
  std::size_t wrong = 0;
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      const std::uint64_t want = host.code(ra[i], rb[j], oa[i], ob[j], p.c.empty() ? 0 : p.c[i * n + j]);
      if (gpu.d[i * n + j] != want && wrong++ < 3)
        std::printf("  %s %s D[%zu][%zu]: GPU %08x, reference %08llx\n", format, kind.c_str(), i, j, gpu.d[i * n + j],
                    static_cast<unsigned long long>(want));
    }
  std::printf("%-11s %-7s %zux%zux%zu: %zu outputs, %zu settled on the host, %zu differ\n", format, kind.c_str(), m, n,
              k, m * n, gpu.settled_on_host, wrong);
  return wrong == 0 ? 0 : 1;
}

int check_fused(const char* preset, const char* format, const std::string& kind, std::size_t m, std::size_t n,
                std::size_t k) {
  const mxref::AccumulationModel& model = mxref::find_accumulation_model(preset);
  const Problem p = make(format, m, n, k, kind, std::hash<std::string>{}(std::string(preset) + format + kind));
  const cuda::ExactGemmResult gpu = cuda::fused_gemm(p.input(), model);
  const mxref::fast::FusedGemm host(p.f, p.f, model, mxref::fp32, mxref::CastOptions{});
  std::vector<mxref::DotOperand> oa, ob;
  for (std::size_t i = 0; i < m; ++i) oa.push_back(row(p, true, i));
  for (std::size_t j = 0; j < n; ++j) ob.push_back(row(p, false, j));
  std::size_t wrong = 0, sampled = 0;
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      const std::uint64_t c = p.c.empty() ? 0 : p.c[i * n + j];
      const std::uint64_t want = host.code(oa[i], ob[j], c);
      // Every 97th output also against dot() itself.
      const bool sample = (i * n + j) % 97 == 0;
      const std::uint64_t reference = sample ? host.reference(oa[i], ob[j], c) : want;
      sampled += sample ? 1 : 0;
      if ((gpu.d[i * n + j] != want || reference != want) && wrong++ < 3)
        std::printf("  %s %s %s D[%zu][%zu]: GPU %08x, CPU %08llx, reference %08llx\n", preset, format, kind.c_str(), i,
                    j, gpu.d[i * n + j], static_cast<unsigned long long>(want),
                    static_cast<unsigned long long>(reference));
    }
  std::printf(
      "%-15s %-11s %-7s %zux%zux%zu: %zu outputs (%zu also against dot()), %zu settled on the host, %zu differ\n",
      preset, format, kind.c_str(), m, n, k, m * n, sampled, gpu.settled_on_host, wrong);
  return wrong == 0 ? 0 : 1;
}

int bench(std::size_t s) {
  for (const char* format : {"mxfp8_e4m3", "mxfp4_e2m1", "nvfp4"}) {
    const Problem p = make(format, s, s, s, "noc", 1);
    run(p);  // warm-up
    const auto start = std::chrono::steady_clock::now();
    const cuda::ExactGemmResult r = run(p);
    const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf(
        "{\"format\": \"%s\", \"m\": %zu, \"n\": %zu, \"k\": %zu, \"kernel_s\": %.4f, \"with_copies_s\": %.4f, "
        "\"settled_on_host\": %zu}\n",
        format, s, s, s, r.kernel_seconds, total, r.settled_on_host);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (!cuda::device_present()) {
    std::puts("exact_gemm_check: no CUDA device, skipped");
    return 77;
  }
  if (argc == 3 && std::strcmp(argv[1], "--bench") == 0) return bench(std::stoul(argv[2]));
  int status = 0;
  for (const char* format : {"mxfp8_e4m3", "mxfp6_e3m2", "mxfp6_e2m3", "mxfp4_e2m1", "mxint8", "nvfp4"})
    for (const char* kind : {"random", "unit", "spread", "edges", "cancel", "noc"})
      status |= check(format, kind, 83, 61, 256);
  status |= check("mxfp8_e4m3", "random", 1024, 1024, 256);  // 10^6 outputs
  status |= check("mxfp4_e2m1", "random", 1024, 1024, 256);
  status |= check("nvfp4", "random", 1024, 1024, 256);
  for (const char* preset :
       {"sm70-mma-fp16", "sm80-mma-bf16", "sm80-mma-fp16", "sm89-mma-fp8", "sm90-wgmma-fp8", "sm90-mma-fp8",
        "sm90-wgmma-bf16", "sm90-wgmma-fp16", "sm100-mxf8f6f4", "sm100-mxf4", "sm100-mxf4nvf4", "cdna3-fp8"})
    for (const char* format : {"mxfp8_e4m3", "mxfp8_e5m2", "mxfp6_e3m2", "mxfp4_e2m1", "mxint8", "nvfp4"})
      for (const char* kind : {"random", "unit", "spread", "edges", "cancel", "noc"})
        status |= check_fused(preset, format, kind, 67, 45, 256);
  // 10^6 outputs each, under the FP8 and FP4 datapaths of Hopper, Blackwell and CDNA3.
  status |= check_fused("sm90-wgmma-fp8", "mxfp8_e4m3", "random", 1024, 1024, 128);
  status |= check_fused("sm90-mma-fp8", "mxfp8_e4m3", "unit", 1024, 1024, 128);
  status |= check_fused("sm100-mxf4", "mxfp4_e2m1", "random", 1024, 1024, 128);
  status |= check_fused("sm100-mxf4nvf4", "nvfp4", "random", 1024, 1024, 128);
  status |= check_fused("cdna3-fp8", "mxfp8_e4m3", "random", 1024, 1024, 128);
  std::puts(status == 0 ? "PASS" : "FAIL");
  return status;
}
