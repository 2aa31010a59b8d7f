#include "ref/dot/element_codes.hpp"

#include <algorithm>
#include <deque>
#include <stdexcept>
#include <vector>

#include "ref/decode.hpp"

namespace mxref {

ElementCodes element_codes(const Format& f) {
  if (width(f) > 8) throw std::invalid_argument("element_codes: a format of more than 8 bits");
  ElementCodes t;
  t.format = f;
  std::vector<Value> values;
  const std::uint64_t codes = std::uint64_t{1} << width(f);
  bool any = false;
  for (std::uint64_t code = 0; code < codes; ++code) {
    values.push_back(decode(f, code));
    const Value& v = values.back();
    if (v.is_finite() && !v.is_zero()) {
      t.quantum = any ? std::min(t.quantum, v.magnitude.exponent()) : v.magnitude.exponent();
      any = true;
    }
  }
  for (std::uint64_t code = 0; code < codes; ++code) {
    const Value& v = values[code];
    t.finite[code] = v.is_finite();
    t.negative[code] = v.negative;
    if (v.is_finite() && !v.is_zero()) {
      // At most 8 bits of code: the value spans well under 62 bits of the quantum.
      const auto q = v.magnitude.significand().convert_to<std::int64_t>() << (v.magnitude.exponent() - t.quantum);
      t.q[code] = v.negative ? -q : q;
      t.largest = std::max(t.largest, q);
    }
  }
  return t;
}

const ElementCodes& cached_element_codes(const Format& f) {
  thread_local std::deque<ElementCodes> tables;  // a new table leaves references to the others valid
  for (const ElementCodes& t : tables)
    if (t.format == f) return t;
  tables.push_back(element_codes(f));
  return tables.back();
}

}  // namespace mxref
