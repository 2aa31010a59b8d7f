// mxref's GPU path (fast/cuda) as an implementation under test, through the plug-in C ABI
// (include/mxref_plugin.h): `mxref conform --suite DIR --plugin cuda_plugin.so` on a machine with an
// NVIDIA GPU. Block suites, and dot suites the GPU GEMMs run (fast/cuda/exact_gemm.hpp under `exact`,
// fast/cuda/fused_gemm.hpp under the fused-sum presets; blocks of 16 or 32, FP32 results). Element-cast suites
// are not (the GPU path has no element-cast API; its casts are swept over every FP32 input by
// fast_cuda_sweep casts); anything else, or no GPU, is refused (a negative return).
//
// A vector's block is quantized as one of eight in a tensor, at a place that moves from vector to
// vector, the other seven holding its values rotated and with low exponent bits flipped (other
// magnitudes, so other scales), so that the kernels' lane and block positions all meet the suites'
// corner cases and a result taken from the wrong block shows. MXREF_CUDA_AXIS chooses the layout:
// "last" (the default) puts the eight blocks along the contiguous axis, [8, 32]; "rows" puts them side
// by side as columns, blocks across rows, [n, 8], which also runs blocks shorter than 32 (the suites'
// ragged class), so "last" takes that layout for them too. BF16 suites run the kernels' BF16 input path.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <string_view>
#include <vector>

#include "conformance/adapters/plugin_plan.hpp"
#include "fast/cpu/exact_gemm.hpp"
#include "fast/cpu/fused_gemm.hpp"
#include "fast/cuda/block_quantize.hpp"
#include "fast/cuda/device_memory.hpp"
#include "fast/cuda/exact_gemm.hpp"
#include "fast/cuda/fused_gemm.hpp"
#include "ref/dot/dot_codes.hpp"
#include "mxref_plugin.h"

namespace {

using mxref::fast::AxisView;
using mxref::fast::FloatData;
using mxref::fast::cuda::DeviceBytes;
using mxref::plugin::Plan;
using mxref::plugin::Suite;

constexpr std::size_t blocks_per_tensor = 8;

bool along_rows() {
  const char* axis = std::getenv("MXREF_CUDA_AXIS");
  return axis != nullptr && std::string_view(axis) == "rows";
}

// The tensor's input codes (as stored: FP32 words or BF16 halves), block b holding the vector's codes
// rotated by k = (b - place) mod 8 positions, k XORed into their low exponent bits; block `place` holds
// them as they are.
struct Tensor {
  AxisView view;
  std::vector<std::uint64_t> codes;
};

Tensor tensor_around(const std::uint64_t* inputs, std::size_t n, std::size_t place, bool rows, bool bf16) {
  Tensor t;
  t.view = rows ? AxisView{1, n, blocks_per_tensor} : AxisView{blocks_per_tensor, n, 1};
  t.codes.resize(n * blocks_per_tensor);
  for (std::size_t b = 0; b < blocks_per_tensor; ++b) {
    const std::size_t shift = (b + blocks_per_tensor - place) % blocks_per_tensor;
    const std::uint64_t flip = shift << (bf16 ? 8 : 24);  // low exponent bits: other magnitudes, other scales
    for (std::size_t i = 0; i < n; ++i)
      t.codes[rows ? i * blocks_per_tensor + b : b * n + i] = inputs[(i + shift) % n] ^ flip;
  }
  return t;
}

// Quantizes the tensor on the GPU; false (with a line on stderr) where CUDA fails.
bool quantize_on_gpu(const Plan& plan, const Tensor& t, std::vector<std::uint8_t>& elements,
                     std::vector<std::uint8_t>& scales) {
  const bool bf16 = plan.suite.from == mxref::bf16;
  const std::size_t width = bf16 ? 2 : 4, values = t.view.values();
  std::vector<std::uint8_t> host(values * width);
  for (std::size_t i = 0; i < values; ++i) {
    const auto code = static_cast<std::uint32_t>(t.codes[i]);
    std::memcpy(host.data() + i * width, &code, width);  // little-endian: the low half for BF16
  }
  try {
    DeviceBytes in(host.size()), e(values), s(t.view.blocks(plan.block.block_size));
    in.upload(host.data());
    mxref::fast::cuda::quantize(plan.block, bf16 ? FloatData::bf16 : FloatData::fp32, in.get(), t.view, e.get(),
                                s.get(), {});
    elements = e.download();
    scales = s.download();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "cuda_plugin: %s\n", error.what());
    return false;
  }
  return true;
}

// A dot suite's vector as one output of a 3 x 3 GEMM: A's row and B's row at places that move from vector to
// vector, the other rows the same codes rotated by one element (other products, same scales), every other
// C the vector's with its low bit flipped; a result taken from the wrong row, column or C shows.
int run_dot(const Suite& suite, const std::uint64_t* inputs, std::size_t input_count, std::uint64_t* outputs,
            std::size_t output_capacity, std::size_t call) {
  using mxref::fast::ExactGemm;
  using mxref::fast::FusedGemm;
  const mxref::DotShape& shape = suite.dot;
  const mxref::CastOptions& o = suite.options;
  const bool exact = suite.model == &mxref::exact_accumulation();
  const bool fp32_rne = shape.out == mxref::fp32 && o.rounding == mxref::Rounding::rne &&
                        o.overflow == mxref::Overflow::natural && !o.flush_subnormal_results;
  const bool runs =
      shape.a.block_size == shape.b.block_size && (shape.a.block_size == 16 || shape.a.block_size == 32) && fp32_rne &&
      (exact ? ExactGemm::applies(shape.a, shape.b) : FusedGemm::applies(shape.a, shape.b, *suite.model, shape.out, o));
  if (!runs || output_capacity < 1 || !mxref::fast::cuda::device_present()) return -1;
  mxref::DotProblem p;
  try {
    p = mxref::dot_problem_of(shape, {inputs, input_count});
  } catch (const std::exception&) {
    return -1;
  }
  constexpr std::size_t rows = 3;
  const auto size = static_cast<std::size_t>(shape.a.block_size);
  const std::size_t k = p.a.blocks.size() * size, place_a = call % rows, place_b = (call / rows) % rows;
  std::vector<std::uint8_t> a_codes, a_scales, b_codes, b_scales;
  const auto put = [&](const mxref::DotOperand& operand, std::size_t place, std::vector<std::uint8_t>& codes,
                       std::vector<std::uint8_t>& scales) {
    for (std::size_t r = 0; r < rows; ++r) {
      const std::size_t rotate = r == place ? 0 : 1 + r;
      for (const mxref::DotBlock& block : operand.blocks) {
        scales.push_back(static_cast<std::uint8_t>(block.scale));
        for (std::size_t i = 0; i < size; ++i)
          codes.push_back(static_cast<std::uint8_t>(block.elements[(i + rotate) % size]));
      }
    }
  };
  put(p.a, place_a, a_codes, a_scales);
  put(p.b, place_b, b_codes, b_scales);
  std::vector<std::uint32_t> c(rows * rows, static_cast<std::uint32_t>(p.c) ^ 1u);
  c[place_a * rows + place_b] = static_cast<std::uint32_t>(p.c);
  const mxref::fast::cuda::ExactGemmInput in{shape.a, shape.b, rows, rows, k, a_codes, a_scales, b_codes, b_scales, c};
  try {
    const mxref::fast::cuda::ExactGemmResult r =
        exact ? mxref::fast::cuda::exact_gemm(in) : mxref::fast::cuda::fused_gemm(in, *suite.model);
    outputs[0] = r.d[place_a * rows + place_b];
  } catch (const std::exception& error) {
    std::fprintf(stderr, "cuda_plugin: %s\n", error.what());
    return -1;
  }
  return 1;
}

}  // namespace

extern "C" int mxref_plugin_abi_version(void) { return MXREF_PLUGIN_ABI_VERSION; }

extern "C" int mxref_plugin_run(const char* suite_json, const std::uint64_t* inputs, std::size_t input_count,
                                std::uint64_t* outputs, std::size_t output_capacity) {
  thread_local Plan plan;
  thread_local std::size_t calls = 0;
  if (plan.text != suite_json) plan = mxref::plugin::plan_for(suite_json);
  if (plan.parsed && plan.suite.kind == Suite::Kind::dot)
    return run_dot(plan.suite, inputs, input_count, outputs, output_capacity, calls++);
  if (!plan.runnable || plan.suite.kind != Suite::Kind::block || !mxref::fast::cuda::device_present()) return -1;
  const std::size_t n = input_count;
  if (n == 0 || n > plan.block.block_size || output_capacity < n + 1) return -1;
  const bool rows = along_rows() || n < plan.block.block_size;
  const std::size_t place = calls++ % blocks_per_tensor;
  const Tensor t = tensor_around(inputs, n, place, rows, plan.suite.from == mxref::bf16);
  if (!mxref::fast::cuda::unsupported(plan.block, t.view).empty()) return -1;
  std::vector<std::uint8_t> elements, scales;
  if (!quantize_on_gpu(plan, t, elements, scales)) return -1;
  // Row-major scales over [outer, block rows, columns]; elements in the input's order.
  outputs[0] = scales[place];
  for (std::size_t i = 0; i < n; ++i) outputs[1 + i] = elements[rows ? i * blocks_per_tensor + place : place * n + i];
  return static_cast<int>(n + 1);
}
