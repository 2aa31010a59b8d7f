#include "ref/dot/dot.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <stdexcept>
#include <string>

#include "ref/block/host_float.hpp"
#include "ref/decode.hpp"
#include "ref/dot/fused_sum.hpp"
#include "ref/dot/small_exact_sum.hpp"
#include "ref/encode.hpp"

namespace mxref {

namespace {

// One product's factors: X(A), P(A)_i, X(B), P(B)_i and the formats they were decoded from.
struct Factor {
  Value value;
  Format format;
};

// The exponent a value counts with when a model takes the maximum: max(floor(log2 |x|), emin) (a subnormal
// counts at emin), a zero with the model's zero exponent.
std::optional<std::int64_t> exponent_of(const Value& v, const Format& f, const AccumulationModel& model) {
  if (!v.is_finite()) return std::nullopt;
  if (v.is_zero()) {
    if (model.zero_exponent) return *model.zero_exponent;
    return std::nullopt;
  }
  return std::max<std::int64_t>(v.magnitude.floor_log2(), min_exponent(f));
}

// IEEE 754 for a sum of products and C where any of them is special: NaN if any factor is NaN, any
// product is 0 x Inf, or Infs of both signs meet; else the Inf. nullopt when every operand is finite.
std::optional<Value> special_sum(std::span<const Value> addends) {
  bool positive_inf = false;
  bool negative_inf = false;
  for (const Value& v : addends) {
    if (v.is_nan()) return Value::nan(false);
    if (v.is_infinity()) (v.negative ? negative_inf : positive_inf) = true;
  }
  if (positive_inf && negative_inf) return Value::nan(false);
  if (positive_inf || negative_inf) return Value::infinity(negative_inf);
  return std::nullopt;
}

Value product_of(std::span<const Factor> factors) {
  bool negative = false;
  bool zero = false;
  bool infinite = false;
  Dyadic magnitude(1, 0);
  for (const Factor& f : factors) {
    if (f.value.is_nan()) return Value::nan(false);
    negative = negative != f.value.negative;
    zero = zero || f.value.is_zero();
    infinite = infinite || f.value.is_infinity();
    if (f.value.is_finite()) magnitude = magnitude * f.value.magnitude;
  }
  if (zero && infinite) return Value::nan(false);  // 0 x Inf
  if (infinite) return Value::infinity(negative);
  return Value::finite(negative, zero ? Dyadic() : magnitude);
}

// Signed exact sum of finite values; a zero sum's sign per IEEE 754 §6.3.
Value exact_sum(std::span<const Value> values, Rounding rounding) {
  Dyadic positive;
  Dyadic negative;
  bool all_negative_zeros = !values.empty();
  for (const Value& v : values) {
    (v.negative ? negative : positive) = (v.negative ? negative : positive) + v.magnitude;
    all_negative_zeros = all_negative_zeros && v.negative && v.is_zero();
  }
  if (positive == negative) return Value::finite(all_negative_zeros || rounding == Rounding::rdn, Dyadic());
  return positive > negative ? Value::finite(false, positive - negative) : Value::finite(true, negative - positive);
}

// The products of the problem, block by block, each with its factors.
struct Product {
  Factor factors[4];
  Factor tensor[2];
};

std::vector<std::vector<Product>> products_by_block(const DotProblem& p) {
  std::vector<std::vector<Product>> out;
  const Value ta = Value::finite(false, p.a.tensor_scale);
  const Value tb = Value::finite(false, p.b.tensor_scale);
  for (std::size_t j = 0; j < p.a.blocks.size(); ++j) {
    const DotBlock& a = p.a.blocks[j];
    const DotBlock& b = p.b.blocks[j];
    const Factor xa{decode(p.a.format.scale, a.scale), p.a.format.scale};
    const Factor xb{decode(p.b.format.scale, b.scale), p.b.format.scale};
    std::vector<Product>& block = out.emplace_back();
    for (std::size_t i = 0; i < a.elements.size(); ++i)
      block.push_back({{xa,
                        {decode(p.a.format.element, a.elements[i]), p.a.format.element},
                        xb,
                        {decode(p.b.format.element, b.elements[i]), p.b.format.element}},
                       {{ta, fp32}, {tb, fp32}}});
  }
  return out;
}

// The tensor scales as a product's factors: 1 each where the model applies them after the sum.
std::array<Factor, 2> tensor_factors(const Product& p, const AccumulationModel& model) {
  const Factor one{Value::finite(false, Dyadic(1, 0)), fp32};
  return model.tensor_scales_last ? std::array<Factor, 2>{one, one} : std::array<Factor, 2>{p.tensor[0], p.tensor[1]};
}

// A dequantizing model's two operands: each X·P (· T) rounded to the model's operand format.
std::array<Factor, 2> dequantized(const Product& p, const AccumulationModel& model) {
  const auto [ta, tb] = tensor_factors(p, model);
  const Factor a[] = {p.factors[0], p.factors[1], ta};
  const Factor b[] = {p.factors[2], p.factors[3], tb};
  return {Factor{round_to(*model.operand_format, product_of(a)), *model.operand_format},
          Factor{round_to(*model.operand_format, product_of(b)), *model.operand_format}};
}

// A product as the model forms it: exactly, or from operands dequantized (rounded) to its operand format.
Value model_product(const Product& p, const AccumulationModel& model) {
  if (model.operand_format) return product_of(dequantized(p, model));
  const auto [ta, tb] = tensor_factors(p, model);
  const Factor all[] = {p.factors[0], p.factors[1], p.factors[2], p.factors[3], ta, tb};
  return product_of(all);
}

std::optional<std::int64_t> sum_of(std::span<const std::optional<std::int64_t>> exponents) {
  std::int64_t total = 0;
  for (const auto& e : exponents) {
    if (!e) return std::nullopt;
    total += *e;
  }
  return total;
}

// A group of products as one term (or a special value): see ScaleApplication.
Value group_value(std::span<const Product> group, const AccumulationModel& model, Rounding rounding,
                  std::optional<std::int64_t>& exponent) {
  std::vector<Value> values;
  std::vector<std::array<Factor, 2>> operands;  // a dequantizing model's operands, product by product
  for (const Product& p : group) {
    if (model.operand_format) operands.push_back(dequantized(p, model));
    values.push_back(model.operand_format ? product_of(operands.back()) : model_product(p, model));
  }
  if (const auto special = special_sum(values)) return *special;
  const Product& first = group.front();
  const std::optional<std::int64_t> scale_exponents[] = {
      exponent_of(first.factors[0].value, first.factors[0].format, model),
      exponent_of(first.factors[2].value, first.factors[2].format, model),
      exponent_of(first.tensor[0].value, fp32, model), exponent_of(first.tensor[1].value, fp32, model)};
  exponent.reset();
  switch (model.scales) {
    case ScaleApplication::product_exponent:
      // The largest of the members' exponents (the one member's when groups are single products).
      for (std::size_t i = 0; i < group.size(); ++i) {
        const Product& p = group[i];
        if (model.operand_format) {  // the operands as the model holds them, scales inside
          const auto& [a, b] = operands[i];
          const std::optional<std::int64_t> both[] = {exponent_of(a.value, a.format, model),
                                                      exponent_of(b.value, b.format, model)};
          if (const auto e = sum_of(both)) exponent = exponent ? std::max(*exponent, *e) : *e;
          continue;
        }
        const std::optional<std::int64_t> member[] = {scale_exponents[0],
                                                      scale_exponents[1],
                                                      scale_exponents[2],
                                                      scale_exponents[3],
                                                      exponent_of(p.factors[1].value, p.factors[1].format, model),
                                                      exponent_of(p.factors[3].value, p.factors[3].format, model)};
        if (const auto e = sum_of(member)) exponent = exponent ? std::max(*exponent, *e) : *e;
      }
      break;
    case ScaleApplication::group_factor: exponent = sum_of(scale_exponents); break;
  }
  Value sum;
  if (!model.scale_product_format) {
    sum = exact_sum(values, rounding);
  } else {
    // The elements' exact sum times the scales' product rounded on its own (then the tensor scales).
    std::vector<Value> elements;
    for (const Product& p : group) {
      const Factor pair[] = {p.factors[1], p.factors[3]};
      elements.push_back(product_of(pair));
    }
    const Factor scales[] = {first.factors[0], first.factors[2]};
    const Factor whole[] = {{exact_sum(elements, rounding), fp32},
                            {round_to(*model.scale_product_format, product_of(scales)), fp32},
                            {product_of(tensor_factors(first, model)), fp32}};
    sum = product_of(whole);
  }
  if (model.product_format) sum = round_to(*model.product_format, sum);
  return sum;
}

// The products' aligned sum, in interleaved sums when the model has them; `largest` receives the exponent
// the sum counts with afterwards (the largest of its terms').
Value product_sum(std::span<const Term> terms, const AccumulationModel& model, Rounding rounding,
                  std::optional<std::int64_t>& largest) {
  if (!model.interleaved) return fused_sum(terms, model, rounding, &largest);
  const auto count = static_cast<std::size_t>(model.interleaved->count);
  std::vector<Term> sums;
  for (std::size_t lane = 0; lane < count; ++lane) {
    std::vector<Term> members;
    for (std::size_t i = lane; i < terms.size(); i += count) members.push_back(terms[i]);
    std::optional<std::int64_t> e;
    const Value v = fused_sum(members, model, rounding, &e);
    sums.push_back({v.negative, v.magnitude, e});
  }
  return fused_sum(sums, model.interleaved->fraction_bits, model.interleaved->alignment, model, rounding, &largest);
}

std::uint64_t nan_payload(NanOutput nan) {
  switch (nan) {
    case NanOutput::canonical: return std::uint64_t{1} << 63;
    case NanOutput::all_ones: return ~std::uint64_t{0};
    case NanOutput::negative_default: return std::uint64_t{1} << 63;
  }
  return std::uint64_t{1} << 63;
}

// One instruction's sum: `values` are C and then the instruction's terms (groups), `exponents` what each counts
// with; C joins the alignment or not, as the model says. No rounding to a format happens here.
Value instruction_sum(std::span<const Value> values, std::span<const std::optional<std::int64_t>> exponents,
                      const AccumulationModel& model, Rounding rounding) {
  if (const auto special = special_sum(values)) return *special;
  std::vector<Term> terms;
  for (std::size_t i = model.c_joins_alignment ? 0 : 1; i < values.size(); ++i)
    terms.push_back({values[i].negative, values[i].magnitude, exponents[i]});
  if (model.c_joins_alignment) return fused_sum(terms, model, rounding);
  std::optional<std::int64_t> largest;
  const Value products = product_sum(terms, model, rounding, largest);
  if (model.c_alignment) {
    const CAlignment& ca = *model.c_alignment;
    const AlignedTerm both[] = {
        {{products.negative, products.magnitude, largest}, ca.sum_fraction_bits, {}},
        {{values[0].negative, values[0].magnitude, exponents[0]}, ca.c_fraction_bits, ca.c_reach}};
    return aligned_sum(both, ca.alignment, model, rounding);
  }
  const Value both[] = {values[0], products};
  return exact_sum(both, rounding);
}

// The model's instructions in order; `rounded` rounds an instruction's sum into the step format, and the
// result becomes `acc`, the next instruction's C.
template <class Rounded>
void run_instructions(const DotProblem& p, const AccumulationModel& model, const Format& step_format, Rounding rounding,
                      Value& acc, const Rounded& rounded) {
  // Groups (terms before alignment) in order; a group never straddles a block.
  std::vector<std::vector<Product>> groups;
  for (auto& block : products_by_block(p))
    for (std::size_t i = 0; i < block.size(); i += static_cast<std::size_t>(model.group_size)) {
      const std::size_t end = std::min(block.size(), i + static_cast<std::size_t>(model.group_size));
      groups.emplace_back(block.begin() + static_cast<std::ptrdiff_t>(i),
                          block.begin() + static_cast<std::ptrdiff_t>(end));
    }

  std::size_t g = 0;
  do {
    // One instruction: up to `chunk` products, C joining as the model says, one rounding.
    std::vector<Value> values;
    std::vector<std::optional<std::int64_t>> exponents;
    std::size_t taken = 0;
    while (g < groups.size() && (model.chunk == 0 || taken < static_cast<std::size_t>(model.chunk))) {
      std::optional<std::int64_t> e;
      values.push_back(group_value(groups[g], model, rounding, e));
      exponents.push_back(e);
      taken += groups[g].size();
      ++g;
    }
    if (!model.inner_passes) {
      values.insert(values.begin(), acc);
      exponents.insert(exponents.begin(), exponent_of(acc, step_format, model));
      acc = rounded(instruction_sum(values, exponents, model, rounding));
      continue;
    }
    // Inner passes from +0, each rounded like an instruction; then C + the last pass, RNE.
    const auto count = static_cast<std::size_t>(model.inner_passes->count);
    const auto stride = static_cast<std::size_t>(model.inner_passes->stride);
    Value inner = Value::finite(false, Dyadic());
    for (std::size_t pass = 0; pass < count; ++pass) {
      std::vector<Value> pass_values{inner};
      std::vector<std::optional<std::int64_t>> pass_exponents{exponent_of(inner, step_format, model)};
      for (std::size_t i = 0; i < values.size(); ++i)
        if ((i / stride) % count == pass) {
          pass_values.push_back(values[i]);
          pass_exponents.push_back(exponents[i]);
        }
      inner = rounded(instruction_sum(pass_values, pass_exponents, model, rounding));
    }
    const Value both[] = {acc, inner};
    const auto special = special_sum(both);
    acc = rounded(special ? *special : round_to(step_format, exact_sum(both, Rounding::rne)));
  } while (g < groups.size());
}

}  // namespace

void validate(const DotProblem& p, const Format& out, const AccumulationModel& model) {
  if (p.a.blocks.size() != p.b.blocks.size())
    throw std::invalid_argument("A has " + std::to_string(p.a.blocks.size()) + " blocks, B " +
                                std::to_string(p.b.blocks.size()));
  if (p.a.format.block_size != p.b.format.block_size)
    throw std::invalid_argument("A's blocks hold " + std::to_string(p.a.format.block_size) + " elements, B's " +
                                std::to_string(p.b.format.block_size));
  for (const DotOperand* operand : {&p.a, &p.b})
    for (const DotBlock& block : operand->blocks) {
      if (block.elements.size() != static_cast<std::size_t>(operand->format.block_size))
        throw std::invalid_argument("a block of " + std::to_string(block.elements.size()) + " elements, not " +
                                    std::to_string(operand->format.block_size));
      (void)classify(operand->format.scale, block.scale);
      for (const std::uint64_t e : block.elements) (void)classify(operand->format.element, e);
    }
  (void)classify(out, p.c);
  if (model.group_size < 1) throw std::invalid_argument("a model's group size must be at least 1");
  if (model.chunk % model.group_size != 0)
    throw std::invalid_argument("model " + std::string(model.name) + ": k is not a multiple of its group size");
  if (model.interleaved && (model.interleaved->count < 1 || model.group_size != 1 || model.c_joins_alignment))
    throw std::invalid_argument("model " + std::string(model.name) +
                                ": interleaved sums need single-product terms and C outside the alignment");
  if (model.inner_passes &&
      (model.inner_passes->count < 1 || model.inner_passes->stride < 1 || model.group_size != 1 || model.chunk == 0 ||
       model.chunk % (model.inner_passes->count * model.inner_passes->stride) != 0))
    throw std::invalid_argument("model " + std::string(model.name) +
                                ": inner passes need single-product terms and k a multiple of count x stride");
  if (model.c_alignment && model.c_joins_alignment)
    throw std::invalid_argument("model " + std::string(model.name) + ": a C alignment needs C outside the first");
  if (model.scales == ScaleApplication::group_factor && p.a.format.block_size % model.group_size != 0)
    throw std::invalid_argument("model " + std::string(model.name) + " sums groups of " +
                                std::to_string(model.group_size) + " products under one scale; blocks of " +
                                std::to_string(p.a.format.block_size) + " do not divide into them");
}

Value exact_dot(const DotProblem& p, const Format& out, Rounding rounding) {
  std::vector<Value> addends{decode(out, p.c)};
  for (const auto& block : products_by_block(p))
    for (const Product& product : block) addends.push_back(model_product(product, exact_accumulation()));
  if (const auto special = special_sum(addends)) return *special;
  return exact_sum(addends, rounding);
}

CastResult dot(const DotProblem& p, const Format& out, const CastOptions& options, const AccumulationModel& model) {
  validate(p, out, model);
  CastOptions step = options;
  step.flush_subnormal_results = options.flush_subnormal_results || model.flush_subnormals;
  if (model.result) {
    step = CastOptions{};
    step.rounding = model.result->rounding;
    step.flush_subnormal_results = model.flush_subnormals;
  }
  const Format& step_format = model.result ? model.result->format : out;
  std::uint8_t flags = 0;

  Value acc = model.c_last ? Value::finite(false, Dyadic()) : decode(out, p.c);
  // A sum rounded as the model rounds an instruction's result.
  const auto rounded = [&](const Value& sum) {
    if (sum.is_nan()) return sum;
    const CastResult r = encode(step_format, sum, step);
    flags |= r.flags;
    Value v = decode(step_format, r.code);
    if (model.result && model.result->overflow_to_inf && (r.flags & Flag::overflow) != 0)
      v = Value::infinity(sum.negative);
    if (model.zero_sign == ZeroSign::never_negative && v.is_zero()) v.negative = false;
    return v;
  };
  // It becomes the next instruction's C.
  const auto settle = [&](const Value& sum) { acc = rounded(sum); };
  if (const auto sum = keeps_every_bit(model) ? small_exact_sum(p, acc, step.rounding) : std::nullopt) {
    settle(*sum);
  } else {
    run_instructions(p, model, step_format, step.rounding, acc, rounded);
  }
  // The epilogue: tensor scales, then C, each one rounding in the step format.
  if (model.tensor_scales_last && !acc.is_nan()) {
    const Factor alpha[] = {{acc, step_format},
                            {round_to(step_format, Value::finite(false, p.a.tensor_scale * p.b.tensor_scale)), fp32}};
    settle(product_of(alpha));
  }
  if (model.c_last) {
    const Value both[] = {acc, decode(out, p.c)};
    const auto special = special_sum(both);
    settle(special ? *special : exact_sum(both, step.rounding));
  }

  if (acc.is_nan()) {
    CastResult r = encode(out, Value::nan(model.nan == NanOutput::negative_default, nan_payload(model.nan)), options);
    r.flags |= flags;
    return r;
  }
  CastResult r = encode(out, acc, options);
  r.flags |= flags;
  return r;
}

}  // namespace mxref
