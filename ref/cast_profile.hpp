// Element-cast profiles: one third-party converter's conventions for NaN, Inf, overflow and signs,
// applied around the exact encoder. docs/spec-notes/profile-element-casts.md names each source.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "ref/cast_options.hpp"
#include "ref/format.hpp"
#include "ref/value.hpp"

namespace mxref {

enum class CastProfile : std::uint8_t {
  spec,            // mxref's own options, as given (no profile)
  ml_dtypes,       // ml_dtypes 0.7 astype
  ml_dtypes_0_6,   // ml_dtypes 0.6 astype: 0.7 but for E8M0 of FP32/BF16 subnormals
  torch,           // PyTorch 2.11 Tensor.to on the CPU: ml_dtypes' rules but for E8M0's zero and sign, NaN codes
  torch_cuda,      // ... on CUDA: the same, but every NaN into FP16 or BF16 is 0x7FFF
  cuda_satfinite,  // CUDA 13 cuda_fp8.h / cuda_fp6.h / cuda_fp4.h conversions with __NV_SATFINITE
  cuda_nosat,      // ... with __NV_NOSAT (FP6/FP4 have no such mode: they always saturate)
};

std::string_view to_string(CastProfile profile);
std::optional<CastProfile> parse_cast_profile(std::string_view name);

// The profile's cast of an exact value. `rounding` must be one the implementation offers for that
// target (CUDA FP8: rne; FP6/FP4: rne, rtz; E8M0: rtz, rup; ml_dtypes: rne, and rna for E8M0, which is
// what it does); throws std::invalid_argument otherwise, or for a target the implementation lacks.
CastResult cast_with_profile(CastProfile profile, const Format& to, const Value& value, Rounding rounding);

// The rounding the implementation uses when none is asked for.
Rounding default_rounding(CastProfile profile, const Format& to);

}  // namespace mxref
