// `mxref gen` (golden vectors from a suite) and `mxref conform` (an implementation against them).
#pragma once

#include <CLI/CLI.hpp>

namespace mxref::tools {

void add_vectors_commands(CLI::App& app);

}  // namespace mxref::tools
