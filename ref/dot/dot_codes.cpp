#include "ref/dot/dot_codes.hpp"

#include <stdexcept>
#include <string>

namespace mxref {

void validate(const DotShape& shape, const AccumulationModel& model) {
  validate(DotProblem{{shape.a, {}, Dyadic(1, 0)}, {shape.b, {}, Dyadic(1, 0)}, 0}, shape.out, model);
}

std::vector<Format> dot_code_formats(const DotShape& shape) {
  std::vector<Format> formats;
  for (const BlockFormat* f : {&shape.a, &shape.b})
    for (int j = 0; j < shape.blocks; ++j) {
      formats.push_back(f->scale);
      formats.insert(formats.end(), static_cast<std::size_t>(f->block_size), f->element);
    }
  formats.push_back(shape.out);
  return formats;
}

DotProblem dot_problem_of(const DotShape& shape, std::span<const std::uint64_t> codes, const Dyadic& tensor_scale_a,
                          const Dyadic& tensor_scale_b) {
  const std::size_t expected = dot_code_formats(shape).size();
  if (codes.size() != expected)
    throw std::invalid_argument("a dot product of this shape has " + std::to_string(expected) + " codes, not " +
                                std::to_string(codes.size()));
  std::size_t at = 0;
  const auto operand = [&](const BlockFormat& f, const Dyadic& tensor_scale) {
    DotOperand o{f, {}, tensor_scale};
    for (int j = 0; j < shape.blocks; ++j) {
      DotBlock block{codes[at++], {}};
      block.elements.assign(codes.begin() + static_cast<std::ptrdiff_t>(at),
                            codes.begin() + static_cast<std::ptrdiff_t>(at) + f.block_size);
      at += static_cast<std::size_t>(f.block_size);
      o.blocks.push_back(std::move(block));
    }
    return o;
  };
  DotProblem p;
  p.a = operand(shape.a, tensor_scale_a);
  p.b = operand(shape.b, tensor_scale_b);
  p.c = codes[at];
  return p;
}

std::vector<std::uint64_t> dot_codes_of(const DotProblem& problem) {
  std::vector<std::uint64_t> codes;
  for (const DotOperand* o : {&problem.a, &problem.b})
    for (const DotBlock& block : o->blocks) {
      codes.push_back(block.scale);
      codes.insert(codes.end(), block.elements.begin(), block.elements.end());
    }
  codes.push_back(problem.c);
  return codes;
}

}  // namespace mxref
