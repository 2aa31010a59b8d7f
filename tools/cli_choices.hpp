// Command-line words shared by subcommands, turned into library values or a UsageError naming the
// accepted spellings.
#pragma once

#include <cstdint>
#include <string>

#include "ref/cast_options.hpp"
#include "ref/dyadic.hpp"
#include "ref/format.hpp"
#include "ref/rounding_model.hpp"

namespace mxref::tools {

Format format_argument(const std::string& name);
Rounding rounding_argument(const std::string& name);
Overflow overflow_argument(const std::string& name);
NanToFinite nan_argument(const std::string& name);
Model model_argument(const std::string& name);
// An FP32 bit pattern in hex that must be a positive finite scale (NVFP4's per-tensor scale), as a value.
Dyadic positive_fp32_argument(const std::string& option, const std::string& hex);
// Decimal, or hex with a 0x prefix.
std::uint64_t uint64_argument(const std::string& option, const std::string& text);

}  // namespace mxref::tools
