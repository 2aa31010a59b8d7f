// The derived facts of a format that users look up: extremes, epsilon, and how its codes are spent.
#pragma once

#include <cstdint>
#include <optional>

#include "ref/dyadic.hpp"
#include "ref/format.hpp"

namespace mxref {

// Counts are big integers because a 64-bit format has 2^64 codes, one more than a uint64_t holds.
struct CodeCounts {
  BigInt total = 0;
  BigInt zeros = 0;
  BigInt subnormals = 0;
  BigInt normals = 0;
  BigInt infinities = 0;
  BigInt nans = 0;
  BigInt finite() const { return zeros + subnormals + normals; }
};

struct FormatProperties {
  Dyadic max_normal;
  Dyadic min_normal;
  std::optional<Dyadic> max_subnormal;  // absent without subnormals
  std::optional<Dyadic> min_subnormal;
  Dyadic epsilon;                 // distance from 1 to the next larger value (ulp of 1): 2^-p, or 2^-bias for integers
  Dyadic min_positive;            // the smallest positive value
  std::int64_t max_exponent = 0;  // floor(log2(max normal)): the emax of the OCP MX scale rule
  std::int64_t min_exponent = 0;  // floor(log2(min normal))
  CodeCounts counts;
};

FormatProperties properties(const Format& format);

}  // namespace mxref
