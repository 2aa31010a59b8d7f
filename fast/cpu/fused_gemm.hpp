// The fused-sum presets (NVIDIA's sm70-mma-fp16 ... sm100-mxf4nvf4 and sm90-mma-fp8; AMD's cdna3-fp8) on
// machine integers (fast/cpu/fused_dot.hpp) for block formats with elements and scales of at most 8 bits (MX,
// and NVFP4 with its tensor scales), FP32 results: `mxref gemm --fast --model M` and the GPU GEMM. A dot the integer
// path does not settle (non-finite operands, C or results, terms too wide for int64, non-unit scales where the model
// converts its operands) is answered by ref/'s dot(), so every code is the reference path's.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "fast/cpu/code_tables.hpp"
#include "fast/cpu/fused_dot.hpp"
#include "ref/block/block_format.hpp"
#include "ref/cast_options.hpp"
#include "ref/dot/dot.hpp"

namespace mxref::fast {

// A dot operand's codes as the integer path reads them: element codes and scale codes, flat, and the tensor
// scale.
struct FlatRow {
  std::vector<std::uint8_t> codes, scales;
  FusedCode tensor;
  explicit FlatRow(const DotOperand& row);
  FusedRow view(const FusedCode* table, const FusedCode* scale_table) const {
    return {table, codes.data(), scales.data(), scale_table, tensor};
  }
};

class FusedGemm {
 public:
  // The integer form of a preset; none for a model outside the fused-sum presets (exact, the sequential
  // and emulation models, cdna3-fp8).
  static std::optional<FusedModel> model_of(const AccumulationModel& model);
  // Whether the integer path takes these operands and output under the model.
  static bool applies(const BlockFormat& a, const BlockFormat& b, const AccumulationModel& model, const Format& out,
                      const CastOptions& options);

  // Throws std::invalid_argument where applies() is false.
  FusedGemm(const BlockFormat& a, const BlockFormat& b, const AccumulationModel& model, const Format& out,
            const CastOptions& options);

  const FusedModel& model() const { return fused_; }
  const FusedCode* table_a() const { return a_.codes.data(); }
  const FusedCode* table_b() const { return b_.codes.data(); }
  const FusedCode* scale_table_a() const { return scales_a_.codes.data(); }
  const FusedCode* scale_table_b() const { return scales_b_.codes.data(); }

  // The result code of one dot product (rows of whole blocks, C a code of the output format).
  std::uint64_t code(const DotOperand& a, const DotOperand& b, std::uint64_t c) const;
  // The reference's code for the same, for what the integer path leaves.
  std::uint64_t reference(const DotOperand& a, const DotOperand& b, std::uint64_t c) const;

 private:
  BlockFormat format_a_, format_b_;
  const AccumulationModel* model_;
  FusedModel fused_;
  Format out_;
  CastOptions options_;
  CodeTable a_, b_, scales_a_, scales_b_;
};

}  // namespace mxref::fast
