// What every kernel of fast/cuda shares: the warp mask, code and value sizes, where a block's scale
// goes (row-major or NVIDIA's swizzled layout), and a value's part of a block's statistics.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "fast/cpu/block_scalar.hpp"
#include "fast/cuda/block_quantize.hpp"

namespace mxref::fast::cuda::kernels {

constexpr unsigned full_warp = 0xFFFFFFFFu;

template <class E>
constexpr int code_bits() {
  if constexpr (std::is_same_v<E, Int8>) return 8;
  else return 1 + E::exponent_bits + E::mantissa_bits;
}

// Value storage: FP32 bits, or BF16 in the upper half of FP32 bits.
// Calls f.template operator()<E>() with the element type of `element` (on the host, where a run is set up).
template <class F>
decltype(auto) with_element(Element element, F&& f) {
  switch (element) {
    case Element::e4m3: return f.template operator()<E4M3>();
    case Element::e5m2: return f.template operator()<E5M2>();
    case Element::e3m2: return f.template operator()<E3M2>();
    case Element::e2m3: return f.template operator()<E2M3>();
    case Element::e2m1: return f.template operator()<E2M1>();
    case Element::int8: break;
  }
  return f.template operator()<Int8>();
}

template <FloatData D>
constexpr int value_size = D == FloatData::fp32 ? 4 : 2;

struct ScaleTarget {
  std::uint8_t* scales = nullptr;
  ScaleLayout layout = ScaleLayout::row_major;
  std::size_t columns = 1;  // swizzled: the scale matrix's last dimension
};

// ref/block/packing.hpp's swizzled_scale_offset: 128x4 tiles row-major by tile, (r % 32) * 16 + (r / 32) * 4 + c
// inside.
__device__ inline std::size_t scale_offset(const ScaleTarget& t, std::size_t k) {
  if (t.layout == ScaleLayout::row_major) return k;
  const std::size_t row = k / t.columns, col = k % t.columns;
  const std::size_t tiles_across = (t.columns + 3) / 4;
  const std::size_t tile = (row / 128) * tiles_across + col / 4;
  return tile * 512 + (row % 32) * 16 + (row % 128 / 32) * 4 + col % 4;
}

// A value's part of a block's statistics: the largest finite magnitude, and bit 0 NaN, bit 1 Inf.
struct PartialStats {
  std::uint32_t amax = 0;
  std::uint32_t flags = 0;
  __device__ void add(std::uint32_t x) {
    const std::uint32_t a = x & 0x7FFFFFFFu;
    if (a < 0x7F800000u) amax = max(amax, a);
    else flags |= a == 0x7F800000u ? 2u : 1u;
  }
  __host__ __device__ BlockStats stats() const { return {amax, (flags & 1u) != 0, (flags & 2u) != 0}; }
};

}  // namespace mxref::fast::cuda::kernels
