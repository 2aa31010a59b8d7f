#include "vectors/generate.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

#include "ref/block/quantize.hpp"
#include "ref/cast_profile.hpp"
#include "ref/decode.hpp"
#include "ref/encode.hpp"
#include "ref/format_name.hpp"
#include "ref/properties.hpp"
#include "ref/splitmix64.hpp"
#include "vectors/dot_vectors.hpp"
#include "vectors/outcome_tags.hpp"
#include "vectors/random.hpp"
#include "vectors/sha256.hpp"

namespace mxref::vectors {

namespace {

// The source code nearest an exact value (ties to even), saturating: how every input is made.
std::uint64_t source_code(const Format& from, const Value& v) {
  return encode(from, v, CastOptions{.overflow = Overflow::saturate, .nan_to_finite = NanToFinite::zero}).code;
}

Value finite(bool negative, const Dyadic& d) { return Value::finite(negative, d); }

// A random value 1.m x 2^e with 24 random mantissa bits.
Value random_value(Random& r, std::int64_t exponent, bool negative) {
  return finite(negative, Dyadic(BigInt((r.next() & 0xFFFFFF) | 0x1000000), exponent - 24));
}

// ---- element casts -----------------------------------------------------------------------------------

CastResult reference_cast(const Suite& s, std::uint64_t code) {
  const Value v = decode(s.from, code);
  if (s.cast_profile != CastProfile::spec) return cast_with_profile(s.cast_profile, s.to, v, s.options.rounding);
  return encode(s.to, v, s.options);
}

// What a cast vector covers, read from the input, the result and the exact value between its neighbours.
std::vector<std::string> cast_tags(const Suite& s, std::uint64_t code, const CastResult& r) {
  std::vector<std::string> tags;
  const CodeClass in = classify(s.from, code);
  const Value v = decode(s.from, code);
  if (in == CodeClass::nan) tags.push_back("nan-in");
  if (in == CodeClass::infinity) tags.push_back("inf-in");
  if (in == CodeClass::zero) tags.push_back(v.negative ? "negative-zero-in" : "zero-in");
  if (in == CodeClass::subnormal) tags.push_back("subnormal-in");
  std::vector<std::string> nan_tags;
  const CodeClass out = classify(s.to, r.code);
  if (out == CodeClass::nan && in != CodeClass::nan) nan_tags.push_back("nan-out");
  if (in == CodeClass::nan && out != CodeClass::nan) nan_tags.push_back("nan-to-finite");
  for (std::string& t : outcome_tags(s.to, v, r, nan_tags)) tags.push_back(std::move(t));
  return tags;
}

// fp32-style sources: for every exponent field and sign, mantissas that put each rounding decision at the
// target's last kept bit: exact, tie, one source ulp either side of the tie, sticky bit only.
std::vector<std::uint64_t> rounding_decisions(const Suite& s) {
  std::vector<std::uint64_t> codes;
  const int ms = s.from.mantissa_bits, mt = is_float_like(s.to) ? s.to.mantissa_bits : s.to.mantissa_bits;
  const int cut = ms - mt;
  if (cut < 2 || !is_float_like(s.from)) return codes;
  const std::uint64_t half = std::uint64_t{1} << (cut - 1);
  for (std::uint64_t sign = 0; sign < 2; ++sign)
    for (std::uint64_t field = 0; field < max_exponent_field(s.from); ++field)
      for (const std::uint64_t kept : {std::uint64_t{0}, std::uint64_t{1} << cut})
        for (const std::uint64_t below : {std::uint64_t{0}, half, half + 1, half - 1, std::uint64_t{1}}) {
          const std::uint64_t mantissa = (kept | below) & ((std::uint64_t{1} << ms) - 1);
          codes.push_back((sign ? sign_bit(s.from) : 0) | field << ms | mantissa);
        }
  return codes;
}

// The target's boundaries as source codes: each boundary value rounded down and up into the source,
// and the source neighbours of those, both signs.
std::vector<std::uint64_t> boundaries(const Suite& s) {
  const FormatProperties p = properties(s.to);
  std::vector<Dyadic> points{p.max_normal, p.min_normal, p.min_positive, p.min_positive.scaled(-1), Dyadic()};
  // The overflow threshold: halfway between max normal and the next step beyond it.
  const Dyadic step = Dyadic::power_of_two(p.max_normal.floor_log2() - (is_float_like(s.to) ? s.to.mantissa_bits : 0));
  points.push_back(p.max_normal + step.scaled(-1));
  std::set<std::uint64_t> codes;
  for (const Dyadic& d : points)
    for (const bool negative : {false, true})
      for (const Rounding r : {Rounding::rtz, Rounding::rup, Rounding::rdn}) {
        const CastOptions toward{.rounding = r, .overflow = Overflow::saturate};
        const std::uint64_t c = encode(s.from, finite(negative, d), toward).code;
        for (const std::int64_t delta : {-1, 0, 1}) {
          const std::int64_t n = static_cast<std::int64_t>(c) + delta;
          if (n >= 0 && static_cast<std::uint64_t>(n) <= code_mask(s.from)) codes.insert(static_cast<std::uint64_t>(n));
        }
      }
  return {codes.begin(), codes.end()};
}

std::vector<std::uint64_t> specials(const Suite& s) {
  std::vector<std::uint64_t> codes;
  for (std::uint64_t code = 0; code <= std::min<std::uint64_t>(code_mask(s.from), 0xFFFF); ++code) {
    const CodeClass c = classify(s.from, code);
    if (c == CodeClass::infinity) codes.push_back(code);
  }
  if (has_nan(s.from)) {
    for (const bool negative : {false, true}) {
      codes.push_back(nan_code(s.from, negative));
      if (s.from.encoding == Encoding::ieee) {
        const std::uint64_t top =
            max_exponent_field(s.from) << s.from.mantissa_bits | (negative ? sign_bit(s.from) : 0);
        codes.push_back(top | 1);                                                 // signalling, payload 1
        codes.push_back(top | ((std::uint64_t{1} << s.from.mantissa_bits) - 1));  // every payload bit
      }
    }
  }
  if (s.from.encoding == Encoding::ieee)  // ±Inf of wide formats, which the scan above does not reach
    for (const bool negative : {false, true})
      codes.push_back(max_exponent_field(s.from) << s.from.mantissa_bits | (negative ? sign_bit(s.from) : 0));
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  return codes;
}

std::vector<Vector> cast_vectors(const Suite& s) {
  std::vector<Vector> out;
  Random random{s.seed};
  for (const std::string& cls : s.classes) {
    std::vector<std::uint64_t> codes;
    if (cls == "exhaustive") {
      if (width(s.from) > 16) throw std::invalid_argument("class exhaustive needs a source of at most 16 bits");
      for (std::uint64_t c = 0; c <= code_mask(s.from); ++c) codes.push_back(c);
    } else if (cls == "rounding-decisions") {
      codes = rounding_decisions(s);
    } else if (cls == "boundaries") {
      codes = boundaries(s);
    } else if (cls == "specials") {
      codes = specials(s);
    } else {
      for (int i = 0; i < s.count; ++i) codes.push_back(random.next() & code_mask(s.from));
    }
    for (const std::uint64_t code : codes) {
      const CastResult r = reference_cast(s, code);
      Vector v{0, {code}, 0, {r.code}, {cls}};
      for (std::string& t : cast_tags(s, code, r)) v.tags.push_back(std::move(t));
      out.push_back(std::move(v));
    }
  }
  return out;
}

// ---- blocks -------------------------------------------------------------------------------------------

// The exact input blocks of a class, drawn from `r`.
//
// No two draws from `r` share an expression: function arguments are evaluated in an unspecified order
// (GCC's builds go right to left, Clang's left to right), and a suite must come out the same from
// either. The draws are ordered as GCC made the checked-in sets (vectors/golden).
class BlockDraws {
 public:
  BlockDraws(const Suite& s, Random& r)
      : s_(s),
        r_(r),
        n_(s.block.block_size),
        src_(properties(s.from)),
        el_(properties(s.block.element)),
        top_(src_.max_normal.floor_log2()),
        bottom_(src_.min_normal.floor_log2()) {}

  std::vector<std::vector<Value>> of_class(const std::string& cls) {
    if (cls == "random-wide" || cls == "ragged") return random_wide(cls == "ragged");
    if (cls == "outlier") return outliers();
    if (cls == "zero") return zeros();
    if (cls == "nan-inf") return nan_inf();
    if (cls == "amax-pow2" || cls == "amax-elem-max") return amax_anchored(cls == "amax-pow2");
    if (cls == "scale-clamp") return scale_clamp();
    if (cls == "subnormal") return subnormals();
    if (cls == "ties") return ties();
    return {};
  }

 private:
  // `size` random values, each within `spread` binades below `centre`, inside the source's normal range.
  std::vector<Value> random_block(std::int64_t centre, int spread, int size) {
    std::vector<Value> b;
    for (int i = 0; i < size; ++i) {
      const bool negative = r_.next() & 1;
      b.push_back(random_value(r_, std::clamp<std::int64_t>(centre - r_.in(0, spread), bottom_, top_ - 1), negative));
    }
    return b;
  }

  std::size_t random_position() { return static_cast<std::size_t>(r_.in(0, n_ - 1)); }

  std::vector<std::vector<Value>> random_wide(bool ragged) {
    std::vector<std::vector<Value>> blocks;
    for (int k = 0; k < s_.count; ++k) {
      const int size = ragged ? static_cast<int>(r_.in(1, std::max(1, n_ - 1))) : n_;
      blocks.push_back(random_block(r_.in(bottom_ + 20, top_ - 1), 40, size));
    }
    return blocks;
  }

  std::vector<std::vector<Value>> outliers() {
    std::vector<std::vector<Value>> blocks;
    for (int k = 0; k < s_.count; ++k) {
      const std::int64_t c = r_.in(bottom_ + 20, top_ - 40);
      std::vector<Value> b = random_block(c, 4, n_);
      const bool negative = r_.next() & 1;
      const Value outlier = random_value(r_, c + r_.in(8, 30), negative);
      b[random_position()] = outlier;
      blocks.push_back(b);
    }
    return blocks;
  }

  std::vector<std::vector<Value>> zeros() const {
    std::vector<std::vector<Value>> blocks{std::vector<Value>(static_cast<std::size_t>(n_), finite(false, Dyadic()))};
    std::vector<Value> mixed;
    for (int i = 0; i < n_; ++i) mixed.push_back(finite(i % 2 == 1, Dyadic()));
    blocks.push_back(mixed);
    return blocks;
  }

  std::vector<std::vector<Value>> nan_inf() {
    std::vector<std::vector<Value>> blocks;
    for (const Value& special : {Value::nan(false), Value::infinity(false), Value::infinity(true)}) {
      if (special.is_nan() && !has_nan(s_.from)) continue;
      if (special.is_infinity() && !has_inf(s_.from)) continue;
      std::vector<Value> b = random_block(0, 6, n_);
      b[random_position()] = special;
      blocks.push_back(b);
    }
    return blocks;
  }

  // A block whose amax is one source ulp below, on or above a power of two (amax-pow2) or the element's
  // largest value times a power of two (amax-elem-max).
  std::vector<std::vector<Value>> amax_anchored(bool power_of_two) {
    std::vector<std::vector<Value>> blocks;
    for (int k = 0; k < s_.count; ++k) {
      const std::int64_t e = r_.in(bottom_ + 20, top_ - 2);
      const Dyadic anchor = power_of_two ? Dyadic::power_of_two(e) : el_.max_normal.scaled(e - el_.max_exponent);
      const std::uint64_t at = source_code(s_.from, finite(false, anchor));
      const std::int64_t delta = static_cast<std::int64_t>(k % 3) - 1;  // one ulp below, on, above
      std::vector<Value> b = random_block(e - 2, 6, n_);
      b[random_position()] = decode(s_.from, static_cast<std::uint64_t>(static_cast<std::int64_t>(at) + delta));
      blocks.push_back(b);
    }
    return blocks;
  }

  std::vector<std::vector<Value>> scale_clamp() {
    std::vector<std::vector<Value>> blocks;
    blocks.push_back(random_block(src_.min_positive.floor_log2() + 10, 4, n_));  // below 2^-127 x element range
    blocks.push_back(random_block(top_ - 1, 2, n_));                             // near the source maximum
    return blocks;
  }

  std::vector<std::vector<Value>> subnormals() {
    std::vector<std::vector<Value>> blocks;
    for (int k = 0; k < std::max(1, s_.count / 4); ++k) {
      std::vector<Value> b;
      for (int i = 0; i < n_; ++i) {
        const Dyadic magnitude(BigInt(r_.next() % (1u << 20) + 1), src_.min_positive.exponent());
        b.push_back(finite(r_.next() & 1, magnitude));
      }
      blocks.push_back(b);
    }
    return blocks;
  }

  // amax 2^(emax + x) gives X = 2^x; elements halfway between two element values of a random binade.
  std::vector<std::vector<Value>> ties() {
    const Format& element = s_.block.element;
    const int m = is_float_like(element) ? element.mantissa_bits : element.bias;
    std::vector<std::vector<Value>> blocks;
    for (int k = 0; k < s_.count; ++k) {
      const std::int64_t x = r_.in(-20, 20);
      std::vector<Value> b{finite(false, Dyadic::power_of_two(el_.max_exponent + x))};
      for (int i = 1; i < n_; ++i) {
        const std::int64_t binade =
            is_float_like(element)
                ? r_.in(std::max<std::int64_t>(min_exponent(element), el_.max_exponent - 3), el_.max_exponent - 1)
                : 0;
        const std::int64_t odd = 2 * r_.in(0, (std::int64_t{1} << m) - 1) + 1;
        const Dyadic halfway = Dyadic::power_of_two(binade) + Dyadic(BigInt(odd), binade - m - 1);
        b.push_back(finite(r_.next() & 1, halfway.scaled(x)));
      }
      blocks.push_back(b);
    }
    return blocks;
  }

  const Suite& s_;
  Random& r_;
  const int n_;
  const FormatProperties src_, el_;
  const std::int64_t top_, bottom_;
};

std::vector<std::vector<Value>> block_inputs(const Suite& s, const std::string& cls, Random& r) {
  return BlockDraws(s, r).of_class(cls);
}

std::vector<Vector> block_vectors(const Suite& s) {
  std::vector<Vector> out;
  Random random{s.seed};
  const std::uint64_t lowest = encode(s.block.scale, finite(false, properties(s.block.scale).min_positive)).code;
  const std::uint64_t highest = max_finite_code(s.block.scale);
  for (const std::string& cls : s.classes) {
    for (const std::vector<Value>& exact : block_inputs(s, cls, random)) {
      Vector v;
      std::vector<Value> values;
      for (const Value& x : exact) {
        v.inputs.push_back(source_code(s.from, x));
        values.push_back(decode(s.from, v.inputs.back()));
      }
      BlockFormat f = s.block;
      const QuantizedBlock q = quantize_block(f, *s.profile, values);
      v.scale = q.scale;
      v.expected = q.elements;
      v.tags = {cls};
      const CodeClass scale_class = classify(f.scale, q.scale);
      if (scale_class == CodeClass::nan) v.tags.push_back("nan-block");
      else if (q.scale == lowest) v.tags.push_back("scale-clamp-low");
      else if (q.scale == highest) v.tags.push_back("scale-clamp-high");
      if (q.flags & Flag::overflow) v.tags.push_back("saturate");
      if (q.flags & Flag::underflow) v.tags.push_back("underflow");
      if (std::any_of(q.elements.begin(), q.elements.end(),
                      [&](std::uint64_t c) { return classify(f.element, c) == CodeClass::subnormal; }))
        v.tags.push_back("subnormal-out");
      if (static_cast<int>(values.size()) < f.block_size) v.tags.push_back("ragged");
      out.push_back(std::move(v));
    }
  }
  return out;
}

std::string hex(std::uint64_t code, int bits) {
  static const char* digits = "0123456789abcdef";
  std::string s(static_cast<std::size_t>((bits + 3) / 4), '0');
  for (std::size_t i = s.size(); i-- > 0; code >>= 4) s[i] = digits[code & 15];
  return s;
}

}  // namespace

std::vector<Vector> generate(const Suite& suite) {
  std::vector<Vector> out;
  switch (suite.kind) {
    case Suite::Kind::cast: out = cast_vectors(suite); break;
    case Suite::Kind::block: out = block_vectors(suite); break;
    case Suite::Kind::dot: out = dot_vectors(suite); break;
  }
  for (std::size_t i = 0; i < out.size(); ++i) out[i].id = i;
  return out;
}

std::vector<Vector> shard(std::vector<Vector> vectors, std::size_t index, std::size_t count) {
  if (count == 0 || index >= count) throw std::invalid_argument("--shard i/n needs 0 <= i < n");
  const std::size_t n = vectors.size();
  const auto begin = vectors.begin() + static_cast<std::ptrdiff_t>(n * index / count);
  const auto end = vectors.begin() + static_cast<std::ptrdiff_t>(n * (index + 1) / count);
  return {std::make_move_iterator(begin), std::make_move_iterator(end)};
}

namespace {

void append_le(std::string& out, std::uint64_t code, int bits) {
  for (std::size_t b = 0; b < storage_bytes(bits); ++b) out.push_back(static_cast<char>(code >> (8 * b)));
}

nlohmann::ordered_json resolved_options(const Suite& s) {
  nlohmann::ordered_json o;
  switch (s.kind) {
    case Suite::Kind::cast:
      o["from"] = format_name(s.from);
      o["to"] = format_name(s.to);
      o["profile"] = std::string(to_string(s.cast_profile));
      o["rounding"] = std::string(to_string(s.options.rounding));
      o["overflow"] = std::string(to_string(s.options.overflow));
      o["nan"] = std::string(to_string(s.options.nan_to_finite));
      break;
    case Suite::Kind::block:
      o["from"] = format_name(s.from);
      o["format"] = block_format_name(s.block);
      o["block"] = s.block.block_size;
      o["profile"] = std::string(s.profile->name);
      break;
    case Suite::Kind::dot:
      o["format"] = block_format_name(s.dot.a);
      o["format_b"] = block_format_name(s.dot.b);
      o["blocks"] = s.dot.blocks;
      o["model"] = std::string(s.model->name);
      o["out"] = format_name(s.dot.out);
      o["rounding"] = std::string(to_string(s.options.rounding));
      o["overflow"] = std::string(to_string(s.options.overflow));
      o["c"] = s.c_zero ? "zero" : "any";
      break;
  }
  return o;
}

std::string reference_command(const Suite& s) {
  switch (s.kind) {
    case Suite::Kind::cast:
      return "mxref cast --from " + format_name(s.from) + " --to " + format_name(s.to) + " --profile " +
             std::string(to_string(s.cast_profile)) + " --rounding " + std::string(to_string(s.options.rounding)) +
             " --overflow " + std::string(to_string(s.options.overflow)) + " --nan " +
             std::string(to_string(s.options.nan_to_finite));
    case Suite::Kind::block:
      return "mxref quantize --from " + format_name(s.from) + " --format " + block_format_name(s.block) + " --block " +
             std::to_string(s.block.block_size) + " --profile " + std::string(s.profile->name) + " --ragged";
    case Suite::Kind::dot:
      return "mxref dot --format " + block_format_name(s.dot.a) + " --format-b " + block_format_name(s.dot.b) +
             " --blocks " + std::to_string(s.dot.blocks) + " --model " + std::string(s.model->name) + " --out " +
             format_name(s.dot.out) + " --rounding " + std::string(to_string(s.options.rounding)) + " --overflow " +
             std::string(to_string(s.options.overflow));
  }
  return "";
}

// The contents of every file of a suite, built up one vector at a time.
class SuiteTexts {
 public:
  explicit SuiteTexts(const Suite& s)
      : block_(s.kind == Suite::Kind::block),
        dot_(s.kind == Suite::Kind::dot),
        in_bits_(width(s.from)),
        out_bits_(width(block_ ? s.block.element : s.to)),
        scale_bits_(block_ ? width(s.block.scale) : 0) {
    if (dot_)
      for (const Format& f : dot_code_formats(s.dot)) token_bits_.push_back(width(f));
  }

  void add(const Vector& v) {
    std::vector<std::string> in, out;
    for (std::size_t k = 0; k < v.inputs.size(); ++k) in.push_back(hex(v.inputs[k], input_bits(k)));
    for (const std::uint64_t c : v.expected) out.push_back(hex(c, out_bits_));
    add_json(v, in, out);
    for (std::size_t k = 0; k < in.size(); ++k) {
      stdin_text_ += (k ? " " : "") + in[k];
      // A dot product is one $readmemh word: its codes' digits side by side, the first most significant.
      inputs_ += dot_ ? in[k] : in[k] + "\n";
      append_le(inputs_bin_, v.inputs[k], input_bits(k));
    }
    if (dot_) inputs_ += "\n";
    for (const std::uint64_t c : v.expected) append_le(expected_bin_, c, out_bits_);
    if (block_) append_le(scales_bin_, v.scale, scale_bits_);
    stdin_text_ += "\n";
    if (block_) {
      expected_text_ += hex(v.scale, scale_bits_);
      scales_ += hex(v.scale, scale_bits_) + "\n";
      // An element under an expected NaN scale decodes to NaN whatever its code: a test bench skips it.
      const bool nan_block = std::find(v.tags.begin(), v.tags.end(), "nan-block") != v.tags.end();
      for (std::size_t k = 0; k < v.expected.size(); ++k) care_ += nan_block ? "0\n" : "1\n";
      for (const std::string& o : out) expected_text_ += " " + o;
    } else {
      expected_text_ += out[0];
    }
    expected_text_ += "\n";
    for (const std::string& o : out) expected_ += o + "\n";
    tags_ += std::to_string(v.id) + "\t" + std::to_string(in.size()) + "\t";
    for (std::size_t k = 0; k < v.tags.size(); ++k) tags_ += (k ? "," : "") + v.tags[k];
    tags_ += "\n";
  }

  // The files of the families asked for, by name; the manifest is made from them afterwards.
  std::map<std::string, std::string> files(const Suite& s, const std::string& version, Output output) const {
    std::map<std::string, std::string> files;
    nlohmann::ordered_json doc;
    doc["mxref"] = version;
    doc["suite"] = s.definition;
    // Every option the vectors were made with, defaults included, and the mxref command whose output for
    // stdin.txt is expected.txt: what an implementation must match, with nothing left implicit.
    doc["options"] = resolved_options(s);
    doc["reference_command"] = reference_command(s);
    doc["vectors"] = list_;
    if (wanted(output, Output::json)) files["vectors.json"] = doc.dump(1) + "\n";
    if (wanted(output, Output::text)) {
      files["stdin.txt"] = stdin_text_;
      files["expected.txt"] = expected_text_;
    }
    if (wanted(output, Output::memh)) {
      files["inputs.memh"] = inputs_;
      files["expected.memh"] = expected_;
      if (block_) files["scales.memh"] = scales_;
      if (block_) files["care.memh"] = care_;
      files["tags.tsv"] = tags_;
    }
    if (wanted(output, Output::bin)) {
      // Little-endian codes of 1, 2, 4 or 8 bytes (the manifest's *_bytes), in the order of the .memh files.
      files["inputs.bin"] = inputs_bin_;
      files["expected.bin"] = expected_bin_;
      if (block_) files["scales.bin"] = scales_bin_;
    }
    return files;
  }

  // manifest.json: the suite, its size, the .bin code widths, and the SHA-256 of every other file.
  std::string manifest(const Suite& s, std::size_t vectors, const std::string& version, Output output,
                       const std::map<std::string, std::string>& files) const {
    nlohmann::ordered_json manifest;
    manifest["suite"] = s.name;
    manifest["mxref"] = version;
    manifest["vectors"] = vectors;
    if (wanted(output, Output::bin) && dot_) {
      // Each dot product's codes in order, each in its own format's size.
      manifest["input_bytes"] = {{"scale_a", storage_bytes(width(s.dot.a.scale))},
                                 {"element_a", storage_bytes(width(s.dot.a.element))},
                                 {"scale_b", storage_bytes(width(s.dot.b.scale))},
                                 {"element_b", storage_bytes(width(s.dot.b.element))},
                                 {"c", storage_bytes(width(s.dot.out))}};
      manifest["expected_bytes"] = storage_bytes(out_bits_);
    } else if (wanted(output, Output::bin)) {
      manifest["input_bytes"] = storage_bytes(in_bits_);
      manifest["expected_bytes"] = storage_bytes(out_bits_);
      if (block_) manifest["scale_bytes"] = storage_bytes(scale_bits_);
    }
    for (const auto& [name, content] : files)
      manifest["sha256"][name] = sha256_hex({reinterpret_cast<const std::uint8_t*>(content.data()), content.size()});
    return manifest.dump(1) + "\n";
  }

 private:
  static bool wanted(Output output, Output o) {
    return (static_cast<unsigned>(output) & static_cast<unsigned>(o)) != 0;
  }

  void add_json(const Vector& v, const std::vector<std::string>& in, const std::vector<std::string>& out) {
    nlohmann::ordered_json j;
    j["id"] = v.id;
    j["inputs"] = in;
    if (block_) j["scale"] = hex(v.scale, scale_bits_);
    j["expected"] = out;
    j["tags"] = v.tags;
    list_.push_back(j);
  }

  int input_bits(std::size_t k) const { return dot_ ? token_bits_[k] : in_bits_; }

  const bool block_, dot_;
  const int in_bits_, out_bits_, scale_bits_;
  std::vector<int> token_bits_;  // dot products: each code's width
  nlohmann::ordered_json list_ = nlohmann::ordered_json::array();
  std::string stdin_text_, expected_text_, inputs_, expected_, scales_, care_, tags_, inputs_bin_, expected_bin_,
      scales_bin_;
};

}  // namespace

std::map<std::string, std::string> suite_files(const Suite& s, const std::vector<Vector>& vectors,
                                               const std::string& version, Output output) {
  SuiteTexts texts(s);
  for (const Vector& v : vectors) texts.add(v);
  std::map<std::string, std::string> files = texts.files(s, version, output);
  std::string manifest = texts.manifest(s, vectors.size(), version, output, files);  // of the files before it
  files["manifest.json"] = std::move(manifest);
  return files;
}

}  // namespace mxref::vectors
