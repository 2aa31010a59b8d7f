// `mxref dot`: one block-scaled dot product per stdin line, hex codes in, one result code out.
#pragma once

#include <CLI/CLI.hpp>

namespace mxref::tools {

void add_dot_command(CLI::App& app);

}  // namespace mxref::tools
