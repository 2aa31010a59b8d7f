// `mxref stats` and `mxref compare`: one tensor quantized under each block format and profile asked for, and
// what each did to it, exactly (ref/stats): error figures rounded once from exact sums, counts, scale codes,
// storage. The CLI (stats_command.cpp) and the Python module (python/) run the same rows.
#pragma once

#include <string>
#include <vector>

#include "ref/block/block_format.hpp"
#include "ref/stats/error_figures.hpp"
#include "ref/stats/quantization_stats.hpp"
#include "tools/code_bytes.hpp"

namespace mxref::tools {

struct StatsArguments {
  std::string in, shape, from = "f32";
  std::vector<std::string> formats, profiles{"ocp"};
  int axis = -1, tile = 0, block = -1;
  unsigned threads = 0;
  bool compare = false;         // several rows: pairs a profile cannot quantize are skipped, rows sorted by SQNR
  bool reference_sums = false;  // the errors summed on dyadic rationals value by value, never on doubles
};

struct StatsRow {
  std::string format, profile;
  BlockFormat block_format;
  bool fast = false;  // quantized on the fast path (the same codes)
  QuantizationStats stats;
  ErrorFigures figures;
};

// Every format x profile pair on `in` (codes of arguments.from). Throws UsageError for an argument that is
// impossible (an unknown format or profile; for stats, a profile that cannot quantize the format).
std::vector<StatsRow> stats_rows(const StatsArguments& arguments, const CodeTensor& in);

std::string stats_text(const std::vector<StatsRow>& rows);
std::string stats_json(const std::vector<StatsRow>& rows);
std::string stats_csv(const std::vector<StatsRow>& rows);

}  // namespace mxref::tools
