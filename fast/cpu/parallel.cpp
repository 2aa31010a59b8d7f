#include "fast/cpu/parallel.hpp"

#include <algorithm>
#include <thread>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace mxref::fast {

namespace {

class IeeeSubnormals {
 public:
#if defined(__x86_64__)
  IeeeSubnormals() : saved_(_mm_getcsr()) { _mm_setcsr(saved_ & ~(0x8000u | 0x0040u)); }
  ~IeeeSubnormals() { _mm_setcsr(saved_); }

 private:
  unsigned saved_;
#endif
};

}  // namespace

void parallel_units(std::size_t units, std::size_t values, unsigned threads,
                    const std::function<void(std::size_t, std::size_t)>& run) {
  if (units == 0) return;
  // Asked once: glibc answers by reading /sys, which costs more than a small job (the Python module's calls).
  static const std::size_t hardware = std::max(1u, std::thread::hardware_concurrency());
  const std::size_t n = threads != 0 ? std::min<std::size_t>(threads, units)
                                     : std::clamp<std::size_t>(values >> 18, 1, std::min(hardware, units));
  const auto work = [&](std::size_t t) {
    IeeeSubnormals ieee;
    run(units * t / n, units * (t + 1) / n);
  };
  std::vector<std::jthread> workers;
  for (std::size_t t = 1; t < n; ++t) workers.emplace_back(work, t);
  work(0);
}

}  // namespace mxref::fast
