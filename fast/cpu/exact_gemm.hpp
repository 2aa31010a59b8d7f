// The exact model's GEMM on machine integers: D[i][j] = Dot(A row i, B row j, C[i][j]) rounded once, for
// block formats whose elements and scales are at most 8 bits (MX with E8M0 scales; NVFP4 with UE4M3 scales and
// a tensor scale). Each element becomes an integer multiple of its format's quantum and each scale ±s x 2^x;
// a block's products sum in int64, times the two scales' significands, and a row pair's block sums in
// __int128 aligned on their scale exponents; the tensor scales multiply the sum, then C joins it. A pair that
// falls outside that (a NaN or an infinite element or scale, a zero result whose sign IEEE 754 decides, block
// exponents too far apart for 128 bits, a C the window does not hold) is answered by ref/'s dot(); so every
// code equals the reference path's (tools/tests/gemm_test.py compares them byte for byte).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "fast/cpu/code_tables.hpp"
#include "ref/block/block_format.hpp"
#include "ref/cast_options.hpp"
#include "ref/dot/dot.hpp"
#include "ref/format.hpp"

namespace mxref::fast {

// One operand row ready for the integer path.
struct ExactGemmRow {
  std::vector<std::int32_t> q;      // element i as q x 2^quantum
  std::vector<std::int32_t> scale;  // block j's scale as scale x 2^exponent
  std::vector<std::int32_t> exponent;
  FusedCode tensor;      // the tensor scale (1 for MX)
  bool general = false;  // a NaN scale or a non-finite element: the reference path answers
};

class ExactGemm {
 public:
  // Whether the integer path takes these formats: elements and scales of at most 8 bits, whose products sum
  // over a block, times the scales' significands, in int64.
  static bool applies(const BlockFormat& a, const BlockFormat& b);

  ExactGemm(const BlockFormat& a, const BlockFormat& b, const Format& out, const CastOptions& options);

  // An element code as the integer path sees it: q x 2^quantum_*, or not finite (left to the reference); a
  // scale code as s x 2^x.
  std::int32_t q_a(std::uint8_t code) const { return a_.q[code]; }
  std::int32_t q_b(std::uint8_t code) const { return b_.q[code]; }
  bool finite_a(std::uint8_t code) const { return a_.finite[code]; }
  bool finite_b(std::uint8_t code) const { return b_.finite[code]; }
  std::int64_t quantum() const { return a_.quantum + b_.quantum; }
  const FusedCode& scale_a(std::uint8_t code) const { return a_.scales.codes[code]; }
  const FusedCode& scale_b(std::uint8_t code) const { return b_.scales.codes[code]; }

  ExactGemmRow prepare_a(const DotOperand& row) const { return prepare(row, a_); }
  ExactGemmRow prepare_b(const DotOperand& row) const { return prepare(row, b_); }

  // The result code of one dot product; `a` and `b` are the rows as prepare_*() made them and as DotOperands
  // (for the reference path).
  std::uint64_t code(const ExactGemmRow& a, const ExactGemmRow& b, const DotOperand& ra, const DotOperand& rb,
                     std::uint64_t c) const;

 private:
  struct Table {
    BlockFormat format;
    std::int64_t quantum = 0;
    std::int32_t q[256] = {};
    bool finite[256] = {};
    bool complete = true;  // every finite code has its q (none left to the reference path)
    CodeTable scales;
  };
  static Table table_of(const BlockFormat& f);
  ExactGemmRow prepare(const DotOperand& row, const Table& t) const;
  std::uint64_t reference(const DotOperand& ra, const DotOperand& rb, std::uint64_t c) const;

  Table a_, b_;
  Format out_;
  CastOptions options_;
  bool fp32_nearest_ = false;  // FP32, RNE, natural overflow, no flushing: rounded here without Dyadics
};

}  // namespace mxref::fast
