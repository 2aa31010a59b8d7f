#include "fast/cuda/block_quantize.hpp"

#include <cuda_runtime.h>

#include <array>
#include <mutex>
#include <stdexcept>
#include <string>

#include "fast/cuda/launch.cuh"

namespace mxref::fast::cuda {

namespace {

using kernels::with_element;

constexpr int mx_block = 32;

// The element's constants with the torchao-rceil threshold table in device memory (copied once per
// element and kept for the program's life, on the device current at first use).
ElementConstants device_constants(Element element) {
  static std::once_flag once;
  static std::array<ElementConstants, element_formats.size()> table;
  std::call_once(once, [] {
    for (std::size_t e = 0; e < table.size(); ++e) {
      ElementConstants c = element_constants(element_formats[e].first);
      constexpr std::size_t bytes = 277 * sizeof(std::uint32_t);
      void* device = nullptr;
      check(cudaMalloc(&device, bytes), "cudaMalloc");
      check(cudaMemcpy(device, c.rceil_threshold, bytes, cudaMemcpyHostToDevice), "cudaMemcpy");
      c.rceil_threshold = static_cast<const std::uint32_t*>(device);
      table[e] = c;
    }
  });
  return table[static_cast<std::size_t>(element)];
}

// f(operands) with the MX scheme of `spec`.
template <class F>
void with_operands(const BlockSpec& spec, const CodeLayout& layout, std::uint8_t* scales, F&& f) {
  with_element(spec.element, [&]<class E>() {
    f(kernels::Operands<kernels::MxScheme<E>>{
        {scales, layout.scales, layout.scale_columns}, {device_constants(spec.element), spec.rule}, layout.packed});
  });
}

void require(const BlockSpec& spec, const AxisView& view, const void* a, const void* b) {
  if (!runs_on_fast_path(spec.rule))
    throw std::invalid_argument("the fast path does not run scale rule " + std::string(to_string(spec.rule)));
  if (const std::string why = unsupported(spec, view); !why.empty()) throw std::runtime_error("CUDA path: " + why);
  launch::require_aligned(a, b);
}

}  // namespace

bool device_present() {
  int count = 0;
  return cudaGetDeviceCount(&count) == cudaSuccess && count > 0;
}

std::size_t element_bytes(const BlockSpec& spec, const AxisView& view, const CodeLayout& layout) {
  int bits = 8;
  with_element(spec.element, [&]<class E>() { bits = kernels::code_bits<E>(); });
  return launch::element_bytes(bits, view, layout);
}

std::size_t scale_bytes(const BlockSpec& spec, const AxisView& view, const CodeLayout& layout) {
  return launch::scale_bytes(view.blocks(spec.block_size), layout);
}

std::string unsupported(const BlockSpec& spec, const AxisView& view) {
  if (spec.block_size != static_cast<std::size_t>(mx_block)) return "blocks of 32 only";
  return launch::unsupported(mx_block, view);
}

void quantize(const BlockSpec& spec, FloatData from, const void* in, const AxisView& view, std::uint8_t* elements,
              std::uint8_t* scales, const CodeLayout& layout, Stream stream) {
  require(spec, view, in, elements);
  launch::prepare_scales(view.blocks(mx_block), layout, scales, stream);
  with_operands(spec, layout, scales, [&](const auto& op) {
    launch::quantize<false>(op, from, in, view, elements, FloatData::fp32, nullptr, stream);
  });
}

void fake_quantize(const BlockSpec& spec, FloatData from, const void* in, const AxisView& view, FloatData to, void* out,
                   Stream stream) {
  require(spec, view, in, out);
  with_operands(spec, {}, nullptr,
                [&](const auto& op) { launch::quantize<true>(op, from, in, view, nullptr, to, out, stream); });
}

void dequantize(const BlockSpec& spec, const std::uint8_t* elements, const std::uint8_t* scales, const AxisView& view,
                const CodeLayout& layout, FloatData to, void* out, Stream stream) {
  require(spec, view, elements, out);
  // The kernels only read scales here; ScaleTarget's pointer is shared with quantize, which writes them.
  with_operands(spec, layout, const_cast<std::uint8_t*>(scales),
                [&](const auto& op) { launch::dequantize(op, elements, view, to, out, stream); });
}

}  // namespace mxref::fast::cuda
