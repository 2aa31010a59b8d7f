// Command-line words shared by subcommands, turned into library values or a UsageError naming the
// accepted spellings.
#pragma once

#include <cstdint>
#include <string>

#include "ref/cast_options.hpp"
#include "ref/format.hpp"
#include "ref/rounding_model.hpp"

namespace mxref::tools {

Format format_argument(const std::string& name);
Rounding rounding_argument(const std::string& name);
Overflow overflow_argument(const std::string& name);
NanToFinite nan_argument(const std::string& name);
Model model_argument(const std::string& name);
// Decimal, or hex with a 0x prefix.
std::uint64_t uint64_argument(const std::string& option, const std::string& text);

}  // namespace mxref::tools
