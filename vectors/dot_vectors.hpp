// Golden dot-product vectors (suites of kind "dot"): the classes listed in vectors/README.md, each a set of
// problems whose expected result is the suite's accumulation model's.
#pragma once

#include <vector>

#include "vectors/generate.hpp"
#include "vectors/suite.hpp"

namespace mxref::vectors {

// Deterministic, like generate(). Throws std::invalid_argument when a class cannot be made for the suite's
// formats (e.g. "ties" with C = 0 and elements too narrow to hold a tie in one block).
std::vector<Vector> dot_vectors(const Suite& suite);

}  // namespace mxref::vectors
