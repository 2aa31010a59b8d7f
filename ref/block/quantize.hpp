// A block of exact values -> one scale code and one element code each, and back.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "ref/block/block_format.hpp"
#include "ref/block/profile.hpp"
#include "ref/value.hpp"

namespace mxref {

struct QuantizedBlock {
  std::uint64_t scale = 0;
  std::vector<std::uint64_t> elements;
  std::uint8_t flags = 0;  // the union of the element casts' flags
  friend bool operator==(const QuantizedBlock&, const QuantizedBlock&) = default;
};

// values.size() must be 1..format.block_size (a ragged last block is quantized as it is: see
// docs/spec-notes/block-edge-cases.md). tensor: NVFP4's per-tensor scale (tensor_scale_for()).
QuantizedBlock quantize_block(const BlockFormat& format, const Profile& profile, std::span<const Value> values,
                              const TensorScale& tensor = {});

// Quantize, then dequantize: the values fake-quantizing implementations (microxcaling, pychop, auto-round)
// report, with the conventions below. Under the pychop profiles a block whose amax (numpy's np.nanmax) is
// 0 gives +0 everywhere, and one whose amax is NaN gives that NaN everywhere
// (docs/spec-notes/profile-pychop.md).
std::vector<Value> fake_quantize_block(const BlockFormat& format, const Profile& profile, std::span<const Value> values,
                                       const TensorScale& tensor = {});

// The fake-quantization conventions, applied to the dequantized outputs of one block's inputs under its
// scale code: under microxcaling elements a zero output takes the sign of the element as the profile
// scaled it (sign(x) * ...: -0 for a negative value that rounds to zero, even in MXINT8, whose codes have
// no -0; +0 for an exact -0); pychop's integer zeros keep the input's sign; a NaN input gives what the
// profile's fakequant_nan says.
void keep_fake_quant_conventions(const BlockFormat& format, const Profile& profile, std::uint64_t scale,
                                 std::span<const Value> inputs, std::span<Value> outputs,
                                 const TensorScale& tensor = {});

// The exact values a block stands for: scale × element (× tensor scale). A NaN scale makes every value
// NaN (OCP MX v1.0 §5.2); a NaN element is NaN.
std::vector<Value> dequantize_block(const BlockFormat& format, std::uint64_t scale,
                                    std::span<const std::uint64_t> elements, const Dyadic& tensor_scale = Dyadic(1, 0));

}  // namespace mxref
