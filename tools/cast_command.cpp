#include "tools/cast_command.hpp"

#include "tools/cast_job.hpp"

#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

#include "ref/cast.hpp"
#include "ref/cast_profile.hpp"
#include "tools/cli_choices.hpp"
#include "tools/flag_letters.hpp"
#include "tools/hex_lines.hpp"
#include "tools/line_reader.hpp"
#include "tools/output_buffer.hpp"
#include "tools/random_bits.hpp"
#include "tools/usage_error.hpp"

namespace mxref::tools {

CastJob job_of(const CastArguments& a) {
  CastJob job{format_argument(a.from),
              format_argument(a.to),
              {},
              model_argument(a.model),
              uint64_argument("--seed", a.seed),
              a.flags};
  job.options.rounding = rounding_argument(a.rounding);
  job.options.overflow = overflow_argument(a.overflow);
  job.options.nan_to_finite = nan_argument(a.nan);
  job.options.flush_subnormal_results = a.ftz;
  job.options.subnormal_inputs_as_zero = a.daz;
  job.options.random.count = a.random_bits;
  const std::optional<CastProfile> profile = parse_cast_profile(a.profile);
  if (!profile)
    throw UsageError("unknown profile '" + a.profile +
                     "' (spec, ml_dtypes, ml_dtypes-0.6, torch, torch-cuda, cuda-satfinite or cuda-nosat)");
  job.profile = *profile;
  if (job.profile != CastProfile::spec) {
    // A profile fixes the special-value and overflow rules; only the rounding stays the user's.
    if (a.policy_given) throw UsageError("--profile fixes --overflow, --nan, --ftz and --daz; drop them");
    if (job.options.rounding == Rounding::stochastic) throw UsageError("--profile casts do not round stochastically");
    if (!a.rounding_given) job.options.rounding = default_rounding(job.profile, job.to);
    try {  // an unsupported target or rounding fails here, before any input is read
      (void)cast_with_profile(job.profile, job.to, Value::finite(false, Dyadic()), job.options.rounding);
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
    return job;
  }
  // Impossible combinations fail here, before any input is read.
  try {
    validate(job.to, job.options);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  return job;
}

CastResult cast_one(const CastJob& job, std::uint64_t code, std::uint64_t index) {
  CastOptions options = job.options;
  if (options.rounding == Rounding::stochastic) options.random = stochastic_bits(job.seed, index, options.random.count);
  return job.profile == CastProfile::spec
             ? cast(job.from, job.to, code, options, job.model)
             : cast_with_profile(job.profile, job.to, decode(job.from, code), options.rounding);
}

namespace {

void run_cast(const CastArguments& arguments) {
  const CastJob job = job_of(arguments);
  const int digits = hex_digits(width(job.to));
  LineReader lines(stdin);
  OutputBuffer out(stdout);
  std::uint64_t index = 0;
  while (const auto line = lines.next()) {
    const std::uint64_t line_number = index + 1;
    const std::optional<std::uint64_t> code = parse_hex(*line);
    if (!code) fail_line(line_number, parse_hex_token(*line).error);
    CastResult result;
    try {
      result = cast_one(job, *code, index);
    } catch (const std::exception& e) {
      // Bits above the source width (std::invalid_argument) or a refused NaN (CastError).
      fail_line(line_number, e.what());
    }
    std::string& text = out.text();
    append_hex(text, result.code, digits);
    if (job.flags) {
      text += ' ';
      append_flag_letters(text, result.flags);
    }
    text += '\n';
    out.maybe_flush();
    ++index;
  }
  out.flush();
}

}  // namespace

void add_cast_command(CLI::App& app) {
  auto arguments = std::make_shared<CastArguments>();
  CLI::App* cmd = app.add_subcommand("cast", "Convert hex codes (one per stdin line) to another format");
  cmd->add_option("--to", arguments->to, "Target format (e4m3, e2m1, bf16, e5m3fn, int8, ...)")->required();
  cmd->add_option("--from", arguments->from, "Source format")->capture_default_str();
  CLI::Option* rounding =
      cmd->add_option("--rounding", arguments->rounding, "rne, rna, rtz, rup, rdn, rto or stochastic")
          ->capture_default_str();
  CLI::Option* overflow =
      cmd->add_option("--overflow", arguments->overflow, "natural, saturate, inf or nan")->capture_default_str();
  CLI::Option* nan = cmd->add_option("--nan", arguments->nan, "NaN into a format without NaN: error, zero or max")
                         ->capture_default_str();
  CLI::Option* ftz = cmd->add_flag("--ftz", arguments->ftz, "Flush results that round to subnormals to zero");
  CLI::Option* daz = cmd->add_flag("--daz", arguments->daz, "Read subnormal inputs as zero");
  cmd->add_option("--profile", arguments->profile,
                  "Reproduce a converter's special values and overflow: spec, ml_dtypes, ml_dtypes-0.6, torch (CPU), "
                  "torch-cuda, "
                  "cuda-satfinite, cuda-nosat")
      ->capture_default_str();
  cmd->add_option("--seed", arguments->seed, "Stochastic rounding seed (line i uses splitmix64(seed + i) >> (64 - N))")
      ->capture_default_str();
  cmd->add_option("--random-bits", arguments->random_bits, "Stochastic rounding: random bits N per value (1..64)");
  cmd->add_option("--model", arguments->model, "Reference rounding model: integer or mpfr")->capture_default_str();
  cmd->add_flag("--flags", arguments->flags, "Append exception flags: x inexact, o overflow, u underflow, i invalid");
  cmd->callback([arguments, rounding, overflow, nan, ftz, daz] {
    arguments->rounding_given = rounding->count() > 0;
    arguments->policy_given = overflow->count() + nan->count() + ftz->count() + daz->count() > 0;
    run_cast(*arguments);
  });
}

}  // namespace mxref::tools
