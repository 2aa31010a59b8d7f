// The vector instruction sets a fast kernel is compiled for, and which of them this CPU runs. Each
// kernel file compiles its loops once per level (GCC target attributes) and picks one at run time.
#pragma once

#include <string_view>
#include <vector>

namespace mxref::fast {

enum class SimdLevel { avx512, avx2, baseline };

std::string_view name(SimdLevel level);

// The levels this CPU can run, widest first (baseline always last).
const std::vector<SimdLevel>& runnable_levels();

// The named level, which must be runnable here; empty: the widest. Throws std::invalid_argument.
SimdLevel pick_level(std::string_view name);

}  // namespace mxref::fast
