// How much of their input spaces the heaviest sweeps cover. The optimized build runs them in full.
// Compiled with AddressSanitizer (tools/setup.sh test's clang build, or -DMXREF_SANITIZE=ON), where
// they run about 10 times slower, they keep every hand-picked input class (rounding decisions,
// specials, ties, every bf16 and fp16 input) and thin the bulk: random draws, and the option sets
// each exhaustive input meets. So the whole suite fits in CI under ASan + UBSan (docs/reliability.md,
// "Sanitizers").
#pragma once

#include <algorithm>
#include <cstddef>

namespace mxref::testing {

#if defined(__SANITIZE_ADDRESS__)  // GCC
inline constexpr bool sanitized = true;
#elif defined(__has_feature)  // Clang
#if __has_feature(address_sanitizer)
inline constexpr bool sanitized = true;
#else
inline constexpr bool sanitized = false;
#endif
#else
inline constexpr bool sanitized = false;
#endif

// How many of `full` random or exhaustive draws a sweep makes: all of them, or under a sanitizer
// one in `thinning` (at least one).
constexpr std::size_t sample_size(std::size_t full, std::size_t thinning) {
  return sanitized ? std::max<std::size_t>(1, full / thinning) : full;
}

}  // namespace mxref::testing
