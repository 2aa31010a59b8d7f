#include "fast/cpu/cast_array.hpp"

#include <stdexcept>
#include <string>

#include "fast/cpu/element_cast.hpp"

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

struct Choice {
  Kernel kernel;
  std::string_view name;
};

std::vector<Choice> available() {
  std::vector<Choice> out;
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl"))
    out.push_back({cast_avx512, "avx512"});
  if (__builtin_cpu_supports("avx2")) out.push_back({cast_avx2, "avx2"});
#endif
  out.push_back({cast_baseline, "baseline"});
  return out;
}

const Choice& chosen() {
  static const Choice c = available().front();
  return c;
}

}  // namespace

void cast_fp32_array(Element to, std::span<const std::uint32_t> in, std::span<std::uint8_t> out, bool saturate) {
  chosen().kernel(to, in.data(), out.data(), in.size() < out.size() ? in.size() : out.size(), saturate);
}

std::string_view simd_level() { return chosen().name; }

std::vector<std::string_view> simd_levels() {
  std::vector<std::string_view> names;
  for (const Choice& c : available()) names.push_back(c.name);
  return names;
}

void cast_fp32_array_at(std::string_view level, Element to, std::span<const std::uint32_t> in,
                        std::span<std::uint8_t> out, bool saturate) {
  for (const Choice& c : available())
    if (c.name == level) return c.kernel(to, in.data(), out.data(), in.size() < out.size() ? in.size() : out.size(), saturate);
  throw std::invalid_argument("this CPU cannot run SIMD level '" + std::string(level) + "'");
}

}  // namespace mxref::fast
