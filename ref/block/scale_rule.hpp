// How a block's shared scale is chosen: one named rule per implementation family. Each rule is exact:
// where an implementation computes an intermediate in FP32 (or with a float log2), the rule computes
// that intermediate through ref/block/host_float.hpp, bit for bit. docs/spec-notes/scale-rules.md.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "ref/block/block_format.hpp"
#include "ref/dyadic.hpp"
#include "ref/value.hpp"

namespace mxref {

enum class ScaleRule : std::uint8_t {
  ocp,             // OCP MX v1.0 §6.3: 2^(floor(log2 amax) - emax_elem); NaN/Inf in the block -> NaN scale
  rceil,           // 2^ceil(log2(amax / max_elem)) from the exact quotient (the recipe's formula)
  nvidia_rceil,    // TransformerEngine MXFP8: e8m0 round-up of fl32(amax * fl32(1/max)), satfinite, NaN ignored
  torchao_floor,   // torchao v0.12-v0.18 FLOOR: the FP32 exponent field of amax, minus emax
  torchao_ceil,    // ... CEIL: one up when amax's mantissa field is not zero
  torchao_even,    // ... EVEN: amax's bits + 2^(22 - mbits), mantissa cleared (half up), then as FLOOR
  torchao_rceil,   // torchao v0.18 RCEIL: ceil(fl32(log2(fl32(amax / max)))), Inf -> 254
  microxcaling,    // floor(fl32(log2(amax))) - emax_elem: a correctly rounded FP32 log2, then floor
  amax_over_max,   // the scale format's rounding of amax / (max_elem x tensor scale), exactly (NVFP4)
  nvfp4_torchao,   // torchao nvfp4_quantize: e4m3(clamp(fl32(fl32(amax / 6) / pts), 2^-6, 448))
  nvfp4_te,        // TransformerEngine NVFP4: e4m3 satfinite(fl32(amax x fl32(S_enc x fl32(1/6))))
  pychop_mx,       // pychop MX: floor(fl32(log2 amax)) - emax; NaN ignored, Inf -> largest, zero -> smallest
  pychop_bfp,      // pychop BFP: ceil(log2(fl32(amax / max_elem))); NaN ignored, Inf -> largest, zero -> smallest
  inc,             // Intel auto-round (INC) MX RTN: floor(fl32(log2 amax)) - emax, zero -> 1 - emax, Inf -> largest
};

std::string_view to_string(ScaleRule rule);
std::optional<ScaleRule> parse_scale_rule(std::string_view name);

// What a rule needs to know of a block.
struct BlockSummary {
  Dyadic amax;  // largest finite magnitude (0 for a block of zeros)
  bool any_nan = false;
  bool any_infinity = false;
  bool all_nan = false;  // every value NaN (pychop's np.nanmax then gives NaN)
};
BlockSummary summarize(std::span<const Value> block);

// NVFP4's second-level, per-tensor scale, as the implementation holds it. Dequantized values are
// element x block scale x decode. `encode` is what an implementation multiplies by instead of dividing
// by `decode` (TransformerEngine's S_enc, torchao's fl32(1 / pts)); `present` is false for one level.
struct TensorScale {
  bool present = false;
  Dyadic decode = Dyadic(1, 0);
  Dyadic encode = Dyadic(1, 0);
  TensorScale() = default;
  // A decode scale given directly (the exact profiles need nothing else).
  TensorScale(const Dyadic& decode_scale)  // NOLINT(google-explicit-constructor): a scale is a scale
      : present(decode_scale != Dyadic(1, 0)), decode(decode_scale) {}
};

// The tensor scale an implementation derives from the tensor's amax (torchao: pts = fl32(amax / 2688);
// TransformerEngine: S_enc = min(fl32(2688 / amax), FLT_MAX), 1 for amax 0, S_dec = fl32(1 / S_enc);
// the exact rules: fl32(amax / (max_elem x max_scale))), 1 for a tensor of zeros.
TensorScale tensor_scale_for(ScaleRule rule, const BlockFormat& format, const Value& tensor_amax);

struct Scale {
  std::uint64_t code = 0;
  Value value;  // exact; NaN when the code is the scale format's NaN
};

// tensor: NVFP4's per-tensor scale (ignored by the power-of-two rules).
// Throws CastError when the block needs a NaN scale and the scale format has no NaN.
Scale choose_scale(ScaleRule rule, const BlockSummary& block, const BlockFormat& format, const TensorScale& tensor = {});

// 2^exponent clamped into the powers of two the scale format holds, and its code.
Scale power_of_two_scale(const Format& scale, std::int64_t exponent);

}  // namespace mxref
