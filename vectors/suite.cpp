#include "vectors/suite.hpp"

#include <algorithm>
#include <stdexcept>

#include "ref/dot/dot.hpp"
#include "ref/encode.hpp"
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

// The keys each kind of suite takes (vectors/suite.schema.json says the same).
const std::vector<std::string>& keys_of(Suite::Kind kind) {
  static const std::vector<std::string> cast{"name", "kind",    "from",     "classes",  "count", "seed",
                                             "to",   "profile", "rounding", "overflow", "nan"};
  static const std::vector<std::string> block{"name", "kind",   "from",    "classes", "count",
                                              "seed", "format", "profile", "block"};
  static const std::vector<std::string> dot{"name",   "kind",  "classes", "count",    "seed",     "format", "format_b",
                                            "blocks", "model", "out",     "rounding", "overflow", "c"};
  switch (kind) {
    case Suite::Kind::cast: return cast;
    case Suite::Kind::block: return block;
    case Suite::Kind::dot: return dot;
  }
  return cast;
}

// Levenshtein distance: how a misspelt key finds the one meant.
std::size_t distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// A key the suite's kind does not take is an error naming it and the nearest key it does take: a
// misspelt option must not fall back silently to its default.
void reject_unknown_keys(const nlohmann::json& j, Suite::Kind kind, const std::string& what) {
  const std::vector<std::string>& known = keys_of(kind);
  for (const auto& item : j.items()) {
    if (std::find(known.begin(), known.end(), item.key()) != known.end()) continue;
    const auto nearest = std::min_element(known.begin(), known.end(), [&](const std::string& x, const std::string& y) {
      return distance(item.key(), x) < distance(item.key(), y);
    });
    reject(what, "unknown key \"" + item.key() + "\" (did you mean \"" + *nearest + "\"?)");
  }
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

const std::vector<std::string>& dot_classes() {
  static const std::vector<std::string> names{"random",     "cancel",   "near-cancel", "scale-range",
                                              "nan-scale",  "specials", "subnormal",   "alignment",
                                              "c-dominant", "ties",     "model-split"};
  return names;
}

namespace {

int blocks_of(const nlohmann::json& j, const std::string& what) {
  if (!j.contains("blocks")) return 1;
  if (!j["blocks"].is_number_unsigned() || j["blocks"].get<std::uint64_t>() < 1 ||
      j["blocks"].get<std::uint64_t>() > 4096)
    reject(what, "\"blocks\" must be 1 to 4096");
  return j["blocks"].get<int>();
}

// "kind": "dot": format (A), format_b (B; A's by default), blocks, model, out, rounding, overflow, c.
// NVFP4's tensor scales are 1 in a suite.
void parse_dot(const nlohmann::json& j, const std::string& what, Suite& s) {
  s.kind = Suite::Kind::dot;
  s.dot.a = parse_block_format(text(j, "format", what));
  s.dot.b = j.contains("format_b") ? parse_block_format(text(j, "format_b", what)) : s.dot.a;
  if (s.dot.a.block_size != s.dot.b.block_size) reject(what, "\"format\" and \"format_b\" differ in block size");
  s.dot.blocks = blocks_of(j, what);
  s.dot.out = parse_format(text(j, "out", what, "f32"));
  s.block = s.dot.a;
  s.to = s.dot.out;
  s.model = &find_accumulation_model(text(j, "model", what, "exact"));
  const auto rounding = parse_rounding(text(j, "rounding", what, "rne"));
  const auto overflow = parse_overflow(text(j, "overflow", what, "natural"));
  if (!rounding || !overflow || *rounding == Rounding::stochastic) reject(what, "bad rounding or overflow");
  s.options = CastOptions{.rounding = *rounding, .overflow = *overflow};
  const std::string c = text(j, "c", what, "any");
  if (c != "any" && c != "zero") reject(what, "\"c\" must be \"any\" or \"zero\"");
  s.c_zero = c == "zero";
  validate(s.dot, *s.model);
  validate(s.dot.out, s.options);
}

}  // namespace

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
      if (j.contains("block")) {  // the block size, as quantize --block
        if (!j["block"].is_number_unsigned() || j["block"].get<std::uint64_t>() < 1 ||
            j["block"].get<std::uint64_t>() > 1048576)
          reject(what, "\"block\" must be 1 to 1048576");
        s.block.block_size = j["block"].get<int>();
      }
      s.profile = &find_profile(text(j, "profile", what, std::string(default_profile_name)));
    } else if (kind == "dot") {
      parse_dot(j, what, s);
    } else {
      reject(what, "\"kind\" must be \"cast\", \"block\" or \"dot\"");
    }
  } catch (const std::invalid_argument& e) {
    if (std::string(e.what()).starts_with(what)) throw;
    reject(what, e.what());
  }
  reject_unknown_keys(j, s.kind, what);
  if (!j.contains("classes") || !j["classes"].is_array() || j["classes"].empty())
    reject(what, "\"classes\" must be a non-empty list");
  const auto& known = s.kind == Suite::Kind::cast    ? cast_classes()
                      : s.kind == Suite::Kind::block ? block_classes()
                                                     : dot_classes();
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
