#include "tools/gemm_command.hpp"

#include "tools/gemm_job.hpp"

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "fast/cpu/exact_gemm.hpp"
#include "fast/cpu/fused_gemm.hpp"
#include "fast/cpu/parallel.hpp"
#include "ref/block/block_format.hpp"
#include "ref/dot/dot.hpp"
#include "ref/dot/dot_codes.hpp"
#include "ref/encode.hpp"
#include "ref/format_name.hpp"
#include "tools/block_archive.hpp"
#include "tools/cli_choices.hpp"
#include "tools/code_bytes.hpp"
#include "tools/file_bytes.hpp"
#include "tools/npy.hpp"
#include "tools/usage_error.hpp"

namespace mxref::tools {

namespace {

BlockFormat block_format_of(const std::string& name, int block) {
  BlockFormat f = parse_block_format(name);
  if (block != -1) f.block_size = block;
  return f;
}

}  // namespace

// Everything checked before any file is read.
GemmJob job_of(const GemmArguments& arguments) {
  if (arguments.format.empty()) throw UsageError("gemm needs --format (A's block format)");
  if (arguments.block != -1 && (arguments.block < 1 || arguments.block > (1 << 20)))
    throw UsageError("--block must be 1 to 1048576");
  GemmJob job;
  try {
    job.a = block_format_of(arguments.format, arguments.block);
    job.b = arguments.format_b.empty() ? job.a : block_format_of(arguments.format_b, arguments.block);
    job.model = &find_accumulation_model(arguments.model);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  if (job.a.block_size != job.b.block_size)
    throw UsageError("--format and --format-b must have the same block size (" + std::to_string(job.a.block_size) +
                     " and " + std::to_string(job.b.block_size) + ")");
  job.out = format_argument(arguments.out_format);
  job.options.rounding = rounding_argument(arguments.rounding);
  job.options.overflow = overflow_argument(arguments.overflow);
  if (job.options.rounding == Rounding::stochastic) throw UsageError("gemm does not round stochastically");
  try {
    validate(job.out, job.options);
    validate(DotShape{job.a, job.b, 1, job.out}, *job.model);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  return job;
}

std::vector<DotOperand> gemm_rows(const BlockFormat& f, const BlockArchive& archive, const std::string& path,
                                  const char* name) {
  const BlockLayout& layout = archive.layout;
  if (layout.shape.size() != 2)
    throw UsageError(path + ": " + name + " must be a matrix (" + name + " is [" + (name[0] == 'A' ? "M" : "N") +
                     ", K]); it has " + std::to_string(layout.shape.size()) + " axes");
  if (layout.tile_rows != 0) throw UsageError(path + ": 2-D tiles; gemm needs 1-D blocks along K (--axis -1)");
  if (layout.axis != 1)
    throw UsageError(path + ": blocks run along axis " + std::to_string(layout.axis) +
                     "; gemm needs them along K, the last axis (quantize --axis -1)");
  const std::size_t rows = layout.shape[0], k = layout.shape[1];
  const auto size = static_cast<std::size_t>(f.block_size);
  if (k % size != 0)
    throw UsageError(path + ": K = " + std::to_string(k) + " is not a whole number of " + std::to_string(size) +
                     "-element blocks");
  std::vector<DotOperand> out;
  for (std::size_t r = 0; r < rows; ++r)
    out.push_back(operand_row(
        f, r, k, [&](std::size_t i) { return archive.elements.at(i); },
        [&](std::size_t i) { return archive.scales.at(i); }, archive.tensor_scale));
  return out;
}

namespace {

// C as codes of the output format, [M, N] exactly: no broadcasting, so a C of the wrong shape is an error.
CodeTensor accumulator(const std::string& path, const Format& out, std::size_t m, std::size_t n) {
  CodeTensor c{out, {m, n}, {}};
  if (path.empty()) {
    c.bytes.assign(m * n * c.size(), 0);  // +0
    return c;
  }
  NpyArray array = parse_npy(read_file_bytes(path), path);
  if (array.descr != value_descr(out))
    throw UsageError(path + ": C has dtype '" + array.descr + "'; " + format_name(out) + " output needs " +
                     value_descr(out));
  if (array.shape != std::vector<std::size_t>{m, n})
    throw UsageError(path + ": C must be [" + std::to_string(m) + ", " + std::to_string(n) + "] (M, N)");
  c.bytes = std::move(array.data);
  return c;
}

void run_gemm(const GemmArguments& arguments) {
  if (arguments.a.empty() || arguments.b.empty() || arguments.out.empty())
    throw UsageError("gemm needs --a, --b and --out");
  const GemmJob job = job_of(arguments);
  check_fast(job, arguments);
  const std::vector<DotOperand> a = gemm_rows(job.a, read_block_archive(job.a, arguments.a, {}), arguments.a, "A");
  const std::vector<DotOperand> b = gemm_rows(job.b, read_block_archive(job.b, arguments.b, {}), arguments.b, "B");
  const CodeTensor c = accumulator(arguments.c, job.out, a.size(), b.size());
  const CodeTensor d = gemm_product(job, arguments, a, b, c);
  write_file_atomically(arguments.out, {npy_header(value_descr(job.out), d.shape), d.bytes});
}

}  // namespace

void check_fast(const GemmJob& job, const GemmArguments& arguments) {
  const bool exact_fast = job.model == &exact_accumulation() && fast::ExactGemm::applies(job.a, job.b);
  if (arguments.fast && !exact_fast && !fast::FusedGemm::applies(job.a, job.b, *job.model, job.out, job.options))
    throw UsageError(
        "--fast runs block formats with elements and scales of up to 8 bits (MX, nvfp4): the exact model (not "
        "mxfp8_e5m2, whose block sums can pass int64) and, into f32, the fused-sum presets (sm*-, cdna3-fp8); leave "
        "out "
        "--fast for the reference");
}

CodeTensor gemm_product(const GemmJob& job, const GemmArguments& arguments, const std::vector<DotOperand>& a,
                        const std::vector<DotOperand>& b, const CodeTensor& c) {
  check_fast(job, arguments);
  const bool exact_fast = job.model == &exact_accumulation() && fast::ExactGemm::applies(job.a, job.b);
  const std::size_t k_a = a.empty() ? 0 : a[0].blocks.size(), k_b = b.empty() ? 0 : b[0].blocks.size();
  if (!a.empty() && !b.empty() && k_a != k_b)
    throw UsageError(arguments.b + ": B has K = " + std::to_string(k_b * static_cast<std::size_t>(job.b.block_size)) +
                     ", A (" + arguments.a +
                     ") K = " + std::to_string(k_a * static_cast<std::size_t>(job.a.block_size)));
  const std::size_t m = a.size(), n = b.size();
  CodeTensor d{job.out, {m, n}, std::vector<std::uint8_t>(m * n * c.size())};

  // Rows of D are independent and each is written by one thread: the output does not depend on --threads.
  std::mutex failure_lock;
  std::optional<std::string> failure;
  const std::size_t products = m * n * k_a * static_cast<std::size_t>(job.a.block_size);
  std::optional<fast::ExactGemm> integer_path;
  std::optional<fast::FusedGemm> fused_path;
  std::vector<fast::ExactGemmRow> a_rows, b_rows;
  if (arguments.fast && exact_fast) {
    integer_path.emplace(job.a, job.b, job.out, job.options);
    for (const DotOperand& row : a) a_rows.push_back(integer_path->prepare_a(row));
    for (const DotOperand& row : b) b_rows.push_back(integer_path->prepare_b(row));
  } else if (arguments.fast) {
    fused_path.emplace(job.a, job.b, *job.model, job.out, job.options);
  }
  fast::parallel_units(m, products, arguments.threads, [&](std::size_t first, std::size_t last) {
    try {
      DotProblem p;
      for (std::size_t i = first; i < last; ++i) {
        if (integer_path) {
          for (std::size_t j = 0; j < n; ++j)
            d.put(i * n + j, integer_path->code(a_rows[i], b_rows[j], a[i], b[j], c.at(i * n + j)));
          continue;
        }
        if (fused_path) {
          for (std::size_t j = 0; j < n; ++j) d.put(i * n + j, fused_path->code(a[i], b[j], c.at(i * n + j)));
          continue;
        }
        p.a = a[i];
        for (std::size_t j = 0; j < n; ++j) {
          p.b = b[j];
          p.c = c.at(i * n + j);
          d.put(i * n + j, dot(p, job.out, job.options, *job.model).code);
        }
      }
    } catch (const std::exception& e) {
      const std::scoped_lock lock(failure_lock);
      if (!failure) failure = e.what();
    }
  });
  if (failure) throw UsageError(*failure);
  return d;
}

void add_gemm_command(CLI::App& app) {
  auto arguments = std::make_shared<GemmArguments>();
  CLI::App* cmd = app.add_subcommand(
      "gemm", "D[m, n] = Dot(A row m, B row n, C[m, n]) from quantize archives blocked along K; D as .npy");
  cmd->add_option("--a", arguments->a, "A [M, K]: an archive of `mxref quantize --out` with blocks along K");
  cmd->add_option("--b", arguments->b, "B [N, K]: the same, with A's block size");
  cmd->add_option("--c", arguments->c, "C [M, N]: .npy of the output format's dtype (default: +0)");
  cmd->add_option("--out", arguments->out, "D [M, N]: .npy, written atomically");
  cmd->add_option("--format", arguments->format, "A's block format (mxfp8_e4m3, mxfp4_e2m1, nvfp4, ...)");
  cmd->add_option("--format-b", arguments->format_b, "B's block format (default: A's)");
  cmd->add_option("--block", arguments->block, "Block size of both (default: the format's own)");
  cmd->add_option("--model", arguments->model, "Accumulation model (mxref dot --list-models)")->capture_default_str();
  cmd->add_option("--out-format", arguments->out_format, "D's format: f32, bf16 (uint16 bits), f16 or f64")
      ->capture_default_str();
  cmd->add_option("--rounding", arguments->rounding, "rne, rna, rtz, rup, rdn or rto")->capture_default_str();
  cmd->add_option("--overflow", arguments->overflow, "natural, saturate, inf or nan")->capture_default_str();
  cmd->add_option("--threads", arguments->threads, "Threads over rows of D (default: by size, up to every core)");
  cmd->add_flag("--fast", arguments->fast,
                "Machine integers (MX and NVFP4: elements and scales of up to 8 bits; the exact model, or a fused-sum "
                "preset into f32): the same codes, faster");
  cmd->callback([arguments] { run_gemm(*arguments); });
}

}  // namespace mxref::tools
