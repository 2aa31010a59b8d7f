// `mxref cast`: hex codes on stdin, one per line, converted to another format on stdout.
#pragma once

#include <CLI/CLI.hpp>

namespace mxref::tools {

void add_cast_command(CLI::App& app);

}  // namespace mxref::tools
