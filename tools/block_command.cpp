#include "tools/block_command.hpp"

#include <cstdio>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "ref/block/block_format.hpp"
#include "ref/block/host_float.hpp"
#include "ref/block/packing.hpp"
#include "ref/block/quantize.hpp"
#include "ref/decode.hpp"
#include "ref/encode.hpp"
#include "ref/format_name.hpp"
#include "tools/block_job.hpp"
#include "tools/cli_choices.hpp"
#include "tools/hex_lines.hpp"
#include "tools/line_reader.hpp"
#include "tools/output_buffer.hpp"
#include "tools/usage_error.hpp"

namespace mxref::tools {

bool names_packed_e2m1_pair(const std::string& format) {
  return format.substr(0, format.find('/')) == packed_e2m1_pair;
}

BlockFormat block_format_argument(const std::string& format) {
  // torch's float4_e2m1fn_x2 as the element: E2M1 codes, packed two a byte, the first in the low nibble.
  try {
    return parse_block_format(names_packed_e2m1_pair(format) ? "e2m1" + format.substr(packed_e2m1_pair.size())
                                                             : format);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
}

BlockJob job_of(const BlockArguments& a, Mode mode) {
  BlockJob job;
  const bool packed_pair = names_packed_e2m1_pair(a.format);
  job.format = block_format_argument(a.format);
  try {
    if (!a.scale.empty()) job.format.scale = parse_format(a.scale);
    job.profile = &find_profile(a.profile);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  if (a.block != -1 && (a.block < 1 || a.block > (1 << 20))) throw UsageError("--block must be 1 to 1048576");
  if (a.block != -1) job.format.block_size = a.block;
  job.from = format_argument(a.from);
  if (a.to != "exact") job.to = format_argument(a.to);
  job.tensor_scale = positive_fp32_argument("--tensor-scale", a.tensor_scale);
  if (!a.tensor_amax.empty()) {
    // The implementation's own derivation of both of its tensor scales from the tensor amax.
    const std::optional<std::uint64_t> amax = parse_hex(a.tensor_amax);
    if (!amax || *amax > 0xFFFFFFFF) throw UsageError("--tensor-amax takes an FP32 bit pattern in hex");
    try {
      job.tensor_scale = tensor_scale_for(job.profile->rule, job.format, decode(fp32, *amax));
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
  }
  try {
    validate(job.format.element, job.profile->element);
  } catch (const std::invalid_argument& e) {
    throw UsageError("profile " + std::string(job.profile->name) + " cannot quantize to " +
                     block_format_name(job.format) + ": " + e.what());
  }
  if (a.packed || packed_pair) {
    job.packed = parse_bit_order(a.bit_order);
    if (!job.packed) throw UsageError("--bit-order must be lsb-first, msb-first or fp6-planar32");
    if (packed_pair && *job.packed != BitOrder::lsb_first)
      throw UsageError(std::string(packed_e2m1_pair) +
                       " puts the first code in the low nibble (--bit-order lsb-first)");
  }
  (void)mode;
  return job;
}

namespace {

// A packed block as one token of hex byte pairs, byte 0 first.
void append_bytes(std::string& text, std::span<const std::uint8_t> bytes) {
  for (const std::uint8_t b : bytes) append_hex(text, b, 2);
}

std::vector<std::uint64_t> unpack_token(std::string_view token, const BlockJob& job, std::uint64_t line_number) {
  const std::size_t n = static_cast<std::size_t>(job.format.block_size);
  const int bits = width(job.format.element);
  const std::size_t expected = (n * static_cast<std::size_t>(bits) + 7) / 8;
  if (token.size() != 2 * expected)
    fail_line(line_number, "expected " + std::to_string(expected) + " packed bytes (" + std::to_string(2 * expected) +
                               " hex digits), found " + std::to_string(token.size()) + " digits");
  std::vector<std::uint8_t> bytes;
  for (std::size_t i = 0; i < token.size(); i += 2) {
    const std::optional<std::uint64_t> b = parse_hex(token.substr(i, 2));
    if (!b || token[i] == 'x' || token[i + 1] == 'x') fail_line(line_number, "packed bytes must be hex digits");
    bytes.push_back(static_cast<std::uint8_t>(*b));
  }
  return unpack_codes(bytes, bits, n, *job.packed);
}

void append_value(std::string& text, const Value& v, const std::optional<Format>& to) {
  if (to) {
    append_hex(text, encode(*to, v, {}).code, hex_digits(width(*to)));
    return;
  }
  if (v.is_nan()) text += v.negative ? "-nan" : "nan";
  else if (v.is_infinity()) text += v.negative ? "-inf" : "inf";
  else text += (v.negative ? "-" : "") + to_hexfloat(v.magnitude);
}

// Values separated by spaces: codes of `to`, or exact hex floats without it.
void append_values(std::string& text, std::span<const Value> values, const std::optional<Format>& to) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) text += ' ';
    append_value(text, values[i], to);
  }
}

// dequantize --packed: a scale code, then the block's elements as one token of packed bytes.
void dequantize_packed_line(const BlockJob& job, std::string_view line, std::uint64_t line_number, std::string& text) {
  const std::string_view body = trim(line);
  const std::size_t space = body.find_first_of(" \t");
  if (space == std::string_view::npos) fail_line(line_number, "expected a scale code and a token of packed bytes");
  const HexToken scale = parse_hex_token(body.substr(0, space));
  if (!scale.ok()) fail_line(line_number, "token 1: " + scale.error);
  check_code_fits(job.format.scale, scale.value, line_number, 1);
  const std::vector<std::uint64_t> codes = unpack_token(trim(body.substr(space)), job, line_number);
  append_values(text, dequantize_block(job.format, scale.value, codes, job.tensor_scale.decode), job.to);
}

// The line's codes: one whole block (after its scale code, to dequantize), or with --ragged a shorter block.
std::vector<std::uint64_t> block_tokens(std::string_view line, std::uint64_t line_number, std::size_t n, Mode mode,
                                        bool ragged) {
  std::vector<std::uint64_t> tokens = tokens_of(line, line_number);
  const std::size_t expected = mode == Mode::dequantize ? n + 1 : n;
  const bool short_ok = ragged && mode != Mode::dequantize && !tokens.empty() && tokens.size() < expected;
  if (tokens.size() != expected && !short_ok)
    fail_line(line_number, "expected " + std::to_string(expected) + " hex codes (" +
                               (mode == Mode::dequantize ? "a scale and " + std::to_string(n) + " elements"
                                                         : "one block of " + std::to_string(n)) +
                               "), found " + std::to_string(tokens.size()) +
                               (mode != Mode::dequantize && !ragged && !tokens.empty() && tokens.size() < expected
                                    ? " (a short last block needs --ragged)"
                                    : ""));
  return tokens;
}

// A scale code and the element codes of one block -> its values.
void dequantize_line(const BlockJob& job, std::span<const std::uint64_t> tokens, std::uint64_t line_number,
                     std::string& text) {
  check_code_fits(job.format.scale, tokens[0], line_number, 1);
  for (std::size_t i = 1; i < tokens.size(); ++i) check_code_fits(job.format.element, tokens[i], line_number, i + 1);
  append_values(text, dequantize_block(job.format, tokens[0], tokens.subspan(1), job.tensor_scale.decode), job.to);
}

// The --from codes of one block as exact values, into `values` (reused from line to line).
void decode_block(const BlockJob& job, std::span<const std::uint64_t> tokens, std::uint64_t line_number,
                  std::vector<Value>& values) {
  values.clear();
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    check_code_fits(job.from, tokens[i], line_number, i + 1);
    values.push_back(decode(job.from, tokens[i]));
  }
}

// The block's scale code, then its element codes: one token each, or one token of packed bytes.
void quantize_line(const BlockJob& job, const std::vector<Value>& values, std::uint64_t line_number,
                   std::string& text) {
  const BlockFormat& f = job.format;
  QuantizedBlock q;
  try {
    q = quantize_block(f, *job.profile, values, job.tensor_scale);
  } catch (const std::exception& e) {
    fail_line(line_number, e.what());
  }
  append_hex(text, q.scale, hex_digits(width(f.scale)));
  if (job.packed) {
    text += ' ';
    append_bytes(text, pack_codes(q.elements, width(f.element), *job.packed));
  }
  for (const std::uint64_t c : job.packed ? std::span<const std::uint64_t>{} : std::span(q.elements)) {
    text += ' ';
    append_hex(text, c, hex_digits(width(f.element)));
  }
}

void fakequant_line(const BlockJob& job, const std::vector<Value>& values, std::uint64_t line_number,
                    std::string& text) {
  std::vector<Value> v;
  try {
    v = fake_quantize_block(job.format, *job.profile, values, job.tensor_scale);
  } catch (const std::exception& e) {
    fail_line(line_number, e.what());
  }
  append_values(text, v, job.to);
}

// Text mode: one block per stdin line, one result line per block on stdout.
void run_lines(const BlockJob& job, Mode mode, bool ragged) {
  const std::size_t n = static_cast<std::size_t>(job.format.block_size);
  LineReader lines(stdin);
  OutputBuffer out(stdout);
  std::uint64_t line_number = 0;
  std::vector<Value> values;
  while (const auto line = lines.next()) {
    ++line_number;
    if (mode == Mode::dequantize && job.packed) {
      dequantize_packed_line(job, *line, line_number, out.text());
    } else {
      const std::vector<std::uint64_t> tokens = block_tokens(*line, line_number, n, mode, ragged);
      if (mode == Mode::dequantize) {
        dequantize_line(job, tokens, line_number, out.text());
      } else {
        decode_block(job, tokens, line_number, values);
        if (mode == Mode::quantize) quantize_line(job, values, line_number, out.text());
        else fakequant_line(job, values, line_number, out.text());
      }
    }
    out.text() += '\n';
    out.maybe_flush();
  }
  out.flush();
}

void run(const BlockArguments& arguments, Mode mode) {
  const BlockJob job = job_of(arguments, mode);
  if (!arguments.in.empty() || !arguments.out.empty()) {
    if (arguments.in.empty() || arguments.out.empty()) throw UsageError("--in and --out go together");
    if (arguments.ragged) throw UsageError("--ragged is for text mode; tensor files cut ragged blocks themselves");
    run_tensor_files(job, arguments, mode);
    return;
  }
  // Tensor-file options would otherwise be silently ignored by text mode.
  if (!arguments.shape.empty() || arguments.axis != -1 || arguments.tile != 0 || arguments.swizzle || arguments.fast ||
      arguments.threads != 0)
    throw UsageError(
        "--shape, --axis, --tile, --swizzle, --fast and --threads are for tensor files (--in FILE --out FILE)");
  run_lines(job, mode, arguments.ragged);
}

CLI::App* add_block_command(CLI::App& app, Mode mode, const char* name, const char* description) {
  auto a = std::make_shared<BlockArguments>();
  CLI::App* cmd = app.add_subcommand(name, description);
  cmd->add_option("--format", a->format,
                  "Block format: mxfp8_e4m3, mxfp4_e2m1, mxint8, nvfp4, ... or ELEMENT[/SCALE[/BLOCK]]")
      ->required();
  cmd->add_option("--profile", a->profile, "ocp, nvidia-rceil, torchao-floor, microxcaling-even, ...")
      ->capture_default_str();
  cmd->add_option("--block", a->block, "Elements per block (default: the format's)");
  cmd->add_option("--scale", a->scale, "Scale format (default: the format's; e8m0 for MX)");
  cmd->add_option("--tensor-amax", a->tensor_amax,
                  "NVFP4: the tensor's amax (FP32 hex); the profile derives its tensor scales from it");
  cmd->add_option("--tensor-scale", a->tensor_scale, "NVFP4 per-tensor FP32 (decode) scale, as a hex bit pattern")
      ->capture_default_str();
  if (mode != Mode::dequantize)
    cmd->add_option("--from", a->from, "Input format: f32, bf16, f16 or f64")->capture_default_str();
  if (mode != Mode::fake_quantize) {
    cmd->add_flag("--packed", a->packed, "Elements as one token of packed bytes (hex pairs, byte 0 first)");
    cmd->add_option("--bit-order", a->bit_order,
                    "Packed sub-byte elements: lsb-first (FP4 element 0 in the low nibble), msb-first, "
                    "fp6-planar32 (torchao 0.12-0.14)")
        ->capture_default_str();
  }
  if (mode != Mode::quantize)
    cmd->add_option("--to", a->to, "Output: f32, bf16, f16, f64 (RNE) or exact (hex floats)")->capture_default_str();
  cmd->add_option("--in", a->in,
                  "Input tensor file: .npy (quantize/fakequant), .npz from quantize (dequantize), "
                  "or raw little-endian values with --shape");
  cmd->add_option("--out", a->out, "Output file: .npz of elements, scales and tensor_scale (quantize), .npy otherwise");
  cmd->add_option("--shape", a->shape,
                  mode == Mode::dequantize
                      ? "Tensor shape, e.g. 4,32, for packed elements in an archive without 'shape'"
                      : "Shape of a raw --in file, e.g. 4,32");
  cmd->add_option("--axis", a->axis,
                  mode == Mode::dequantize ? "Tensor mode: the blocked axis, for an archive without 'axis' (np.savez)"
                                           : "Tensor mode: the blocked axis (negative counts from the end)")
      ->capture_default_str();
  if (mode != Mode::dequantize)
    cmd->add_flag("--ragged", a->ragged, "Text mode: accept lines of fewer values, each a ragged last block");
  if (mode == Mode::quantize)
    cmd->add_flag("--swizzle", a->swizzle,
                  "Tensor mode: scales in NVIDIA's swizzled block-scale layout (rows = all leading axes, "
                  "padded to 128 x 4)");
  cmd->add_option("--tile", a->tile,
                  "Tensor mode: 2-D tiles of this many rows by --block columns (last two axes)" +
                      std::string(mode == Mode::dequantize ? ", for an archive without 'tile'" : ""));
  cmd->add_flag("--fast", a->fast,
                "Tensor mode: the vectorized, multithreaded path (MX elements, e8m0 scale; ocp, nvidia-rceil, "
                "torchao-*; nvfp4 under nvfp4, nvfp4-torchao, nvfp4-te; f32/bf16)");
  cmd->add_option("--threads", a->threads,
                  "With --fast: threads to use (default: one per 2^18 values, up to every hardware thread)");
  cmd->callback([a, mode] { run(*a, mode); });
  return cmd;
}

}  // namespace

void add_block_commands(CLI::App& app) {
  add_block_command(app, Mode::quantize, "quantize",
                    "Quantize blocks: one block of hex values per stdin line -> scale and element codes");
  add_block_command(app, Mode::dequantize, "dequantize",
                    "Dequantize blocks: a scale code and element codes per stdin line -> values");
  add_block_command(app, Mode::fake_quantize, "fakequant", "Quantize then dequantize: hex values in, hex values out");
}

}  // namespace mxref::tools
