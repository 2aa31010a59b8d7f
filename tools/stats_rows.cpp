#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fast/cpu/error_sums.hpp"
#include "fast/cpu/parallel.hpp"
#include "ref/block/profile.hpp"
#include "ref/decode.hpp"
#include "ref/format_name.hpp"
#include "ref/properties.hpp"
#include "ref/stats/nearest_double.hpp"
#include "tools/block_memory.hpp"
#include "tools/block_walk.hpp"
#include "tools/fast_blocks.hpp"
#include "tools/progress.hpp"
#include "tools/stats_job.hpp"
#include "tools/usage_error.hpp"

namespace mxref::tools {

namespace {

// The tensor's codes under one format and profile: on the fast path where it runs the job (the same codes),
// else the reference's.
QuantizedCodes codes_of(const BlockJob& job, BlockArguments a, const CodeTensor& in, bool& fast) {
  try {
    (void)fast_plan(job, Mode::quantize, {{}, 0, a.tile > 0 ? 1u : 0u});
    a.fast = true;
    QuantizedCodes q = quantize_codes(job, a, in);
    fast = true;
    return q;
  } catch (const UsageError&) {  // not on the fast path, or not for this input (a non-finite NVFP4 tensor scale)
    a.fast = false;
  }
  fast = false;
  return quantize_codes(job, a, in);
}

QuantizationStats statistics(const BlockJob& job, const QuantizedCodes& q, const CodeTensor& in, unsigned threads) {
  const BlockWalk walk(q.layout, static_cast<std::size_t>(job.format.block_size));
  std::mutex lock;
  QuantizationStats total;
  ProgressLine progress("stats " + block_format_name(job.format) + " " + std::string(job.profile->name));  // blocks
  // Each value costs the exact arithmetic of a few dyadic rationals: threads from a few thousand values on.
  fast::parallel_units(walk.blocks(), walk.values() << 8, threads, [&](std::size_t first, std::size_t last) {
    QuantizationStats mine;
    std::vector<std::size_t> indices;
    std::vector<Value> inputs;
    std::vector<std::uint64_t> elements;
    for (std::size_t b = first; b < last; ++b) {
      walk.members(b, indices);
      inputs.clear();
      elements.clear();
      for (const std::size_t i : indices) {
        inputs.push_back(decode(in.format, in.at(i)));
        elements.push_back(q.elements.at(i));
      }
      add_block(mine, job.format, inputs, q.scales.at(b), elements, q.tensor);
      if (first == 0) progress(b + 1, last);
    }
    const std::scoped_lock guard(lock);
    total.merge(mine);
  });
  return total;
}

// The same on doubles (fast/cpu/error_sums.hpp) where every value involved is a double whose squares stay exact:
// FP32, BF16 or FP16 inputs, elements and scales of at most 8 bits. Inputs and dequantized values are formed
// exactly from tables of the codes' values.
bool doubles_hold(const BlockFormat& f, const Format& from) {
  return (from == fp32 || from == bf16 || from == fp16) && width(f.element) <= 8 && width(f.scale) <= 8 &&
         f.element.mantissa_bits + f.scale.mantissa_bits + 24 <= 53;
}

double double_of(const Value& v) {
  if (v.is_nan()) return NAN;
  if (v.is_infinity()) return v.negative ? -INFINITY : INFINITY;
  const double d = nearest_double(v.magnitude);  // exact: the values here have few bits
  return v.negative ? -d : d;
}

struct CodeValues {
  std::vector<double> value;
  std::vector<char> subnormal;
  explicit CodeValues(const Format& f) {
    for (std::uint64_t code = 0; code < (std::uint64_t{1} << width(f)); ++code) {
      value.push_back(double_of(decode(f, code)));
      subnormal.push_back(classify(f, code) == CodeClass::subnormal);
    }
  }
};

QuantizationStats statistics_on_doubles(const BlockJob& job, const QuantizedCodes& q, const CodeTensor& in,
                                        unsigned threads) {
  const BlockWalk walk(q.layout, static_cast<std::size_t>(job.format.block_size));
  const CodeValues elements(job.format.element), scales(job.format.scale);
  const CodeValues inputs(in.format == fp16 ? fp16 : e8m0);  // FP32 and BF16 inputs are read directly
  const double tensor = q.tensor.non_finite ? NAN : double_of(Value::finite(false, q.tensor.decode));
  const double max_normal = double_of(Value::finite(false, properties(job.format.element).max_normal));
  std::mutex lock;
  QuantizationCounts total_counts;
  fast::FastErrorSums total_sums;
  fast::parallel_units(walk.blocks(), walk.values(), threads, [&](std::size_t first, std::size_t last) {
    QuantizationCounts c;
    fast::FastErrorSums sums;
    std::vector<std::size_t> indices;
    std::vector<std::uint64_t> scale_counts(std::size_t{1} << width(job.format.scale));
    const std::uint8_t* codes = q.elements.bytes.data();  // one byte a code: elements of at most 8 bits
    const std::uint8_t* values = in.data().data();
    for (std::size_t b = first; b < last; ++b) {
      if (walk.consecutive()) {  // the common layout: no list of members to build
        std::size_t start = 0, count = 0;
        walk.span(b, start, count);
        indices.resize(count);
        for (std::size_t k = 0; k < count; ++k) indices[k] = start + k;
      } else {
        walk.members(b, indices);
      }
      const std::uint64_t scale = q.scales.at(b);
      ++c.blocks;
      c.values += indices.size();
      ++scale_counts[scale];
      const double block_scale = scales.value[scale] * tensor;
      const bool nan_scale = std::isnan(scales.value[scale]);
      c.nan_scale_blocks += nan_scale ? 1 : 0;
      bool all_zero = true;
      for (const std::size_t i : indices) {
        double x;
        if (in.format == fp32) {
          float f;
          std::memcpy(&f, values + 4 * i, 4);
          x = f;
        } else {
          std::uint16_t half;
          std::memcpy(&half, values + 2 * i, 2);
          float f;
          const std::uint32_t word = std::uint32_t{half} << 16;
          std::memcpy(&f, &word, 4);
          x = in.format == fp16 ? inputs.value[half] : f;
        }
        const std::uint8_t code = codes[i];
        all_zero = all_zero && x == 0;
        c.nan_inputs += std::isnan(x) ? 1 : 0;
        c.inf_inputs += std::isinf(x) ? 1 : 0;
        c.subnormal_elements += elements.subnormal[code] ? 1 : 0;
        const double y = elements.value[code] * block_scale;  // exact: few bits, within range
        if (!std::isfinite(x) || !std::isfinite(y)) continue;
        c.saturated += std::fabs(x) > max_normal * block_scale ? 1 : 0;
        c.flushed_to_zero += x != 0 && y == 0 ? 1 : 0;
        sums.add(x, y);
      }
      c.zero_blocks += all_zero ? 1 : 0;
    }
    for (std::size_t code = 0; code < scale_counts.size(); ++code)
      if (scale_counts[code] != 0) c.scale_codes[code] = scale_counts[code];
    const std::scoped_lock guard(lock);
    total_counts.merge(c);
    total_sums.merge(sums);
  });
  return {total_counts, total_sums.exact()};
}

}  // namespace

std::vector<StatsRow> stats_rows(const StatsArguments& s, const CodeTensor& in) {
  if (s.formats.empty()) throw UsageError("no block format given (--format, or --formats for compare)");
  if (s.profiles.empty()) throw UsageError("no profile given");
  for (const std::string& p : s.profiles) {
    try {
      (void)find_profile(p);
    } catch (const std::invalid_argument& e) {
      throw UsageError(e.what());
    }
  }
  for (const std::string& f : s.formats) (void)block_format_argument(f);
  std::vector<StatsRow> rows;
  // On a terminal, after a second: how far compare has come.
  ProgressLine progress("compare", "format and profile pairs");
  const std::size_t pairs = s.formats.size() * s.profiles.size();
  std::size_t done = 0;
  for (const std::string& format : s.formats) {
    for (const std::string& profile : s.profiles) {
      if (s.compare) progress(done++, pairs);
      BlockArguments a;
      a.format = format;
      a.profile = profile;
      a.block = s.block;
      a.from = s.from;
      a.in = s.in;
      a.axis = s.axis;
      a.tile = s.tile;
      a.threads = s.threads;
      StatsRow row{format, profile, {}, false, {}, {}};
      try {
        const BlockJob job = job_of(a, Mode::quantize);
        row.block_format = job.format;
        const QuantizedCodes q = codes_of(job, a, in, row.fast);
        row.stats = s.reference_sums || !doubles_hold(job.format, in.format)
                        ? statistics(job, q, in, s.threads)
                        : statistics_on_doubles(job, q, in, s.threads);
      } catch (const std::exception& e) {
        // compare leaves out the pairs a profile cannot quantize (every format is known: checked above).
        if (s.compare && s.profiles.size() > 1) continue;
        throw UsageError(e.what());
      }
      row.figures = error_figures(row.stats.sums);
      rows.push_back(std::move(row));
    }
  }
  if (rows.empty()) throw UsageError("no profile given can quantize any format given");
  if (s.compare)
    std::stable_sort(rows.begin(), rows.end(), [](const StatsRow& x, const StatsRow& y) {
      const double a = x.figures.sqnr_db.value_or(-INFINITY), b = y.figures.sqnr_db.value_or(-INFINITY);
      return a > b;
    });
  return rows;
}

namespace {

// A figure as the shortest decimal that reads back as its double: the double is the exact value rounded once.
std::string figure(std::optional<double> v) {
  if (!v) return "none";
  if (std::isinf(*v)) return *v > 0 ? "inf" : "-inf";
  char text[32];
  const auto r = std::to_chars(text, text + sizeof text, *v);
  return std::string(text, r.ptr);
}

nlohmann::ordered_json json_figure(std::optional<double> v) {
  if (!v) return nullptr;
  if (std::isinf(*v)) return *v > 0 ? "inf" : "-inf";
  return *v;
}

struct Storage {
  double bits_per_element, vs_fp32, vs_16bit;
};

Storage storage(const StatsRow& r) {
  const auto bits = static_cast<double>(storage_bits(r.block_format, r.stats.counts.values, r.stats.counts.blocks));
  const auto n = static_cast<double>(r.stats.counts.values);
  if (r.stats.counts.values == 0) return {0, 0, 0};
  return {bits / n, 32 * n / bits, 16 * n / bits};
}

std::string hex(std::uint64_t code) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(code));
  return text;
}

}  // namespace

std::string stats_text(const std::vector<StatsRow>& rows) {
  std::string out;
  for (const StatsRow& r : rows) {
    const QuantizationCounts& c = r.stats.counts;
    const Storage st = storage(r);
    char line[512];
    std::snprintf(line, sizeof line, "%s, profile %s: %llu values in %llu blocks%s\n",
                  block_format_name(r.block_format).c_str(), r.profile.c_str(),
                  static_cast<unsigned long long>(c.values), static_cast<unsigned long long>(c.blocks),
                  r.fast ? "" : " (reference path)");
    out += line;
    std::snprintf(line, sizeof line,
                  "  storage        %.6g bits per element: %.6gx smaller than FP32, %.6gx than FP16/BF16\n",
                  st.bits_per_element, st.vs_fp32, st.vs_16bit);
    out += line;
    const ErrorFigures& f = r.figures;
    for (const auto& [name, value] : {std::pair{"MSE", f.mse},
                                      {"RMSE", f.rmse},
                                      {"MAE", f.mae},
                                      {"max |error|", f.max_abs_error},
                                      {"max rel error", f.max_rel_error},
                                      {"SQNR dB", f.sqnr_db}}) {
      const std::string label(name);
      out.append("  ").append(label).append(15 - label.size(), ' ').append(figure(value)).append("\n");
    }
    std::snprintf(line, sizeof line,
                  "  inputs         %llu NaN, %llu Inf\n  blocks         %llu with a NaN scale, %llu all zero\n"
                  "  elements       %llu saturated, %llu flushed to zero, %llu subnormal\n",
                  static_cast<unsigned long long>(c.nan_inputs), static_cast<unsigned long long>(c.inf_inputs),
                  static_cast<unsigned long long>(c.nan_scale_blocks), static_cast<unsigned long long>(c.zero_blocks),
                  static_cast<unsigned long long>(c.saturated), static_cast<unsigned long long>(c.flushed_to_zero),
                  static_cast<unsigned long long>(c.subnormal_elements));
    out += line;
    out += "  scale codes   ";
    for (const auto& [code, n] : c.scale_codes) out.append(" ").append(hex(code)).append(":").append(std::to_string(n));
    out += "\n";
  }
  return out;
}

namespace {

nlohmann::ordered_json row_json(const StatsRow& r) {
  const QuantizationCounts& c = r.stats.counts;
  const Storage st = storage(r);
  const ErrorFigures& f = r.figures;
  nlohmann::ordered_json scales = nlohmann::ordered_json::object();
  for (const auto& [code, n] : c.scale_codes) scales[hex(code)] = n;
  return {{"format", block_format_name(r.block_format)},
          {"profile", r.profile},
          {"fast", r.fast},
          {"values", c.values},
          {"blocks", c.blocks},
          {"bits_per_element", st.bits_per_element},
          {"smaller_than_fp32", st.vs_fp32},
          {"smaller_than_fp16", st.vs_16bit},
          {"mse", json_figure(f.mse)},
          {"rmse", json_figure(f.rmse)},
          {"mae", json_figure(f.mae)},
          {"max_abs_error", json_figure(f.max_abs_error)},
          {"max_rel_error", json_figure(f.max_rel_error)},
          {"sqnr_db", json_figure(f.sqnr_db)},
          {"errors_over", r.stats.sums.count},
          {"nan_inputs", c.nan_inputs},
          {"inf_inputs", c.inf_inputs},
          {"nan_scale_blocks", c.nan_scale_blocks},
          {"zero_blocks", c.zero_blocks},
          {"saturated", c.saturated},
          {"flushed_to_zero", c.flushed_to_zero},
          {"subnormal_elements", c.subnormal_elements},
          {"scale_codes", scales}};
}

}  // namespace

std::string stats_json(const std::vector<StatsRow>& rows) {
  nlohmann::ordered_json all = nlohmann::ordered_json::array();
  for (const StatsRow& r : rows) all.push_back(row_json(r));
  return (rows.size() == 1 ? all[0] : all).dump(1) + "\n";
}

std::string stats_csv(const std::vector<StatsRow>& rows) {
  std::string out =
      "format,profile,values,blocks,bits_per_element,mse,rmse,mae,max_abs_error,max_rel_error,sqnr_db,nan_inputs,"
      "inf_inputs,nan_scale_blocks,zero_blocks,saturated,flushed_to_zero,subnormal_elements\n";
  for (const StatsRow& r : rows) {
    const QuantizationCounts& c = r.stats.counts;
    const ErrorFigures& f = r.figures;
    char bits[32];
    std::snprintf(bits, sizeof bits, "%.17g", storage(r).bits_per_element);
    out.append(block_format_name(r.block_format)).append(",").append(r.profile).append(",");
    out.append(std::to_string(c.values)).append(",").append(std::to_string(c.blocks)).append(",").append(bits);
    for (const auto& v : {f.mse, f.rmse, f.mae, f.max_abs_error, f.max_rel_error, f.sqnr_db})
      out.append(",").append(v ? figure(v) : std::string());
    for (const std::uint64_t n : {c.nan_inputs, c.inf_inputs, c.nan_scale_blocks, c.zero_blocks, c.saturated,
                                  c.flushed_to_zero, c.subnormal_elements})
      out.append(",").append(std::to_string(n));
    out += "\n";
  }
  return out;
}

}  // namespace mxref::tools
