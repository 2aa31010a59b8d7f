// `mxref quantize`, `mxref dequantize`, `mxref fakequant`: one block per stdin line, hex in, hex out.
#pragma once

#include <CLI/CLI.hpp>

namespace mxref::tools {

void add_block_commands(CLI::App& app);

}  // namespace mxref::tools
