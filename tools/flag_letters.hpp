// Exception flags as `cast --flags` prints them: x inexact, o overflow, u underflow, i invalid, in that
// order; '-' when none is raised, so every output line has the same number of fields.
#pragma once

#include <cstdint>
#include <string>

#include "ref/cast_options.hpp"

namespace mxref::tools {

inline void append_flag_letters(std::string& out, std::uint8_t flags) {
  if (flags == 0) {
    out += '-';
    return;
  }
  if (flags & Flag::inexact) out += 'x';
  if (flags & Flag::overflow) out += 'o';
  if (flags & Flag::underflow) out += 'u';
  if (flags & Flag::invalid) out += 'i';
}

}  // namespace mxref::tools
