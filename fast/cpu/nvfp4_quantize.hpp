// NVFP4 block quantization on the CPU: E2M1 elements in blocks of 16 consecutive rows of an AxisView,
// one UE4M3 scale per block and an FP32 tensor scale, under the nvfp4, nvfp4-torchao and nvfp4-te
// profiles, bit-exactly as ref/block/ does (docs/spec-notes/profile-nvfp4.md). Scalar loops over
// nvfp4_scalar.hpp, the arithmetic the CUDA kernels (fast/cuda/nvfp4_quantize.hpp) run too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "fast/cpu/block_quantize.hpp"
#include "fast/cpu/nvfp4_scalar.hpp"
#include "ref/block/scale_rule.hpp"

namespace mxref::fast::nvfp4 {

constexpr std::size_t block_size = 16;

struct Spec {
  ScaleRule rule = ScaleRule::amax_over_max;  // one that runs_on_nvfp4_path; quantize and the rest throw otherwise
  Nvfp4Tensor tensor;                         // tensor_scale() of the tensor being quantized
};

// The block format these loops run: E2M1 elements in blocks of 16, a UE4M3 scale and a tensor scale.
bool is_nvfp4(const BlockFormat& format);

// The rule of a profile on the nvfp4 block format, when the profile's arithmetic is the kernels' (a rule
// that runs_on_nvfp4_path with its own element scaling, RNE saturating casts, no element quirks: nvfp4,
// nvfp4-torchao, nvfp4-te); nothing for any other pair.
std::optional<ScaleRule> rule_for(const BlockFormat& format, const Profile& profile);

// The largest finite magnitude of `count` values and whether NaN or Inf occur among them.
BlockStats tensor_stats(FloatData from, const void* in, std::size_t count);

// The tensor scale the rule's implementation derives from such a tensor (ref's nvfp4_tensor_scale:
// NaN left out but by torchao; Inf reaches the profiles that define it). Throws std::invalid_argument
// for a tensor scale that is not finite (nvfp4-torchao of a tensor holding Inf or NaN): the reference
// takes it, the fast path does not.
Nvfp4Tensor tensor_scale(ScaleRule rule, const BlockStats& tensor);

// ref/'s tensor scale (tensor_scale_for, or one given) as the FP32 numbers it holds; throws
// std::invalid_argument for one that is not finite.
Nvfp4Tensor tensor_of(const TensorScale& tensor);

// One element code per byte (low nibble), one UE4M3 code per block, scales row-major over
// [outer, ceil(rows / 16), columns] as ref/block/tensor.hpp orders them. These three throw
// std::invalid_argument for a spec whose rule does not run_on_nvfp4_path.
void quantize(const Spec& spec, FloatData from, const void* in, const AxisView& view, std::uint8_t* elements,
              std::uint8_t* scales, const RunOptions& run = {});
// element x scale x tensor decode scale, rounded once to `to` (a NaN scale gives the default NaN).
void dequantize(const Spec& spec, const std::uint8_t* elements, const std::uint8_t* scales, const AxisView& view,
                FloatData to, void* out, const RunOptions& run = {});
void fake_quantize(const Spec& spec, FloatData from, const void* in, const AxisView& view, FloatData to, void* out,
                   const RunOptions& run = {});

}  // namespace mxref::fast::nvfp4
