// A suite: the declarative definition of a set of golden vectors (vectors/suites/*.json). It names the
// operation (an element cast, a block format under a profile, or a dot product under an accumulation
// model), the input classes and a seed; the generator turns it into the same vectors on every run and
// machine.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ref/block/block_format.hpp"
#include "ref/block/profile.hpp"
#include "ref/cast_options.hpp"
#include "ref/cast_profile.hpp"
#include "ref/dot/accumulation_model.hpp"
#include "ref/dot/dot_codes.hpp"
#include "ref/format.hpp"

namespace mxref::vectors {

struct Suite {
  enum class Kind { cast, block, dot };
  std::string name;
  Kind kind = Kind::cast;
  Format from = fp32;
  // Element casts; for dot products the format of C and of the result.
  Format to{};
  CastOptions options{.overflow = Overflow::saturate, .nan_to_finite = NanToFinite::zero};
  CastProfile cast_profile = CastProfile::spec;
  // Blocks; for dot products A's format.
  BlockFormat block{};
  const Profile* profile = nullptr;
  // Dot products: B's format, blocks per operand, the model the expected results follow, and whether C
  // is always +0 (a unit without an accumulator input). `options` round the result.
  DotShape dot{};
  const AccumulationModel* model = nullptr;
  bool c_zero = false;
  std::vector<std::string> classes;
  std::uint64_t seed = 1;
  int count = 64;             // vectors per random class
  nlohmann::json definition;  // as read, echoed into the output
};

// Throws std::invalid_argument naming `what` and the offending key.
Suite parse_suite(const nlohmann::json& definition, const std::string& what);

// The input classes each kind knows.
const std::vector<std::string>& cast_classes();
const std::vector<std::string>& block_classes();
const std::vector<std::string>& dot_classes();

}  // namespace mxref::vectors
