// Code in one format -> code in another: decode exactly, round once.
#pragma once

#include <cstdint>

#include "ref/cast_options.hpp"
#include "ref/decode.hpp"
#include "ref/encode.hpp"
#include "ref/format.hpp"

namespace mxref {

CastResult cast(const Format& from, const Format& to, std::uint64_t code, const CastOptions& options = {},
                Model model = Model::integer);

}  // namespace mxref
