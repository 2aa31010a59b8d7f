#include "fast/cuda/block_quantize.hpp"

#include <cuda_runtime.h>

#include <array>
#include <mutex>
#include <stdexcept>

#include "fast/cuda/block_kernels.cuh"

namespace mxref::fast::cuda {

namespace {

using kernels::block_size;

void check(cudaError_t status, const char* what) {
  if (status != cudaSuccess) throw std::runtime_error(std::string("CUDA: ") + what + ": " + cudaGetErrorString(status));
}

void check_launch(const char* what) { check(cudaGetLastError(), what); }

// The element's constants with the torchao-rceil threshold table in device memory (copied once per
// element and kept for the program's life, on the device current at first use).
ElementConstants device_constants(BlockElement element) {
  static std::once_flag once;
  static std::array<ElementConstants, 6> table;
  std::call_once(once, [] {
    for (int e = 0; e < 6; ++e) {
      ElementConstants c = element_constants(static_cast<BlockElement>(e));
      constexpr std::size_t bytes = 277 * sizeof(std::uint32_t);
      void* device = nullptr;
      check(cudaMalloc(&device, bytes), "cudaMalloc");
      check(cudaMemcpy(device, c.rceil_threshold, bytes, cudaMemcpyHostToDevice), "cudaMemcpy");
      c.rceil_threshold = static_cast<const std::uint32_t*>(device);
      table[static_cast<std::size_t>(e)] = c;
    }
  });
  return table[static_cast<std::size_t>(element)];
}

std::size_t round_up(std::size_t n, std::size_t m) { return (n + m - 1) / m * m; }

bool contiguous(const AxisView& v) { return v.columns == 1; }

kernels::Operands operands(const BlockSpec& spec, const CodeLayout& layout, std::uint8_t* scales) {
  return {{scales, layout.scales, layout.scale_columns}, device_constants(spec.element), spec.rule, layout.packed};
}

unsigned grid_for(std::size_t threads, int per_block) {
  return static_cast<unsigned>((threads + per_block - 1) / per_block);
}

// Calls f.template operator()<E>() with the element type of `element`.
template <class F>
void with_element(BlockElement element, F&& f) {
  switch (element) {
    case BlockElement::e4m3: return f.template operator()<E4M3>();
    case BlockElement::e5m2: return f.template operator()<E5M2>();
    case BlockElement::e3m2: return f.template operator()<E3M2>();
    case BlockElement::e2m3: return f.template operator()<E2M3>();
    case BlockElement::e2m1: return f.template operator()<E2M1>();
    case BlockElement::int8: return f.template operator()<Int8>();
  }
}

int code_bits_of(BlockElement element) {
  int bits = 8;
  with_element(element, [&]<class E>() { bits = kernels::code_bits<E>(); });
  return bits;
}

template <class F>
void with_data(FloatData d, F&& f) {
  if (d == FloatData::fp32) f.template operator()<FloatData::fp32>();
  else f.template operator()<FloatData::bf16>();
}

void require(const BlockSpec& spec, const AxisView& view, const void* a, const void* b) {
  if (const std::string why = unsupported(spec, view); !why.empty()) throw std::runtime_error("CUDA path: " + why);
  for (const void* p : {a, b})
    if (reinterpret_cast<std::uintptr_t>(p) % 16 != 0) throw std::runtime_error("CUDA path: buffers must be 16-byte aligned");
}

// Zeroes the swizzled layout's padding (the kernels write only the real scales).
void clear_padding(const BlockSpec& spec, const AxisView& view, const CodeLayout& layout, std::uint8_t* scales,
                   Stream stream) {
  if (layout.scales == ScaleLayout::swizzled)
    check(cudaMemsetAsync(scales, 0, scale_bytes(spec, view, layout), stream), "cudaMemsetAsync");
}

// quantize (Fake = false) and fake_quantize share their launches.
template <bool Fake>
void run_quantize(const BlockSpec& spec, FloatData from, const void* in, const AxisView& view, std::uint8_t* elements,
                  const kernels::Operands& op, FloatData to, void* out, Stream stream) {
  if (view.values() == 0) return;
  with_element(spec.element, [&]<class E>() {
    with_data(from, [&]<FloatData In>() {
      with_data(Fake ? to : FloatData::fp32, [&]<FloatData Out>() {
        if (contiguous(view)) {
          const std::size_t vectors = view.values() / kernels::values_per_vector<In>;
          const unsigned grid = grid_for(vectors, kernels::contiguous_threads * kernels::vectors_per_thread);
          kernels::contiguous_kernel<E, In, Fake, Out>
              <<<grid, kernels::contiguous_threads, 0, stream>>>(in, vectors, elements, out, op);
        } else {
          const std::size_t threads =
              view.outer * ((view.rows + block_size - 1) / block_size) * (view.columns / kernels::across_columns);
          kernels::across_kernel<E, In, Fake, Out><<<grid_for(threads, kernels::across_threads), kernels::across_threads,
                                                     0, stream>>>(in, view.outer, view.rows, view.columns, elements,
                                                                  out, op);
        }
      });
    });
  });
  check_launch(Fake ? "fake_quantize kernel" : "quantize kernel");
}

}  // namespace

bool device_present() {
  int count = 0;
  return cudaGetDeviceCount(&count) == cudaSuccess && count > 0;
}

std::size_t element_bytes(const BlockSpec& spec, const AxisView& view, const CodeLayout& layout) {
  const std::size_t bits = layout.packed ? static_cast<std::size_t>(code_bits_of(spec.element)) : 8;
  return (view.values() * bits + 7) / 8;
}

std::size_t scale_bytes(const BlockSpec& spec, const AxisView& view, const CodeLayout& layout) {
  const std::size_t blocks = view.blocks(spec.block_size);
  if (layout.scales == ScaleLayout::row_major) return blocks;
  const std::size_t columns = layout.scale_columns == 0 ? 1 : layout.scale_columns;
  return round_up((blocks + columns - 1) / columns, 128) * round_up(columns, 4);
}

std::string unsupported(const BlockSpec& spec, const AxisView& view) {
  if (spec.block_size != static_cast<std::size_t>(block_size)) return "blocks of 32 only";
  if (contiguous(view) && view.rows % block_size != 0) return "blocks along the last axis need a length that is a multiple of 32";
  if (!contiguous(view) && view.columns % kernels::across_columns != 0)
    return "blocks across rows need a multiple of 4 columns";
  return {};
}

void quantize(const BlockSpec& spec, FloatData from, const void* in, const AxisView& view, std::uint8_t* elements,
              std::uint8_t* scales, const CodeLayout& layout, Stream stream) {
  require(spec, view, in, elements);
  if (layout.scales == ScaleLayout::swizzled && (layout.scale_columns == 0 || view.blocks(block_size) % layout.scale_columns != 0))
    throw std::runtime_error("CUDA path: swizzled scales need scale_columns dividing the number of blocks");
  clear_padding(spec, view, layout, scales, stream);
  run_quantize<false>(spec, from, in, view, elements, operands(spec, layout, scales), FloatData::fp32, nullptr, stream);
}

void fake_quantize(const BlockSpec& spec, FloatData from, const void* in, const AxisView& view, FloatData to, void* out,
                   Stream stream) {
  require(spec, view, in, out);
  run_quantize<true>(spec, from, in, view, nullptr, operands(spec, {}, nullptr), to, out, stream);
}

void dequantize(const BlockSpec& spec, const std::uint8_t* elements, const std::uint8_t* scales, const AxisView& view,
                const CodeLayout& layout, FloatData to, void* out, Stream stream) {
  require(spec, view, elements, out);
  if (view.values() == 0) return;
  const kernels::Operands op = operands(spec, layout, const_cast<std::uint8_t*>(scales));
  with_element(spec.element, [&]<class E>() {
    with_data(to, [&]<FloatData Out>() {
      if (contiguous(view)) {
        const std::size_t vectors = view.values() / kernels::values_per_vector<Out>;
        const unsigned grid = grid_for(vectors, kernels::contiguous_threads * kernels::vectors_per_thread);
        kernels::contiguous_dequantize_kernel<E, Out><<<grid, kernels::contiguous_threads, 0, stream>>>(elements, vectors, out, op);
      } else {
        const std::size_t threads =
            view.outer * ((view.rows + block_size - 1) / block_size) * (view.columns / kernels::across_columns);
        kernels::across_dequantize_kernel<E, Out><<<grid_for(threads, kernels::across_threads), kernels::across_threads, 0,
                                                    stream>>>(elements, view.outer, view.rows, view.columns, out, op);
      }
    });
  });
  check_launch("dequantize kernel");
}

}  // namespace mxref::fast::cuda
