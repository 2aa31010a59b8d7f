// How a block's shared scale is chosen: one named rule per implementation family. Each rule is exact:
// where an implementation computes an intermediate in FP32 (or with a float log2), the rule computes
// that intermediate through ref/block/host_float.hpp, bit for bit. docs/spec-notes/scale-rules.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "ref/block/block_format.hpp"
#include "ref/block/scale_rule_id.hpp"
#include "ref/dyadic.hpp"
#include "ref/value.hpp"

namespace mxref {

std::string_view to_string(ScaleRule rule);

// What a rule needs to know of a block.
struct BlockSummary {
  Dyadic amax;  // largest finite magnitude (0 for a block of zeros)
  bool any_nan = false;
  bool any_infinity = false;
  // np.nanmax(np.abs(block)) as pychop's NumPy backend gets it (numpy_nanmax_of_magnitudes): set only for
  // the pychop rules, which read nothing else.
  Value numpy_amax;
};
// padded_size: the pychop rules see a short block padded with zeros to that size, as pychop pads a
// tensor's ragged end; the other rules ignore it.
BlockSummary summarize(ScaleRule rule, std::span<const Value> block, std::size_t padded_size);

// np.nanmax(np.abs(x)) of the block as FP32 values (zeros appended up to padded_size), as numpy 2.4's
// np.fmax.reduce computes it with its AVX-512 loops on x86-64 (docs/spec-notes/profile-pychop.md): x[0]
// and the following whole groups of 16 values give the largest non-NaN magnitude (|x[0]| as it is when
// all are NaN); glibc's fmaxf then folds in the rest one at a time, and a signalling NaN among those
// restarts the maximum (fmaxf(r, sNaN) is a quiet NaN, fmaxf(qNaN, y) is y). Positive; may be NaN.
Value numpy_nanmax_of_magnitudes(std::span<const Value> block, std::size_t padded_size);

// NVFP4's second-level, per-tensor scale, as the implementation holds it. Dequantized values are
// element x block scale x decode. `encode` is what an implementation multiplies by instead of dividing
// by `decode` (TransformerEngine's S_enc, torchao's fl32(1 / pts)); `present` is false for one level.
struct TensorScale {
  bool present = false;
  Dyadic decode = Dyadic(1, 0);
  Dyadic encode = Dyadic(1, 0);
  // torchao's FP32 tensor scale fl32(amax / 2688) where it is not finite (an Inf or NaN tensor amax):
  // +Inf or NaN, which its arithmetic then carries into every block (docs/spec-notes/profile-nvfp4.md).
  // decode and encode are unused then.
  std::optional<Value> non_finite;
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
Scale choose_scale(ScaleRule rule, const BlockSummary& block, const BlockFormat& format,
                   const TensorScale& tensor = {});

// 2^exponent clamped into the powers of two the scale format holds, and its code.
Scale power_of_two_scale(const Format& scale, std::int64_t exponent);

}  // namespace mxref
