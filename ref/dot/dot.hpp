// OCP MX v1.0 §6.1/6.2 Dot and DotGeneral: two vectors of blocks, an optional accumulator C, one result
// code. docs/spec-notes/dot-exact.md gives the semantics; dot-models.md the accumulation models.
#pragma once

#include <cstdint>
#include <vector>

#include "ref/block/block_format.hpp"
#include "ref/cast_options.hpp"
#include "ref/dot/accumulation_model.hpp"
#include "ref/value.hpp"

namespace mxref {

struct DotBlock {
  std::uint64_t scale = 0;
  std::vector<std::uint64_t> elements;  // format.block_size codes
};

struct DotOperand {
  BlockFormat format;
  std::vector<DotBlock> blocks;
  Dyadic tensor_scale = Dyadic(1, 0);  // NVFP4's per-tensor scale; 1 for MX
};

struct DotProblem {
  DotOperand a;
  DotOperand b;
  std::uint64_t c = 0;  // a code of the output format; +0 when there is no accumulator
};

// Throws std::invalid_argument: block counts or block sizes that differ, blocks of the wrong length, codes
// wider than their format, a model whose groups or instructions do not fit the blocks.
void validate(const DotProblem& problem, const Format& out, const AccumulationModel& model);

// The exact result, Dyadic arithmetic throughout: sum over blocks of X(A) X(B) sum_i P(A)_i P(B)_i, plus C,
// with IEEE 754's NaN, Inf and signed-zero rules (an exact zero's sign depends on the rounding mode).
Value exact_dot(const DotProblem& problem, const Format& out, Rounding rounding);

// The dot product under an accumulation model, as a code of `out`. Under `exact` this is exact_dot()
// rounded once with `options`; under a hardware model `options` round only what the model leaves to the
// output (its own results are in its own format).
CastResult dot(const DotProblem& problem, const Format& out, const CastOptions& options = {},
               const AccumulationModel& model = exact_accumulation());

}  // namespace mxref
