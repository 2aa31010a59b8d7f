// The element formats fast/ runs (CPU and CUDA), and the one table that ties each to its ref/ Format.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>

#include "ref/format.hpp"

namespace mxref::fast {

enum class Element : std::uint8_t { e4m3, e5m2, e3m2, e2m3, e2m1, int8 };

inline constexpr std::array<std::pair<Element, Format>, 6> element_formats{{
    {Element::e4m3, e4m3},
    {Element::e5m2, e5m2},
    {Element::e3m2, e3m2},
    {Element::e2m3, e2m3},
    {Element::e2m1, e2m1},
    {Element::int8, int8},
}};

// One row per element, in the enum's order (format_of indexes by it).
static_assert(element_formats.size() == static_cast<std::size_t>(Element::int8) + 1);
static_assert([] {
  for (std::size_t i = 0; i < element_formats.size(); ++i)
    if (static_cast<std::size_t>(element_formats[i].first) != i) return false;
  return true;
}());

constexpr const Format& format_of(Element element) { return element_formats[static_cast<std::size_t>(element)].second; }

// The element whose format is `format`; nothing for a format fast/ does not run.
constexpr std::optional<Element> element_of(const Format& format) {
  for (const auto& [element, f] : element_formats)
    if (f == format) return element;
  return std::nullopt;
}

}  // namespace mxref::fast
