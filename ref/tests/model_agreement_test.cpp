// The integer model and the MPFR model derive the rounding grid independently; here they must agree,
// code for code and flag for flag, over exhaustive and systematically chosen inputs.
#include <gtest/gtest.h>
#include <mpfr.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "ref/cast.hpp"
#include "ref/decode.hpp"
#include "ref/encode.hpp"
#include "ref/format.hpp"
#include "ref/format_name.hpp"
#include "ref/rounding_model.hpp"
#include "ref/splitmix64.hpp"
#include "sanitizer_scale.hpp"

namespace mxref {
namespace {

// ---- deterministic pseudo-random numbers ---------------------------------------------------------

constexpr std::uint64_t mix(std::uint64_t x) { return splitmix64(x); }

struct Rng {
  std::uint64_t state;
  std::uint64_t next() { return mix(state++); }
};

// ---- what to compare -----------------------------------------------------------------------------

std::string hex(std::uint64_t v) {
  std::ostringstream out;
  out << "0x" << std::hex << v;
  return out.str();
}

std::string describe(const CastOptions& o) {
  std::string s = std::string(to_string(o.rounding));
  if (o.rounding == Rounding::stochastic)
    s += "(count=" + std::to_string(o.random.count) + ",value=" + hex(o.random.value) + ")";
  s += " overflow=" + std::string(to_string(o.overflow));
  if (o.flush_subnormal_results) s += " ftz";
  return s;
}

std::string describe(const CastResult& r) { return "{code=" + hex(r.code) + " flags=" + std::to_string(r.flags) + "}"; }

// Mismatches found by any thread: counted, and the first few kept for the report.
class Mismatches {
 public:
  static constexpr int kept = 8;
  void add(const std::string& what) {
    const int n = count_.fetch_add(1);
    if (n < kept) {
      const std::lock_guard lock(mutex_);
      messages_.push_back(what);
    }
  }
  bool enough() const { return count_.load(std::memory_order_relaxed) >= kept; }
  void check() const {
    for (const std::string& m : messages_) ADD_FAILURE() << m;
    EXPECT_EQ(count_.load(), 0) << "model mismatches (first " << kept << " reported above)";
  }

 private:
  std::atomic<int> count_{0};
  std::mutex mutex_;
  std::vector<std::string> messages_;
};

// Options with a policy the target cannot honour are skipped, as the CLI would refuse them.
bool valid_for(const Format& to, const CastOptions& o) {
  try {
    validate(to, o);
    return true;
  } catch (const std::invalid_argument&) {
    return false;
  }
}

// One outcome of a cast: a result, or the message of the exception it threw.
struct Outcome {
  CastResult result;
  std::string error;
  bool operator==(const Outcome&) const = default;
  std::string text() const { return error.empty() ? describe(result) : "threw: " + error; }
};

template <typename F>
Outcome outcome_of(F&& f) {
  try {
    return {f(), {}};
  } catch (const std::exception& e) {
    return {{}, e.what()};
  }
}

void compare_cast(Mismatches& m, const Format& from, const Format& to, std::uint64_t code, const CastOptions& o) {
  const Outcome a = outcome_of([&] { return cast(from, to, code, o, Model::integer); });
  const Outcome b = outcome_of([&] { return cast(from, to, code, o, Model::mpfr); });
  if (a == b) return;
  m.add(format_name(from) + " " + hex(code) + " -> " + format_name(to) + " " + describe(o) + ": integer " + a.text() +
        ", mpfr " + b.text());
}

// Stochastic random bits for one input: `how_many` consecutive counts from a list (where the list starts
// depends on the code, so that a sweep sees every count), with values derived from the code.
std::vector<StochasticBits> stochastic_variants(std::uint64_t code, int how_many) {
  static constexpr int counts[] = {1, 3, 8, 16, 64, 2, 5, 32};
  std::vector<StochasticBits> out;
  for (int i = 0; i < how_many; ++i) {
    const int count = counts[(code + static_cast<std::uint64_t>(i)) % std::size(counts)];
    const std::uint64_t r = mix(code * 0x100 + static_cast<std::uint64_t>(i));
    out.push_back({count >= 64 ? r : r & ((std::uint64_t{1} << count) - 1), count});
  }
  return out;
}

// Every option set of a sweep for one target: each of `modes` × every overflow policy the target
// honours (stochastic: under `stochastic` variants of its random bits, which depend on the input), and,
// with `ftz_too`, FTZ under one policy. The policies are checked once per target and mode, not per
// input: valid_for throws for the ones refused, and those throws took most of a sweep's time.
class OptionSets {
 public:
  OptionSets(const Format& to, int stochastic, std::span<const Rounding> modes = all_roundings, bool ftz_too = true)
      : to_(to), stochastic_(stochastic) {
    for (const Rounding mode : modes) {
      std::vector<CastOptions> sets;
      for (const Overflow policy : all_overflows) {
        CastOptions o;
        o.rounding = mode;
        o.overflow = policy;
        o.nan_to_finite = NanToFinite::max;
        if (mode == Rounding::stochastic) o.random = {0, 1};  // in range; each input's own bits replace them
        if (valid_for(to, o)) sets.push_back(o);
      }
      if (ftz_too) {
        CastOptions ftz;
        ftz.rounding = mode;
        ftz.nan_to_finite = NanToFinite::max;
        ftz.flush_subnormal_results = true;
        sets.push_back(ftz);
      }
      by_mode_.push_back({mode, std::move(sets)});
    }
  }

  std::vector<CastOptions> of(std::uint64_t code) const {
    std::vector<CastOptions> out;
    for (const auto& [mode, sets] : by_mode_) {
      if (mode != Rounding::stochastic) {
        out.insert(out.end(), sets.begin(), sets.end());
        continue;
      }
      for (const StochasticBits& random : stochastic_variants(code, stochastic_))
        for (CastOptions o : sets) {
          o.random = random;
          if (valid_for(to_, o)) out.push_back(o);
        }
    }
    return out;
  }

 private:
  Format to_;
  int stochastic_;
  std::vector<std::pair<Rounding, std::vector<CastOptions>>> by_mode_;
};

// Whether the i-th input of a sweep meets the j-th of its n option sets: always, or under a sanitizer
// (sanitizer_scale.hpp) every 11th set, starting at a different one for each input. Every input still
// goes through both models for every target, and every option set meets an evenly spread share of
// the inputs (an eleventh; 1/n where there are n < 11 sets).
bool meets(std::size_t i, std::size_t j, std::size_t n) {
  const std::size_t k = std::min<std::size_t>(testing::sanitized ? 11 : 1, n);
  return i % k == j % k;
}

void compare_options(Mismatches& m, const Format& from, const Format& to, std::size_t i, std::uint64_t code,
                     const std::vector<CastOptions>& options) {
  for (std::size_t j = 0; j < options.size(); ++j)
    if (meets(i, j, options.size())) compare_cast(m, from, to, code, options[j]);
}

// Runs body(i) for i in [0, n) on every core; stops early once enough mismatches are in.
void parallel_for(std::size_t n, const Mismatches& m, const std::function<void(std::size_t)>& body) {
  const unsigned workers = std::max(1u, std::thread::hardware_concurrency());
  std::atomic<std::size_t> next{0};
  std::vector<std::thread> threads;
  for (unsigned w = 0; w < workers; ++w)
    threads.emplace_back([&] {
      for (std::size_t i; (i = next.fetch_add(64)) < n && !m.enough();)
        for (std::size_t j = i; j < std::min(n, i + 64); ++j) body(j);
    });
  for (std::thread& t : threads) t.join();
}

void sweep(const Format& from, const std::vector<std::uint64_t>& codes, std::span<const Format> targets,
           int stochastic) {
  Mismatches m;
  for (const Format& to : targets) {
    const OptionSets options(to, stochastic);
    parallel_for(codes.size(), m,
                 [&](std::size_t i) { compare_options(m, from, to, i, codes[i], options.of(codes[i])); });
  }
  m.check();
}

std::vector<Format> builtin_targets() {
  std::vector<Format> out;
  for (const NamedFormat& n : builtin_formats()) out.push_back(n.format);
  return out;
}

std::vector<std::uint64_t> all_codes(const Format& f) {
  std::vector<std::uint64_t> out(std::size_t{1} << width(f));
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = i;
  return out;
}

// ---- exhaustive 16-bit inputs --------------------------------------------------------------------

TEST(ModelAgreement, EveryBf16IntoEveryBuiltin) { sweep(bf16, all_codes(bf16), builtin_targets(), 4); }

TEST(ModelAgreement, EveryFp16IntoEveryBuiltin) { sweep(fp16, all_codes(fp16), builtin_targets(), 4); }

// ---- fp32 inputs at every rounding decision ------------------------------------------------------

// For every biased exponent and sign, mantissas that put each kind of rounding decision at every cut
// position c (the last kept bit of a target is mantissa bit c; c = 23 keeps only the implicit bit):
// kept part even/odd, round bit 0/1, sticky none / lowest bit / all ones, under all-zero and all-one
// upper bits.
std::vector<std::uint64_t> fp32_decision_codes() {
  std::set<std::uint32_t> mantissas{0, 0x7FFFFF};
  for (int c = 0; c <= 23; ++c) {
    for (const std::uint32_t upper : {0u, 0x7FFFFFu}) {  // no carry / a carry into the exponent
      const std::uint32_t above = c >= 22 ? 0 : upper & (0x7FFFFFu << (c + 1)) & 0x7FFFFFu;
      for (const std::uint32_t last : {0u, 1u}) {
        if (c == 23 && last == 1) continue;  // the implicit bit is not a mantissa bit
        const std::uint32_t kept = above | (c < 23 ? last << c : 0);
        if (c == 0) {
          mantissas.insert(kept);
          continue;
        }
        for (const std::uint32_t round : {0u, 1u}) {
          const std::uint32_t with_round = kept | round << (c - 1);
          mantissas.insert(with_round);
          if (c >= 2) {
            mantissas.insert(with_round | 1u);                     // sticky: lowest bit only
            mantissas.insert(with_round | ((1u << (c - 1)) - 1));  // sticky: all ones
          }
        }
      }
    }
  }
  std::vector<std::uint64_t> codes;
  for (std::uint32_t sign = 0; sign < 2; ++sign)
    for (std::uint32_t e = 0; e < 256; ++e)
      for (const std::uint32_t mant : mantissas) codes.push_back(sign << 31 | e << 23 | mant);
  return codes;
}

TEST(ModelAgreement, Fp32RoundingDecisionsIntoEveryBuiltin) {
  const std::vector<std::uint64_t> codes = fp32_decision_codes();
  sweep(fp32, codes, builtin_targets(), 1);
}

// Random fp64 inputs: raw bit patterns (every exponent, huge and tiny), and patterns whose exponent
// lands near the narrow formats' ranges.
TEST(ModelAgreement, RandomFp64IntoEveryBuiltin) {
  Rng rng{20240601};
  const std::size_t count = testing::sample_size(100000, 10);
  std::vector<std::uint64_t> codes;
  for (std::size_t i = 0; i < count; ++i) codes.push_back(rng.next());
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint64_t r = rng.next();
    const std::uint64_t exponent = 1023 - 160 + (rng.next() % 320);
    codes.push_back((r & 0x800FFFFFFFFFFFFFull) | exponent << 52);
  }
  // One option set per (input, target): the mode, the policy and the random bits follow the input.
  Mismatches m;
  for (const Format& to : builtin_targets()) {
    parallel_for(codes.size(), m, [&](std::size_t i) {
      const std::uint64_t h = mix(codes[i]);
      CastOptions o;
      o.rounding = all_roundings[h % std::size(all_roundings)];
      o.overflow = all_overflows[(h >> 8) % std::size(all_overflows)];
      o.nan_to_finite = NanToFinite::max;
      o.flush_subnormal_results = ((h >> 16) & 7) == 0;
      o.random.count = 1 + static_cast<int>((h >> 20) % 64);
      o.random.value = mix(h) & (o.random.count >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << o.random.count) - 1);
      if (!valid_for(to, o)) o.overflow = Overflow::natural;
      compare_cast(m, fp64, to, codes[i], o);
      // Every deterministic mode too, under the natural policy.
      for (const Rounding mode : all_roundings) {
        if (mode == Rounding::stochastic || mode == o.rounding) continue;
        CastOptions d;
        d.rounding = mode;
        d.nan_to_finite = NanToFinite::max;
        compare_cast(m, fp64, to, codes[i], d);
      }
    });
  }
  m.check();
}

// ---- custom formats ------------------------------------------------------------------------------

TEST(ModelAgreement, EveryBf16IntoCustomFormats) {
  std::vector<Format> targets;
  for (const char* name :
       {"e6m0",     "e10m0",    "e2m0",      "e8m1",    "ue4m3", "e5m3fn",     "ue5m3",  "e4m4fnuz", "e3m3fnuz",
        "e6m9ieee", "e2m1ieee", "e8m23ieee", "e1m0fin", "e1m1",  "e2m0fin",    "e1m6fn", "int2",     "int4",
        "int16",    "int32",    "sm4",       "sm8",     "sm17",  "e11m52ieee", "e15m20"})
    targets.push_back(parse_format(name));
  const std::vector<std::uint64_t> codes = all_codes(bf16);
  Mismatches m;
  for (const Format& to : targets) {
    static constexpr std::array modes{Rounding::rne, Rounding::rtz, Rounding::rup, Rounding::stochastic};
    const OptionSets options(to, 3, modes, false);
    parallel_for(codes.size(), m,
                 [&](std::size_t i) { compare_options(m, bf16, to, i, codes[i], options.of(codes[i])); });
  }
  m.check();
}

// Zero-mantissa formats settle ties by the even exponent field, which the MPFR model decides apart from
// MPFR_RNDN (docs/spec-notes/zero-mantissa-ties.md): every bf16 and fp16 input, every mode and policy.
TEST(ModelAgreement, Every16BitInputIntoZeroMantissaFormats) {
  std::vector<Format> targets;
  for (const char* name : {"e6m0", "e10m0", "e2m0", "e4m0fin"}) targets.push_back(parse_format(name));
  sweep(bf16, all_codes(bf16), targets, 2);
  sweep(fp16, all_codes(fp16), targets, 2);
}

// ---- significands wider than 128 bits ------------------------------------------------------------

// Sums and products of powers of two and odd chunks: significands of 100..400 bits, compared at the
// grid level (multiple, quantum exponent, inexact) and through encode.
TEST(ModelAgreement, WideSignificands) {
  std::vector<Format> formats = builtin_targets();
  for (const char* name : {"e6m0", "e10m0", "e8m1", "e5m3fn", "e4m4fnuz", "e6m9ieee", "int4", "int32", "e15m40ieee"})
    formats.push_back(parse_format(name));
  Rng rng{77};
  std::vector<Dyadic> values;
  for (std::size_t i = 0; i < testing::sample_size(3000, 5); ++i) {
    const int terms = 2 + static_cast<int>(rng.next() % 5);
    const std::int64_t top = static_cast<std::int64_t>(rng.next() % 400) - 200;
    Dyadic d = Dyadic::power_of_two(top);
    for (int t = 0; t < terms; ++t) {
      const std::int64_t below = 1 + static_cast<std::int64_t>(rng.next() % 400);
      d = d + Dyadic(BigInt(rng.next() | 1), top - below - 64);
    }
    // Rounding-boundary shapes: an exact half step below the top, and a sticky bit far below it.
    if (i % 5 == 0) d = d + Dyadic::power_of_two(top - 1 - static_cast<std::int64_t>(rng.next() % 60));
    if (i % 7 == 0) d = Dyadic::power_of_two(top) + Dyadic::power_of_two(top - 300);
    if (i % 11 == 0) d = Dyadic::power_of_two(top) - Dyadic::power_of_two(top - 250);  // all ones
    values.push_back(d);
  }
  std::size_t wide = 0;
  for (const Dyadic& d : values) wide += msb(d.significand()) >= 128 ? 1 : 0;
  EXPECT_GT(wide, values.size() / 2);

  Mismatches m;
  parallel_for(values.size(), m, [&](std::size_t i) {
    const Dyadic& d = values[i];
    for (const Format& f : formats)
      for (const Rounding mode : all_roundings)
        for (const bool negative : {false, true}) {
          RoundingRequest r{mode, negative, {}};
          if (mode == Rounding::stochastic) r.random = stochastic_variants(i, 5)[(i + f.bias) % 5];
          const GridPoint a = round_to_grid_integer(f, d, r);
          const GridPoint b = round_to_grid_mpfr(f, d, r);
          if (a.multiple != b.multiple || a.quantum_exponent != b.quantum_exponent || a.inexact != b.inexact)
            m.add("grid " + format_name(f) + " " + to_hexfloat(d) + " " + std::string(to_string(mode)) +
                  (negative ? " negative" : "") + ": integer " + a.multiple.str() + "*2^" +
                  std::to_string(a.quantum_exponent) + (a.inexact ? " inexact" : "") + ", mpfr " + b.multiple.str() +
                  "*2^" + std::to_string(b.quantum_exponent) + (b.inexact ? " inexact" : ""));
          for (const Overflow policy : all_overflows) {
            CastOptions o;
            o.rounding = mode;
            o.overflow = policy;
            o.nan_to_finite = NanToFinite::max;
            o.random = r.random;
            if (!valid_for(f, o)) continue;
            const Value v = Value::finite(negative, d);
            const Outcome x = outcome_of([&] { return encode(f, v, o, Model::integer); });
            const Outcome y = outcome_of([&] { return encode(f, v, o, Model::mpfr); });
            if (!(x == y))
              m.add("encode " + format_name(f) + " " + (negative ? "-" : "") + to_hexfloat(d) + " " + describe(o) +
                    ": integer " + x.text() + ", mpfr " + y.text());
          }
        }
  });
  m.check();
}

// The MPFR model leaves the caller's MPFR exponent range as it found it, and rejects a zero magnitude.
TEST(ModelAgreement, MpfrModelIsSelfContained) {
  const mpfr_exp_t emin = mpfr_get_emin(), emax = mpfr_get_emax();
  const Dyadic x(BigInt(3), -140);
  const GridPoint g = round_to_grid_mpfr(e4m3, x, {Rounding::rne, false, {}});
  const GridPoint h = round_to_grid_integer(e4m3, x, {Rounding::rne, false, {}});
  EXPECT_EQ(g.multiple, h.multiple);
  EXPECT_EQ(g.quantum_exponent, h.quantum_exponent);
  EXPECT_EQ(g.inexact, h.inexact);
  EXPECT_THROW(round_to_grid_mpfr(e4m3, Dyadic(), {}), std::invalid_argument);
  round_to_grid_mpfr(int8, x, {Rounding::rna, true, {}});
  round_to_grid_mpfr(e8m0, x, {Rounding::stochastic, false, {5, 3}});
  EXPECT_EQ(mpfr_get_emin(), emin);
  EXPECT_EQ(mpfr_get_emax(), emax);
}

}  // namespace
}  // namespace mxref
