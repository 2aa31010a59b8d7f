#include "tools/dot_command.hpp"

#include "tools/dot_job.hpp"

#include <bit>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "ref/block/block_format.hpp"
#include "ref/dot/dot.hpp"
#include "ref/dot/dot_codes.hpp"
#include "ref/encode.hpp"
#include "ref/format_name.hpp"
#include "tools/cli_choices.hpp"
#include "tools/hex_lines.hpp"
#include "tools/line_reader.hpp"
#include "tools/output_buffer.hpp"
#include "tools/usage_error.hpp"

namespace mxref::tools {

DotJob job_of(const DotArguments& arguments) {
  DotJob job;
  DotShape& shape = job.shape;
  try {
    shape.a = parse_block_format(arguments.format);
    shape.b = arguments.format_b.empty() ? shape.a : parse_block_format(arguments.format_b);
    job.model = &find_accumulation_model(arguments.model);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  if (shape.a.block_size != shape.b.block_size)
    throw UsageError("--format and --format-b must have the same block size (" + std::to_string(shape.a.block_size) +
                     " and " + std::to_string(shape.b.block_size) + ")");
  if (arguments.blocks < 1 || arguments.blocks > (1 << 20)) throw UsageError("--blocks must be 1 to 1048576");
  shape.blocks = arguments.blocks;
  shape.out = format_argument(arguments.out);
  job.tensor_scale_a = positive_fp32_argument("--tensor-scale-a", arguments.tensor_scale_a);
  job.tensor_scale_b = positive_fp32_argument("--tensor-scale-b", arguments.tensor_scale_b);
  const Dyadic one(1, 0);
  if ((!shape.a.tensor_scale && job.tensor_scale_a != one) || (!shape.b.tensor_scale && job.tensor_scale_b != one))
    throw UsageError("--tensor-scale-a and --tensor-scale-b are for formats with a per-tensor scale (nvfp4)");
  job.options.rounding = rounding_argument(arguments.rounding);
  job.options.overflow = overflow_argument(arguments.overflow);
  if (job.options.rounding == Rounding::stochastic) throw UsageError("dot does not round stochastically");
  try {
    validate(shape.out, job.options);
    validate(shape, *job.model);  // a model whose groups do not fit the blocks fails before any input
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  return job;
}

namespace {

void run_dot(const DotArguments& arguments) {
  if (arguments.list_models) {
    for (const AccumulationModel& m : accumulation_models())
      std::printf("%-20s %s\n", std::string(m.name).c_str(), std::string(m.summary).c_str());
    return;
  }
  if (arguments.format.empty()) throw UsageError("dot needs --format (or --list-models)");
  const DotJob job = job_of(arguments);
  const std::vector<Format> formats = dot_code_formats(job.shape);
  const int digits = hex_digits(width(job.shape.out));
  LineReader lines(stdin);
  OutputBuffer out(stdout);
  std::uint64_t line_number = 0;
  while (const auto line = lines.next()) {
    ++line_number;
    const std::vector<std::uint64_t> codes = tokens_of(*line, line_number);
    if (codes.size() != formats.size())
      fail_line(line_number, "expected " + std::to_string(formats.size()) + " hex tokens (A's and B's scale and " +
                                 std::to_string(job.shape.a.block_size) + " element codes per block, then C), found " +
                                 std::to_string(codes.size()));
    for (std::size_t k = 0; k < codes.size(); ++k) check_code_fits(formats[k], codes[k], line_number, k + 1);
    CastResult r;
    try {
      r = dot(dot_problem_of(job.shape, codes, job.tensor_scale_a, job.tensor_scale_b), job.shape.out, job.options,
              *job.model);
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
  cmd->add_option("--tensor-scale-a", arguments->tensor_scale_a,
                  "NVFP4: A's per-tensor FP32 (decode) scale, as a hex bit pattern")
      ->capture_default_str();
  cmd->add_option("--tensor-scale-b", arguments->tensor_scale_b, "NVFP4: B's per-tensor FP32 (decode) scale")
      ->capture_default_str();
  cmd->add_flag("--list-models", arguments->list_models, "Print each accumulation model and what it reproduces");
  cmd->callback([arguments] { run_dot(*arguments); });
}

}  // namespace mxref::tools
