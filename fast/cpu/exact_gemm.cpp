#include "fast/cpu/exact_gemm.hpp"

#include <algorithm>
#include <bit>
#include <limits>

#include "fast/cpu/wide_sum.hpp"
#include "ref/dot/element_codes.hpp"
#include "ref/decode.hpp"
#include "ref/dyadic.hpp"
#include "ref/encode.hpp"

namespace mxref::fast {

namespace {

constexpr int block_bits = 62;  // a block's |sum| stays below 2^62

}  // namespace

bool ExactGemm::applies(const BlockFormat& a, const BlockFormat& b) {
  for (const BlockFormat* f : {&a, &b})
    if (width(f->element) > 8 || width(f->scale) > 8) return false;
  const Table ta = table_of(a), tb = table_of(b);
  if (!ta.complete || !tb.complete || !ta.scales.complete || !tb.scales.complete) return false;
  std::int64_t la = 0, lb = 0;
  for (int c = 0; c < 256; ++c) {
    la = std::max<std::int64_t>(la, std::abs(static_cast<std::int64_t>(ta.q[c])));
    lb = std::max<std::int64_t>(lb, std::abs(static_cast<std::int64_t>(tb.q[c])));
  }
  // Every block's sum, times the two scales' significands, below 2^62.
  const std::int64_t limit = std::int64_t{1} << block_bits;
  const std::int64_t sa = std::max(1, ta.scales.largest_s), sb = std::max(1, tb.scales.largest_s);
  return la == 0 || lb == 0 || lb <= limit / la / std::max(1, a.block_size) / sa / sb;
}

ExactGemm::Table ExactGemm::table_of(const BlockFormat& f) {
  const ElementCodes& codes = cached_element_codes(f.element);
  Table t;
  t.format = f;
  t.quantum = codes.quantum;
  t.scales = code_table(f.scale);
  for (std::size_t code = 0; code < codes.q.size(); ++code) {
    t.finite[code] = codes.finite[code];
    if (codes.q[code] <= -(std::int64_t{1} << 30) || codes.q[code] >= (std::int64_t{1} << 30)) {
      t.finite[code] = t.complete = false;  // not an integer of 31 bits: leave it to the reference path
      continue;
    }
    t.q[code] = static_cast<std::int32_t>(codes.q[code]);
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
  r.tensor = tensor_code(row.tensor_scale);
  if (!r.tensor.finite) r.general = true;
  for (const DotBlock& block : row.blocks) {
    const FusedCode scale = block.scale > 0xFF ? FusedCode{} : t.scales.codes[block.scale];
    if (!scale.finite) r.general = true;  // E8M0's NaN, UE4M3's
    r.scale.push_back(scale.s);
    r.exponent.push_back(scale.x);
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

std::uint64_t ExactGemm::code(const ExactGemmRow& a, const ExactGemmRow& b, const DotOperand& ra, const DotOperand& rb,
                              std::uint64_t c) const {
  if (a.general || b.general) return reference(ra, rb, c);
  const Value cv = decode(out_, c);
  if (!cv.is_finite()) return reference(ra, rb, c);
  const std::size_t blocks = a.exponent.size(), size = static_cast<std::size_t>(a_.format.block_size);
  const std::int64_t quantum = a_.quantum + b_.quantum;
  WideSum sum;
  for (std::size_t j = 0; j < blocks; ++j) {
    const std::int32_t* qa = a.q.data() + j * size;
    const std::int32_t* qb = b.q.data() + j * size;
    std::int64_t block = 0;
    for (std::size_t i = 0; i < size; ++i) block += static_cast<std::int64_t>(qa[i]) * qb[i];
    sum.add(block * a.scale[j] * b.scale[j], quantum + a.exponent[j] + b.exponent[j]);
  }
  sum.multiply(static_cast<std::int64_t>(a.tensor.s) * b.tensor.s, a.tensor.x + b.tensor.x);
  if (!cv.is_zero()) {  // C as an integer (at most 53 bits for the formats D takes) times a power of two
    const auto c_integer = cv.magnitude.significand().convert_to<std::int64_t>();
    sum.add(cv.negative ? -c_integer : c_integer, cv.magnitude.exponent());
  }
  // A window 128 bits could not hold, or an exact zero (whose sign is IEEE 754's): the reference path.
  if (sum.overflow || sum.value == 0) return reference(ra, rb, c);
  const int128 acc = sum.value;
  const std::int64_t low = sum.low;
  if (fp32_nearest_) return fp32_nearest(acc < 0, magnitude(acc), low);
  const uint128 m = magnitude(acc);
  const BigInt big = (BigInt(static_cast<std::uint64_t>(m >> 64)) << 64) + BigInt(static_cast<std::uint64_t>(m));
  return encode(out_, Value::finite(acc < 0, Dyadic(big, low)), options_).code;
}

}  // namespace mxref::fast
