#include "ref/block/scale_rule.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <string>

#include "ref/block/float_log2.hpp"
#include "ref/block/host_float.hpp"
#include "ref/decode.hpp"
#include "ref/encode.hpp"
#include "ref/properties.hpp"

namespace mxref {

namespace {

constexpr std::uint64_t e8m0_nan = 0xFF;

Scale scale_of_code(const Format& scale, std::uint64_t code) { return {code, decode(scale, code)}; }

Scale nan_scale(const Format& scale) {
  if (!has_nan(scale)) throw CastError("the block holds NaN or Inf and the scale format has no NaN");
  return scale_of_code(scale, nan_code(scale, false));
}

// ceil(log2 x) for x > 0.
std::int64_t ceil_log2(const Dyadic& x) {
  const std::int64_t floor = x.floor_log2();
  return x == Dyadic::power_of_two(floor) ? floor : floor + 1;
}

std::uint32_t fp32_bits(const Value& v) {
  CastOptions o;
  o.nan_to_finite = NanToFinite::zero;
  return static_cast<std::uint32_t>(encode(fp32, v, o).code);
}

Value positive(const Dyadic& x) { return Value::finite(false, x); }

// torch's a / b for an FP32 tensor a and a Python scalar b: an FP32 division on the CPU; on CUDA a
// multiply by b's FP32 reciprocal (torch's div_true_kernel_cuda does so for a CPU-scalar divisor).
Value divide_by_python_scalar(const Value& a, const Dyadic& b, bool cuda) {
  if (!cuda) return divide_in(fp32, a, positive(b));
  return multiply_in(fp32, a, divide_in(fp32, positive(Dyadic(1, 0)), positive(b)));
}

// The rules below reproduce integer manipulations of FP32 bit patterns, which only make sense for an
// E8M0 scale.
void require_e8m0(const BlockFormat& format, ScaleRule rule) {
  if (format.scale != e8m0)
    throw std::invalid_argument("scale rule " + std::string(to_string(rule)) + " needs an e8m0 scale");
}

// torchao FLOOR/CEIL/EVEN (mx_tensor.py, to_mx): integer work on the FP32 bits of the NaN-propagating
// amax; the unbiased exponent is clamped to [-127, 128]. v0.12-v0.18 give 255 (NaN) only for a NaN amax
// (an Inf amax reads as exponent field 255, a finite scale); 0.19 gives 255 for any amax that is not
// finite, EVEN's carry into exponent field 255 included.
std::uint64_t torchao_exponent_rule(ScaleRule rule, const BlockSummary& block, const Format& element,
                                    std::int64_t emax) {
  const bool v0_19 = rule == ScaleRule::torchao_0_19_floor || rule == ScaleRule::torchao_0_19_ceil ||
                     rule == ScaleRule::torchao_0_19_even;
  const bool even = rule == ScaleRule::torchao_even || rule == ScaleRule::torchao_0_19_even;
  const bool ceil = rule == ScaleRule::torchao_ceil || rule == ScaleRule::torchao_0_19_ceil;
  if (block.any_nan || (v0_19 && block.any_infinity)) return e8m0_nan;
  std::uint32_t bits = block.any_infinity ? 0x7F800000u : fp32_bits(positive(block.amax));
  if (even) bits = (bits + (std::uint32_t{1} << (22 - element.mantissa_bits))) & 0xFF800000u;
  if (v0_19 && (bits & 0x7F800000u) == 0x7F800000u) return e8m0_nan;
  std::int64_t e = static_cast<std::int64_t>((bits >> 23) & 0xFF) - 127;
  if (ceil && (bits & 0x7FFFFF) != 0) ++e;
  return static_cast<std::uint64_t>(std::clamp<std::int64_t>(e - emax, -127, 128) + 127);
}

// torchao v0.18 RCEIL (_to_mx_rceil): descale = amax / max; NaN -> 255, Inf -> 254, zero -> 0, else
// ceil(torch.log2(descale)) (a correctly rounded FP32 log2 here: on CUDA too, profile-torchao.md)
// clamped to [-127, 127]. The division is FP32's on the CPU; on CUDA torch divides by a Python scalar
// by multiplying with its FP32 reciprocal: fl32(amax * fl32(1 / max)).
std::uint64_t torchao_rceil_rule(const BlockSummary& block, const Dyadic& max_normal, bool cuda) {
  if (block.any_nan) return e8m0_nan;
  if (block.any_infinity) return 254;
  const Value descale = divide_by_python_scalar(round_to(fp32, positive(block.amax)), max_normal, cuda);
  if (descale.is_zero()) return 0;
  return static_cast<std::uint64_t>(std::clamp<std::int64_t>(ceil_of_rounded_log2(descale.magnitude), -127, 127) + 127);
}

// fl32(amax * fl32(1 / max)) rounded up to a power of two by its FP32 bits: the biased exponent, plus
// one when the mantissa is not zero (a subnormal only above half the smallest normal, 2^-127).
std::uint64_t e8m0_round_up(const Dyadic& amax, const Dyadic& max_normal) {
  const Value reciprocal = divide_in(fp32, positive(Dyadic(1, 0)), positive(max_normal));
  const std::uint32_t bits = fp32_bits(multiply_in(fp32, round_to(fp32, positive(amax)), reciprocal));
  if ((bits & 0x7FFFFFFFu) >= 0x7F800000u) return 0xFE;  // cannot happen: amax <= FLT_MAX and max >= 1
  const std::uint32_t e = bits >> 23 & 0xFF;
  const std::uint32_t m = bits & 0x7FFFFF;
  const bool up = e == 0 ? m > 0x400000 : (m != 0 && e != 0xFE);
  return e + (up ? 1 : 0);
}

// TransformerEngine MXFP8 (quantize_mxfp8.cuh, float_to_e8m0): amax ignores NaN (fmaxf), the round-up
// saturates at 0xFE: Inf -> 0xFE.
std::uint64_t nvidia_rceil_rule(const BlockSummary& block, const Dyadic& max_normal) {
  if (block.any_infinity) return 0xFE;
  return e8m0_round_up(block.amax, max_normal);
}

// torchao 0.19 RCEIL (_to_mx_rceil, _f32_to_e8m0_rceil): the same round-up of the same descale, but the
// amax propagates NaN and a descale that is not finite gives 255.
std::uint64_t torchao_0_19_rceil_rule(const BlockSummary& block, const Dyadic& max_normal) {
  if (block.any_nan || block.any_infinity) return e8m0_nan;
  return e8m0_round_up(block.amax, max_normal);
}

std::uint64_t e4m3_code(const Format& scale, const Value& v) {
  CastOptions o;
  o.overflow = Overflow::saturate;
  o.nan_to_finite = NanToFinite::zero;
  return encode(scale, v, o).code;
}

// torchao nvfp4_tensor.py, nvfp4_quantize: bs = amax / 6.0 (NaN propagates; a Python-scalar division),
// divided by the per-tensor scale when there is one, clamped to [2^-6, 448] (the smallest normal and the
// largest E4M3; NaN passes the clamp) and cast RNE: a zero block stores 2^-6 (0x08), never 0.
std::uint64_t nvfp4_torchao_rule(const BlockSummary& block, const Format& scale, const Dyadic& max_elem,
                                 const TensorScale& tensor, bool cuda) {
  if (block.any_nan) return e4m3_code(scale, Value::nan(false));
  const Value amax = block.any_infinity ? Value::infinity(false) : round_to(fp32, positive(block.amax));
  Value bs = divide_by_python_scalar(amax, max_elem, cuda);
  if (tensor.present) bs = divide_in(fp32, bs, tensor.non_finite ? *tensor.non_finite : positive(tensor.decode));
  if (bs.is_nan()) return e4m3_code(scale, bs);
  const Dyadic low = Dyadic::power_of_two(-6);
  const Dyadic high = properties(scale).max_normal;
  if (bs.is_infinity() || bs.magnitude > high) return e4m3_code(scale, positive(high));
  return e4m3_code(scale, positive(std::max(bs.magnitude, low)));
}

// TransformerEngine core_nvfp4.cuh, compute_decoding_scaling_factor: fl32(amax x fl32(S_enc x fl32(1/6))),
// amax ignoring NaN, min with FLT_MAX, then a satfinite RNE cast (zero and subnormal scales possible).
std::uint64_t nvfp4_te_rule(const BlockSummary& block, const Format& scale, const Dyadic& max_elem,
                            const TensorScale& tensor) {
  const Value sixth = divide_in(fp32, positive(Dyadic(1, 0)), positive(max_elem));
  const Value t = multiply_in(fp32, positive(tensor.encode), sixth);
  const Value amax = block.any_infinity ? Value::infinity(false) : round_to(fp32, positive(block.amax));
  return e4m3_code(scale, min_ignoring_nan(multiply_in(fp32, amax, t), largest_finite(fp32)));
}

// OCP MX v1.0 §6.3: NaN or Inf in the block -> the NaN scale; a zero amax -> the smallest power of two;
// else 2^(floor(log2 amax) - emax_elem).
Scale ocp_scale(const BlockSummary& block, const Format& scale, std::int64_t emax) {
  if (block.any_nan || block.any_infinity) return nan_scale(scale);
  if (block.amax.is_zero()) return power_of_two_scale(scale, properties(scale).min_positive.floor_log2());
  return power_of_two_scale(scale, block.amax.floor_log2() - emax);
}

// The MXFP8 recipe's formula on exact values: NaN/Inf and zero blocks as ocp, else
// 2^ceil(log2(amax / max_elem)) from the exact quotient.
Scale rceil_scale(const BlockSummary& block, const Format& scale, const Dyadic& max_normal) {
  if (block.any_nan || block.any_infinity) return nan_scale(scale);
  if (block.amax.is_zero()) return power_of_two_scale(scale, properties(scale).min_positive.floor_log2());
  return power_of_two_scale(scale, ceil_log2(sticky_quotient(block.amax, max_normal)));
}

// microsoft/microxcaling mx/mx_ops.py (_shared_exponents, _quantize_mx): NaN or Inf -> the NaN scale;
// floor(torch.log2(amax)), with amax 0 read as 2^-126 (FP32_MIN_NORMAL); minus emax; above the scale's
// largest exponent -> NaN, below its smallest -> the smallest.
Scale microxcaling_scale(const BlockSummary& block, const Format& scale, std::int64_t emax) {
  if (block.any_nan || block.any_infinity) return nan_scale(scale);
  const std::int64_t e = (block.amax.is_zero() ? -126 : floor_of_rounded_log2(block.amax)) - emax;
  if (e > properties(scale).max_normal.floor_log2()) return nan_scale(scale);
  return power_of_two_scale(scale, e);
}

// NVFP4 on exact values: NaN or Inf -> the NaN scale; else amax / (max_elem x tensor scale) rounded
// into the scale format, saturating (a zero amax is not special).
Scale amax_over_max_scale(const BlockSummary& block, const Format& scale, const Dyadic& max_normal,
                          const TensorScale& tensor) {
  if (block.any_nan || block.any_infinity) return nan_scale(scale);
  // A tensor scale that rounded to zero (an FP32 tensor amax below 2688 x 2^-150) divides a nonzero
  // amax into +Inf, which saturates (docs/spec-notes/profile-nvfp4.md, "Zero divisors").
  const Dyadic divisor = max_normal * tensor.decode;
  const Value wanted = divisor.is_zero() ? Value::infinity(false) : positive(sticky_quotient(block.amax, divisor));
  CastOptions options;
  options.overflow = Overflow::saturate;
  return scale_of_code(scale, encode(scale, wanted, options).code);
}

// inEXASCALE/pychop pychop/np/mx_formats.py (MXBlock_._quantize) and bfp_formats.py (BFPBlock_._quantize)
// share their special blocks, read from np.nanmax(np.abs(x)) (numpy_nanmax_of_magnitudes): NaN gives
// the NaN scale (pychop carries on with a NaN scale in MX and raises in BFP), Inf the largest exponent,
// zero the smallest. Nothing for any other block.
std::optional<Scale> pychop_special_block(const BlockSummary& block, const Format& scale) {
  if (block.numpy_amax.is_nan()) return nan_scale(scale);
  if (block.numpy_amax.is_infinity()) return power_of_two_scale(scale, properties(scale).max_normal.floor_log2());
  if (block.numpy_amax.is_zero()) return power_of_two_scale(scale, properties(scale).min_positive.floor_log2());
  return std::nullopt;
}

// pychop MX: floor(np.log2(float32 amax)) - emax, clipped to the scale's exponent range.
Scale pychop_mx_scale(const BlockSummary& block, const Format& scale, std::int64_t emax) {
  if (const std::optional<Scale> special = pychop_special_block(block, scale)) return *special;
  return power_of_two_scale(scale, floor_of_rounded_log2(block.numpy_amax.magnitude) - emax);
}

// pychop BFP: ceil(math.log2(fl32(amax / max_elem))), a double log2 of an FP32 value, which is the
// exact ceil; clipped to the scale's exponent range. Where the FP32 quotient overflows, pychop's
// math.ceil(inf) raises OverflowError; the largest exponent here, as for an Inf amax.
Scale pychop_bfp_scale(const BlockSummary& block, const Format& scale, const Dyadic& max_normal) {
  if (const std::optional<Scale> special = pychop_special_block(block, scale)) return *special;
  const Value descale = divide_in(fp32, block.numpy_amax, positive(max_normal));
  if (descale.is_infinity()) return power_of_two_scale(scale, properties(scale).max_normal.floor_log2());
  return power_of_two_scale(scale, ceil_log2(descale.magnitude));
}

// intel/auto-round 0.16.1 auto_round/data_type/mxfp.py, quant_mx (the RTN path Intel Neural Compressor
// uses): amax NaN-propagating; exponent 1 for a zero amax, else floor_ste(torch.log2(amax)); minus emax,
// clamped to [-127, 127]. floor_ste is (floor(x) - x) + x, which turns an infinite log2 into NaN: NaN or
// Inf in the block -> the NaN scale.
Scale inc_scale(const BlockSummary& block, const Format& scale, std::int64_t emax) {
  if (block.any_nan || block.any_infinity) return nan_scale(scale);
  return power_of_two_scale(scale, (block.amax.is_zero() ? 1 : floor_of_rounded_log2(block.amax)) - emax);
}

// auto-round quant_mx_rceil (divisor: the element's max) and quant_mx_rceil_v2 (7.25): exponent 1 for a
// zero amax (no emax subtracted), else ceil_ste(torch.log2(q)), q = fl32(amax / divisor), clamped to
// [-127, 127]. ceil_ste turns log2's -Inf for a q that underflows to zero into NaN, as it does +Inf: NaN,
// Inf or such a q -> the NaN scale. The quotient is torch's division by a Python scalar (cuda: as CUDA
// does it).
Scale inc_rceil_scale(const BlockSummary& block, const Format& scale, const Dyadic& divisor, bool cuda) {
  if (block.any_nan || block.any_infinity) return nan_scale(scale);
  if (block.amax.is_zero()) return power_of_two_scale(scale, 1);
  const Value q = divide_by_python_scalar(round_to(fp32, positive(block.amax)), divisor, cuda);
  if (q.is_zero()) return nan_scale(scale);
  return power_of_two_scale(scale, ceil_of_rounded_log2(q.magnitude));
}

// quant_mx_rceil_v2's divisor (auto-round registers it for mx_fp4 only; mxref applies it to any element).
Dyadic inc_rceil_v2_divisor() { return Dyadic(29, -2); }  // 7.25

}  // namespace

TensorScale tensor_scale_for(ScaleRule rule, const BlockFormat& format, const Value& tensor_amax) {
  TensorScale t;
  t.present = true;
  const Dyadic limit = properties(format.element).max_normal * properties(format.scale).max_normal;
  const Value amax = round_to(fp32, tensor_amax);
  if (rule == ScaleRule::nvfp4_te) {
    Value encode = min_ignoring_nan(divide_in(fp32, positive(limit), amax), largest_finite(fp32));
    if (amax.is_zero() || encode.is_zero()) encode = positive(Dyadic(1, 0));
    t.encode = encode.magnitude;
    t.decode = divide_in(fp32, positive(Dyadic(1, 0)), encode).magnitude;
    return t;
  }
  // torchao's per_tensor_amax_to_scale: amax / 2688.0, a Python-scalar division.
  const bool torchao = is_torchao_nvfp4(rule);
  const Value pts = torchao ? divide_by_python_scalar(amax, limit, rule == ScaleRule::nvfp4_torchao_cuda)
                            : divide_in(fp32, amax, positive(limit));
  if (!amax.is_finite() && torchao) {
    t.non_finite = pts;  // +Inf or NaN
    return t;
  }
  if (!amax.is_finite())
    throw std::invalid_argument("profile " + std::string(to_string(rule)) + " needs a finite tensor amax");
  if (amax.is_zero() && !torchao) return {};
  t.decode = pts.magnitude;  // torchao keeps a zero pts (no guard): its blocks then divide by zero
  if (!pts.is_zero()) t.encode = divide_in(fp32, positive(Dyadic(1, 0)), pts).magnitude;
  return t;
}

std::string_view to_string(ScaleRule rule) {
  switch (rule) {
    case ScaleRule::ocp: return "ocp";
    case ScaleRule::rceil: return "rceil";
    case ScaleRule::nvidia_rceil: return "nvidia-rceil";
    case ScaleRule::torchao_floor: return "torchao-floor";
    case ScaleRule::torchao_ceil: return "torchao-ceil";
    case ScaleRule::torchao_even: return "torchao-even";
    case ScaleRule::torchao_rceil: return "torchao-rceil";
    case ScaleRule::microxcaling: return "microxcaling";
    case ScaleRule::amax_over_max: return "amax-over-max";
    case ScaleRule::nvfp4_torchao: return "nvfp4-torchao";
    case ScaleRule::nvfp4_te: return "nvfp4-te";
    case ScaleRule::pychop_mx: return "pychop-mx";
    case ScaleRule::pychop_bfp: return "pychop-bfp";
    case ScaleRule::inc: return "inc";
    case ScaleRule::torchao_0_19_floor: return "torchao-0.19-floor";
    case ScaleRule::torchao_0_19_ceil: return "torchao-0.19-ceil";
    case ScaleRule::torchao_0_19_even: return "torchao-0.19-even";
    case ScaleRule::torchao_0_19_rceil: return "torchao-0.19-rceil";
    case ScaleRule::torchao_rceil_cuda: return "torchao-rceil-cuda";
    case ScaleRule::nvfp4_torchao_cuda: return "nvfp4-torchao-cuda";
    case ScaleRule::inc_rceil: return "inc-rceil";
    case ScaleRule::inc_rceil_v2: return "inc-rceil-v2";
    case ScaleRule::inc_rceil_cuda: return "inc-rceil-cuda";
    case ScaleRule::inc_rceil_v2_cuda: return "inc-rceil-v2-cuda";
  }
  return "?";
}

BlockSummary summarize(ScaleRule rule, std::span<const Value> block, std::size_t padded_size) {
  BlockSummary s;
  if (rule == ScaleRule::pychop_mx || rule == ScaleRule::pychop_bfp) {
    s.numpy_amax = numpy_nanmax_of_magnitudes(block, padded_size);
    return s;
  }
  for (const Value& v : block) {
    if (v.is_nan()) s.any_nan = true;
    else if (v.is_infinity()) s.any_infinity = true;
    else s.amax = std::max(s.amax, v.magnitude);
  }
  return s;
}

namespace {

constexpr std::uint64_t quiet_bit = std::uint64_t{1} << 63;  // Value::nan_payload's leading bit

bool signalling(const Value& v) { return v.is_nan() && (v.nan_payload & quiet_bit) == 0; }

Value quieted(Value v) {
  v.nan_payload |= quiet_bit;
  return v;
}

// a > b for non-negative, non-NaN values.
bool above(const Value& a, const Value& b) {
  if (b.is_infinity()) return false;
  return a.is_infinity() || a.magnitude > b.magnitude;
}

// glibc's fmaxf (2.36, x86-64), as measured on every pairing of numbers, quiet and signalling NaNs: x
// when x >= y, y when x < y; with a signalling operand, the sum y + x, which on x86 is y quieted when y
// is a NaN and x quieted otherwise; with quiet NaNs only, the operand that is not NaN, else y.
Value glibc_fmaxf(const Value& x, const Value& y) {
  if (!x.is_nan() && !y.is_nan()) return above(y, x) ? y : x;
  if (signalling(x) || signalling(y)) return quieted(y.is_nan() ? y : x);
  return x.is_nan() ? y : x;
}

}  // namespace

Value numpy_nanmax_of_magnitudes(std::span<const Value> block, std::size_t padded_size) {
  constexpr std::size_t lanes = 16;  // FP32 lanes of an AVX-512 vector
  const std::size_t n = std::max(block.size(), padded_size);
  const auto magnitude = [&](std::size_t i) {
    if (i >= block.size()) return Value::finite(false, Dyadic());
    Value v = block[i].is_nan() ? block[i] : round_to(fp32, block[i]);
    v.negative = false;
    return v;
  };
  if (n == 0) return Value::finite(false, Dyadic());
  // np.fmax.reduce starts from x[0], then takes whole vectors of the rest (lane-wise NaN-ignoring maxima,
  // reduced across lanes; all lanes NaN gives lane 0, |x[0]|), then the remainder through fmaxf.
  const std::size_t vector_end = 1 + (n - 1) / lanes * lanes;
  Value r = magnitude(0);
  for (std::size_t i = 1; i < vector_end; ++i) {
    const Value v = magnitude(i);
    if (!v.is_nan() && (r.is_nan() || above(v, r))) r = v;
  }
  for (std::size_t i = vector_end; i < n; ++i) r = glibc_fmaxf(r, magnitude(i));
  return r;
}

Scale power_of_two_scale(const Format& scale, std::int64_t exponent) {
  const FormatProperties p = properties(scale);
  const std::int64_t clamped = std::clamp(exponent, p.min_positive.floor_log2(), p.max_normal.floor_log2());
  const Value value = positive(Dyadic::power_of_two(clamped));
  return {encode(scale, value).code, value};
}

Scale choose_scale(ScaleRule rule, const BlockSummary& block, const BlockFormat& format, const TensorScale& tensor) {
  const Format& scale = format.scale;
  const FormatProperties element = properties(format.element);
  const std::int64_t emax = element.max_exponent;
  switch (rule) {
    case ScaleRule::ocp: return ocp_scale(block, scale, emax);
    case ScaleRule::rceil: return rceil_scale(block, scale, element.max_normal);
    case ScaleRule::nvidia_rceil:
      require_e8m0(format, rule);
      return scale_of_code(scale, nvidia_rceil_rule(block, element.max_normal));
    case ScaleRule::torchao_floor:
    case ScaleRule::torchao_ceil:
    case ScaleRule::torchao_even:
    case ScaleRule::torchao_0_19_floor:
    case ScaleRule::torchao_0_19_ceil:
    case ScaleRule::torchao_0_19_even:
      require_e8m0(format, rule);
      return scale_of_code(scale, torchao_exponent_rule(rule, block, format.element, emax));
    case ScaleRule::torchao_rceil:
      require_e8m0(format, rule);
      return scale_of_code(scale, torchao_rceil_rule(block, element.max_normal, false));
    case ScaleRule::torchao_rceil_cuda:
      require_e8m0(format, rule);
      return scale_of_code(scale, torchao_rceil_rule(block, element.max_normal, true));
    case ScaleRule::torchao_0_19_rceil:
      require_e8m0(format, rule);
      return scale_of_code(scale, torchao_0_19_rceil_rule(block, element.max_normal));
    case ScaleRule::microxcaling: return microxcaling_scale(block, scale, emax);
    case ScaleRule::amax_over_max: return amax_over_max_scale(block, scale, element.max_normal, tensor);
    case ScaleRule::nvfp4_torchao:
    case ScaleRule::nvfp4_torchao_cuda:
      return scale_of_code(
          scale, nvfp4_torchao_rule(block, scale, element.max_normal, tensor, rule == ScaleRule::nvfp4_torchao_cuda));
    case ScaleRule::nvfp4_te: return scale_of_code(scale, nvfp4_te_rule(block, scale, element.max_normal, tensor));
    case ScaleRule::pychop_mx: return pychop_mx_scale(block, scale, emax);
    case ScaleRule::pychop_bfp: return pychop_bfp_scale(block, scale, element.max_normal);
    case ScaleRule::inc: return inc_scale(block, scale, emax);
    case ScaleRule::inc_rceil: return inc_rceil_scale(block, scale, element.max_normal, false);
    case ScaleRule::inc_rceil_v2: return inc_rceil_scale(block, scale, inc_rceil_v2_divisor(), false);
    case ScaleRule::inc_rceil_cuda: return inc_rceil_scale(block, scale, element.max_normal, true);
    case ScaleRule::inc_rceil_v2_cuda: return inc_rceil_scale(block, scale, inc_rceil_v2_divisor(), true);
  }
  throw std::invalid_argument("no such scale rule");
}

}  // namespace mxref
