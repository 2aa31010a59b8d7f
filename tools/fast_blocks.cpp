#include "tools/fast_blocks.hpp"

#include <string>

#include "ref/block/profile.hpp"
#include "ref/format_name.hpp"
#include "tools/usage_error.hpp"

namespace mxref::tools {

namespace {

bool fast_float(const Format& f) { return f == fp32 || f == bf16; }

}  // namespace

FastPlan fast_plan(const BlockJob& job, Mode mode, const BlockLayout& layout) {
  FastPlan plan;
  plan.mx = fast::fast_block_spec(job.format, *job.profile);
  if (!plan.mx) {
    plan.nvfp4 = fast::nvfp4::rule_for(job.format, *job.profile);
    // Dequantization reads no profile: element x scale x tensor scale.
    if (!plan.nvfp4 && mode == Mode::dequantize && fast::nvfp4::is_nvfp4(job.format))
      plan.nvfp4 = ScaleRule::amax_over_max;
  }
  if (!plan.mx && !plan.nvfp4)
    throw UsageError(
        "--fast runs mxfp8_e4m3/e5m2, mxfp6_e3m2/e2m3, mxfp4_e2m1 and mxint8 (e8m0 scale, up to 1024 a block) "
        "under ocp, nvidia-rceil and torchao-*, and nvfp4 under nvfp4, nvfp4-torchao and nvfp4-te; not " +
        block_format_name(job.format) + " under " + std::string(job.profile->name) +
        " (leave out --fast for the reference)");
  if (layout.tile_rows != 0) throw UsageError("--fast takes 1-D blocks along an axis, not --tile");
  if (mode != Mode::dequantize && !fast_float(job.from)) throw UsageError("--fast reads f32 or bf16 values (--from)");
  if (mode != Mode::quantize && !fast_float(*job.to)) throw UsageError("--fast writes f32 or bf16 values (--to)");
  return plan;
}

fast::AxisView axis_view(const BlockLayout& layout) {
  fast::AxisView v;
  for (std::size_t k = 0; k < layout.shape.size(); ++k) {
    if (k < layout.axis) v.outer *= layout.shape[k];
    else if (k == layout.axis) v.rows = layout.shape[k];
    else v.columns *= layout.shape[k];
  }
  return v;
}

fast::FloatData float_data(const Format& format) {
  return format == bf16 ? fast::FloatData::bf16 : fast::FloatData::fp32;
}

}  // namespace mxref::tools
