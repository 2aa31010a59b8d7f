// The host side that every scheme's API (block_quantize.cu for MX, nvfp4_quantize.cu) shares: buffer
// sizes, and the launches of block_kernels.cuh's kernels for one scheme.
#pragma once

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "fast/cuda/block_kernels.cuh"
#include "fast/cuda/device_memory.hpp"

namespace mxref::fast::cuda::launch {

inline std::size_t round_up(std::size_t n, std::size_t m) { return (n + m - 1) / m * m; }

inline bool contiguous(const AxisView& v) { return v.columns == 1; }

inline unsigned grid_for(std::size_t threads, int per_block) {
  return static_cast<unsigned>((threads + per_block - 1) / per_block);
}

template <class F>
void with_data(FloatData d, F&& f) {
  if (d == FloatData::fp32) f.template operator()<FloatData::fp32>();
  else f.template operator()<FloatData::bf16>();
}

// with_data where Runtime, else f<FloatData::fp32>() alone.
template <bool Runtime, class F>
void with_data_if(FloatData d, F&& f) {
  if constexpr (Runtime) with_data(d, f);
  else f.template operator()<FloatData::fp32>();
}

inline std::size_t element_bytes(int code_bits, const AxisView& view, const CodeLayout& layout) {
  const std::size_t bits = layout.packed ? static_cast<std::size_t>(code_bits) : 8;
  return (view.values() * bits + 7) / 8;
}

// Row-major: one byte a block. Swizzled: the 128 x 4 tiles that cover the scale matrix, padding included.
inline std::size_t scale_bytes(std::size_t blocks, const CodeLayout& layout) {
  if (layout.scales == ScaleLayout::row_major) return blocks;
  const std::size_t columns = layout.scale_columns == 0 ? 1 : layout.scale_columns;
  return round_up((blocks + columns - 1) / columns, 128) * round_up(columns, 4);
}

// Empty when the kernels run blocks of `block` values on this view; otherwise why not.
inline std::string unsupported(int block, const AxisView& view) {
  if (contiguous(view) && view.rows % block != 0)
    return "blocks along the last axis need a length that is a multiple of " + std::to_string(block);
  if (!contiguous(view) && view.columns % kernels::across_columns != 0)
    return "blocks across rows need a multiple of 4 columns";
  return {};
}

inline void require_aligned(const void* a, const void* b) {
  for (const void* p : {a, b})
    if (reinterpret_cast<std::uintptr_t>(p) % 16 != 0)
      throw std::runtime_error("CUDA path: buffers must be 16-byte aligned");
}

// Checks the swizzled layout's shape and zeroes its padding (the kernels write only the real scales).
inline void prepare_scales(std::size_t blocks, const CodeLayout& layout, std::uint8_t* scales, Stream stream) {
  if (layout.scales != ScaleLayout::swizzled) return;
  if (layout.scale_columns == 0 || blocks % layout.scale_columns != 0)
    throw std::runtime_error("CUDA path: swizzled scales need scale_columns dividing the number of blocks");
  check(cudaMemsetAsync(scales, 0, scale_bytes(blocks, layout), stream), "cudaMemsetAsync");
}

inline std::size_t across_threads_for(int block, int columns_per_thread, const AxisView& view) {
  return view.outer * ((view.rows + block - 1) / block) * (view.columns / columns_per_thread);
}

// f<C>() with C the columns a thread takes across rows, moving values of D: kernels::wide_columns<D> where
// the view's columns are a multiple of it, else kernels::across_columns.
template <FloatData D, class F>
void with_across_columns(const AxisView& view, F&& f) {
  if (view.columns % kernels::wide_columns<D> == 0) f.template operator()<kernels::wide_columns<D>>();
  else f.template operator()<kernels::across_columns>();
}

// quantize (Fake = false: codes and scales) or fake_quantize (Fake: values as `to`).
template <bool Fake, class S>
void quantize(const kernels::Operands<S>& op, FloatData from, const void* in, const AxisView& view,
              std::uint8_t* elements, FloatData to, void* out, Stream stream) {
  if (view.values() == 0) return;
  with_data(from, [&]<FloatData In>() {
    // Out: the fake-quantized values' type (quantize stores none: one instantiation, FP32).
    with_data_if<Fake>(to, [&]<FloatData Out>() {
      if (contiguous(view)) {
        const std::size_t vectors = view.values() / kernels::values_per_vector<In>;
        constexpr kernels::LaunchShape shape = kernels::quantize_shape<S, In>();
        const unsigned grid = grid_for(vectors, shape.threads * shape.vectors_per_thread);
        kernels::contiguous_kernel<S, In, Fake, Out>
            <<<grid, shape.threads, 0, stream>>>(in, vectors, elements, out, op);
      } else {
        with_across_columns<In>(view, [&]<int C>() {
          // Eight units a warp, each in across_slices lanes (whole warps, for the shuffles).
          const std::size_t warps = (across_threads_for(S::block, C, view) + 7) / 8;
          const unsigned grid = grid_for(warps * 32, kernels::across_threads);
          kernels::across_kernel<S, In, Fake, Out, C><<<grid, kernels::across_threads, 0, stream>>>(
              in, view.outer, view.rows, view.columns, elements, out, op);
        });
      }
    });
  });
  check(cudaGetLastError(), Fake ? "fake_quantize kernel" : "quantize kernel");
}

template <class S>
void dequantize(const kernels::Operands<S>& op, const std::uint8_t* elements, const AxisView& view, FloatData to,
                void* out, Stream stream) {
  if (view.values() == 0) return;
  with_data(to, [&]<FloatData Out>() {
    if (contiguous(view)) {
      const std::size_t vectors = view.values() / kernels::values_per_vector<Out>;
      constexpr kernels::LaunchShape shape = kernels::dequantize_shape<S>();
      const unsigned grid = grid_for(vectors, shape.threads * shape.vectors_per_thread);
      kernels::contiguous_dequantize_kernel<S, Out><<<grid, shape.threads, 0, stream>>>(elements, vectors, out, op);
    } else {
      with_across_columns<Out>(view, [&]<int C>() {
        const unsigned grid = grid_for(across_threads_for(S::block, C, view), kernels::across_threads);
        kernels::across_dequantize_kernel<S, Out, C>
            <<<grid, kernels::across_threads, 0, stream>>>(elements, view.outer, view.rows, view.columns, out, op);
      });
    }
  });
  check(cudaGetLastError(), "dequantize kernel");
}

}  // namespace mxref::fast::cuda::launch
