// One dot product as a flat list of codes, in the order `mxref dot` reads a line, golden dot suites store a
// vector and plug-ins receive it: A's blocks (scale, then block_size element codes, for each block), B's
// blocks the same way, then C as a code of the output format.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "ref/block/block_format.hpp"
#include "ref/dot/dot.hpp"
#include "ref/format.hpp"

namespace mxref {

struct DotShape {
  BlockFormat a;
  BlockFormat b;
  int blocks = 1;
  Format out = fp32;
};

// Whether `model` takes operands of these formats (its groups fit the blocks, ...): throws
// std::invalid_argument as validate(DotProblem) does.
void validate(const DotShape& shape, const AccumulationModel& model);

// The format of every code of a line, in order: 2 x blocks x (1 + block_size) + 1 of them.
std::vector<Format> dot_code_formats(const DotShape& shape);

// The problem a line of codes describes (NVFP4's tensor scales as given). Throws std::invalid_argument for
// a line of the wrong length; the codes' widths are the caller's to check (dot_code_formats).
DotProblem dot_problem_of(const DotShape& shape, std::span<const std::uint64_t> codes,
                          const Dyadic& tensor_scale_a = Dyadic(1, 0), const Dyadic& tensor_scale_b = Dyadic(1, 0));

// The line of a problem: dot_problem_of's inverse.
std::vector<std::uint64_t> dot_codes_of(const DotProblem& problem);

// Row `row` of a matrix blocked along its last axis as one dot-product operand: element(i) is the code at
// flat index i of the row-major rows x k elements, scale(i) that of the rows x k / block_size scales (a
// block archive's layout, and the GEMM kernels').
template <class ElementAt, class ScaleAt>
DotOperand operand_row(const BlockFormat& f, std::size_t row, std::size_t k, const ElementAt& element,
                       const ScaleAt& scale, const Dyadic& tensor_scale = Dyadic(1, 0)) {
  const auto size = static_cast<std::size_t>(f.block_size);
  DotOperand o{f, std::vector<DotBlock>(k / size), tensor_scale};
  for (std::size_t j = 0; j < k / size; ++j) {
    DotBlock& b = o.blocks[j];
    b.scale = scale(row * (k / size) + j);
    b.elements.resize(size);
    for (std::size_t i = 0; i < size; ++i) b.elements[i] = element(row * k + j * size + i);
  }
  return o;
}

// The same from flat arrays of byte codes.
inline DotOperand operand_row(const BlockFormat& f, std::span<const std::uint8_t> codes,
                              std::span<const std::uint8_t> scales, std::size_t row, std::size_t k) {
  return operand_row(
      f, row, k, [&](std::size_t i) { return codes[i]; }, [&](std::size_t i) { return scales[i]; });
}

}  // namespace mxref
