// What is wrong with a failing block, said plainly: whether its scale differs and by how many binades,
// each differing element (index, input, expected and actual), and a one-line diagnosis when one known rule
// explains the whole pattern (a scale one binade off with every element consistent with it, ties away
// from zero, truncation, swapped element pairs, a NaN/Inf block without the NaN scale, a wrong code count).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vectors/suite.hpp"

namespace mxref::conformance {

struct ElementDifference {
  std::size_t index = 0;
  std::uint64_t input = 0, expected = 0, got = 0;  // codes
};

struct BlockDiagnosis {
  bool scale_differs = false;
  std::optional<int> binades;  // got's scale over expected's, where both are finite powers of two
  std::vector<ElementDifference> elements;
  std::string diagnosis;  // empty when no single known rule explains the pattern
};

// For a block suite's failing vector: inputs (codes of suite.from), expected and got (scale, then element
// codes). nullopt for other kinds of suite.
std::optional<BlockDiagnosis> diagnose_block(const vectors::Suite& suite, const std::vector<std::uint64_t>& inputs,
                                             const std::vector<std::uint64_t>& expected,
                                             const std::vector<std::uint64_t>& got);

}  // namespace mxref::conformance
