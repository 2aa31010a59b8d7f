#include "tools/stats_command.hpp"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "tools/block_memory.hpp"
#include "tools/file_bytes.hpp"
#include "tools/stats_job.hpp"
#include "tools/usage_error.hpp"

namespace mxref::tools {

namespace {

struct StatsCommand {
  StatsArguments stats;
  std::string format, formats, profiles, out;
  bool json = false, csv = false;
};

std::vector<std::string> list_of(const std::string& text) {
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (item.empty()) throw UsageError("an empty name in the list '" + text + "'");
    items.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return items;
}

void run_stats(StatsCommand c) {
  StatsArguments& s = c.stats;
  if (s.in.empty()) throw UsageError(std::string(s.compare ? "compare" : "stats") + " needs --in");
  if (c.json && c.csv) throw UsageError("--json and --csv: choose one");
  s.formats = list_of(s.compare ? c.formats : c.format);
  s.profiles = list_of(c.profiles);
  if (!s.compare && (s.formats.size() != 1 || s.profiles.size() != 1))
    throw UsageError("stats takes one --format and one --profile; compare takes lists");
  // The input as quantize reads it (--from, --shape), checked before any work.
  BlockArguments a;
  a.format = s.formats.front();
  a.from = s.from;
  a.in = s.in;
  a.shape = s.shape;
  const CodeTensor in = read_tensor_input(job_of(a, Mode::quantize), a);
  const std::vector<StatsRow> rows = stats_rows(s, in);
  const std::string text = c.json ? stats_json(rows) : c.csv ? stats_csv(rows) : stats_text(rows);
  if (c.out.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return;
  }
  write_file_atomically(c.out, {std::vector<std::uint8_t>(text.begin(), text.end())});
}

void add_options(CLI::App* cmd, StatsCommand& c) {
  cmd->add_option("--in", c.stats.in, "Input tensor: .npy, or raw little-endian values with --shape");
  cmd->add_option("--shape", c.stats.shape, "Shape of a raw --in file, e.g. 4,32");
  cmd->add_option("--from", c.stats.from, "Input format: f32, bf16, f16 or f64")->capture_default_str();
  cmd->add_option("--axis", c.stats.axis, "The blocked axis (negative counts from the end)")->capture_default_str();
  cmd->add_option("--tile", c.stats.tile, "2-D tiles of this many rows over the last two axes");
  cmd->add_option("--block", c.stats.block, "Block size (default: the format's own)");
  cmd->add_option("--threads", c.stats.threads, "Threads (default: by size, up to every core)");
  cmd->add_option("--out", c.out, "Write the report here (atomically) instead of stdout");
  cmd->add_flag("--json", c.json, "The report as JSON");
  cmd->add_flag("--reference", c.stats.reference_sums,
                "Sum the errors on dyadic rationals value by value (slow; the default sums the same exact values "
                "on doubles split without rounding)");
}

}  // namespace

void add_stats_commands(CLI::App& app) {
  auto stats = std::make_shared<StatsCommand>();
  stats->profiles = "ocp";
  CLI::App* s = app.add_subcommand(
      "stats", "Error statistics of one tensor quantized to one block format, exact (MSE, RMSE, MAE, SQNR, ...)");
  add_options(s, *stats);
  s->add_option("--format", stats->format, "Block format (mxfp8_e4m3, mxfp4_e2m1, nvfp4, ...)");
  s->add_option("--profile", stats->profiles, "Quantization profile")->capture_default_str();
  s->callback([stats] { run_stats(*stats); });

  auto compare = std::make_shared<StatsCommand>();
  compare->profiles = "ocp";
  compare->stats.compare = true;
  CLI::App* c = app.add_subcommand("compare",
                                   "One tensor under several block formats and profiles: one row each, sorted by SQNR");
  add_options(c, *compare);
  c->add_option("--formats", compare->formats, "Block formats, comma-separated");
  c->add_option("--profiles", compare->profiles,
                "Profiles, comma-separated (pairs a profile cannot quantize are left out)")
      ->capture_default_str();
  c->add_flag("--csv", compare->csv, "The report as CSV");
  c->callback([compare] { run_stats(*compare); });
}

}  // namespace mxref::tools
