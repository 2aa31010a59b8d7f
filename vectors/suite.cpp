#include "vectors/suite.hpp"

#include <algorithm>
#include <stdexcept>

#include "ref/format_name.hpp"

namespace mxref::vectors {

namespace {

[[noreturn]] void reject(const std::string& what, const std::string& why) {
  throw std::invalid_argument(what + ": " + why);
}

std::string text(const nlohmann::json& j, const char* key, const std::string& what, const std::string& fallback = "") {
  if (!j.contains(key)) {
    if (fallback.empty()) reject(what, std::string("missing \"") + key + "\"");
    return fallback;
  }
  if (!j[key].is_string()) reject(what, std::string("\"") + key + "\" must be a string");
  return j[key].get<std::string>();
}

}  // namespace

const std::vector<std::string>& cast_classes() {
  static const std::vector<std::string> names{"exhaustive", "rounding-decisions", "boundaries", "specials", "random"};
  return names;
}

const std::vector<std::string>& block_classes() {
  static const std::vector<std::string> names{"random-wide",   "outlier",     "zero",      "nan-inf", "amax-pow2",
                                              "amax-elem-max", "scale-clamp", "subnormal", "ties",    "ragged"};
  return names;
}

Suite parse_suite(const nlohmann::json& j, const std::string& what) {
  if (!j.is_object()) reject(what, "a suite is a JSON object");
  Suite s;
  s.definition = j;
  s.name = text(j, "name", what);
  const std::string kind = text(j, "kind", what);
  try {
    s.from = parse_format(text(j, "from", what, "f32"));
    if (kind == "cast") {
      s.kind = Suite::Kind::cast;
      s.to = parse_format(text(j, "to", what));
      const auto profile = parse_cast_profile(text(j, "profile", what, "spec"));
      if (!profile) reject(what, "unknown cast profile");
      s.cast_profile = *profile;
      const auto rounding = parse_rounding(text(j, "rounding", what, "rne"));
      const auto overflow = parse_overflow(text(j, "overflow", what, "saturate"));
      const auto nan = parse_nan_to_finite(text(j, "nan", what, "zero"));
      if (!rounding || !overflow || !nan || *rounding == Rounding::stochastic)
        reject(what, "bad rounding, overflow or nan (stochastic rounding has no golden vectors yet)");
      s.options.rounding = *rounding;
      s.options.overflow = *overflow;
      s.options.nan_to_finite = *nan;
    } else if (kind == "block") {
      s.kind = Suite::Kind::block;
      s.block = parse_block_format(text(j, "format", what));
      s.profile = &find_profile(text(j, "profile", what, std::string(default_profile_name)));
    } else {
      reject(what, "\"kind\" must be \"cast\" or \"block\"");
    }
  } catch (const std::invalid_argument& e) {
    if (std::string(e.what()).starts_with(what)) throw;
    reject(what, e.what());
  }
  if (!j.contains("classes") || !j["classes"].is_array() || j["classes"].empty())
    reject(what, "\"classes\" must be a non-empty list");
  const auto& known = s.kind == Suite::Kind::cast ? cast_classes() : block_classes();
  for (const auto& c : j["classes"]) {
    if (!c.is_string() || std::find(known.begin(), known.end(), c.get<std::string>()) == known.end())
      reject(what, "unknown class " + c.dump());
    s.classes.push_back(c.get<std::string>());
  }
  if (j.contains("seed")) {
    if (!j["seed"].is_number_unsigned()) reject(what, "\"seed\" must be a non-negative integer");
    s.seed = j["seed"].get<std::uint64_t>();
  }
  if (j.contains("count")) {
    if (!j["count"].is_number_unsigned() || j["count"].get<std::uint64_t>() < 1 ||
        j["count"].get<std::uint64_t>() > 1000000)
      reject(what, "\"count\" must be 1 to 1000000");
    s.count = j["count"].get<int>();
  }
  return s;
}

}  // namespace mxref::vectors
