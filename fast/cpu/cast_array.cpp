#include "fast/cpu/cast_array.hpp"

#include <algorithm>
#include <stdexcept>

#include "fast/cpu/element_cast.hpp"
#include "fast/cpu/simd_level.hpp"

namespace mxref::fast {

namespace {

// Inlined into each target-specific function below, so the compiler vectorizes it for that target.
template <class F>
[[gnu::always_inline]] inline void loop(const std::uint32_t* in, std::uint8_t* out, std::size_t n, bool saturate) {
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<std::uint8_t>(cast_fp32<F>(in[i], saturate));
}

[[gnu::always_inline]] inline void by_format(Element to, const std::uint32_t* in, std::uint8_t* out, std::size_t n,
                                             bool saturate) {
  switch (to) {
    case Element::e4m3: loop<E4M3>(in, out, n, saturate); break;
    case Element::e5m2: loop<E5M2>(in, out, n, saturate); break;
    case Element::e3m2: loop<E3M2>(in, out, n, saturate); break;
    case Element::e2m3: loop<E2M3>(in, out, n, saturate); break;
    case Element::e2m1: loop<E2M1>(in, out, n, saturate); break;
    case Element::int8: break;  // refused by require_array_cast
  }
}

#if defined(__x86_64__) && defined(__GNUC__)
[[gnu::target("avx512f,avx512bw,avx512vl")]] void cast_avx512(Element to, const std::uint32_t* in, std::uint8_t* out,
                                                              std::size_t n, bool saturate) {
  by_format(to, in, out, n, saturate);
}
[[gnu::target("avx2")]] void cast_avx2(Element to, const std::uint32_t* in, std::uint8_t* out, std::size_t n,
                                       bool saturate) {
  by_format(to, in, out, n, saturate);
}
#endif

void cast_baseline(Element to, const std::uint32_t* in, std::uint8_t* out, std::size_t n, bool saturate) {
  by_format(to, in, out, n, saturate);
}

using Kernel = void (*)(Element, const std::uint32_t*, std::uint8_t*, std::size_t, bool);

Kernel kernel_at(SimdLevel level) {
  switch (level) {
#if defined(__x86_64__) && defined(__GNUC__)
    case SimdLevel::avx512: return cast_avx512;
    case SimdLevel::avx2: return cast_avx2;
#else
    case SimdLevel::avx512:
    case SimdLevel::avx2:
#endif
    case SimdLevel::baseline: return cast_baseline;
  }
  return cast_baseline;
}

void require_array_cast(Element to) {
  if (!has_array_cast(to)) throw std::invalid_argument("the fast element cast takes the small float formats, not int8");
}

}  // namespace

void cast_fp32_array(Element to, std::span<const std::uint32_t> in, std::span<std::uint8_t> out, bool saturate) {
  require_array_cast(to);
  static const Kernel widest = kernel_at(runnable_levels().front());
  widest(to, in.data(), out.data(), std::min(in.size(), out.size()), saturate);
}

std::string_view simd_level() { return name(runnable_levels().front()); }

std::vector<std::string_view> simd_levels() {
  std::vector<std::string_view> names;
  for (const SimdLevel level : runnable_levels()) names.push_back(name(level));
  return names;
}

void cast_fp32_array_at(std::string_view level, Element to, std::span<const std::uint32_t> in,
                        std::span<std::uint8_t> out, bool saturate) {
  require_array_cast(to);
  kernel_at(pick_level(level))(to, in.data(), out.data(), std::min(in.size(), out.size()), saturate);
}

}  // namespace mxref::fast
