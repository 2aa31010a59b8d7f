#include "ref/dot/small_exact_sum.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

#include "ref/decode.hpp"
#include "ref/dot/element_codes.hpp"

namespace mxref {

bool keeps_every_bit(const AccumulationModel& model) {
  return !model.fraction_bits && !model.operand_format && !model.product_format && !model.scale_product_format &&
         !model.tensor_scales_last && !model.c_last && !model.interleaved && !model.c_alignment && model.chunk == 0 &&
         !model.inner_passes && !model.result && model.zero_sign == ZeroSign::ieee;
}

std::optional<Value> small_exact_sum(const DotProblem& p, const Value& c, Rounding rounding) {
  if (!c.is_finite() || width(p.a.format.element) > 8 || width(p.b.format.element) > 8) return std::nullopt;
  const ElementCodes& ta = cached_element_codes(p.a.format.element);
  const ElementCodes& tb = cached_element_codes(p.b.format.element);
  const auto size = static_cast<std::int64_t>(p.a.format.block_size);
  // |sum| <= size x largest_a x largest_b must stay below 2^62.
  if (ta.largest != 0 && tb.largest != 0 &&
      (tb.largest > (std::int64_t{1} << 62) / ta.largest / std::max<std::int64_t>(1, size)))
    return std::nullopt;
  const Dyadic tensor = p.a.tensor_scale * p.b.tensor_scale;

  Dyadic positive, negative;
  (c.negative ? negative : positive) = c.magnitude;
  bool all_negative_zeros = c.negative && c.is_zero();
  for (std::size_t j = 0; j < p.a.blocks.size(); ++j) {
    const DotBlock& a = p.a.blocks[j];
    const DotBlock& b = p.b.blocks[j];
    const Value xa = decode(p.a.format.scale, a.scale);
    const Value xb = decode(p.b.format.scale, b.scale);
    if (!xa.is_finite() || !xb.is_finite()) return std::nullopt;
    const bool scales_negative = xa.negative != xb.negative;
    const bool scale_zero = xa.is_zero() || xb.is_zero() || tensor.is_zero();
    std::int64_t sum = 0;
    for (std::size_t i = 0; i < a.elements.size(); ++i) {
      const std::uint64_t ea = a.elements[i], eb = b.elements[i];
      if (!ta.finite[ea] || !tb.finite[eb]) return std::nullopt;
      const std::int64_t product = ta.q[ea] * tb.q[eb];
      sum += product;
      // A product is a negative zero when a factor is zero and the factors' signs differ (exact_sum's rule).
      all_negative_zeros =
          all_negative_zeros && (product == 0 || scale_zero) && (ta.negative[ea] != tb.negative[eb]) != scales_negative;
    }
    if (sum == 0 || scale_zero) continue;
    const bool block_negative = (sum < 0) != scales_negative;
    const Dyadic magnitude =
        Dyadic(BigInt(sum < 0 ? -sum : sum), ta.quantum + tb.quantum) * xa.magnitude * xb.magnitude * tensor;
    (block_negative ? negative : positive) = (block_negative ? negative : positive) + magnitude;
  }
  if (positive == negative) return Value::finite(all_negative_zeros || rounding == Rounding::rdn, Dyadic());
  return positive > negative ? Value::finite(false, positive - negative) : Value::finite(true, negative - positive);
}

}  // namespace mxref
