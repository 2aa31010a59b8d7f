#include "vectors/outcome_tags.hpp"

#include "ref/decode.hpp"
#include "ref/encode.hpp"
#include "ref/properties.hpp"

namespace mxref::vectors {

std::vector<std::string> outcome_tags(const Format& to, const Value& exact, const CastResult& r,
                                      const std::vector<std::string>& nan_tags) {
  std::vector<std::string> tags;
  const CodeClass out = classify(to, r.code);
  if (r.flags & Flag::overflow) tags.push_back(out == CodeClass::normal ? "saturate" : "overflow");
  if (r.flags & Flag::underflow) tags.push_back("underflow");
  if (out == CodeClass::subnormal) tags.push_back("subnormal-out");
  tags.insert(tags.end(), nan_tags.begin(), nan_tags.end());
  if (out == CodeClass::normal && (r.code & ~sign_bit(to)) == max_finite_code(to)) tags.push_back("max-out");
  if ((r.flags & Flag::inexact) && exact.is_finite()) {
    // A tie: the value is exactly halfway between its neighbours toward zero and away from zero.
    const CastOptions down{.rounding = Rounding::rtz, .overflow = Overflow::saturate};
    const CastOptions up{.rounding = exact.negative ? Rounding::rdn : Rounding::rup, .overflow = Overflow::saturate};
    const Value low = decode(to, encode(to, exact, down).code), high = decode(to, encode(to, exact, up).code);
    if (low.is_finite() && high.is_finite() && high.magnitude > exact.magnitude &&
        exact.magnitude - low.magnitude == high.magnitude - exact.magnitude)
      tags.push_back("tie");
    else tags.push_back("inexact");
  }
  return tags;
}

}  // namespace mxref::vectors
