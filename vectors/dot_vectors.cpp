#include "vectors/dot_vectors.hpp"

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "ref/decode.hpp"
#include "ref/dot/dot.hpp"
#include "ref/dot/dot_codes.hpp"
#include "ref/encode.hpp"
#include "ref/properties.hpp"
#include "vectors/outcome_tags.hpp"
#include "vectors/random.hpp"

namespace mxref::vectors {

namespace {

constexpr CastOptions nearest_saturating{.overflow = Overflow::saturate};

Value power_of_two(bool negative, std::int64_t k) { return Value::finite(negative, Dyadic::power_of_two(k)); }

// A format's codes by what they are (positive and negative), for drawing inputs.
struct Codes {
  std::vector<std::uint64_t> finite, subnormal, powers_of_two;  // powers_of_two: positive only
  std::optional<std::uint64_t> nan, infinity;                   // positive where the format has them
  std::int64_t lowest = 0, highest = 0;                         // exponents of the least and greatest powers of two
};

Codes codes_of(const Format& f) {
  if (width(f) > 16) throw std::invalid_argument("dot suites take element and scale formats of at most 16 bits");
  Codes c;
  c.lowest = INT64_MAX;
  c.highest = INT64_MIN;
  for (std::uint64_t code = 0; code <= code_mask(f); ++code) {
    const CodeClass k = classify(f, code);
    const Value v = decode(f, code);
    if (k == CodeClass::nan) {
      if (!v.negative && !c.nan) c.nan = code;
      continue;
    }
    if (k == CodeClass::infinity) {
      if (!v.negative) c.infinity = code;
      continue;
    }
    c.finite.push_back(code);
    if (k == CodeClass::subnormal) c.subnormal.push_back(code);
    if (!v.negative && !v.is_zero() && v.magnitude == Dyadic::power_of_two(v.magnitude.floor_log2())) {
      c.powers_of_two.push_back(code);
      c.lowest = std::min(c.lowest, v.magnitude.floor_log2());
      c.highest = std::max(c.highest, v.magnitude.floor_log2());
    }
  }
  return c;
}

class DotDraws {
 public:
  DotDraws(const Suite& s, Random& r)
      : s_(s),
        r_(r),
        n_(static_cast<std::size_t>(s.dot.a.block_size)),
        a_(codes_of(s.dot.a.element)),
        b_(codes_of(s.dot.b.element)),
        xa_(codes_of(s.dot.a.scale)),
        xb_(codes_of(s.dot.b.scale)),
        out_(properties(s.dot.out)) {}

  std::vector<DotProblem> of_class(const std::string& cls) {
    std::vector<DotProblem> out;
    const auto repeat = [&](int times, auto make) {
      for (int k = 0; k < times; ++k)
        if (auto p = make(k)) out.push_back(std::move(*p));
    };
    const int count = s_.count, few = std::max(1, s_.count / 4);
    if (cls == "random") repeat(count, [&](int) { return std::optional(random_problem(4)); });
    else if (cls == "cancel") repeat(count, [&](int) { return std::optional(cancelling(false)); });
    else if (cls == "near-cancel") repeat(count, [&](int) { return std::optional(cancelling(true)); });
    else if (cls == "scale-range") repeat(count, [&](int k) { return std::optional(scale_range(k)); });
    else if (cls == "nan-scale") repeat(count, [&](int) { return nan_scale(); });
    else if (cls == "specials") {
      for (int which = 0; which < special_kinds; ++which) repeat(few, [&](int) { return special(which); });
    } else if (cls == "subnormal") repeat(count, [&](int) { return subnormal(); });
    else if (cls == "alignment") repeat(count, [&](int) { return std::optional(alignment()); });
    else if (cls == "c-dominant") repeat(s_.c_zero ? 0 : count, [&](int) { return std::optional(c_dominant()); });
    else if (cls == "ties") repeat(count, [&](int k) { return tie(k); });
    else if (cls == "model-split") out = model_split();
    if (out.empty())
      throw std::invalid_argument("class \"" + cls + "\" has no vectors for " + block_format_name(s_.dot.a) +
                                  (s_.c_zero ? " with \"c\": \"zero\"" : "") + " and " + std::to_string(s_.dot.blocks) +
                                  " block(s): leave it out");
    return out;
  }

 private:
  static constexpr int special_kinds = 6;

  std::uint64_t pick(const std::vector<std::uint64_t>& codes) { return codes[r_.next() % codes.size()]; }
  std::uint64_t pick_nonzero(const Codes& c, const Format& f) {
    for (;;)
      if (const std::uint64_t code = pick(c.finite); !decode(f, code).is_zero()) return code;
  }
  // The scale code of 2^k, k clamped to the powers of two the scale format holds.
  static std::uint64_t scale_code(const Format& f, const Codes& c, std::int64_t k) {
    return encode(f, power_of_two(false, std::clamp(k, c.lowest, c.highest)), nearest_saturating).code;
  }
  // The element code of ±2^k, where the format holds it.
  static std::optional<std::uint64_t> element_code(const Format& f, bool negative, std::int64_t k) {
    const Value v = power_of_two(negative, k);
    const std::uint64_t code = encode(f, v, nearest_saturating).code;
    const Value back = decode(f, code);
    if (!back.is_finite() || back.negative != negative || back.magnitude != v.magnitude) return std::nullopt;
    return code;
  }
  std::uint64_t zero_c(bool negative) const {
    return encode(s_.dot.out, Value::finite(negative, Dyadic()), nearest_saturating).code;
  }
  // ±1.m x 2^k in the output format (rounded to it).
  std::uint64_t c_near(std::int64_t k) {
    // One draw a statement: the order of a call's arguments is the compiler's, and the vectors must not be.
    const bool negative = r_.next() & 1;
    const std::uint64_t mantissa = (r_.next() & 0xFFFFFF) | 0x1000000;
    const Value v = Value::finite(negative, Dyadic(BigInt(mantissa), k - 24));
    return encode(s_.dot.out, v, nearest_saturating).code;
  }

  // Every element +0, every scale 1, C = +0.
  DotProblem blank() const {
    DotProblem p;
    const auto operand = [&](const BlockFormat& f, const Codes& x) {
      DotOperand o{f, {}, Dyadic(1, 0)};
      for (int j = 0; j < s_.dot.blocks; ++j)
        o.blocks.push_back({scale_code(f.scale, x, 0), std::vector<std::uint64_t>(n_, 0)});
      return o;
    };
    p.a = operand(s_.dot.a, xa_);
    p.b = operand(s_.dot.b, xb_);
    p.c = zero_c(false);
    return p;
  }

  // Random finite elements, scales 2^-spread … 2^spread, C random (a quarter of them +0) unless C is 0.
  DotProblem random_problem(std::int64_t spread) {
    DotProblem p = blank();
    for (auto [o, e, x] : {std::tuple{&p.a, &a_, &xa_}, std::tuple{&p.b, &b_, &xb_}})
      for (DotBlock& block : o->blocks) {
        block.scale = scale_code(o->format.scale, *x, r_.in(-spread, spread));
        for (std::uint64_t& code : block.elements) code = pick(e->finite);
      }
    if (!s_.c_zero && r_.next() % 4 != 0) p.c = c_near(r_.in(-10, 10));
    return p;
  }

  // Products cancelling in pairs (A's second element the negation of its first, B's the same twice): an
  // exact zero, C ±0. `near`: one element then moves to its neighbouring code, leaving a small residue.
  DotProblem cancelling(bool near) {
    DotProblem p = random_problem(4);
    const Format& fa = s_.dot.a.element;
    for (std::size_t j = 0; j < p.a.blocks.size(); ++j) {
      auto& ea = p.a.blocks[j].elements;
      auto& eb = p.b.blocks[j].elements;
      p.b.blocks[j].scale = p.b.blocks[0].scale;
      for (std::size_t i = 0; i + 1 < n_; i += 2) {
        const Value v = decode(fa, ea[i]);
        std::uint64_t negated = encode(fa, Value::finite(!v.negative, v.magnitude), nearest_saturating).code;
        if (decode(fa, negated).magnitude != v.magnitude) ea[i] = negated = 0;  // INT8's -128 has no negation
        ea[i + 1] = negated;
        eb[i + 1] = eb[i];
      }
      if (n_ % 2 == 1) ea[n_ - 1] = 0;
    }
    p.c = s_.c_zero ? zero_c(false) : zero_c(r_.next() & 1);
    if (!near && r_.next() % 4 == 0 && has_negative_zero(s_.dot.a.element)) {
      // Every product -0 (A's elements -0): with C = -0 too, IEEE 754 keeps the sign.
      for (DotBlock& block : p.a.blocks) std::fill(block.elements.begin(), block.elements.end(), sign_bit(fa));
      if (!s_.c_zero) p.c = zero_c(true);
    }
    if (near) {
      auto& ea = p.a.blocks[r_.next() % p.a.blocks.size()].elements;
      const std::size_t i = r_.next() % n_;
      const std::uint64_t neighbour = ea[i] ^ 1;
      if (classify(fa, neighbour) != CodeClass::nan && classify(fa, neighbour) != CodeClass::infinity)
        ea[i] = neighbour;
    }
    return p;
  }

  // Scale products at the ends of the scale formats' ranges: both greatest, both least, one of each, and
  // the greatest with one a little below.
  DotProblem scale_range(int k) {
    DotProblem p = random_problem(0);
    for (std::size_t j = 0; j < p.a.blocks.size(); ++j) {
      std::int64_t ka = xa_.highest, kb = xb_.highest;
      if (k % 4 == 1) ka = xa_.lowest, kb = xb_.lowest;
      if (k % 4 == 2) kb = xb_.lowest;
      if (k % 4 == 3) kb = xb_.highest - r_.in(0, 20);
      p.a.blocks[j].scale = scale_code(s_.dot.a.scale, xa_, ka);
      p.b.blocks[j].scale = scale_code(s_.dot.b.scale, xb_, kb);
    }
    return p;
  }

  std::optional<DotProblem> nan_scale() {
    if (!xa_.nan && !xb_.nan) return std::nullopt;
    DotProblem p = random_problem(4);
    const bool on_a = xa_.nan && (!xb_.nan || (r_.next() & 1));
    DotOperand& o = on_a ? p.a : p.b;
    o.blocks[r_.next() % o.blocks.size()].scale = on_a ? *xa_.nan : *xb_.nan;
    return p;
  }

  // IEEE 754's special cases: an Inf product, Inf x 0, Inf - Inf, a NaN element, C = ±Inf, C = NaN.
  std::optional<DotProblem> special(int which) {
    DotProblem p = random_problem(2);
    auto& ea = p.a.blocks[0].elements;
    auto& eb = p.b.blocks[0].elements;
    const std::size_t i = r_.next() % n_, j = (i + 1) % n_;
    const Format& fa = s_.dot.a.element;
    switch (which) {
      case 0:  // ±Inf x nonzero
        if (!a_.infinity) return std::nullopt;
        ea[i] = *a_.infinity | ((r_.next() & 1) ? sign_bit(fa) : 0);
        eb[i] = pick_nonzero(b_, s_.dot.b.element);
        return p;
      case 1:  // Inf x 0
        if (!a_.infinity) return std::nullopt;
        ea[i] = *a_.infinity;
        eb[i] = 0;
        return p;
      case 2:  // +Inf and -Inf products
        if (!a_.infinity || n_ < 2) return std::nullopt;
        ea[i] = *a_.infinity;
        ea[j] = *a_.infinity | sign_bit(fa);
        eb[i] = eb[j] = *element_code(s_.dot.b.element, false, 0);
        return p;
      case 3:  // a NaN element
        if (!a_.nan) return std::nullopt;
        ea[i] = *a_.nan;
        return p;
      case 4:  // C = ±Inf, or NaN
        if (s_.c_zero || !has_inf(s_.dot.out)) return std::nullopt;
        p.c = encode(s_.dot.out, Value::infinity(r_.next() & 1), {}).code;
        if (r_.next() % 3 == 0 && has_nan(s_.dot.out)) p.c = encode(s_.dot.out, Value::nan(false), {}).code;
        return p;
      case 5:  // C = +Inf against a -Inf product
        if (s_.c_zero || !has_inf(s_.dot.out) || !a_.infinity) return std::nullopt;
        p.c = encode(s_.dot.out, Value::infinity(false), {}).code;
        ea[i] = *a_.infinity | sign_bit(fa);
        eb[i] = *element_code(s_.dot.b.element, false, 0);
        return p;
    }
    return std::nullopt;
  }

  // Subnormal elements under small scales: products at and below the output's subnormal range.
  std::optional<DotProblem> subnormal() {
    if (a_.subnormal.empty() || b_.subnormal.empty()) return std::nullopt;
    DotProblem p = blank();
    const std::int64_t target = out_.min_exponent - r_.in(-8, static_cast<std::int64_t>(s_.dot.out.mantissa_bits) + 4);
    for (std::size_t j = 0; j < p.a.blocks.size(); ++j) {
      const std::int64_t ka = std::clamp(target / 2, xa_.lowest, xa_.highest);
      p.a.blocks[j].scale = scale_code(s_.dot.a.scale, xa_, ka);
      p.b.blocks[j].scale = scale_code(s_.dot.b.scale, xb_, target - ka);
      for (std::size_t i = 0; i < n_; ++i) {
        p.a.blocks[j].elements[i] = pick(a_.subnormal);
        p.b.blocks[j].elements[i] = r_.next() & 1 ? pick(b_.subnormal) : pick(b_.finite);
      }
    }
    if (!s_.c_zero && (r_.next() & 1)) p.c = c_near(out_.min_exponent - r_.in(1, 20));
    return p;
  }

  // One large product and many small ones, in one block and across blocks whose scales differ by 10 to 60
  // binades: alignment shifts beyond any model's fraction bits.
  DotProblem alignment() {
    DotProblem p = random_problem(0);
    auto& ea = p.a.blocks[0].elements;
    auto& eb = p.b.blocks[0].elements;
    const std::size_t big = r_.next() % n_;
    for (std::size_t i = 0; i < n_; ++i) {
      if (i == big) continue;
      if (!a_.subnormal.empty()) ea[i] = pick(a_.subnormal);
      else if (auto least = element_code(s_.dot.a.element, r_.next() & 1, a_.lowest)) ea[i] = *least;
    }
    ea[big] = *element_code(s_.dot.a.element, r_.next() & 1, a_.highest);
    eb[big] = *element_code(s_.dot.b.element, false, b_.highest);
    for (std::size_t j = 1; j < p.a.blocks.size(); ++j)
      p.a.blocks[j].scale = scale_code(s_.dot.a.scale, xa_, -r_.in(10, 60));
    if (!s_.c_zero && (r_.next() & 1)) p.c = c_near(a_.highest + b_.highest + (r_.next() & 1 ? 30 : -40));
    return p;
  }

  // |C| 2^20 to 2^40 above a typical product.
  DotProblem c_dominant() {
    DotProblem p = random_problem(2);
    p.c = c_near(r_.in(20, 40));
    return p;
  }

  // Exact results halfway between two neighbours of the output format: C plus a product of half its ulp,
  // or (C = 0) a large product plus one of half its ulp; k % 3 adds a product below the half ulp, of the
  // same sign (just above the tie) or the other (just below).
  std::optional<DotProblem> tie(int k) {
    DotProblem p = blank();
    const std::int64_t m = static_cast<std::int64_t>(s_.dot.out.mantissa_bits);
    const bool negative = r_.next() & 1;
    // ±2^e as the product of element (i) of block j, through the block's scales.
    const auto place = [&](std::size_t j, std::size_t i, std::int64_t e, bool sign) {
      const auto one_a = element_code(s_.dot.a.element, sign, 0), one_b = element_code(s_.dot.b.element, false, 0);
      if (!one_a || !one_b) return false;
      const std::int64_t ka = e / 2, kb = e - ka;
      if (ka < xa_.lowest || ka > xa_.highest || kb < xb_.lowest || kb > xb_.highest) return false;
      p.a.blocks[j].scale = scale_code(s_.dot.a.scale, xa_, ka);
      p.b.blocks[j].scale = scale_code(s_.dot.b.scale, xb_, kb);
      p.a.blocks[j].elements[i] = *one_a;
      p.b.blocks[j].elements[i] = *one_b;
      return true;
    };
    std::int64_t top = 0;  // the binade of the value being rounded
    std::size_t half_block = 0, half_index = 0;
    if (!s_.c_zero) {
      // The half ulp's exponent within what two scales reach (preferring moderate values), C's binade above it.
      const std::int64_t lo = std::max(xa_.lowest + xb_.lowest, out_.min_exponent - m),
                         hi = std::min(xa_.highest + xb_.highest, out_.max_exponent - m - 2);
      if (lo > hi) return std::nullopt;
      const std::int64_t half = std::max<std::int64_t>(lo, -40) <= std::min<std::int64_t>(hi, 0)
                                    ? r_.in(std::max<std::int64_t>(lo, -40), std::min<std::int64_t>(hi, 0))
                                    : r_.in(lo, hi);
      p.c = c_near(half + m + 1);
      const Value c = decode(s_.dot.out, p.c);
      if (!c.is_finite() || c.is_zero()) return std::nullopt;
      top = c.magnitude.floor_log2();
      if (!place(0, 0, top - m - 1, c.negative)) return std::nullopt;
    } else if (s_.dot.blocks >= 2) {
      top = r_.in(-10, 10);
      if (!place(0, 0, top, negative) || !place(1, 0, top - m - 1, negative)) return std::nullopt;
      half_block = 1;
    } else {
      // One block: the largest product and one 2^-(m+1) of it, where the elements reach that far.
      const std::int64_t high = a_.highest + b_.highest, low = high - m - 1;
      const std::int64_t ea = std::max(a_.lowest, low - b_.highest), eb = low - ea;
      if (eb < b_.lowest || eb > b_.highest) return std::nullopt;
      p.a.blocks[0].elements[0] = *element_code(s_.dot.a.element, negative, a_.highest);
      p.b.blocks[0].elements[0] = *element_code(s_.dot.b.element, false, b_.highest);
      p.a.blocks[0].elements[1] = *element_code(s_.dot.a.element, negative, ea);
      p.b.blocks[0].elements[1] = *element_code(s_.dot.b.element, false, eb);
      p.a.blocks[0].scale = scale_code(s_.dot.a.scale, xa_, -high / 2);
      p.b.blocks[0].scale = scale_code(s_.dot.b.scale, xb_, -high + high / 2);
      half_block = 0;
      half_index = 1;
    }
    if (k % 3 != 0 && n_ > half_index + 1) {
      // A product well below the half ulp: the smallest positive element of A times B's element 1.
      const DotBlock& hb = p.a.blocks[half_block];
      const bool sign = (decode(s_.dot.a.element, hb.elements[half_index]).negative) != (k % 3 == 2);
      const std::uint64_t least = pick_least(a_, s_.dot.a.element, sign);
      p.a.blocks[half_block].elements[half_index + 1] = least;
      p.b.blocks[half_block].elements[half_index + 1] = *element_code(s_.dot.b.element, false, 0);
    }
    return p;
  }

  static std::uint64_t pick_least(const Codes& c, const Format& f, bool negative) {
    const std::uint64_t code =
        c.subnormal.empty() ? encode(f, power_of_two(false, c.lowest), nearest_saturating).code
                            : encode(f, Value::finite(false, properties(f).min_positive), nearest_saturating).code;
    return negative ? code | sign_bit(f) : code;
  }

  // Problems on which the models that accept this suite's formats do not all agree.
  std::vector<DotProblem> model_split() {
    std::vector<const AccumulationModel*> models;
    for (const AccumulationModel& m : accumulation_models()) {
      try {
        validate(s_.dot, m);
        models.push_back(&m);
      } catch (const std::invalid_argument&) {
      }
    }
    std::vector<DotProblem> out;
    if (models.size() < 2) return out;
    for (int attempt = 0; attempt < 50 * s_.count && static_cast<int>(out.size()) < s_.count; ++attempt) {
      DotProblem p = attempt % 3 == 0 ? random_problem(20) : attempt % 3 == 1 ? alignment() : cancelling(true);
      if (!s_.c_zero && attempt % 2 == 1) p.c = c_near(r_.in(-4, 24));
      const std::uint64_t first = dot(p, s_.dot.out, s_.options, *models[0]).code;
      if (std::any_of(models.begin() + 1, models.end(),
                      [&](const AccumulationModel* m) { return dot(p, s_.dot.out, s_.options, *m).code != first; }))
        out.push_back(std::move(p));
    }
    return out;
  }

  const Suite& s_;
  Random& r_;
  const std::size_t n_;
  const Codes a_, b_, xa_, xb_;
  const FormatProperties out_;
};

}  // namespace

std::vector<Vector> dot_vectors(const Suite& s) {
  std::vector<Vector> out;
  Random random{s.seed};
  DotDraws draws(s, random);
  const bool exact_model = s.model == &exact_accumulation();
  for (const std::string& cls : s.classes)
    for (const DotProblem& p : draws.of_class(cls)) {
      Vector v;
      v.inputs = dot_codes_of(p);
      const CastResult r = dot(p, s.dot.out, s.options, *s.model);
      v.expected = {r.code};
      const Value exact = exact_dot(p, s.dot.out, s.options.rounding);
      const CodeClass result = classify(s.dot.out, r.code);
      std::vector<std::string> nan_tags;
      if (result == CodeClass::nan) nan_tags.push_back("nan-out");
      if (result == CodeClass::infinity && !(r.flags & Flag::overflow)) nan_tags.push_back("inf-out");
      if (result == CodeClass::zero)
        nan_tags.push_back(decode(s.dot.out, r.code).negative ? "negative-zero-out" : "zero-out");
      v.tags = {cls};
      for (std::string& t : outcome_tags(s.dot.out, exact, r, nan_tags)) v.tags.push_back(std::move(t));
      if (!exact_model && dot(p, s.dot.out, s.options).code != r.code) v.tags.push_back("not-exact");
      out.push_back(std::move(v));
    }
  return out;
}

}  // namespace mxref::vectors
