#include "tools/dot_command.hpp"

#include <bit>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "ref/block/block_format.hpp"
#include "ref/dot/dot.hpp"
#include "ref/encode.hpp"
#include "ref/format_name.hpp"
#include "tools/cli_choices.hpp"
#include "tools/hex_lines.hpp"
#include "tools/line_reader.hpp"
#include "tools/output_buffer.hpp"
#include "tools/usage_error.hpp"

namespace mxref::tools {

namespace {

struct DotArguments {
  std::string format;
  std::string format_b;
  int blocks = 1;
  std::string model = "exact";
  std::string out = "f32";
  std::string rounding = "rne";
  std::string overflow = "natural";
  bool list_models = false;
};

struct DotJob {
  BlockFormat a;
  BlockFormat b;
  int blocks = 1;
  const AccumulationModel* model = nullptr;
  Format out;
  CastOptions options;
};

DotJob job_of(const DotArguments& arguments) {
  DotJob job;
  try {
    job.a = parse_block_format(arguments.format);
    job.b = arguments.format_b.empty() ? job.a : parse_block_format(arguments.format_b);
    job.model = &find_accumulation_model(arguments.model);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  if (job.a.block_size != job.b.block_size)
    throw UsageError("--format and --format-b must have the same block size (" + std::to_string(job.a.block_size) +
                     " and " + std::to_string(job.b.block_size) + ")");
  if (arguments.blocks < 1 || arguments.blocks > (1 << 20)) throw UsageError("--blocks must be 1 to 1048576");
  job.blocks = arguments.blocks;
  job.out = format_argument(arguments.out);
  job.options.rounding = rounding_argument(arguments.rounding);
  job.options.overflow = overflow_argument(arguments.overflow);
  if (job.options.rounding == Rounding::stochastic) throw UsageError("dot does not round stochastically");
  try {
    validate(job.out, job.options);
    DotProblem empty{{job.a, {}, Dyadic(1, 0)}, {job.b, {}, Dyadic(1, 0)}, 0};
    validate(empty, job.out, *job.model);  // a model whose groups do not fit the blocks fails before any input
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  return job;
}

// The next `count` hex tokens of the line as codes of `format`, from position `at`.
void read_codes(const std::vector<std::string_view>& tokens, std::size_t& at, std::size_t count, const Format& format,
                std::uint64_t line_number, std::vector<std::uint64_t>& codes) {
  for (std::size_t i = 0; i < count; ++i, ++at) {
    const HexToken t = parse_hex_token(tokens[at]);
    if (!t.ok()) fail_line(line_number, "token " + std::to_string(at + 1) + ": " + t.error);
    check_code_fits(format, t.value, line_number, at + 1);
    codes.push_back(t.value);
  }
}

DotOperand operand_of(const BlockFormat& format, int blocks, const std::vector<std::string_view>& tokens,
                      std::size_t& at, std::uint64_t line_number) {
  DotOperand o{format, {}, Dyadic(1, 0)};
  for (int j = 0; j < blocks; ++j) {
    std::vector<std::uint64_t> scale;
    read_codes(tokens, at, 1, format.scale, line_number, scale);
    DotBlock block{scale[0], {}};
    read_codes(tokens, at, static_cast<std::size_t>(format.block_size), format.element, line_number, block.elements);
    o.blocks.push_back(std::move(block));
  }
  return o;
}

std::vector<std::string_view> split(std::string_view line) {
  std::vector<std::string_view> tokens;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r')) ++i;
    std::size_t end = i;
    while (end < line.size() && line[end] != ' ' && line[end] != '\t' && line[end] != '\r') ++end;
    if (end > i) tokens.push_back(line.substr(i, end - i));
    i = end;
  }
  return tokens;
}

void run_dot(const DotArguments& arguments) {
  if (arguments.list_models) {
    for (const AccumulationModel& m : accumulation_models())
      std::printf("%-20s %s\n", std::string(m.name).c_str(), std::string(m.summary).c_str());
    return;
  }
  if (arguments.format.empty()) throw UsageError("dot needs --format (or --list-models)");
  const DotJob job = job_of(arguments);
  const auto per_operand = static_cast<std::size_t>(job.blocks) * (1 + static_cast<std::size_t>(job.a.block_size));
  const std::size_t expected = 2 * per_operand + 1;
  const int digits = hex_digits(width(job.out));
  LineReader lines(stdin);
  OutputBuffer out(stdout);
  std::uint64_t line_number = 0;
  while (const auto line = lines.next()) {
    ++line_number;
    const std::vector<std::string_view> tokens = split(*line);
    if (tokens.size() != expected)
      fail_line(line_number, "expected " + std::to_string(expected) + " hex tokens (A's and B's scale and " +
                                 std::to_string(job.a.block_size) + " element codes per block, then C), found " +
                                 std::to_string(tokens.size()));
    std::size_t at = 0;
    DotProblem p;
    p.a = operand_of(job.a, job.blocks, tokens, at, line_number);
    p.b = operand_of(job.b, job.blocks, tokens, at, line_number);
    std::vector<std::uint64_t> c;
    read_codes(tokens, at, 1, job.out, line_number, c);
    p.c = c[0];
    CastResult r;
    try {
      r = dot(p, job.out, job.options, *job.model);
    } catch (const std::exception& e) {
      fail_line(line_number, e.what());
    }
    append_hex(out.text(), r.code, digits);
    out.text() += '\n';
    out.maybe_flush();
  }
  out.flush();
}

}  // namespace

void add_dot_command(CLI::App& app) {
  auto arguments = std::make_shared<DotArguments>();
  CLI::App* cmd = app.add_subcommand(
      "dot", "Block-scaled dot products: per stdin line A's blocks, B's blocks and C in hex -> one result code");
  cmd->add_option("--format", arguments->format, "A's block format (mxfp8_e4m3, mxfp4_e2m1, nvfp4, ...)");
  cmd->add_option("--format-b", arguments->format_b, "B's block format (default: A's)");
  cmd->add_option("--blocks", arguments->blocks, "Blocks per operand")->capture_default_str();
  cmd->add_option("--model", arguments->model, "Accumulation model (see --list-models)")->capture_default_str();
  cmd->add_option("--out", arguments->out, "Output format; C is a code of it")->capture_default_str();
  cmd->add_option("--rounding", arguments->rounding, "rne, rna, rtz, rup, rdn or rto")->capture_default_str();
  cmd->add_option("--overflow", arguments->overflow, "natural, saturate, inf or nan")->capture_default_str();
  cmd->add_flag("--list-models", arguments->list_models, "Print each accumulation model and what it reproduces");
  cmd->callback([arguments] { run_dot(*arguments); });
}

}  // namespace mxref::tools
