// mxref._mxref: the tools library (the CLI's own jobs and tensor work) for the Python layer (python/mxref).
// Every function takes the CLI's option strings, so arguments are checked and refused with the CLI's
// messages (UsageError and std::invalid_argument become ValueError), and computes with the same code; the
// GIL is released while it works. Arrays come in as C-contiguous bytes with their format and shape (the
// Python layer views them so) and go out as numpy arrays that own the result's storage.
#include <nanobind/nanobind.h>
#include <nanobind/stl/map.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include <cstdio>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "conformance/compare.hpp"
#include "conformance/diagnose.hpp"
#include "conformance/infer.hpp"
#include "numpy_arrays.hpp"
#include "ref/block/block_format.hpp"
#include "ref/block/profile.hpp"
#include "ref/dot/accumulation_model.hpp"
#include "ref/format_name.hpp"
#include "tools/block_memory.hpp"
#include "tools/cast_job.hpp"
#include "tools/cli_choices.hpp"
#include "tools/dot_job.hpp"
#include "tools/fast_blocks.hpp"
#include "tools/gemm_job.hpp"
#include "tools/output_buffer.hpp"
#include "tools/spec_writers.hpp"
#include "tools/stats_job.hpp"
#include "tools/usage_error.hpp"

namespace nb = nanobind;

namespace mxref::python {

namespace {

using CodeRows = nb::ndarray<const std::uint64_t, nb::ndim<2>, nb::c_contig, nb::device::cpu>;
// An archive as the Python layer holds it: member name -> (npy descr, shape, bytes).
using Members = std::map<std::string, std::tuple<std::string, std::vector<std::size_t>, Bytes>>;

std::map<std::string, tools::NpyArray> npy_members(const Members& members) {
  std::map<std::string, tools::NpyArray> out;
  for (const auto& [name, member] : members) {
    const auto& [descr, shape, bytes] = member;
    out[name] =
        tools::NpyArray{descr, shape, std::vector<std::uint8_t>(bytes_of(bytes), bytes_of(bytes) + bytes.nbytes())};
  }
  return out;
}

std::string spec_json(const std::string& name, bool table, bool decimals) {
  const Format f = tools::format_argument(name);
  char* text = nullptr;
  std::size_t size = 0;
  std::FILE* stream = open_memstream(&text, &size);
  if (!stream) throw std::runtime_error("open_memstream failed");
  {
    tools::OutputBuffer out(stream);
    tools::write_spec_json(out, f, tools::table_wanted(f, table), 0, decimals);
  }
  std::fclose(stream);
  std::string json(text, size);
  std::free(text);
  return json;
}

// Every code of `codes` (unsigned, `itemsize` bytes each, little-endian) cast; the results as codes of the
// target in the narrowest unsigned integers that hold them, in the input's shape.
NumpyArray cast_codes(const Bytes& codes, std::size_t itemsize, const std::vector<std::size_t>& shape,
                      const tools::CastArguments& arguments) {
  const tools::CastJob job = tools::job_of(arguments);
  if (itemsize == 0 || codes.nbytes() % itemsize != 0) throw tools::UsageError("codes of a whole number of bytes");
  const std::size_t count = codes.nbytes() / itemsize;
  const std::size_t out_size = storage_bytes(width(job.to));
  std::vector<std::uint8_t> out(count * out_size);
  {
    nb::gil_scoped_release release;
    const std::span<const std::uint8_t> in(bytes_of(codes), codes.nbytes());
    for (std::size_t i = 0; i < count; ++i) {
      try {
        tools::put_code(out, i, out_size, tools::cast_one(job, tools::code_at(in, i, itemsize), i).code);
      } catch (const std::exception& e) {
        throw tools::UsageError("element " + std::to_string(i) + ": " + e.what());
      }
    }
  }
  return numpy_array(tools::code_descr(width(job.to)), shape, std::move(out));
}

// `mxref stats --json` / `mxref compare --json` on an array.
std::string stats_json(const Bytes& values, const std::vector<std::size_t>& shape,
                       const tools::StatsArguments& arguments) {
  const tools::CodeTensor in = code_tensor(tools::format_argument(arguments.from), shape, values);
  nb::gil_scoped_release release;
  const std::vector<tools::StatsRow> rows = tools::stats_rows(arguments, in);
  return arguments.compare ? tools::stats_json(rows) : tools::stats_json({rows.front()});
}

// Whether --fast runs this job (an automatic choice: the fast path where it exists).
bool fast_runs(const tools::BlockJob& job, tools::Mode mode, const tools::BlockArguments& a) {
  try {
    (void)tools::fast_plan(job, mode, {{}, 0, a.tile > 0 ? 1u : 0u});
    return true;
  } catch (const tools::UsageError&) {
    return false;
  }
}

// Runs `work` on the fast path where `fast` says so or (unset) where it exists, else on the reference path; an
// automatic choice that the fast path refuses on this input (a non-finite NVFP4 tensor scale) falls back.
// The checked job for a set of arguments, and whether the fast path runs it: the same arguments come again and
// again from a caller's loop, and checking them costs about as much as quantizing a block.
struct CheckedJob {
  tools::BlockJob job;
  bool fast = false;
};

const CheckedJob& checked_job(const tools::BlockArguments& a, tools::Mode mode) {
  thread_local std::map<std::string, CheckedJob> known;
  std::string key;
  for (const std::string* s :
       {&a.format, &a.profile, &a.scale, &a.from, &a.to, &a.tensor_scale, &a.tensor_amax, &a.bit_order, &a.in})
    key.append(*s).push_back('\x1f');
  key.append(std::to_string(a.block)).push_back(a.packed ? 'p' : '-');
  key.push_back(a.tile > 0 ? 't' : '-');
  key.push_back(static_cast<char>('0' + static_cast<int>(mode)));
  if (const auto found = known.find(key); found != known.end()) return found->second;
  if (known.size() > 64) known.clear();
  CheckedJob c{tools::job_of(a, mode), false};  // throws for impossible arguments: nothing is kept
  c.fast = fast_runs(c.job, mode, a);
  return known.emplace(std::move(key), std::move(c)).first->second;
}

template <class Work>
auto block_work(tools::BlockArguments a, tools::Mode mode, std::optional<bool> fast, const Work& work) {
  const CheckedJob& checked = checked_job(a, mode);
  const tools::BlockJob& job = checked.job;
  a.fast = fast.value_or(checked.fast);
  if (a.fast && fast) (void)tools::fast_plan(job, mode, {{}, 0, a.tile > 0 ? 1u : 0u});  // refused: say why
  nb::gil_scoped_release release;
  if (a.fast && !fast) {
    try {
      return work(job, a);
    } catch (const tools::UsageError&) {
      a.fast = false;
    }
  }
  return work(job, a);
}

// The archive's elements and scales as arrays, and its other members (the layout, the tensor scale) as Python
// numbers and tuples: numpy arrays cost microseconds each to make, and a small call would be mostly that.
nb::tuple quantize(const Bytes& values, const std::vector<std::size_t>& shape, const tools::BlockArguments& arguments,
                   std::optional<bool> fast) {
  auto members = block_work(arguments, tools::Mode::quantize, fast, [&](const tools::BlockJob& job, const auto& a) {
    return tools::quantize_archive(job, a, code_tensor(job.from, shape, values));
  });
  NumpyArray elements = numpy_array(std::move(members.at("elements")));
  NumpyArray scales = numpy_array(std::move(members.at("scales")));
  nb::dict layout;
  for (const auto& [name, array] : members) {
    if (name == "elements" || name == "scales") continue;
    if (array.descr == "<f4") {
      float f;
      std::memcpy(&f, array.data.data(), 4);
      layout[name.c_str()] = static_cast<double>(f);
      continue;
    }
    std::vector<std::int64_t> v(array.data.size() / 8);
    std::memcpy(v.data(), array.data.data(), array.data.size());
    if (array.shape.empty()) {
      layout[name.c_str()] = v.at(0);
    } else {
      nb::list items;
      for (const std::int64_t x : v) items.append(x);
      layout[name.c_str()] = nb::tuple(items);
    }
  }
  return nb::make_tuple(elements, scales, layout);
}

NumpyArray fakequant(const Bytes& values, const std::vector<std::size_t>& shape, const tools::BlockArguments& arguments,
                     std::optional<bool> fast) {
  return numpy_array(
      block_work(arguments, tools::Mode::fake_quantize, fast, [&](const tools::BlockJob& job, const auto& a) {
        return tools::fake_quantize_tensor(job, a, code_tensor(job.from, shape, values));
      }));
}

NumpyArray dequantize(const Members& members, const tools::BlockArguments& arguments, std::optional<bool> fast) {
  std::map<std::string, tools::NpyArray> npy = npy_members(members);
  return numpy_array(
      block_work(arguments, tools::Mode::dequantize, fast, [&](const tools::BlockJob& job, const auto& a) {
        return tools::dequantize_archive(
            job, a, tools::block_archive_of(job.format, npy, tools::archive_defaults(job, a), a.in));
      }));
}

NumpyArray dot_codes(const CodeRows& lines, const tools::DotArguments& arguments) {
  const tools::DotJob job = tools::job_of(arguments);
  const std::vector<Format> formats = dot_code_formats(job.shape);
  if (lines.shape(1) != formats.size())
    throw tools::UsageError("a dot problem is " + std::to_string(formats.size()) + " codes (A's and B's scale and " +
                            std::to_string(job.shape.a.block_size) + " element codes per block, then C); got " +
                            std::to_string(lines.shape(1)));
  std::vector<std::uint64_t> out(lines.shape(0));
  {
    nb::gil_scoped_release release;
    for (std::size_t r = 0; r < out.size(); ++r) {
      const std::uint64_t* line = lines.data() + r * formats.size();
      for (std::size_t k = 0; k < formats.size(); ++k)
        if (width(formats[k]) < 64 && line[k] >> width(formats[k]))
          throw tools::UsageError("problem " + std::to_string(r) + ", code " + std::to_string(k) + ": " +
                                  std::to_string(line[k]) + " does not fit " + format_name(formats[k]));
      const DotProblem p = dot_problem_of(job.shape, {line, formats.size()}, job.tensor_scale_a, job.tensor_scale_b);
      out[r] = mxref::dot(p, job.shape.out, job.options, *job.model).code;
    }
  }
  std::vector<std::uint8_t> bytes(out.size() * 8);
  std::memcpy(bytes.data(), out.data(), bytes.size());
  return numpy_array("<u8", {out.size()}, std::move(bytes));
}

NumpyArray gemm(const Members& a_members, const Members& b_members, const std::optional<Bytes>& c,
                const tools::GemmArguments& arguments) {
  const tools::GemmJob job = tools::job_of(arguments);
  tools::check_fast(job, arguments);
  const std::map<std::string, tools::NpyArray> a_npy = npy_members(a_members), b_npy = npy_members(b_members);
  nb::gil_scoped_release release;
  const std::vector<DotOperand> a =
      tools::gemm_rows(job.a, tools::block_archive_of(job.a, a_npy, {}, arguments.a), arguments.a, "A");
  const std::vector<DotOperand> b =
      tools::gemm_rows(job.b, tools::block_archive_of(job.b, b_npy, {}, arguments.b), arguments.b, "B");
  tools::CodeTensor cm{job.out, {a.size(), b.size()}, {}};
  cm.bytes.assign(a.size() * b.size() * cm.size(), 0);
  if (c) {
    if (c->nbytes() != cm.bytes.size())
      throw tools::UsageError("c must be [" + std::to_string(a.size()) + ", " + std::to_string(b.size()) +
                              "] (M, N) of " + format_name(job.out) + " values");
    std::memcpy(cm.bytes.data(), c->data(), c->nbytes());
  }
  tools::CodeTensor d = tools::gemm_product(job, arguments, a, b, cm);
  nb::gil_scoped_acquire acquire;
  return numpy_array(std::move(d));
}

nb::dict diagnose(const std::string& format, const std::string& profile, const std::string& from,
                  const std::vector<std::uint64_t>& inputs, const std::vector<std::uint64_t>& expected,
                  const std::vector<std::uint64_t>& got) {
  vectors::Suite suite;
  suite.kind = vectors::Suite::Kind::block;
  suite.from = tools::format_argument(from);
  try {
    suite.block = parse_block_format(format);
    suite.profile = &find_profile(profile);
  } catch (const std::invalid_argument& e) {
    throw tools::UsageError(e.what());
  }
  suite.block.block_size = static_cast<int>(inputs.size());
  const std::optional<conformance::BlockDiagnosis> d = conformance::diagnose_block(suite, inputs, expected, got);
  nb::dict out;
  if (!d) return out;
  out["scale_differs"] = d->scale_differs;
  out["binades"] = d->binades;
  nb::list elements;
  for (const conformance::ElementDifference& e : d->elements)
    elements.append(nb::make_tuple(e.index, e.input, e.expected, e.got));
  out["elements"] = elements;
  out["diagnosis"] = d->diagnosis;
  return out;
}

// `mxref conform --suite SUITE [--infer] --json`'s documents for an implementation's output text (the form of
// the suite's expected.txt).
std::string compare_json(const std::string& suite, const std::string& results, std::size_t keep) {
  nb::gil_scoped_release release;
  try {
    return conformance::json_report(conformance::compare(suite, results, keep));
  } catch (const std::runtime_error& e) {
    throw tools::UsageError(e.what());
  }
}

std::string infer_json(const std::string& suite, const std::string& results) {
  nb::gil_scoped_release release;
  try {
    return conformance::json_inference(conformance::infer_profiles(suite, results)).dump();
  } catch (const std::runtime_error& e) {
    throw tools::UsageError(e.what());
  }
}

std::vector<std::string> profile_names() {
  std::vector<std::string> names;
  for (const Profile& p : profiles()) names.emplace_back(p.name);
  return names;
}

std::vector<std::pair<std::string, std::string>> model_names() {
  std::vector<std::pair<std::string, std::string>> names;
  for (const AccumulationModel& m : accumulation_models()) names.emplace_back(m.name, m.summary);
  return names;
}

// The format's width in bits and its name as mxref writes it (block formats: element, scale and block size).
std::tuple<int, std::string> format_info(const std::string& name) {
  const Format f = tools::format_argument(name);
  return {width(f), format_name(f)};
}

std::tuple<int, int, int, bool, std::string> block_format_info(const std::string& name) {
  try {
    const BlockFormat f = parse_block_format(name);
    return {width(f.element), width(f.scale), f.block_size, f.tensor_scale, block_format_name(f)};
  } catch (const std::invalid_argument& e) {
    throw tools::UsageError(e.what());
  }
}

}  // namespace

}  // namespace mxref::python

NB_MODULE(_mxref, m) {
  using namespace mxref;
  using namespace mxref::python;
  m.doc() = "mxref's C++ core; use the mxref package, not this module";
  m.attr("__version__") = MXREF_VERSION;
  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const tools::UsageError& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const std::invalid_argument& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });

  nb::class_<tools::CastArguments>(m, "CastArguments")
      .def(nb::init<>())
      .def_rw("to", &tools::CastArguments::to)
      .def_rw("src", &tools::CastArguments::from)
      .def_rw("rounding", &tools::CastArguments::rounding)
      .def_rw("overflow", &tools::CastArguments::overflow)
      .def_rw("nan", &tools::CastArguments::nan)
      .def_rw("ftz", &tools::CastArguments::ftz)
      .def_rw("daz", &tools::CastArguments::daz)
      .def_rw("seed", &tools::CastArguments::seed)
      .def_rw("random_bits", &tools::CastArguments::random_bits)
      .def_rw("model", &tools::CastArguments::model)
      .def_rw("profile", &tools::CastArguments::profile)
      .def_rw("rounding_given", &tools::CastArguments::rounding_given)
      .def_rw("policy_given", &tools::CastArguments::policy_given);
  nb::class_<tools::BlockArguments>(m, "BlockArguments")
      .def(nb::init<>())
      .def_rw("format", &tools::BlockArguments::format)
      .def_rw("profile", &tools::BlockArguments::profile)
      .def_rw("block", &tools::BlockArguments::block)
      .def_rw("scale", &tools::BlockArguments::scale)
      .def_rw("src", &tools::BlockArguments::from)
      .def_rw("to", &tools::BlockArguments::to)
      .def_rw("tensor_scale", &tools::BlockArguments::tensor_scale)
      .def_rw("tensor_amax", &tools::BlockArguments::tensor_amax)
      .def_rw("packed", &tools::BlockArguments::packed)
      .def_rw("bit_order", &tools::BlockArguments::bit_order)
      .def_rw("name", &tools::BlockArguments::in)
      .def_rw("shape", &tools::BlockArguments::shape)
      .def_rw("axis", &tools::BlockArguments::axis)
      .def_rw("tile", &tools::BlockArguments::tile)
      .def_rw("swizzle", &tools::BlockArguments::swizzle)
      .def_rw("threads", &tools::BlockArguments::threads);
  nb::class_<tools::DotArguments>(m, "DotArguments")
      .def(nb::init<>())
      .def_rw("format", &tools::DotArguments::format)
      .def_rw("format_b", &tools::DotArguments::format_b)
      .def_rw("blocks", &tools::DotArguments::blocks)
      .def_rw("model", &tools::DotArguments::model)
      .def_rw("out", &tools::DotArguments::out)
      .def_rw("rounding", &tools::DotArguments::rounding)
      .def_rw("overflow", &tools::DotArguments::overflow)
      .def_rw("tensor_scale_a", &tools::DotArguments::tensor_scale_a)
      .def_rw("tensor_scale_b", &tools::DotArguments::tensor_scale_b);
  nb::class_<tools::GemmArguments>(m, "GemmArguments")
      .def(nb::init<>())
      .def_rw("a", &tools::GemmArguments::a)
      .def_rw("b", &tools::GemmArguments::b)
      .def_rw("format", &tools::GemmArguments::format)
      .def_rw("format_b", &tools::GemmArguments::format_b)
      .def_rw("block", &tools::GemmArguments::block)
      .def_rw("model", &tools::GemmArguments::model)
      .def_rw("out_format", &tools::GemmArguments::out_format)
      .def_rw("rounding", &tools::GemmArguments::rounding)
      .def_rw("overflow", &tools::GemmArguments::overflow)
      .def_rw("threads", &tools::GemmArguments::threads)
      .def_rw("fast", &tools::GemmArguments::fast);

  nb::class_<tools::StatsArguments>(m, "StatsArguments")
      .def(nb::init<>())
      .def_rw("name", &tools::StatsArguments::in)
      .def_rw("src", &tools::StatsArguments::from)
      .def_rw("formats", &tools::StatsArguments::formats)
      .def_rw("profiles", &tools::StatsArguments::profiles)
      .def_rw("axis", &tools::StatsArguments::axis)
      .def_rw("tile", &tools::StatsArguments::tile)
      .def_rw("block", &tools::StatsArguments::block)
      .def_rw("threads", &tools::StatsArguments::threads)
      .def_rw("compare", &tools::StatsArguments::compare)
      .def_rw("reference_sums", &tools::StatsArguments::reference_sums);
  m.def("stats_json", &stats_json, nb::arg("values"), nb::arg("shape"), nb::arg("arguments"));
  m.def("spec_json", &spec_json, nb::arg("format"), nb::arg("table"), nb::arg("decimals"));
  m.def("cast", &cast_codes, nb::arg("codes"), nb::arg("itemsize"), nb::arg("shape"), nb::arg("arguments"));
  m.def("quantize", &quantize, nb::arg("values"), nb::arg("shape"), nb::arg("arguments"), nb::arg("fast").none());
  m.def("fakequant", &fakequant, nb::arg("values"), nb::arg("shape"), nb::arg("arguments"), nb::arg("fast").none());
  m.def("dequantize", &dequantize, nb::arg("members"), nb::arg("arguments"), nb::arg("fast").none());
  m.def("dot", &dot_codes, nb::arg("lines"), nb::arg("arguments"));
  m.def("gemm", &gemm, nb::arg("a"), nb::arg("b"), nb::arg("c").none(), nb::arg("arguments"));
  m.def("diagnose_block", &diagnose, nb::arg("format"), nb::arg("profile"), nb::arg("src"), nb::arg("inputs"),
        nb::arg("expected"), nb::arg("got"));
  m.def("compare_json", &compare_json, nb::arg("suite"), nb::arg("results"), nb::arg("keep"));
  m.def("infer_json", &infer_json, nb::arg("suite"), nb::arg("results"));
  m.def("profiles", &profile_names);
  m.def("models", &model_names);
  m.def("format_info", &format_info, nb::arg("name"));
  m.def("block_format_info", &block_format_info, nb::arg("name"));
}
