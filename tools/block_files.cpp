// The tensor-file mode of quantize / dequantize / fakequant.
#include <charconv>
#include <cstring>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "ref/block/packing.hpp"
#include "ref/block/quantize.hpp"
#include "ref/block/tensor.hpp"
#include "ref/decode.hpp"
#include "ref/encode.hpp"
#include "ref/format_name.hpp"
#include "tools/block_job.hpp"
#include "tools/file_bytes.hpp"
#include "tools/npy.hpp"
#include "tools/progress.hpp"
#include "tools/usage_error.hpp"

namespace mxref::tools {

namespace {

// The .npy dtype that holds codes of `bits` bits.
std::string code_descr(int bits) {
  if (bits <= 8) return "|u1";
  if (bits <= 16) return "<u2";
  if (bits <= 32) return "<u4";
  return "<u8";
}

std::size_t code_bytes(int bits) { return bits <= 8 ? 1 : bits <= 16 ? 2 : bits <= 32 ? 4 : 8; }

// The dtypes a source format's values may arrive as: numpy's float types, and for bf16 its bits (ml_dtypes
// saves bfloat16 arrays as raw 2-byte voids).
bool matches(const Format& from, const std::string& descr) {
  const std::string kind = descr.substr(1);
  if (from == fp32) return kind == "f4";
  if (from == fp64) return kind == "f8";
  if (from == fp16) return kind == "f2";
  if (from == bf16) return kind == "u2" || kind == "i2" || kind == "V2";
  return kind == "u" + std::to_string(code_bytes(width(from))) || kind == "V" + std::to_string(code_bytes(width(from)));
}

std::vector<std::uint64_t> codes_of(const NpyArray& a, int bits) {
  const std::size_t size = code_bytes(bits);
  if (a.data.size() != a.count() * size) throw UsageError("array data does not match its element size");
  std::vector<std::uint64_t> out(a.count());
  for (std::size_t i = 0; i < out.size(); ++i)
    for (std::size_t b = size; b-- > 0;) out[i] = out[i] << 8 | a.data[i * size + b];
  return out;
}

NpyArray array_of(std::span<const std::uint64_t> codes, int bits, std::vector<std::size_t> shape) {
  NpyArray a{code_descr(bits), std::move(shape), {}};
  const std::size_t size = code_bytes(bits);
  a.data.reserve(codes.size() * size);
  for (const std::uint64_t c : codes)
    for (std::size_t b = 0; b < size; ++b) a.data.push_back(static_cast<std::uint8_t>(c >> (8 * b)));
  return a;
}

NpyArray scalar_i64(std::int64_t v) { return array_of(std::vector<std::uint64_t>{static_cast<std::uint64_t>(v)}, 64, {}); }

std::vector<std::size_t> parse_shape(const std::string& text) {
  std::vector<std::size_t> shape;
  std::string_view rest = text;
  while (!rest.empty()) {
    std::size_t d = 0;
    const auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), d);
    if (error != std::errc{} || d == 0) throw UsageError("--shape takes positive sizes separated by commas, e.g. 4,32");
    rest.remove_prefix(static_cast<std::size_t>(end - rest.data()));
    if (!rest.empty() && rest.front() != ',') throw UsageError("--shape takes positive sizes separated by commas");
    if (!rest.empty()) rest.remove_prefix(1);
    shape.push_back(d);
  }
  if (shape.empty()) throw UsageError("--shape is empty");
  return shape;
}

BlockLayout layout_of(const BlockArguments& a, const std::vector<std::size_t>& shape) {
  const long rank = static_cast<long>(shape.size());
  const long axis = a.axis < 0 ? rank + a.axis : a.axis;
  if (axis < 0 || axis >= rank) throw UsageError("--axis " + std::to_string(a.axis) + " is out of range for " + std::to_string(rank) + " axes");
  if (a.tile < 0) throw UsageError("--tile must be positive");
  if (a.tile > 0 && rank < 2) throw UsageError("--tile needs at least two axes");
  return {shape, static_cast<std::size_t>(axis), static_cast<std::size_t>(a.tile)};
}

// The input tensor's codes (in the --from format) and shape: a .npy of the source format, or raw codes
// with --shape. Codes are 8 bytes a value; Values (exact) are made a block at a time where possible.
std::vector<std::uint64_t> read_codes(const BlockJob& job, const BlockArguments& a, std::vector<std::size_t>& shape) {
  const std::vector<std::uint8_t> bytes = read_file_bytes(a.in);
  const int bits = width(job.from);
  std::vector<std::uint64_t> codes;
  if (a.in.ends_with(".npy")) {
    if (!a.shape.empty()) throw UsageError("--shape is for raw input; a .npy file carries its shape");
    const NpyArray array = parse_npy(bytes, a.in);
    if (!matches(job.from, array.descr))
      throw UsageError(a.in + ": dtype '" + array.descr + "' does not hold " + format_name(job.from) + " values (--from)");
    shape = array.shape.empty() ? std::vector<std::size_t>{1} : array.shape;
    codes = codes_of(array, bits);
  } else {
    if (a.shape.empty()) throw UsageError("raw input needs --shape (or give a .npy file)");
    shape = parse_shape(a.shape);
    NpyArray raw{code_descr(bits), shape, bytes};
    if (bytes.size() != raw.count() * code_bytes(bits))
      throw UsageError(a.in + ": " + std::to_string(bytes.size()) + " bytes do not hold the --shape of " +
                       format_name(job.from) + " values");
    codes = codes_of(raw, bits);
  }
  for (const std::uint64_t c : codes)
    if (c > code_mask(job.from)) throw UsageError(a.in + ": a code does not fit " + format_name(job.from));
  return codes;
}

std::vector<std::uint64_t> encoded(const Format& to, std::span<const Value> values) {
  std::vector<std::uint64_t> codes;
  codes.reserve(values.size());
  for (const Value& v : values) codes.push_back(encode(to, v, {}).code);
  return codes;
}

void write_codes(const BlockArguments& a, const Format& to, std::span<const std::uint64_t> codes,
                 const std::vector<std::size_t>& shape) {
  NpyArray out = array_of(codes, width(to), shape);
  if (to == fp32) out.descr = "<f4";
  else if (to == fp64) out.descr = "<f8";
  else if (to == fp16) out.descr = "<f2";
  write_file_atomically(a.out, npy_bytes(out));
}

Format output_format(const BlockJob& job) {
  if (!job.to) throw UsageError("--to exact is for text output; a tensor file needs f32, bf16, f16 or f64");
  return *job.to;
}

// Blocks along the last axis, one at a time: no tensor of exact Values is ever built. fakequant_out
// (when not null) receives the fake-quantized values' codes instead of q's elements.
void quantize_rows(const BlockJob& job, std::span<const std::uint64_t> codes, const std::vector<std::size_t>& shape,
                   QuantizedTensor& q, std::vector<std::uint64_t>* fakequant_out, ProgressLine& progress) {
  const BlockFormat& f = job.format;
  const std::size_t n = shape.back();
  const std::size_t size = static_cast<std::size_t>(f.block_size);
  const std::size_t per_row = (n + size - 1) / size;
  const std::size_t blocks = codes.size() / n * per_row;
  q.scale_shape = shape;
  q.scale_shape.back() = per_row;
  q.scales.reserve(blocks);
  (fakequant_out ? *fakequant_out : q.elements).resize(codes.size());
  std::vector<Value> block;
  for (std::size_t row = 0; row < codes.size() / n; ++row)
    for (std::size_t start = 0; start < n; start += size) {
      const std::size_t first = row * n + start, length = std::min(size, n - start);
      block.clear();
      for (std::size_t k = 0; k < length; ++k) block.push_back(decode(job.from, codes[first + k]));
      if (fakequant_out) {
        const std::vector<Value> v = fake_quantize_block(f, *job.profile, block);
        for (std::size_t k = 0; k < length; ++k) (*fakequant_out)[first + k] = encode(*job.to, v[k], {}).code;
      } else {
        const QuantizedBlock qb = quantize_block(f, *job.profile, block);
        q.scales.push_back(qb.scale);
        for (std::size_t k = 0; k < length; ++k) q.elements[first + k] = qb.elements[k];
      }
      progress(row * per_row + start / size + 1, blocks);
    }
}

std::int64_t scalar(const std::map<std::string, NpyArray>& members, const std::string& name, const std::string& what) {
  const auto it = members.find(name);
  if (it == members.end() || it->second.count() != 1) throw UsageError(what + ": no '" + name + "' in the archive");
  return static_cast<std::int64_t>(codes_of(it->second, 64).at(0));
}

const NpyArray& member(const std::map<std::string, NpyArray>& members, const std::string& name, const std::string& what) {
  const auto it = members.find(name);
  if (it == members.end()) throw UsageError(what + ": no '" + name + "' in the archive (not written by mxref quantize?)");
  return it->second;
}

}  // namespace

void run_tensor_files(const BlockJob& job, const BlockArguments& a, Mode mode) {
  const BlockFormat& f = job.format;
  if (mode == Mode::dequantize) {
    const auto members = parse_npz(read_file_bytes(a.in), a.in);
    std::vector<std::size_t> shape;
    for (const std::uint64_t d : codes_of(member(members, "shape", a.in), 64)) shape.push_back(static_cast<std::size_t>(d));
    const BlockArguments stored{.axis = static_cast<int>(scalar(members, "axis", a.in)),
                                .tile = static_cast<int>(scalar(members, "tile", a.in))};
    const BlockLayout layout = layout_of(stored, shape);
    QuantizedTensor q;
    const std::int64_t packing = scalar(members, "packing", a.in);
    const NpyArray& elements = member(members, "elements", a.in);
    const std::size_t count = layout_of(stored, shape).shape.empty() ? 0 : NpyArray{"", shape, {}}.count();
    q.elements = packing == 0 ? codes_of(elements, width(f.element))
                              : unpack_codes(elements.data, width(f.element), count, static_cast<BitOrder>(packing - 1));
    if (q.elements.size() != count) throw UsageError(a.in + ": elements do not match the stored shape");
    const NpyArray& scales = member(members, "scales", a.in);
    q.scales = codes_of(scales, width(f.scale));
    q.scale_shape = scales.shape;
    if (members.contains("scale_shape")) {  // swizzled by quantize --swizzle
      q.scale_shape.clear();
      for (const std::uint64_t d : codes_of(members.at("scale_shape"), 64)) q.scale_shape.push_back(static_cast<std::size_t>(d));
      const std::size_t cols = q.scale_shape.empty() ? 0 : q.scale_shape.back();
      const std::size_t rows = cols == 0 ? 0 : NpyArray{"", q.scale_shape, {}}.count() / cols;
      try {
        const std::vector<std::uint8_t> bytes(q.scales.begin(), q.scales.end());
        const std::vector<std::uint8_t> plain = unswizzle_scales(bytes, rows, cols);
        q.scales.assign(plain.begin(), plain.end());
      } catch (const std::invalid_argument& e) {
        throw UsageError(a.in + ": " + e.what());
      }
    }
    const Value t = decode(fp32, codes_of(member(members, "tensor_scale", a.in), 32).at(0));
    if (!t.is_finite()) throw UsageError(a.in + ": the tensor scale is not finite");
    q.tensor_scale = t.magnitude;
    for (const std::uint64_t c : q.elements)
      if (c > code_mask(f.element)) throw UsageError(a.in + ": an element code does not fit " + format_name(f.element));
    for (const std::uint64_t c : q.scales)
      if (c > code_mask(f.scale)) throw UsageError(a.in + ": a scale code does not fit " + format_name(f.scale));
    std::vector<Value> values;
    try {
      values = dequantize_tensor(f, q, layout);
    } catch (const std::invalid_argument& e) {
      throw UsageError(a.in + ": " + e.what());
    }
    write_codes(a, output_format(job), encoded(output_format(job), values), shape);
    return;
  }
  if (mode == Mode::fakequant) (void)output_format(job);  // refuse --to exact before the work
  std::vector<std::size_t> shape;
  const std::vector<std::uint64_t> codes = read_codes(job, a, shape);
  const BlockLayout layout = layout_of(a, shape);
  QuantizedTensor q;
  std::vector<std::uint64_t> fakequant_codes;
  try {
    ProgressLine progress(mode == Mode::quantize ? "quantize" : "fakequant");
    if (layout.tile_rows == 0 && layout.axis + 1 == shape.size() && !f.tensor_scale && shape.back() > 0) {
      quantize_rows(job, codes, shape, q, mode == Mode::fakequant ? &fakequant_codes : nullptr, progress);
    } else {  // other axes, tiles and NVFP4's tensor-wide scale: the whole tensor at once
      std::vector<Value> values;
      values.reserve(codes.size());
      for (const std::uint64_t c : codes) values.push_back(decode(job.from, c));
      q = quantize_tensor(f, *job.profile, values, layout, std::ref(progress));
      if (mode == Mode::fakequant) {
        std::vector<Value> out = dequantize_tensor(f, q, layout);
        keep_fake_quant_conventions(*job.profile, f.element, values, out);
        fakequant_codes = encoded(output_format(job), out);
      }
    }
  } catch (const UsageError&) {
    throw;
  } catch (const std::exception& e) {
    throw UsageError(a.in + ": " + e.what());
  }
  if (mode == Mode::fakequant) {
    write_codes(a, output_format(job), fakequant_codes, shape);
    return;
  }
  std::map<std::string, NpyArray> members;
  if (job.packed) {
    const std::vector<std::uint8_t> bytes = pack_codes(q.elements, width(f.element), *job.packed);
    members["elements"] = NpyArray{"|u1", {bytes.size()}, bytes};
  } else {
    members["elements"] = array_of(q.elements, width(f.element), shape);
  }
  if (a.swizzle) {
    // Rows are every axis but the last merged (as torchao's to_blocked does); the result is 1-D.
    if (width(f.scale) > 8) throw UsageError("--swizzle needs one-byte scales");
    const std::size_t cols = q.scale_shape.back();
    const std::size_t rows = q.scales.size() / cols;
    const std::vector<std::uint8_t> row_major(q.scales.begin(), q.scales.end());
    const std::vector<std::uint8_t> swizzled = swizzle_scales(row_major, rows, cols);
    members["scales"] = NpyArray{"|u1", {swizzled.size()}, swizzled};
    members["scale_shape"] = array_of(std::vector<std::uint64_t>(q.scale_shape.begin(), q.scale_shape.end()), 64,
                                      {q.scale_shape.size()});
    members["scale_shape"].descr = "<i8";
  } else {
    members["scales"] = array_of(q.scales, width(f.scale), q.scale_shape);
  }
  NpyArray tensor_scale = array_of(std::vector<std::uint64_t>{encode(fp32, Value::finite(false, q.tensor_scale), {}).code}, 32, {});
  tensor_scale.descr = "<f4";
  members["tensor_scale"] = tensor_scale;
  std::vector<std::uint64_t> dims(shape.begin(), shape.end());
  members["shape"] = array_of(dims, 64, {dims.size()});
  members["shape"].descr = "<i8";
  members["axis"] = scalar_i64(static_cast<std::int64_t>(layout.axis));
  members["axis"].descr = "<i8";
  members["tile"] = scalar_i64(static_cast<std::int64_t>(layout.tile_rows));
  members["tile"].descr = "<i8";
  members["packing"] = scalar_i64(job.packed ? static_cast<std::int64_t>(*job.packed) + 1 : 0);
  members["packing"].descr = "<i8";
  write_file_atomically(a.out, npz_bytes(members));
}

}  // namespace mxref::tools
