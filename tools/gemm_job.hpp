// What `mxref gemm` was asked to do, parsed and checked once, and D computed from the operands' rows: the CLI
// (gemm_command.cpp, archives from files) and the Python module (python/, archives in memory) run the same code.
#pragma once

#include <string>
#include <vector>

#include "ref/block/block_format.hpp"
#include "ref/cast_options.hpp"
#include "ref/dot/dot.hpp"
#include "tools/block_archive.hpp"
#include "tools/code_bytes.hpp"

namespace mxref::tools {

struct GemmArguments {
  std::string a, b, c, out;
  std::string format;
  std::string format_b;
  int block = -1;  // -1: the format's own
  std::string model = "exact";
  std::string out_format = "f32";
  std::string rounding = "rne";
  std::string overflow = "natural";
  unsigned threads = 0;
  bool fast = false;
};

struct GemmJob {
  BlockFormat a;
  BlockFormat b;
  const AccumulationModel* model = nullptr;
  Format out;
  CastOptions options;
};

// Throws UsageError for anything impossible, before any input is read.
GemmJob job_of(const GemmArguments& arguments);

// Throws UsageError where `arguments.fast` asks for what the integer paths do not run.
void check_fast(const GemmJob& job, const GemmArguments& arguments);

// One operand's rows, each as the blocks of one dot-product operand: the archive must hold a matrix blocked
// along its last axis (K) in whole blocks. `path` and `name` ("A" or "B") name it in errors.
std::vector<DotOperand> gemm_rows(const BlockFormat& format, const BlockArchive& archive, const std::string& path,
                                  const char* name);

// D [M, N] = Dot(A row m, B row n, C[m, n]) as codes of job.out; C is [M, N] codes of job.out. Throws UsageError
// for K that differs between A and B (named by arguments.a and arguments.b).
CodeTensor gemm_product(const GemmJob& job, const GemmArguments& arguments, const std::vector<DotOperand>& a,
                        const std::vector<DotOperand>& b, const CodeTensor& c);

}  // namespace mxref::tools
