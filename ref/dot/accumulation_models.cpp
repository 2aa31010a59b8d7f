#include <array>
#include <stdexcept>
#include <string>

#include "ref/dot/accumulation_model.hpp"

namespace mxref {

namespace {

// NVIDIA's tensor cores as MMA-Sim (arXiv 2511.10909) models them: terms aligned to the largest
// significand-product exponent with truncation, a zero counting as 2^-126, a +0 sum, NaN 0x7FFFFFFF, and
// the result truncated to FP32. Each preset below changes what its instruction changes.
constexpr AccumulationModel nvidia(std::string_view name, std::string_view summary, int fraction_bits, int chunk) {
  AccumulationModel m;
  m.name = name;
  m.summary = summary;
  m.fraction_bits = fraction_bits;
  m.alignment = Alignment::toward_zero;
  m.zero_exponent = -126;
  m.chunk = chunk;
  m.result = IntermediateRounding{fp32, Rounding::rtz, true};
  m.zero_sign = ZeroSign::never_negative;
  m.nan = NanOutput::all_ones;
  return m;
}

constexpr AccumulationModel exact_model() {
  AccumulationModel m;
  m.name = "exact";
  m.summary = "the exact sum, rounded once to the output format (OCP MX v1.0 section 6)";
  return m;
}

constexpr AccumulationModel fp32_sequential() {
  AccumulationModel m;
  m.name = "fp32-sequential";
  m.summary = "acc = fl32(acc + fl32(a*b*scales)), C first, in order, RNE";
  m.product_format = fp32;
  m.chunk = 1;
  m.result = IntermediateRounding{fp32, Rounding::rne};
  return m;
}

constexpr AccumulationModel fp32_fma_sequential() {
  AccumulationModel m;
  m.name = "fp32-fma-sequential";
  m.summary = "acc = fl32(a*Xa * b*Xb + acc) (an FMA on scaled elements), C first, in order, RNE";
  m.chunk = 1;
  m.result = IntermediateRounding{fp32, Rounding::rne};
  return m;
}

// Emulations that dequantize each operand to `operand` and run an FP32 GEMM: products rounded to FP32, summed
// in order k = 0, 1, ... onto C (RNE). The order is this model's choice; a BLAS may sum otherwise.
constexpr AccumulationModel dequantizing(std::string_view name, std::string_view summary, const Format& operand) {
  AccumulationModel m = fp32_sequential();
  m.name = name;
  m.summary = summary;
  m.operand_format = operand;
  m.nan = NanOutput::negative_default;  // run on the CPU: x86's NaN for an invalid operation
  return m;
}

// TransformerEngine's NVFP4 reference GEMM (NVFP4QuantizerRef.qgemm): per 16-element block, the exact FP32 sum
// of the FP4 products times the FP32 product of the two block scales, accumulated over blocks in FP32 from 0;
// then times the tensor scales' product, then C, each in FP32 (RNE).
constexpr AccumulationModel te_nvfp4_reference() {
  AccumulationModel m;
  m.name = "te-nvfp4-reference";
  m.summary = "TransformerEngine's NVFP4 reference: per block sum x fl32(Xa*Xb), FP32 over blocks, x alpha, + C";
  m.group_size = 16;
  m.scales = ScaleApplication::group_factor;
  m.scale_product_format = fp32;
  m.product_format = fp32;
  m.chunk = 16;
  m.result = IntermediateRounding{fp32, Rounding::rne};
  m.tensor_scales_last = true;
  m.c_last = true;
  m.nan = NanOutput::all_ones;  // it needs a GPU: CUDA's NaN
  return m;
}

constexpr AccumulationModel sm90_fp8() {
  AccumulationModel m = nvidia(
      "sm90-wgmma-fp8", "Hopper wgmma FP8: 13 fraction bits kept, truncated; e8m13 result in FP32; k = 32", 13, 32);
  m.result = IntermediateRounding{e8m13, Rounding::rtz, true};
  return m;
}

// Ada's FP8 mma.sync (sm_89): 13 fraction bits and the e8m13 result of Hopper's wgmma, but each m16n8k32 runs
// as two k = 16 halves chained through the accumulator (MMA-Sim's split-k).
constexpr AccumulationModel sm89_fp8() {
  AccumulationModel m = nvidia(
      "sm89-mma-fp8", "Ada mma.sync FP8: 13 fraction bits kept, truncated; e8m13 result; k = 16 (split-k)", 13, 16);
  m.result = IntermediateRounding{e8m13, Rounding::rtz, true};
  return m;
}

// Hopper's FP8 mma.sync (m16n8k32), measured on an H200 (docs/spec-notes/sm90-mma-fp8.md): the operands
// converted to FP16 (exact for E4M3 and E5M2: an E4M3 subnormal becomes a normal FP16 and counts with its
// own exponent), two passes of the FP16 datapath of sm90-wgmma-fp16 from +0, the first over products
// 0, 1, 4, 5, ... (index / 2 even), the second over the rest; the instruction's C is added last in FP32, RNE.
constexpr AccumulationModel sm90_mma_fp8() {
  AccumulationModel m = nvidia("sm90-mma-fp8",
                               "Hopper mma.sync FP8 (measured): two FP16-datapath passes from +0 over alternate "
                               "pairs (25 bits, truncated, RZ), then + C, RNE; k = 32",
                               25, 32);
  m.operand_format = fp16;
  m.inner_passes = InnerPasses{2, 2};
  return m;
}

constexpr AccumulationModel sm100_fp4(std::string_view name, std::string_view summary) {
  AccumulationModel m = nvidia(name, summary, 35, 64);
  m.group_size = 16;
  m.scales = ScaleApplication::group_factor;
  return m;
}

// CDNA3 FP8 MFMA as MMA-Sim models it: the even and the odd products of a 16-product step each aligned with
// 24 fraction bits by truncation, the two sums floored together onto one 24-bit grid, that sum (31 bits) and
// C (24 bits, dropped more than 25 binades down) floored onto a common grid, RNE to FP32.
constexpr AccumulationModel cdna3_fp8() {
  AccumulationModel m;
  m.name = "cdna3-fp8";
  m.summary = "AMD CDNA3 FP8 MFMA: even/odd sums (24 bits, truncated), floored together and with C; RNE; k = 16";
  m.fraction_bits = 24;
  m.alignment = Alignment::toward_zero;
  m.interleaved = InterleavedSums{2, 24, Alignment::toward_negative};
  m.c_joins_alignment = false;
  m.c_alignment = CAlignment{31, 24, Alignment::toward_negative, 25};
  m.zero_exponent = -126;
  m.chunk = 16;
  m.result = IntermediateRounding{fp32, Rounding::rne};
  m.zero_sign = ZeroSign::positive;
  return m;
}

constexpr std::array<AccumulationModel, 18> presets{{
    exact_model(),
    fp32_sequential(),
    fp32_fma_sequential(),
    dequantizing("torchao-emulated",
                 "torchao's emulated MX GEMM: operands dequantized to BF16, FP32 products summed in order onto C; "
                 "--out bf16",
                 bf16),
    dequantizing("microxcaling",
                 "microxcaling: fake-quantized FP32 operands, FP32 products summed in order onto C; --out bf16", fp32),
    te_nvfp4_reference(),
    nvidia("sm70-mma-fp16", "Volta mma.sync FP16: 23 fraction bits kept, truncated; RZ to FP32; k = 4", 23, 4),
    nvidia("sm80-mma-bf16", "Ampere/Ada mma.sync BF16: 24 fraction bits kept, truncated; RZ to FP32; k = 8 (split-k)",
           24, 8),
    nvidia("sm80-mma-fp16", "Turing/Ampere/Ada mma.sync FP16: 24 fraction bits, truncated; RZ to FP32; k = 8", 24, 8),
    sm89_fp8(),
    sm90_fp8(),
    sm90_mma_fp8(),
    nvidia("sm90-wgmma-bf16", "Hopper wgmma BF16: 25 fraction bits kept, truncated; RZ to FP32; k = 16", 25, 16),
    nvidia("sm90-wgmma-fp16", "Hopper wgmma FP16: 25 fraction bits kept, truncated; RZ to FP32; k = 16", 25, 16),
    nvidia("sm100-mxf8f6f4",
           "Blackwell tcgen05 kind::mxf8f6f4: scale exponents added to each product; 25 fraction bits; k = 32", 25, 32),
    sm100_fp4("sm100-mxf4", "Blackwell kind::mxf4 (E8M0 scales): FP4 products exact in 16s; 35 fraction bits; k = 64"),
    sm100_fp4("sm100-mxf4nvf4",
              "Blackwell kind::mxf4nvf4 (UE4M3 or E8M0 scales): FP4 products exact in 16s; 35 fraction bits; k = 64"),
    cdna3_fp8(),
}};

}  // namespace

std::span<const AccumulationModel> accumulation_models() { return presets; }

const AccumulationModel& exact_accumulation() { return presets[0]; }

const AccumulationModel& find_accumulation_model(std::string_view name) {
  std::string names;
  for (const AccumulationModel& m : presets) {
    if (m.name == name) return m;
    names += (names.empty() ? "" : ", ") + std::string(m.name);
  }
  throw std::invalid_argument("unknown model '" + std::string(name) + "' (" + names + ")");
}

}  // namespace mxref
