// floor(fl(log2(x))): what `floor(log2(x))` gives when log2 is a correctly rounded function of a host
// format of `precision` bits (24 for torch.log2 on FP32). It is one more than the true floor(log2 x)
// when x lies just below a power of two and log2(x) rounds up to that integer.
#pragma once

#include <cstdint>

#include "ref/dyadic.hpp"

namespace mxref {

// x must be > 0.
std::int64_t floor_of_rounded_log2(const Dyadic& x, int precision = 24);
// ceil(fl(log2(x))), as torchao's legacy RCEIL computes ceil(torch.log2(descale)).
std::int64_t ceil_of_rounded_log2(const Dyadic& x, int precision = 24);

}  // namespace mxref
