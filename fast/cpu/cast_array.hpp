// FP32 arrays -> small float codes, dispatched at run time to the widest vector instruction set the CPU
// has (AVX-512, AVX2, or the baseline): the same element_cast.hpp arithmetic, compiled three times.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "fast/cpu/element.hpp"

namespace mxref::fast {

// Whether cast_fp32_array casts to the element: the small floats (MXINT8's element is cast only inside
// blocks, fast/cpu/block_quantize.hpp).
constexpr bool has_array_cast(Element element) {
  switch (element) {
    case Element::e4m3:
    case Element::e5m2:
    case Element::e3m2:
    case Element::e2m3:
    case Element::e2m1: return true;
    case Element::int8: return false;
  }
  return false;
}

// out[i] = cast_fp32<F>(in[i], saturate) for the format `to`; out must be as long as in. Throws
// std::invalid_argument for an element without has_array_cast.
void cast_fp32_array(Element to, std::span<const std::uint32_t> in, std::span<std::uint8_t> out, bool saturate = true);

// "avx512", "avx2" or "baseline": the code path cast_fp32_array takes on this CPU.
std::string_view simd_level();

// Every code path this CPU can run, widest first, and a cast through a named one (tests check each).
std::vector<std::string_view> simd_levels();
void cast_fp32_array_at(std::string_view level, Element to, std::span<const std::uint32_t> in,
                        std::span<std::uint8_t> out, bool saturate = true);

}  // namespace mxref::fast
