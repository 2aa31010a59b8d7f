// Tags that say what one rounding to a format saw, shared by every kind of suite.
#pragma once

#include <string>
#include <vector>

#include "ref/cast_options.hpp"
#include "ref/format.hpp"
#include "ref/value.hpp"

namespace mxref::vectors {

// `saturate` or `overflow`, `underflow`, `subnormal-out`, then `nan_tags` (the caller's), then `max-out`,
// and `tie` (the exact value halfway between its neighbours in `to`) or `inexact`.
std::vector<std::string> outcome_tags(const Format& to, const Value& exact, const CastResult& r,
                                      const std::vector<std::string>& nan_tags);

}  // namespace mxref::vectors
