// Probe: is BF16->MXFP8 nvidia-rceil at 4 GiB slower than ocp because of the rule, or the order of timing?
#include <cuda_runtime.h>
#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>
#include "bench/cuda_timing.cuh"
#include "fast/cuda/block_quantize.hpp"
using namespace mxref;
using fast::FloatData;
using bench::check;

struct Ev { cudaEvent_t a, b; Ev() { cudaEventCreate(&a); cudaEventCreate(&b); } };
float once(Ev& e, const std::function<void()>& f) {
  cudaEventRecord(e.a); f(); cudaEventRecord(e.b); cudaEventSynchronize(e.b);
  float t; cudaEventElapsedTime(&t, e.a, e.b); return t;
}
float med(std::vector<float> v) { std::sort(v.begin(), v.end()); return v[v.size() / 2]; }
// Alternate launches of each function, 3 warm-up rounds then 20 timed; medians.
std::vector<float> alternate(const std::vector<std::function<void()>>& fs) {
  Ev e; std::vector<std::vector<float>> t(fs.size());
  for (int r = 0; r < 23; ++r) for (size_t i = 0; i < fs.size(); ++i) { float x = once(e, fs[i]); if (r >= 3) t[i].push_back(x); }
  std::vector<float> m; for (auto& v : t) m.push_back(med(v)); return m;
}
float single(const std::function<void()>& f) { return alternate({f})[0]; }

int main(int argc, char** argv) {
  const std::size_t mib = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 4096;
  const std::size_t bytes = mib << 20;
  void *in, *out, *codes, *scales;
  check(cudaMalloc(&in, bytes), "m"); check(cudaMalloc(&out, bytes), "m");
  check(cudaMalloc(&codes, bytes / 2), "m"); check(cudaMalloc(&scales, bytes / 32), "m");
  bench::fill<<<(unsigned)((bytes / 4 + 255) / 256), 256>>>((std::uint32_t*)in, bytes / 4, 77);
  check(cudaDeviceSynchronize(), "fill");
  const fast::cuda::CodeLayout packed{.packed = true};
  auto copy = [&] { cudaMemcpyAsync(out, in, bytes, cudaMemcpyDeviceToDevice); };
  for (FloatData data : {FloatData::bf16, FloatData::fp32}) {
    const char* dn = data == FloatData::fp32 ? "fp32" : "bf16";
    const std::size_t values = bytes / (data == FloatData::fp32 ? 4 : 2);
    const fast::AxisView view{values / 32, 32, 1};
    for (auto el : {fast::BlockElement::e4m3, fast::BlockElement::e5m2}) {
      const char* en = el == fast::BlockElement::e4m3 ? "e4m3" : "e5m2";
      const fast::BlockSpec ocp{el, fast::BlockRule::ocp, 32}, rc{el, fast::BlockRule::nvidia_rceil, 32};
      const double moved = double(bytes) + fast::cuda::element_bytes(ocp, view, packed) + view.blocks(32);
      auto q = [&](const fast::BlockSpec& s) { return [&, s] { fast::cuda::quantize(s, data, in, view, (std::uint8_t*)codes, (std::uint8_t*)scales, packed); }; };
      auto gbs = [&](double b, float ms) { return b / (ms * 1e-3) / 1e9; };
      // A: the benchmark's order.
      float c = single(copy), a1 = single(q(ocp));
      single([&] { fast::cuda::dequantize(ocp, (std::uint8_t*)codes, (std::uint8_t*)scales, view, packed, data, out); });
      single([&] { fast::cuda::fake_quantize(ocp, data, in, view, data, out); });
      float a2 = single(q(rc));
      float c2 = single(copy);
      std::printf("%s %s %zu A bench-order: copy %.1f ocp %.4f rceil %.4f copy-after %.1f\n", dn, en, mib,
                  gbs(2.0 * bytes, c), gbs(moved, a1) / gbs(2.0 * bytes, c), gbs(moved, a2) / gbs(2.0 * bytes, c), gbs(2.0 * bytes, c2));
      // B: rceil first, then ocp, each alone.
      float b1 = single(q(rc)), b2 = single(q(ocp)), c3 = single(copy);
      std::printf("%s %s %zu B rceil-first: rceil %.4f ocp %.4f (of copy after %.1f)\n", dn, en, mib,
                  gbs(moved, b1) / gbs(2.0 * bytes, c3), gbs(moved, b2) / gbs(2.0 * bytes, c3), gbs(2.0 * bytes, c3));
      // C: interleaved copy, ocp, rceil launches.
      for (int rep = 0; rep < 2; ++rep) {
        auto m = alternate({copy, q(ocp), q(rc)});
        std::printf("%s %s %zu C interleaved: copy %.1f ocp %.4f rceil %.4f\n", dn, en, mib, gbs(2.0 * bytes, m[0]),
                    gbs(moved, m[1]) / gbs(2.0 * bytes, m[0]), gbs(moved, m[2]) / gbs(2.0 * bytes, m[0]));
      }
      std::fflush(stdout);
    }
  }
  return 0;
}
