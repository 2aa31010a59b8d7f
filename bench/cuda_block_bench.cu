// The GPU path's speed against a device-to-device copy of the same input, in one run on one GPU:
// GB/s of bytes moved (input read + codes and scales written, or codes and scales read + values
// written), each the median of 20 timed launches after 3 warm-ups, over input sets rotated so that
// at least 512 MiB is touched (the 60 MB L2 does not serve repeats). Each row's share is of a copy
// whose launches alternate with the row's own (bench::interleaved_median_ms), so that no drift of the
// GPU's speed over the run can favour one row or another (a copy timed once before a group of rows
// let the nvidia-rceil rows, timed later than the ocp rows, read 2-3 points low at 4 GiB).
//   cuda_block_bench [max_mib] > rows.json     JSON lines; bench/cuda_table.py makes the table
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "bench/cuda_timing.cuh"
#include "fast/cuda/block_quantize.hpp"
#include "fast/cuda/nvfp4_quantize.hpp"

namespace {

using namespace mxref;
using fast::FloatData;

using bench::check;
using bench::fill;
using bench::interleaved_median_ms;
using bench::median_ms;

struct Buffers {
  std::vector<void*> in, codes, scales, out;
};

void row(const char* op, const char* element, const char* rule, const char* data, const char* axis, std::size_t mib,
         double bytes, float ms, double copy_gbs) {
  const double gbs = bytes / (ms * 1e-3) / 1e9;
  std::printf(
      "{\"op\": \"%s\", \"element\": \"%s\", \"rule\": \"%s\", \"data\": \"%s\", \"axis\": \"%s\", \"input_mib\": %zu, "
      "\"bytes\": %.0f, \"ms\": %.4f, \"gbs\": %.1f, \"copy_gbs\": %.1f, \"of_copy\": %.4f}\n",
      op, element, rule, data, axis, mib, bytes, ms, gbs, copy_gbs, copy_gbs > 0 ? gbs / copy_gbs : 1.0);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t max_mib = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 4096;
  cudaDeviceProp prop{};
  check(cudaGetDeviceProperties(&prop, 0), "properties");
  std::fprintf(stderr, "device: %s, %d SMs, %d MB L2\n", prop.name, prop.multiProcessorCount, prop.l2CacheSize >> 20);
  struct NamedElement {
    const char* name;
    fast::Element e;
  };
  const NamedElement elements[] = {{"e4m3", fast::Element::e4m3}, {"e5m2", fast::Element::e5m2},
                                   {"e3m2", fast::Element::e3m2}, {"e2m3", fast::Element::e2m3},
                                   {"e2m1", fast::Element::e2m1}, {"int8", fast::Element::int8}};
  const fast::cuda::CodeLayout packed{.packed = true};
  for (std::size_t mib = 16; mib <= max_mib; mib *= 4) {
    const std::size_t bytes = mib << 20;
    const int sets = static_cast<int>(std::max<std::size_t>(1, 512 / mib));
    Buffers b;
    for (int s = 0; s < sets; ++s) {
      void* p;
      check(cudaMalloc(&p, bytes), "malloc in");
      b.in.push_back(p);
      fill<<<static_cast<unsigned>((bytes / 4 + 255) / 256), 256>>>(static_cast<std::uint32_t*>(p), bytes / 4, 77 + s);
      check(cudaMalloc(&p, bytes), "malloc out");
      b.out.push_back(p);
      check(cudaMalloc(&p, bytes / 2), "malloc codes");  // one code byte per BF16 value at most
      b.codes.push_back(p);
      check(cudaMalloc(&p, bytes / 32), "malloc scales");  // one per 16 BF16 values at most
      b.scales.push_back(p);
    }
    check(cudaDeviceSynchronize(), "fill");
    const auto copy = [&](int s) { cudaMemcpyAsync(b.out[s], b.in[s], bytes, cudaMemcpyDeviceToDevice); };
    const auto gbs_of = [&](float ms) { return 2.0 * bytes / (ms * 1e-3) / 1e9; };
    const float copy_ms = median_ms(copy, sets);
    row("copy", "-", "-", "-", "-", mib, 2.0 * bytes, copy_ms, gbs_of(copy_ms));
    // A row: the kernel's median time, and the rate of the copy timed in turns with it.
    const auto measure = [&](const char* op, const char* element, const char* rule, const char* data, const char* axis,
                             double moved, const std::function<void(int)>& launch) {
      const std::vector<float> ms = interleaved_median_ms({launch, copy}, sets);
      row(op, element, rule, data, axis, mib, moved, ms[0], gbs_of(ms[1]));
    };
    for (const FloatData data : {FloatData::fp32, FloatData::bf16}) {
      const char* data_name = data == FloatData::fp32 ? "fp32" : "bf16";
      const std::size_t values = bytes / (data == FloatData::fp32 ? 4 : 2);
      for (const NamedElement& el : elements)
        for (const ScaleRule rule : {ScaleRule::ocp, ScaleRule::nvidia_rceil}) {
          if (rule == ScaleRule::nvidia_rceil && el.e != fast::Element::e4m3 && el.e != fast::Element::e5m2) continue;
          const char* rule_name = rule == ScaleRule::ocp ? "ocp" : "nvidia-rceil";
          const fast::BlockSpec spec{el.e, rule, 32};
          for (const bool across : {false, true}) {
            if (across && mib != 1024) continue;  // the transposed case at one size
            const fast::AxisView view =
                across ? fast::AxisView{1, values / 8192, 8192} : fast::AxisView{values / 32, 32, 1};
            const double moved =
                static_cast<double>(bytes) + fast::cuda::element_bytes(spec, view, packed) + view.blocks(32);
            const char* axis = across ? "rows" : "last";
            measure("quantize", el.name, rule_name, data_name, axis, moved, [&](int s) {
              fast::cuda::quantize(spec, data, b.in[s], view, static_cast<std::uint8_t*>(b.codes[s]),
                                   static_cast<std::uint8_t*>(b.scales[s]), packed);
            });
            if (rule != ScaleRule::ocp) continue;
            measure("dequantize", el.name, rule_name, data_name, axis, moved, [&](int s) {
              fast::cuda::dequantize(spec, static_cast<std::uint8_t*>(b.codes[s]),
                                     static_cast<std::uint8_t*>(b.scales[s]), view, packed, data, b.out[s]);
            });
            if (el.e != fast::Element::e4m3) continue;
            measure("fake_quantize", el.name, rule_name, data_name, axis, 2.0 * bytes,
                    [&](int s) { fast::cuda::fake_quantize(spec, data, b.in[s], view, data, b.out[s]); });
          }
        }
      // NVFP4 under each profile, its tensor scale given (as TransformerEngine takes the amax from an
      // earlier pass); the pass that finds the tensor's amax is its own row.
      measure("tensor_stats", "-", "-", data_name, "-", static_cast<double>(bytes),
              [&](int s) { fast::cuda::nvfp4::tensor_stats(data, b.in[s], values); });
      const fast::BlockStats amax = fast::cuda::nvfp4::tensor_stats(data, b.in[0], values);
      for (const auto& [rule, rule_name] :
           {std::pair{ScaleRule::amax_over_max, "nvfp4"}, std::pair{ScaleRule::nvfp4_torchao, "nvfp4-torchao"},
            std::pair{ScaleRule::nvfp4_te, "nvfp4-te"}}) {
        const fast::nvfp4::Spec spec{rule, fast::nvfp4::tensor_scale(rule, amax)};
        for (const bool across : {false, true}) {
          if (across && mib != 1024) continue;
          const fast::AxisView view =
              across ? fast::AxisView{1, values / 8192, 8192} : fast::AxisView{values / 16, 16, 1};
          const double moved =
              static_cast<double>(bytes) + fast::cuda::nvfp4::element_bytes(view, packed) + view.blocks(16);
          const char* axis = across ? "rows" : "last";
          measure("quantize", "e2m1", rule_name, data_name, axis, moved, [&](int s) {
            fast::cuda::nvfp4::quantize(spec, data, b.in[s], view, static_cast<std::uint8_t*>(b.codes[s]),
                                        static_cast<std::uint8_t*>(b.scales[s]), packed);
          });
          if (rule != ScaleRule::amax_over_max) continue;
          measure("dequantize", "e2m1", rule_name, data_name, axis, moved, [&](int s) {
            fast::cuda::nvfp4::dequantize(spec, static_cast<std::uint8_t*>(b.codes[s]),
                                          static_cast<std::uint8_t*>(b.scales[s]), view, packed, data, b.out[s]);
          });
        }
      }
    }
    for (auto* list : {&b.in, &b.out, &b.codes, &b.scales})
      for (void* p : *list) cudaFree(p);
  }
  return 0;
}
