#include "fast/cpu/fused_gemm.hpp"

#include <stdexcept>
#include <vector>

namespace mxref::fast {

namespace {

// CDNA3's FP8 step as the integer path runs it (FusedModel::lanes).
std::optional<FusedModel> lanes_model_of(const AccumulationModel& m) {
  if (!m.interleaved || !m.c_alignment || m.c_joins_alignment || !m.fraction_bits ||
      m.alignment != Alignment::toward_zero || m.interleaved->alignment != Alignment::toward_negative ||
      m.c_alignment->alignment != Alignment::toward_negative || m.interleaved->count < 1 || m.interleaved->count > 4 ||
      m.zero_exponent != -126 || m.chunk <= 0 || !m.result || m.result->format != fp32 ||
      m.result->rounding != Rounding::rne || m.result->overflow_to_inf || m.zero_sign != ZeroSign::positive ||
      m.group_size != 1 || m.scales != ScaleApplication::product_exponent || m.operand_format || m.product_format ||
      m.scale_product_format || m.tensor_scales_last || m.c_last || m.flush_subnormals || m.inner_passes)
    return std::nullopt;
  FusedModel f;
  f.fraction_bits = *m.fraction_bits;
  f.chunk = m.chunk;
  f.lanes = m.interleaved->count;
  f.lane_fraction_bits = m.interleaved->fraction_bits;
  f.sum_bits = m.c_alignment->sum_fraction_bits;
  f.c_bits = m.c_alignment->c_fraction_bits;
  f.c_reach = m.c_alignment->c_reach;
  return f;
}

}  // namespace

std::optional<FusedModel> FusedGemm::model_of(const AccumulationModel& m) {
  if (m.interleaved) return lanes_model_of(m);
  const bool nvidia_result = m.result && m.result->rounding == Rounding::rtz && m.result->overflow_to_inf &&
                             (m.result->format == fp32 || m.result->format == e8m13);
  if (!m.fraction_bits || *m.fraction_bits > 40 || m.alignment != Alignment::toward_zero || m.zero_exponent != -126 ||
      m.chunk <= 0 || !nvidia_result || m.product_format || m.scale_product_format || m.tensor_scales_last ||
      m.c_last || !m.c_joins_alignment || m.interleaved || m.c_alignment || m.flush_subnormals ||
      m.zero_sign != ZeroSign::never_negative || (m.operand_format && *m.operand_format != fp16))
    return std::nullopt;
  FusedModel f;
  f.fraction_bits = *m.fraction_bits;
  f.chunk = m.chunk;
  switch (m.scales) {
    case ScaleApplication::product_exponent:
      if (m.group_size != 1) return std::nullopt;
      break;
    case ScaleApplication::group_factor: f.group = m.group_size; break;
  }
  f.result_fraction_bits = m.result->format.mantissa_bits;
  if (m.inner_passes) {
    if (f.group != 1) return std::nullopt;
    f.passes = m.inner_passes->count;
    f.pass_stride = m.inner_passes->stride;
  }
  f.unit_scales_only = m.operand_format.has_value();
  return f;
}

bool FusedGemm::applies(const BlockFormat& a, const BlockFormat& b, const AccumulationModel& model, const Format& out,
                        const CastOptions& options) {
  for (const BlockFormat* f : {&a, &b})
    if (width(f->element) > 8 || width(f->scale) > 8 || !code_table(f->element, model.operand_format).complete ||
        !code_table(f->scale).complete)
      return false;
  const auto m = model_of(model);
  // An FP32 result is the output as it is (no flushing); the groups must fit the blocks.
  return m && out == fp32 && !options.flush_subnormal_results && a.block_size == b.block_size &&
         a.block_size % m->group == 0;
}

FusedGemm::FusedGemm(const BlockFormat& a, const BlockFormat& b, const AccumulationModel& model, const Format& out,
                     const CastOptions& options)
    : format_a_(a), format_b_(b), model_(&model), out_(out), options_(options) {
  if (!applies(a, b, model, out, options))
    throw std::invalid_argument("the fused integer path does not take these formats, model or output");
  fused_ = *model_of(model);
  a_ = code_table(a.element, model.operand_format);
  b_ = code_table(b.element, model.operand_format);
  scales_a_ = code_table(a.scale);
  scales_b_ = code_table(b.scale);
}

std::uint64_t FusedGemm::reference(const DotOperand& a, const DotOperand& b, std::uint64_t c) const {
  return dot(DotProblem{a, b, c}, out_, options_, *model_).code;
}

FlatRow::FlatRow(const DotOperand& row) : tensor(tensor_code(row.tensor_scale)) {
  for (const DotBlock& block : row.blocks) {
    scales.push_back(static_cast<std::uint8_t>(block.scale));
    for (const std::uint64_t e : block.elements) codes.push_back(static_cast<std::uint8_t>(e));
  }
}

std::uint64_t FusedGemm::code(const DotOperand& a, const DotOperand& b, std::uint64_t c) const {
  const FlatRow fa(a), fb(b);
  std::uint32_t out = 0;
  if (fused_dot(fused_, fa.view(table_a(), scale_table_a()), fb.view(table_b(), scale_table_b()),
                static_cast<int>(fa.codes.size()), format_a_.block_size, static_cast<std::uint32_t>(c), out))
    return out;
  return reference(a, b, c);
}

}  // namespace mxref::fast
