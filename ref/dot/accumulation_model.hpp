// How a dot-product unit sums its terms, as data: one generic evaluator (fused_sum.hpp) reads these
// fields, and each preset names what it reproduces (docs/spec-notes/dot-models.md gives the sources).
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "ref/cast_options.hpp"
#include "ref/format.hpp"

namespace mxref {

// How aligning a term to the common exponent drops the bits below the kept fraction bits.
enum class Alignment : std::uint8_t { toward_zero, toward_negative, nearest_even };

// Where block (and tensor) scales enter a term.
enum class ScaleApplication : std::uint8_t {
  product_exponent,  // each product is scaled exactly; its exponent for the maximum adds the scales' exponents
  group_factor,      // a group's products are summed unscaled, then scaled; the group's exponent is the scales' alone
};

// The sign of a sum whose kept bits cancel to zero.
enum class ZeroSign : std::uint8_t {
  ieee,            // IEEE 754 §6.3: zeros of one sign keep it; otherwise +0, or -0 when rounding toward -Inf
  positive,        // a sum that cancels to zero is +0: a two's-complement adder has no -0
  never_negative,  // as positive, and a result that rounds to zero is +0 too: the sign is not kept apart
};

// The NaN a model writes.
enum class NanOutput : std::uint8_t {
  canonical,         // positive, quiet bit only: 0x7FC00000 in FP32
  all_ones,          // positive, every mantissa bit set: 0x7FFFFFFF in FP32 (NVIDIA's tensor cores and CUDA)
  negative_default,  // negative, quiet bit only: 0xFFC00000, what x86's SSE/AVX write for an invalid operation
};

struct IntermediateRounding {
  Format format;
  Rounding rounding = Rounding::rne;
  // A result beyond the format's range is ±Inf even when the rounding is toward zero (IEEE 754 gives ±max
  // finite): the value is truncated and then converted with its exponent.
  bool overflow_to_inf = false;
};

// Products summed in `count` interleaved sums (product i of an instruction in sum i mod count), each aligned
// with the model's fraction bits and alignment; the sums are then aligned to the largest of their exponents
// (each sum counts with its largest term exponent) keeping `fraction_bits`, dropping bits as `alignment` says.
struct InterleavedSums {
  int count = 2;
  int fraction_bits = 0;
  Alignment alignment = Alignment::toward_zero;
};

// C added to the product sum by a second alignment to the larger of their exponents (the product sum counts
// with its largest term exponent, C with its own): the sum keeps `sum_fraction_bits`, C `c_fraction_bits`,
// both dropping bits as `alignment` says; a C more than `c_reach` binades below the larger exponent is 0.
struct CAlignment {
  int sum_fraction_bits = 0;
  int c_fraction_bits = 0;
  Alignment alignment = Alignment::toward_zero;
  int c_reach = 0;
};

// An instruction run as inner passes from +0: product i of the instruction goes to pass (i / stride) mod count,
// each pass is summed and rounded like an instruction of the model with the previous pass's result as its C,
// and the instruction's C is added to the last pass's result at the end, rounded to nearest-even in the
// result format (a separate FP32 add).
struct InnerPasses {
  int count = 2;
  int stride = 1;
};

struct AccumulationModel {
  std::string_view name;
  std::string_view summary;
  // Products summed exactly before alignment; 1: every product is its own term. Groups never straddle
  // blocks.
  int group_size = 1;
  ScaleApplication scales = ScaleApplication::product_exponent;
  // Each operand value (scale x element, x tensor scale) rounded (RNE) to this format before the multiply:
  // an emulation that dequantizes first (to BF16, or to FP32).
  std::optional<Format> operand_format;
  // Each term rounded (RNE) to this format before the sum: a separate multiply.
  std::optional<Format> product_format;
  // With group_factor scales: the two block scales' product rounded (RNE) to this format before it
  // multiplies the group's exact sum (a separate FP32 product of the scales).
  std::optional<Format> scale_product_format;
  // NVFP4's tensor scales stay out of the products: after the last instruction the sum is multiplied by
  // T_A x T_B (that product rounded first), each rounding in the result format, RNE.
  bool tensor_scales_last = false;
  // The sum starts from +0 and C is added after everything else (and after the tensor scales), rounded in
  // the result format, RNE: an epilogue that accumulates into C.
  bool c_last = false;
  // Whether C is one of the aligned terms; if not, the aligned sum of the products and C are added exactly,
  // or as c_alignment says.
  bool c_joins_alignment = true;
  std::optional<CAlignment> c_alignment;  // only when C does not join the alignment
  std::optional<InterleavedSums> interleaved;
  // Fraction bits kept after aligning each term to the largest term exponent; none: every bit is kept.
  std::optional<int> fraction_bits;
  Alignment alignment = Alignment::toward_zero;
  // A zero element or C counts with this exponent in the maximum; none: zeros do not count.
  std::optional<int> zero_exponent;
  // Products per instruction (k); each instruction's rounded result enters the next as C. 0: all of them.
  int chunk = 0;
  std::optional<InnerPasses> inner_passes;
  // Each instruction's result format and rounding; none: the output format under the caller's options.
  std::optional<IntermediateRounding> result;
  bool flush_subnormals = false;  // results that round to subnormals become zero of the same sign
  ZeroSign zero_sign = ZeroSign::ieee;
  NanOutput nan = NanOutput::canonical;
};

// FP32's range with 13 fraction bits: Hopper's FP8 accumulator as stored in an FP32 register.
inline constexpr Format e8m13{true, 8, 13, 127, Encoding::ieee};

std::span<const AccumulationModel> accumulation_models();
// The preset of that name; throws std::invalid_argument naming the presets otherwise.
const AccumulationModel& find_accumulation_model(std::string_view name);
const AccumulationModel& exact_accumulation();

}  // namespace mxref
