// `mxref spec`: every property of a format, and the value of each of its codes.
#pragma once

#include <CLI/CLI.hpp>

namespace mxref::tools {

void add_spec_command(CLI::App& app);

}  // namespace mxref::tools
