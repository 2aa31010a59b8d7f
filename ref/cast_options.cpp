#include "ref/cast_options.hpp"

#include <array>
#include <utility>

namespace mxref {

namespace {

template <typename E, std::size_t N>
std::string_view name_of(E value, const std::array<std::pair<E, std::string_view>, N>& names) {
  for (const auto& [e, name] : names)
    if (e == value) return name;
  return "?";
}

template <typename E, std::size_t N>
std::optional<E> value_of(std::string_view text, const std::array<std::pair<E, std::string_view>, N>& names) {
  for (const auto& [e, name] : names)
    if (name == text) return e;
  return std::nullopt;
}

constexpr std::array<std::pair<Rounding, std::string_view>, 7> rounding_names{{
    {Rounding::rne, "rne"},
    {Rounding::rna, "rna"},
    {Rounding::rtz, "rtz"},
    {Rounding::rup, "rup"},
    {Rounding::rdn, "rdn"},
    {Rounding::rto, "rto"},
    {Rounding::stochastic, "stochastic"},
}};
constexpr std::array<std::pair<Overflow, std::string_view>, 4> overflow_names{{
    {Overflow::natural, "natural"},
    {Overflow::saturate, "saturate"},
    {Overflow::inf, "inf"},
    {Overflow::nan, "nan"},
}};
constexpr std::array<std::pair<NanToFinite, std::string_view>, 3> nan_names{{
    {NanToFinite::error, "error"},
    {NanToFinite::zero, "zero"},
    {NanToFinite::max, "max"},
}};

}  // namespace

std::string_view to_string(Rounding r) { return name_of(r, rounding_names); }
std::string_view to_string(Overflow o) { return name_of(o, overflow_names); }
std::string_view to_string(NanToFinite n) { return name_of(n, nan_names); }
std::optional<Rounding> parse_rounding(std::string_view t) { return value_of(t, rounding_names); }
std::optional<Overflow> parse_overflow(std::string_view t) { return value_of(t, overflow_names); }
std::optional<NanToFinite> parse_nan_to_finite(std::string_view t) { return value_of(t, nan_names); }

}  // namespace mxref
