#include "ref/cast.hpp"

namespace mxref {

CastResult cast(const Format& from, const Format& to, std::uint64_t code, const CastOptions& options, Model model) {
  return encode(to, decode(from, code, {options.subnormal_inputs_as_zero}), options, model);
}

}  // namespace mxref
