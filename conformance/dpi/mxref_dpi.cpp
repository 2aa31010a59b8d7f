#include "conformance/dpi/mxref_dpi.h"

#include <cstdint>
#include <exception>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "ref/block/block_format.hpp"
#include "ref/block/profile.hpp"
#include "ref/block/quantize.hpp"
#include "ref/cast.hpp"
#include "ref/decode.hpp"
#include "ref/dot/dot.hpp"
#include "ref/format_name.hpp"

namespace {

thread_local std::string last_error;

std::string text(const char* s) { return s ? std::string(s) : std::string(); }

// The settings of `options` ("rounding=rtz overflow=saturate"), on top of mxref cast's defaults.
mxref::CastOptions cast_options(const std::string& options) {
  mxref::CastOptions o;
  std::istringstream in(options);
  std::string setting;
  while (in >> setting) {
    const auto eq = setting.find('=');
    const std::string key = setting.substr(0, eq), value = eq == std::string::npos ? "" : setting.substr(eq + 1);
    if (key == "rounding" && mxref::parse_rounding(value) && value != "stochastic") {
      o.rounding = *mxref::parse_rounding(value);
    } else if (key == "overflow" && mxref::parse_overflow(value)) {
      o.overflow = *mxref::parse_overflow(value);
    } else if (key == "nan" && mxref::parse_nan_to_finite(value)) {
      o.nan_to_finite = *mxref::parse_nan_to_finite(value);
    } else {
      throw std::invalid_argument("option '" + setting + "' (rounding=, overflow= or nan=)");
    }
  }
  return o;
}

std::uint64_t checked_code(const mxref::Format& f, long long code, const char* what) {
  if (code < 0 || (mxref::width(f) < 64 && static_cast<unsigned long long>(code) >> mxref::width(f) != 0))
    throw std::invalid_argument(std::string(what) + " 0x" +
                                [&] {
                                  std::ostringstream h;
                                  h << std::hex << code;
                                  return h.str();
                                }() +
                                " does not fit " + std::to_string(mxref::width(f)) + " bits");
  return static_cast<std::uint64_t>(code);
}

// Runs `body`, turning an exception into -1 and its message.
template <class Body>
auto guarded(const Body& body) -> decltype(body()) {
  try {
    last_error.clear();
    return body();
  } catch (const std::exception& e) {
    last_error = e.what();
  } catch (...) {
    last_error = "unknown error";
  }
  return -1;
}

}  // namespace

extern "C" long long mxref_dpi_cast(const char* from, const char* to, const char* options, long long code) {
  return guarded([&]() -> long long {
    const mxref::Format f = mxref::parse_format(text(from)), t = mxref::parse_format(text(to));
    const mxref::CastResult r = mxref::cast(f, t, checked_code(f, code, "input code"), cast_options(text(options)));
    return static_cast<long long>(r.code);
  });
}

extern "C" int mxref_dpi_quantize(const char* format, const char* profile, const char* from, int n,
                                  const unsigned int* inputs, unsigned int* scale, unsigned int* elements) {
  return guarded([&]() -> int {
    const mxref::BlockFormat f = mxref::parse_block_format(text(format));
    const mxref::Format source = mxref::parse_format(text(from));
    if (n < 1 || n > f.block_size)
      throw std::invalid_argument("a block of " + std::to_string(n) + " values (1 to " + std::to_string(f.block_size) +
                                  ")");
    std::vector<mxref::Value> values;
    for (int i = 0; i < n; ++i) values.push_back(mxref::decode(source, checked_code(source, inputs[i], "input code")));
    const mxref::QuantizedBlock q = mxref::quantize_block(f, mxref::find_profile(text(profile)), values);
    *scale = static_cast<unsigned int>(q.scale);
    for (int i = 0; i < n; ++i) elements[i] = static_cast<unsigned int>(q.elements[static_cast<std::size_t>(i)]);
    return 0;
  });
}

extern "C" long long mxref_dpi_dot(const char* format, const char* format_b, const char* model, int blocks,
                                   const unsigned int* a_scales, const unsigned int* a_elements,
                                   const unsigned int* b_scales, const unsigned int* b_elements, long long c) {
  return guarded([&]() -> long long {
    const mxref::BlockFormat fa = mxref::parse_block_format(text(format));
    const mxref::BlockFormat fb = text(format_b).empty() ? fa : mxref::parse_block_format(text(format_b));
    if (blocks < 1) throw std::invalid_argument("blocks must be at least 1");
    const auto operand = [&](const mxref::BlockFormat& f, const unsigned int* scales, const unsigned int* codes) {
      mxref::DotOperand o{f, {}, mxref::Dyadic(1, 0)};
      for (int j = 0; j < blocks; ++j) {
        mxref::DotBlock b{checked_code(f.scale, scales[j], "scale code"), {}};
        for (int i = 0; i < f.block_size; ++i)
          b.elements.push_back(checked_code(f.element, codes[j * f.block_size + i], "element code"));
        o.blocks.push_back(std::move(b));
      }
      return o;
    };
    const mxref::DotProblem p{operand(fa, a_scales, a_elements), operand(fb, b_scales, b_elements),
                              checked_code(mxref::fp32, c, "C")};
    return static_cast<long long>(
        mxref::dot(p, mxref::fp32, mxref::CastOptions{}, mxref::find_accumulation_model(text(model))).code);
  });
}

extern "C" const char* mxref_dpi_error(void) { return last_error.c_str(); }
