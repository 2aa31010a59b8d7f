// The derived facts of a format that users look up: extremes, epsilon, and how its codes are spent.
#pragma once

#include <cstdint>
#include <optional>

#include "ref/dyadic.hpp"
#include "ref/format.hpp"

namespace mxref {

struct CodeCounts {
  std::uint64_t total = 0;
  std::uint64_t zeros = 0;
  std::uint64_t subnormals = 0;
  std::uint64_t normals = 0;
  std::uint64_t infinities = 0;
  std::uint64_t nans = 0;
  std::uint64_t finite() const { return zeros + subnormals + normals; }
};

struct FormatProperties {
  Dyadic max_normal;
  Dyadic min_normal;
  std::optional<Dyadic> max_subnormal;  // absent without subnormals
  std::optional<Dyadic> min_subnormal;
  Dyadic epsilon;       // distance from 1 to the next larger value (ulp of 1): 2^-p, or 2^-bias for integers
  Dyadic min_positive;  // the smallest positive value
  std::int64_t max_exponent = 0;  // floor(log2(max normal)): the emax of the OCP MX scale rule
  std::int64_t min_exponent = 0;  // floor(log2(min normal))
  CodeCounts counts;
};

FormatProperties properties(const Format& format);

}  // namespace mxref
