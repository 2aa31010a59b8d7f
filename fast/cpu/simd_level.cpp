#include "fast/cpu/simd_level.hpp"

#include <stdexcept>
#include <string>

namespace mxref::fast {

std::string_view name(SimdLevel level) {
  switch (level) {
    case SimdLevel::avx512: return "avx512";
    case SimdLevel::avx2: return "avx2";
    case SimdLevel::baseline: return "baseline";
  }
  return "?";
}

const std::vector<SimdLevel>& runnable_levels() {
  static const std::vector<SimdLevel> levels = [] {
    std::vector<SimdLevel> out;
#if defined(__x86_64__) && defined(__GNUC__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl"))
      out.push_back(SimdLevel::avx512);
    if (__builtin_cpu_supports("avx2")) out.push_back(SimdLevel::avx2);
#endif
    out.push_back(SimdLevel::baseline);
    return out;
  }();
  return levels;
}

SimdLevel pick_level(std::string_view wanted) {
  if (wanted.empty()) return runnable_levels().front();
  for (const SimdLevel level : runnable_levels())
    if (name(level) == wanted) return level;
  throw std::invalid_argument("this CPU cannot run SIMD level '" + std::string(wanted) + "'");
}

}  // namespace mxref::fast
