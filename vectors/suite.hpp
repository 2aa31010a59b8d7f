// A suite: the declarative definition of a set of golden vectors (vectors/suites/*.json). It names the
// conversion (an element cast, or a block format under a profile), the input classes and a seed; the
// generator turns it into the same vectors on every run and machine.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ref/block/block_format.hpp"
#include "ref/block/profile.hpp"
#include "ref/cast_options.hpp"
#include "ref/cast_profile.hpp"
#include "ref/format.hpp"

namespace mxref::vectors {

struct Suite {
  enum class Kind { cast, block };
  std::string name;
  Kind kind = Kind::cast;
  Format from = fp32;
  // Element casts.
  Format to{};
  CastOptions options{.overflow = Overflow::saturate, .nan_to_finite = NanToFinite::zero};
  CastProfile cast_profile = CastProfile::spec;
  // Blocks.
  BlockFormat block{};
  const Profile* profile = nullptr;
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

}  // namespace mxref::vectors
