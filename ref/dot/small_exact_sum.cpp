#include "ref/dot/small_exact_sum.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <deque>
#include <vector>

#include "ref/decode.hpp"

namespace mxref {

namespace {

// Every code of a narrow format as ±q x 2^quantum, q an integer (0 for zeros, which keep their sign).
struct ElementTable {
  Format format;
  std::int64_t quantum = 0;
  std::int64_t largest = 0;  // the largest |q|
  std::array<std::int64_t, 256> q{};
  std::array<bool, 256> negative{};
  std::array<bool, 256> finite{};
};

ElementTable table_of(const Format& f) {
  ElementTable t;
  t.format = f;
  std::vector<Value> values;
  const std::uint64_t codes = std::uint64_t{1} << width(f);
  bool any = false;
  for (std::uint64_t code = 0; code < codes; ++code) {
    values.push_back(decode(f, code));
    const Value& v = values.back();
    if (v.is_finite() && !v.is_zero()) {
      t.quantum = any ? std::min(t.quantum, v.magnitude.exponent()) : v.magnitude.exponent();
      any = true;
    }
  }
  for (std::uint64_t code = 0; code < codes; ++code) {
    const Value& v = values[code];
    t.finite[code] = v.is_finite();
    t.negative[code] = v.negative;
    if (v.is_finite() && !v.is_zero()) {
      // At most 8 bits of code: the value spans well under 62 bits of the quantum.
      const auto q = v.magnitude.significand().convert_to<std::int64_t>() << (v.magnitude.exponent() - t.quantum);
      t.q[code] = v.negative ? -q : q;
      t.largest = std::max(t.largest, q);
    }
  }
  return t;
}

// Building a table takes up to 256 decodes, more than a short dot product: each thread keeps the few
// formats it has met (a deque: a new table leaves references to the others valid).
const ElementTable& table_for(const Format& f) {
  thread_local std::deque<ElementTable> tables;
  for (const ElementTable& t : tables)
    if (t.format == f) return t;
  tables.push_back(table_of(f));
  return tables.back();
}

}  // namespace

bool keeps_every_bit(const AccumulationModel& model) {
  return !model.fraction_bits && !model.operand_format && !model.product_format && !model.scale_product_format &&
         !model.tensor_scales_last && !model.c_last && !model.interleaved && !model.c_alignment && model.chunk == 0 &&
         !model.inner_passes && !model.result && model.zero_sign == ZeroSign::ieee;
}

std::optional<Value> small_exact_sum(const DotProblem& p, const Value& c, Rounding rounding) {
  if (!c.is_finite() || width(p.a.format.element) > 8 || width(p.b.format.element) > 8) return std::nullopt;
  const ElementTable& ta = table_for(p.a.format.element);
  const ElementTable& tb = table_for(p.b.format.element);
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
