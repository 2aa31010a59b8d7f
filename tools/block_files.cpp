// The tensor-file mode of quantize / dequantize / fakequant.
//
// Tensors stay as their files' code bytes (code_bytes.hpp); blocks are taken one at a time (BlockWalk),
// decoded to exact Values, quantized and stored back as codes. Memory is therefore about the input file
// plus the output, whatever the axis or tiling: a tensor of exact Values would take some 100 bytes an
// element.
#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "ref/block/packing.hpp"
#include "ref/block/quantize.hpp"
#include "ref/block/tensor.hpp"
#include "ref/decode.hpp"
#include "ref/encode.hpp"
#include "ref/format_name.hpp"
#include "tools/block_archive.hpp"
#include "tools/block_job.hpp"
#include "tools/block_memory.hpp"
#include "tools/block_walk.hpp"
#include "tools/code_bytes.hpp"
#include "tools/fast_blocks.hpp"
#include "tools/file_bytes.hpp"
#include "tools/npy.hpp"
#include "tools/progress.hpp"
#include "tools/usage_error.hpp"

namespace mxref::tools {

namespace {

CodeTensor zeros(const Format& format, std::vector<std::size_t> shape, std::size_t count) {
  CodeTensor t{format, std::move(shape), {}};
  t.bytes.assign(count * t.size(), 0);
  return t;
}

// The dtypes a source format's values may arrive as: numpy's float types, and for bf16 (which numpy
// lacks) its bits as integers, or as the 2-byte void that np.save writes for ml_dtypes.bfloat16.
bool holds(const Format& from, const std::string& descr) {
  const std::string kind = descr.substr(1);
  if (from == fp32) return kind == "f4";
  if (from == fp64) return kind == "f8";
  if (from == fp16) return kind == "f2";
  const std::string size = std::to_string(storage_bytes(width(from)));
  return kind == "u" + size || kind == "i" + size || kind == "V" + size;
}

// Integer arrays of codes (elements, scales) as numpy code would save them: any width-sized integer.
bool holds_codes(const Format& f, const std::string& descr) {
  const std::string kind = descr.substr(1), size = std::to_string(storage_bytes(width(f)));
  return kind == "u" + size || kind == "i" + size || kind == "V" + size;
}

void check_codes(const CodeTensor& t, const std::string& what, const std::string& role) {
  if (width(t.format) == static_cast<int>(8 * t.size())) return;  // every bit pattern is a code
  const std::uint64_t mask = code_mask(t.format);
  for (std::size_t i = 0; i < t.count(); ++i)
    if (t.at(i) > mask)
      throw UsageError(what + ": " + role + " code " + std::to_string(t.at(i)) + " does not fit " +
                       format_name(t.format));
}

std::vector<std::size_t> parse_shape(const std::string& text) {
  std::vector<std::size_t> shape;
  std::string_view rest = text;
  while (!rest.empty()) {
    std::size_t d = 0;
    const auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), d);
    if (error != std::errc{} || d == 0) throw UsageError("--shape takes positive sizes separated by commas, e.g. 4,32");
    rest.remove_prefix(static_cast<std::size_t>(end - rest.data()));
    if (!rest.empty() && rest.front() != ',')
      throw UsageError("--shape takes positive sizes separated by commas, e.g. 4,32");
    if (!rest.empty()) rest.remove_prefix(1);
    shape.push_back(d);
  }
  if (shape.empty()) throw UsageError("--shape is empty");
  return shape;
}

std::size_t product(const std::vector<std::size_t>& shape) {
  std::size_t p = 1;
  for (const std::size_t d : shape) {
    if (d != 0 && p > SIZE_MAX / d) throw UsageError("the tensor shape is too large");
    p *= d;
  }
  return p;
}

BlockLayout layout_of(long axis_argument, long tile, const std::vector<std::size_t>& shape) {
  const long rank = static_cast<long>(shape.size());
  const long axis = axis_argument < 0 ? rank + axis_argument : axis_argument;
  if (axis < 0 || axis >= rank)
    throw UsageError("--axis " + std::to_string(axis_argument) + " is out of range for " + std::to_string(rank) +
                     (rank == 1 ? " axis" : " axes"));
  if (tile < 0) throw UsageError("--tile must be positive");
  if (tile > 0 && rank < 2) throw UsageError("--tile needs at least two axes");
  // Tiles always span the last two axes; an --axis naming another would be silently ignored.
  if (tile > 0 && axis != rank - 1) throw UsageError("--tile blocks the last two axes; leave --axis at -1");
  return {shape, static_cast<std::size_t>(axis), static_cast<std::size_t>(tile)};
}

// The input tensor in the --from format: a .npy of a matching dtype, or raw little-endian values with --shape.
CodeTensor read_input(const BlockJob& job, const BlockArguments& a) {
  CodeTensor t{job.from, {}, {}};
  if (a.in.ends_with(".npy")) {
    if (!a.shape.empty()) throw UsageError("--shape is for raw input; a .npy file carries its shape");
    NpyArray array = parse_npy(read_file_bytes(a.in), a.in);
    if (!holds(job.from, array.descr))
      throw UsageError(a.in + ": dtype '" + array.descr + "' does not hold " + format_name(job.from) +
                       " values (--from " + a.from + ")");
    t.shape = array.shape.empty() ? std::vector<std::size_t>{1} : array.shape;  // a 0-d array: one value
    t.bytes = std::move(array.data);
  } else {
    if (a.shape.empty()) throw UsageError("raw input needs --shape (or give a .npy file)");
    t.shape = parse_shape(a.shape);
    t.bytes = read_file_bytes(a.in);
    const std::size_t count = product(t.shape);
    if (count > t.bytes.size() / t.size() || t.bytes.size() != count * t.size())
      throw UsageError(a.in + ": " + std::to_string(t.bytes.size()) + " bytes are not --shape " + a.shape + " of " +
                       format_name(job.from) + " values (" + std::to_string(t.size()) + " bytes each)");
  }
  return t;
}

// NVFP4's tensor scale, as quantize_tensor derives it from the whole tensor (nvfp4_tensor_scale) — or
// from --tensor-amax where the user gives the amax (a calibrated one, say). nvfp4_tensor_scale looks only
// at the largest finite magnitude and whether any value is infinite, so those two stand in for the tensor.
TensorScale tensor_scale_of(const BlockJob& job, const BlockArguments& a, const CodeTensor& in) {
  if (!job.format.tensor_scale) return {};
  if (!a.tensor_amax.empty()) return job.tensor_scale;
  std::optional<Value> largest, infinity, nan;
  for (std::size_t i = 0; i < in.count(); ++i) {
    Value v = decode(in.format, in.at(i));
    if (v.is_infinity()) {
      if (!infinity) infinity = std::move(v);
    } else if (v.is_nan()) {
      if (!nan) nan = std::move(v);
    } else if (!largest || v.magnitude > largest->magnitude) {
      largest = std::move(v);
    }
  }
  std::vector<Value> stand_ins;
  for (const std::optional<Value>& v : {largest, infinity, nan})
    if (v) stand_ins.push_back(*v);
  return nvfp4_tensor_scale(job.format, *job.profile, stand_ins);
}

Format output_format(const BlockJob& job) {
  if (!job.to) throw UsageError("--to exact is for text output; a tensor file needs f32, bf16, f16 or f64");
  return *job.to;
}

void write_npy(const std::string& path, const CodeTensor& t) {
  write_file_atomically(path, {npy_header(value_descr(t.format), t.shape), t.bytes});
}

// Packed element bytes, a chunk of codes at a time: chunks of 4096 codes end on a byte boundary for any
// width and on a 32-code group for fp6-planar32, so packing them one after another is packing the whole.
constexpr std::size_t pack_chunk = 4096;

std::vector<std::uint8_t> packed(const CodeTensor& t, BitOrder order) {
  std::vector<std::uint8_t> out;
  std::vector<std::uint64_t> codes;
  for (std::size_t first = 0; first < t.count(); first += pack_chunk) {
    codes.clear();
    for (std::size_t i = first; i < std::min(t.count(), first + pack_chunk); ++i) codes.push_back(t.at(i));
    const std::vector<std::uint8_t> bytes = pack_codes(codes, width(t.format), order);
    out.insert(out.end(), bytes.begin(), bytes.end());
  }
  return out;
}

void unpack_into(CodeTensor& t, std::span<const std::uint8_t> bytes, BitOrder order) {
  const std::size_t chunk_bytes = pack_chunk * static_cast<std::size_t>(width(t.format)) / 8;
  for (std::size_t first = 0, chunk = 0; first < t.count(); first += pack_chunk, ++chunk) {
    const std::size_t count = std::min(t.count() - first, pack_chunk);
    const std::size_t offset = std::min(bytes.size(), chunk * chunk_bytes);
    const std::vector<std::uint64_t> codes = unpack_codes(bytes.subspan(offset), width(t.format), count, order);
    for (std::size_t k = 0; k < count; ++k) t.put(first + k, codes[k]);
  }
}

const NpyArray& member(const std::map<std::string, NpyArray>& members, const std::string& name,
                       const std::string& what) {
  const auto it = members.find(name);
  if (it == members.end()) throw UsageError(what + ": no '" + name + "' array in the archive");
  return it->second;
}

// An integer array of the archive (mxref's own metadata, stored as int64), when present.
std::optional<std::vector<std::int64_t>> integers(const std::map<std::string, NpyArray>& members,
                                                  const std::string& name, const std::string& what) {
  const auto it = members.find(name);
  if (it == members.end()) return std::nullopt;
  const NpyArray& a = it->second;
  if (a.descr.size() < 3 || (a.descr[1] != 'i' && a.descr[1] != 'u'))
    throw UsageError(what + ": '" + name + "' is not an integer array");
  const std::size_t size = a.data.size() / std::max<std::size_t>(1, a.count());
  std::vector<std::int64_t> out;
  for (std::size_t i = 0; i < a.count(); ++i) {
    std::uint64_t v = code_at(a.data, i, size);
    if (a.descr[1] == 'i' && size < 8 && (v >> (8 * size - 1)) != 0) v |= ~std::uint64_t{0} << (8 * size);  // sign
    out.push_back(static_cast<std::int64_t>(v));
  }
  return out;
}

std::int64_t integer(const std::map<std::string, NpyArray>& members, const std::string& name, std::int64_t otherwise,
                     const std::string& what) {
  const auto v = integers(members, name, what);
  if (!v) return otherwise;
  if (v->size() != 1) throw UsageError(what + ": '" + name + "' is not a single integer");
  return v->front();
}

std::vector<std::size_t> dimensions(const std::vector<std::int64_t>& v, const std::string& what) {
  std::vector<std::size_t> shape;
  for (const std::int64_t d : v) {
    if (d < 0) throw UsageError(what + ": a negative dimension");
    shape.push_back(static_cast<std::size_t>(d));
  }
  return shape;
}

// A code array of the archive (elements, scales), as numpy code would have saved it.
CodeTensor codes_member(const NpyArray& a, const Format& f, const std::string& name, const std::string& what) {
  if (!holds_codes(f, a.descr))
    throw UsageError(what + ": '" + name + "' has dtype '" + a.descr + "'; " + format_name(f) + " codes need " +
                     code_descr(width(f)));
  CodeTensor t{f, a.shape, a.data};
  check_codes(t, what, name);
  return t;
}

// The tensor's shape: the archive's own 'shape', else --shape, else (unpacked) the elements' array's shape.
std::vector<std::size_t> archive_shape(const std::map<std::string, NpyArray>& members, const std::string& given,
                                       const NpyArray& elements, std::int64_t packing, const std::string& what) {
  std::vector<std::size_t> shape;
  if (const auto stored = integers(members, "shape", what)) {
    shape = dimensions(*stored, what);
    if (!given.empty() && parse_shape(given) != shape)
      throw UsageError(what + ": --shape differs from the archive's 'shape'");
  } else if (!given.empty()) shape = parse_shape(given);
  else if (packing == 0) shape = elements.shape;
  else throw UsageError(what + ": packed elements need the tensor's --shape");
  if (shape.empty()) shape = {1};
  return shape;
}

// The element codes in the tensor's shape, unpacked where the archive holds them packed (packing 1 + BitOrder).
CodeTensor archive_elements(const NpyArray& elements, const Format& element, const std::vector<std::size_t>& shape,
                            std::int64_t packing, const std::string& what) {
  if (packing == 0) return codes_member(elements, element, "elements", what);
  CodeTensor codes = zeros(element, shape, product(shape));
  try {
    unpack_into(codes, elements.data, static_cast<BitOrder>(packing - 1));
  } catch (const std::invalid_argument& e) {
    throw UsageError(what + ": packed elements: " + e.what());
  }
  return codes;
}

// The scale codes, one a block in the walk's order: swizzled ones (quantize --swizzle) put back first.
CodeTensor archive_scales(const std::map<std::string, NpyArray>& members, const Format& scale, const BlockWalk& walk,
                          const std::string& what) {
  CodeTensor scales = codes_member(member(members, "scales", what), scale, "scales", what);
  if (const auto swizzled_shape = integers(members, "scale_shape", what)) {  // quantize --swizzle
    const std::vector<std::size_t> plain_shape = dimensions(*swizzled_shape, what);
    if (plain_shape != walk.scale_shape() || scales.size() != 1)
      throw UsageError(what + ": 'scale_shape' does not match the layout");
    const std::size_t columns = plain_shape.back(), rows = walk.blocks() / std::max<std::size_t>(1, columns);
    try {
      scales.bytes = unswizzle_scales(scales.bytes, rows, columns);
    } catch (const std::invalid_argument& e) {
      throw UsageError(what + ": " + e.what());
    }
  }
  if (scales.count() != walk.blocks())
    throw UsageError(what + ": " + std::to_string(scales.count()) + " scales for " + std::to_string(walk.blocks()) +
                     " blocks");
  return scales;
}

// The archive's tensor scale, or --tensor-scale where it has none.
Dyadic archive_tensor_scale(const std::map<std::string, NpyArray>& members, const Dyadic& otherwise,
                            const std::string& what) {
  if (!members.contains("tensor_scale")) return otherwise;
  const NpyArray& t = members.at("tensor_scale");
  if (t.descr != "<f4" || t.count() != 1) throw UsageError(what + ": 'tensor_scale' must be one float32");
  const Value v = decode(fp32, code_at(t.data, 0, 4));
  if (!v.is_finite() || v.negative) throw UsageError(what + ": the tensor scale must be finite and not negative");
  return v.magnitude;
}

void dequantize_fast(const BlockJob& job, const BlockArguments& a, const BlockLayout& layout, const CodeTensor& codes,
                     const CodeTensor& scales, const Dyadic& tensor_scale, CodeTensor& out) {
  const FastPlan plan = fast_plan(job, Mode::dequantize, layout);
  const fast::RunOptions run{.threads = a.threads};
  if (plan.nvfp4) {
    const fast::nvfp4::Spec spec{*plan.nvfp4, fast::nvfp4::tensor_of(TensorScale(tensor_scale))};
    fast::nvfp4::dequantize(spec, codes.bytes.data(), scales.bytes.data(), axis_view(layout), float_data(out.format),
                            out.bytes.data(), run);
  } else {
    if (tensor_scale != Dyadic(1, 0)) throw UsageError(a.in + ": --fast: an MX archive has no tensor scale but 1");
    fast::dequantize(*plan.mx, codes.bytes.data(), scales.bytes.data(), axis_view(layout), float_data(out.format),
                     out.bytes.data(), run);
  }
}

// The reference path, a block at a time.
void dequantize_blocks(const BlockFormat& f, const BlockWalk& walk, const CodeTensor& codes, const CodeTensor& scales,
                       const Dyadic& tensor_scale, CodeTensor& out) {
  ProgressLine progress("dequantize");
  std::vector<std::size_t> indices;
  std::vector<std::uint64_t> block;
  for (std::size_t b = 0; b < walk.blocks(); ++b) {
    walk.members(b, indices);
    block.clear();
    for (const std::size_t i : indices) block.push_back(codes.at(i));
    const std::vector<Value> values = dequantize_block(f, scales.at(b), block, tensor_scale);
    for (std::size_t k = 0; k < indices.size(); ++k) out.put(indices[k], encode(out.format, values[k], {}).code);
    progress(b + 1, walk.blocks());
  }
}

void dequantize_file(const BlockJob& job, const BlockArguments& a) {
  write_npy(a.out, dequantize_archive(job, a, read_block_archive(job.format, a.in, archive_defaults(job, a))));
}

void quantize_fast(const BlockJob& job, const BlockArguments& a, Mode mode, const BlockLayout& layout,
                   const CodeTensor& in, const TensorScale& tensor, const std::optional<Format>& to,
                   CodeTensor& elements, CodeTensor& scales) {
  const FastPlan plan = fast_plan(job, mode, layout);
  const fast::RunOptions run{.threads = a.threads};
  const fast::FloatData from = float_data(in.format);
  const fast::AxisView view = axis_view(layout);
  if (plan.nvfp4) {
    if (tensor.non_finite) throw UsageError(a.in + ": --fast takes a finite tensor scale (leave out --fast)");
    const fast::nvfp4::Spec spec{*plan.nvfp4, fast::nvfp4::tensor_of(tensor)};
    if (to) fast::nvfp4::fake_quantize(spec, from, in.data().data(), view, float_data(*to), elements.bytes.data(), run);
    else fast::nvfp4::quantize(spec, from, in.data().data(), view, elements.bytes.data(), scales.bytes.data(), run);
  } else {
    if (to) fast::fake_quantize(*plan.mx, from, in.data().data(), view, float_data(*to), elements.bytes.data(), run);
    else fast::quantize(*plan.mx, from, in.data().data(), view, elements.bytes.data(), scales.bytes.data(), run);
  }
}

// The reference path, a block at a time: element and scale codes, or (fakequant: `to`) the values as `to` codes.
void quantize_blocks(const BlockJob& job, const BlockArguments& a, Mode mode, const BlockWalk& walk,
                     const CodeTensor& in, const TensorScale& tensor, const std::optional<Format>& to,
                     CodeTensor& elements, CodeTensor& scales) {
  // A block holds up to the tile's values: quantize_tensor quantizes each as a block of that size.
  BlockFormat per_block = job.format;
  per_block.block_size = static_cast<int>(walk.block_capacity());
  ProgressLine progress(mode == Mode::quantize ? "quantize" : "fakequant");
  std::vector<std::size_t> indices;
  std::vector<Value> block;
  for (std::size_t b = 0; b < walk.blocks(); ++b) {
    walk.members(b, indices);
    block.clear();
    for (const std::size_t i : indices) block.push_back(decode(in.format, in.at(i)));
    try {
      if (to) {
        const std::vector<Value> v = fake_quantize_block(per_block, *job.profile, block, tensor);
        for (std::size_t k = 0; k < indices.size(); ++k) elements.put(indices[k], encode(*to, v[k], {}).code);
      } else {
        const QuantizedBlock q = quantize_block(per_block, *job.profile, block, tensor);
        scales.put(b, q.scale);
        for (std::size_t k = 0; k < indices.size(); ++k) elements.put(indices[k], q.elements[k]);
      }
    } catch (const std::exception& e) {
      throw UsageError(a.in + ": block " + std::to_string(b) + ": " + e.what());
    }
    progress(b + 1, walk.blocks());
  }
}

// Integers as mxref's int64 metadata arrays.
NpyArray int64s(const std::vector<std::size_t>& v, std::vector<std::size_t> shape) {
  NpyArray array{"<i8", std::move(shape), std::vector<std::uint8_t>(8 * v.size())};
  for (std::size_t i = 0; i < v.size(); ++i) put_code(array.data, i, 8, v[i]);
  return array;
}

// The archive quantize writes: the codes, and the layout and tensor scale that dequantize reads back.
std::map<std::string, NpyArray> quantized_archive(const BlockJob& job, const BlockArguments& a, const BlockWalk& walk,
                                                  const BlockLayout& layout, const std::vector<std::size_t>& shape,
                                                  CodeTensor elements, CodeTensor scales, const TensorScale& tensor) {
  std::map<std::string, NpyArray> archive;
  if (job.packed) {
    std::vector<std::uint8_t> bytes;
    try {
      bytes = packed(elements, *job.packed);
    } catch (const std::invalid_argument& e) {
      throw UsageError(std::string("--packed: ") + e.what());
    }
    archive["elements"] = NpyArray{"|u1", {bytes.size()}, std::move(bytes)};
  } else {
    archive["elements"] = NpyArray{code_descr(width(elements.format)), shape, std::move(elements.bytes)};
  }
  if (a.swizzle) {
    // Rows are every axis but the last merged (as torchao's to_blocked does); the result is 1-D, and the
    // plain scale shape is kept beside it for dequantize.
    const std::size_t columns = walk.scale_shape().back();
    const std::size_t rows = walk.blocks() / std::max<std::size_t>(1, columns);
    std::vector<std::uint8_t> swizzled = swizzle_scales(scales.bytes, rows, columns);
    archive["scales"] = NpyArray{"|u1", {swizzled.size()}, std::move(swizzled)};
    archive["scale_shape"] = int64s(walk.scale_shape(), {walk.scale_shape().size()});
  } else {
    archive["scales"] = NpyArray{code_descr(width(scales.format)), walk.scale_shape(), std::move(scales.bytes)};
  }
  NpyArray tensor_scale{"<f4", {}, std::vector<std::uint8_t>(4)};
  put_code(tensor_scale.data, 0, 4,
           encode(fp32, tensor.non_finite ? *tensor.non_finite : Value::finite(false, tensor.decode), {}).code);
  archive["tensor_scale"] = std::move(tensor_scale);
  archive["shape"] = int64s(shape, {shape.size()});
  archive["axis"] = int64s({layout.axis}, {});
  archive["tile"] = int64s({layout.tile_rows}, {});
  archive["packing"] = int64s({job.packed ? static_cast<std::size_t>(*job.packed) + 1 : 0}, {});
  return archive;
}

void quantize_file(const BlockJob& job, const BlockArguments& a, Mode mode) {
  if (mode == Mode::fake_quantize) (void)output_format(job);
  if (a.swizzle && width(job.format.scale) > 8) throw UsageError("--swizzle needs one-byte scales");
  if (a.fast) fast_plan(job, mode, {{}, 0, a.tile > 0 ? 1u : 0u});  // refuse before reading the input
  const CodeTensor in = read_input(job, a);
  if (mode == Mode::fake_quantize) write_npy(a.out, fake_quantize_tensor(job, a, in));
  else write_file_atomically(a.out, npz_bytes(quantize_archive(job, a, in)));
}

}  // namespace

ArchiveDefaults archive_defaults(const BlockJob& job, const BlockArguments& a) {
  return {a.shape, a.axis, a.tile, job.packed ? static_cast<std::int64_t>(*job.packed) + 1 : 0,
          job.tensor_scale.decode};
}

CodeTensor dequantize_archive(const BlockJob& job, const BlockArguments& a, const BlockArchive& archive) {
  const Format to = output_format(job);
  const BlockWalk walk(archive.layout, static_cast<std::size_t>(job.format.block_size));
  CodeTensor out = zeros(to, archive.layout.shape, walk.values());
  if (a.fast) dequantize_fast(job, a, archive.layout, archive.elements, archive.scales, archive.tensor_scale, out);
  else dequantize_blocks(job.format, walk, archive.elements, archive.scales, archive.tensor_scale, out);
  return out;
}

namespace {

// quantize (`to` empty) or fakequant (`to` the values' format) of a tensor in memory: element and scale codes,
// or the fake-quantized values in `elements`.
using Quantized = QuantizedCodes;

Quantized quantized(const BlockJob& job, const BlockArguments& a, Mode mode, const CodeTensor& in) {
  const std::optional<Format> to = mode == Mode::fake_quantize ? std::optional(output_format(job)) : std::nullopt;
  if (a.swizzle && width(job.format.scale) > 8) throw UsageError("--swizzle needs one-byte scales");
  check_codes(in, a.in, "a value");
  const BlockLayout layout = layout_of(a.axis, a.tile, in.shape);
  const BlockWalk walk(layout, static_cast<std::size_t>(job.format.block_size));
  TensorScale tensor;
  try {
    tensor = tensor_scale_of(job, a, in);
  } catch (const std::exception& e) {
    throw UsageError(a.in + ": " + e.what());
  }

  CodeTensor elements = zeros(to ? *to : job.format.element, in.shape, in.count());  // fakequant: the values
  CodeTensor scales = zeros(job.format.scale, walk.scale_shape(), mode == Mode::quantize ? walk.blocks() : 0);
  if (a.fast) quantize_fast(job, a, mode, layout, in, tensor, to, elements, scales);
  else quantize_blocks(job, a, mode, walk, in, tensor, to, elements, scales);
  return {layout, std::move(elements), std::move(scales), tensor};
}

}  // namespace

QuantizedCodes quantize_codes(const BlockJob& job, const BlockArguments& a, const CodeTensor& in) {
  return quantized(job, a, Mode::quantize, in);
}

CodeTensor read_tensor_input(const BlockJob& job, const BlockArguments& a) { return read_input(job, a); }

std::map<std::string, NpyArray> quantize_archive(const BlockJob& job, const BlockArguments& a, const CodeTensor& in) {
  Quantized q = quantized(job, a, Mode::quantize, in);
  const BlockWalk walk(q.layout, static_cast<std::size_t>(job.format.block_size));
  return quantized_archive(job, a, walk, q.layout, in.shape, std::move(q.elements), std::move(q.scales), q.tensor);
}

CodeTensor fake_quantize_tensor(const BlockJob& job, const BlockArguments& a, const CodeTensor& in) {
  return quantized(job, a, Mode::fake_quantize, in).elements;
}

BlockArchive read_block_archive(const BlockFormat& f, const std::string& path, const ArchiveDefaults& defaults) {
  return block_archive_of(f, parse_npz(read_file_bytes(path), path), defaults, path);
}

BlockArchive block_archive_of(const BlockFormat& f, const std::map<std::string, NpyArray>& members,
                              const ArchiveDefaults& defaults, const std::string& what) {
  try {
    // mxref quantize stores the layout beside the codes; an archive made otherwise (np.savez of some other
    // quantizer's arrays) takes it from the defaults.
    const std::int64_t packing = integer(members, "packing", defaults.packing, what);
    if (packing < 0 || packing > 3) throw UsageError(what + ": unknown 'packing' " + std::to_string(packing));
    const NpyArray& elements = member(members, "elements", what);
    const std::vector<std::size_t> shape = archive_shape(members, defaults.shape, elements, packing, what);
    const BlockLayout layout =
        layout_of(integer(members, "axis", defaults.axis, what), integer(members, "tile", defaults.tile, what), shape);
    const BlockWalk walk(layout, static_cast<std::size_t>(f.block_size));
    CodeTensor codes = archive_elements(elements, f.element, shape, packing, what);
    if (codes.count() != walk.values())
      throw UsageError(what + ": " + std::to_string(codes.count()) + " elements do not fill the shape's " +
                       std::to_string(walk.values()));
    CodeTensor scales = archive_scales(members, f.scale, walk, what);
    const Dyadic tensor_scale = archive_tensor_scale(members, defaults.tensor_scale, what);
    return {layout, std::move(codes), std::move(scales), tensor_scale};
  } catch (const UsageError&) {
    throw;
  } catch (const std::invalid_argument& e) {  // a layout the reference refuses
    throw UsageError(what + ": " + e.what());
  }
}

void run_tensor_files(const BlockJob& job, const BlockArguments& a, Mode mode) {
  try {
    if (mode == Mode::dequantize) dequantize_file(job, a);
    else quantize_file(job, a, mode);
  } catch (const UsageError&) {
    throw;
  } catch (const std::invalid_argument& e) {  // a layout the reference refuses
    throw UsageError(a.in + ": " + e.what());
  }
}

}  // namespace mxref::tools
