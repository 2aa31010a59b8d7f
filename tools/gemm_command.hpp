// `mxref gemm`: D = A B^T + C from two quantized archives, each element one reference dot product.
#pragma once

#include <CLI/CLI.hpp>

namespace mxref::tools {

void add_gemm_command(CLI::App& app);

}  // namespace mxref::tools
