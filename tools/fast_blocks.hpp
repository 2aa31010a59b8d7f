// `--fast` in tensor mode: what fast/cpu can run of a block job, or a usage error saying what it cannot.
#pragma once

#include "fast/cpu/block_quantize.hpp"
#include "ref/block/tensor.hpp"
#include "tools/block_job.hpp"

namespace mxref::tools {

// The fast path's twin of the job, checked: an MX element with an E8M0 scale, a fast profile, 1-D
// blocks, FP32 or BF16 values in and out.
fast::BlockSpec fast_spec(const BlockJob& job, Mode mode, const BlockLayout& layout);

// The tensor as the fast path sees it: [before the axis, the axis, after the axis].
fast::AxisView axis_view(const BlockLayout& layout);

fast::FloatData float_data(const Format& format);  // fp32 or bf16 (fast_spec has checked)

}  // namespace mxref::tools
