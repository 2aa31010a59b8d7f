#include "fast/cpu/exact_gemm.hpp"

#include <algorithm>
#include <bit>
#include <limits>

#include "ref/decode.hpp"
#include "ref/dyadic.hpp"
#include "ref/encode.hpp"

namespace mxref::fast {

namespace {

constexpr int block_bits = 62;  // a block's |sum| stays below 2^62

// GCC's and clang's 128-bit integers (__extension__: -Wpedantic knows they are not ISO C++).
__extension__ typedef __int128 int128;
__extension__ typedef unsigned __int128 uint128;

// |x| < 2^127 as unsigned.
uint128 magnitude(int128 x) { return x < 0 ? -static_cast<uint128>(x) : x; }

int bit_length(uint128 x) {
  const auto high = static_cast<std::uint64_t>(x >> 64);
  return high ? 128 - std::countl_zero(high) : 64 - std::countl_zero(static_cast<std::uint64_t>(x));
}

// sign x m x 2^e (m > 0) to FP32 under round to nearest even, subnormals kept, overflow to Inf.
std::uint32_t fp32_nearest(bool negative, uint128 m, std::int64_t e) {
  const std::uint32_t sign = negative ? 0x80000000u : 0;
  const std::int64_t top = e + bit_length(m) - 1;  // the binade of the value
  if (top > 127) return sign | 0x7F800000u;
  // The least kept bit: 2^(top - 23), not below 2^-149.
  const std::int64_t low = std::max<std::int64_t>(top - 23, -149);
  const std::int64_t shift = low - e;  // bits of m below the kept ones
  uint128 kept;
  if (shift <= 0) {
    kept = m << -shift;  // exact: fewer than 24 bits
  } else if (shift > 127) {
    kept = 0;  // far below half of 2^-149 (m < 2^127 < 2^(shift - 1))
  } else {
    kept = m >> shift;
    const uint128 rest = m - (kept << shift), half = static_cast<uint128>(1) << (shift - 1);
    if (rest > half || (rest == half && (kept & 1))) ++kept;
  }
  std::int64_t exponent = low;
  if (kept == (static_cast<uint128>(1) << 24)) {  // rounded up into the next binade
    kept >>= 1;
    ++exponent;
  }
  if (kept < (1u << 23)) return sign | static_cast<std::uint32_t>(kept);  // subnormal (2^23 is the least normal)
  const std::int64_t biased = exponent + 23 + 127;
  if (biased >= 255) return sign | 0x7F800000u;
  return sign | static_cast<std::uint32_t>(biased) << 23 | (static_cast<std::uint32_t>(kept) & 0x7FFFFFu);
}

}  // namespace

bool ExactGemm::applies(const BlockFormat& a, const BlockFormat& b) {
  for (const BlockFormat* f : {&a, &b})
    if (f->scale != e8m0 || width(f->element) > 8 || f->tensor_scale) return false;
  const Table ta = table_of(a), tb = table_of(b);
  if (!ta.complete || !tb.complete) return false;
  std::int64_t la = 0, lb = 0;
  for (int c = 0; c < 256; ++c) {
    la = std::max<std::int64_t>(la, std::abs(static_cast<std::int64_t>(ta.q[c])));
    lb = std::max<std::int64_t>(lb, std::abs(static_cast<std::int64_t>(tb.q[c])));
  }
  // Every block's sum below 2^62.
  const std::int64_t limit = std::int64_t{1} << block_bits;
  return la == 0 || lb == 0 || lb <= limit / la / std::max(1, a.block_size);
}

ExactGemm::Table ExactGemm::table_of(const BlockFormat& f) {
  Table t;
  t.format = f;
  const std::uint64_t codes = std::uint64_t{1} << width(f.element);
  bool any = false;
  for (std::uint64_t code = 0; code < codes; ++code) {
    const Value v = decode(f.element, code);
    if (v.is_finite() && !v.is_zero()) {
      t.quantum = any ? std::min(t.quantum, v.magnitude.exponent()) : v.magnitude.exponent();
      any = true;
    }
  }
  for (std::uint64_t code = 0; code < codes; ++code) {
    const Value v = decode(f.element, code);
    t.finite[code] = v.is_finite();
    if (!v.is_finite() || v.is_zero()) continue;
    const std::int64_t shift = v.magnitude.exponent() - t.quantum;
    const Dyadic q = v.magnitude.scaled(-t.quantum);  // an integer
    if (shift > 40 || q.exponent() < 0) {
      t.finite[code] = t.complete = false;  // not an integer of 31 bits: leave it to the reference path
      continue;
    }
    const auto integer = q.significand().convert_to<std::int64_t>() << q.exponent();
    if (integer >= (std::int64_t{1} << 30)) {
      t.finite[code] = t.complete = false;
      continue;
    }
    t.q[code] = static_cast<std::int32_t>(v.negative ? -integer : integer);
  }
  return t;
}

ExactGemm::ExactGemm(const BlockFormat& a, const BlockFormat& b, const Format& out, const CastOptions& options)
    : a_(table_of(a)), b_(table_of(b)), out_(out), options_(options) {
  fp32_nearest_ = out == fp32 && options.rounding == Rounding::rne && options.overflow == Overflow::natural &&
                  !options.flush_subnormal_results;
}

ExactGemmRow ExactGemm::prepare(const DotOperand& row, const Table& t) const {
  ExactGemmRow r;
  r.q.reserve(row.blocks.size() * static_cast<std::size_t>(t.format.block_size));
  for (const DotBlock& block : row.blocks) {
    if (block.scale == 0xFF) r.general = true;  // E8M0's NaN
    r.exponent.push_back(static_cast<std::int32_t>(block.scale) - 127);
    for (const std::uint64_t e : block.elements) {
      if (e > 0xFF || !t.finite[e]) r.general = true;
      r.q.push_back(e > 0xFF ? 0 : t.q[e]);
    }
  }
  return r;
}

std::uint64_t ExactGemm::reference(const DotOperand& ra, const DotOperand& rb, std::uint64_t c) const {
  return dot(DotProblem{ra, rb, c}, out_, options_).code;
}

std::uint64_t ExactGemm::code(const ExactGemmRow& a, const ExactGemmRow& b, const DotOperand& ra,
                              const DotOperand& rb, std::uint64_t c) const {
  if (a.general || b.general) return reference(ra, rb, c);
  const Value cv = decode(out_, c);
  if (!cv.is_finite()) return reference(ra, rb, c);
  const std::size_t blocks = a.exponent.size(), size = static_cast<std::size_t>(a_.format.block_size);
  const std::int64_t quantum = a_.quantum + b_.quantum;
  // Block sums and their exponents; the window they span.
  std::int64_t low = std::numeric_limits<std::int64_t>::max(), high = std::numeric_limits<std::int64_t>::min();
  thread_local std::vector<std::int64_t> sums, exponents;
  sums.assign(blocks, 0);
  exponents.assign(blocks, 0);
  for (std::size_t j = 0; j < blocks; ++j) {
    const std::int32_t* qa = a.q.data() + j * size;
    const std::int32_t* qb = b.q.data() + j * size;
    std::int64_t sum = 0;
    for (std::size_t i = 0; i < size; ++i) sum += static_cast<std::int64_t>(qa[i]) * qb[i];
    sums[j] = sum;
    exponents[j] = quantum + a.exponent[j] + b.exponent[j];
    if (sum != 0) {
      low = std::min(low, exponents[j]);
      high = std::max(high, exponents[j] + 64 - std::countl_zero(static_cast<std::uint64_t>(sum < 0 ? -sum : sum)));
    }
  }
  // C as an integer times a power of two.
  std::int64_t c_integer = 0, c_exponent = 0;
  if (!cv.is_zero()) {
    const Dyadic& m = cv.magnitude;
    c_integer = m.significand().convert_to<std::int64_t>();  // at most 53 bits for the formats D takes
    c_exponent = m.exponent();
    if (cv.negative) c_integer = -c_integer;
    low = std::min(low, c_exponent);
    high = std::max(high, c_exponent + 64 - std::countl_zero(static_cast<std::uint64_t>(std::abs(c_integer))));
  }
  // Nothing nonzero (the sign of zero is IEEE 754's), or a window 128 bits cannot hold with the carries of
  // the block count: the reference path.
  if (low > high || high - low + std::bit_width(blocks + 1) > 125) return reference(ra, rb, c);
  int128 acc = 0;
  if (c_integer != 0) acc = static_cast<int128>(c_integer) << (c_exponent - low);
  for (std::size_t j = 0; j < blocks; ++j)
    if (sums[j] != 0) acc += static_cast<int128>(sums[j]) << (exponents[j] - low);
  if (acc == 0) return reference(ra, rb, c);
  if (fp32_nearest_) return fp32_nearest(acc < 0, magnitude(acc), low);
  const uint128 m = magnitude(acc);
  const BigInt big = (BigInt(static_cast<std::uint64_t>(m >> 64)) << 64) + BigInt(static_cast<std::uint64_t>(m));
  return encode(out_, Value::finite(acc < 0, Dyadic(big, low)), options_).code;
}

}  // namespace mxref::fast
