// `mxref stats` (one tensor, one block format and profile) and `mxref compare` (several, one row each).
#pragma once

#include <CLI/CLI.hpp>

namespace mxref::tools {

void add_stats_commands(CLI::App& app);

}  // namespace mxref::tools
