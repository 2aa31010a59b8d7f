// A block format: the element format, the shared scale's format, and how many elements share a scale.
// NVFP4 adds a second, per-tensor FP32 scale above the block scales.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "ref/format.hpp"

namespace mxref {

struct BlockFormat {
  Format element;
  Format scale = e8m0;
  int block_size = 32;
  bool tensor_scale = false;  // NVFP4: a per-tensor FP32 scale multiplies every block scale

  friend bool operator==(const BlockFormat&, const BlockFormat&) = default;
};

struct NamedBlockFormat {
  std::string_view name;
  BlockFormat format;
};

// mxfp8_e5m2, mxfp8_e4m3, mxfp6_e3m2, mxfp6_e2m3, mxfp4_e2m1, mxint8 (OCP MX v1.0 table 1), mxfp4_e3m0
// (torchao's E3M0 element), nvfp4.
std::span<const NamedBlockFormat> builtin_block_formats();

// A built-in name, or ELEMENT[/SCALE[/BLOCK]] with element and scale in the scalar grammar
// (docs/spec-notes/format-names.md): "e4m3" = e4m3/e8m0/32, "e2m1/ue4m3/16", "e5m3/e8m0/64".
// Throws FormatNameError.
BlockFormat parse_block_format(std::string_view name);

// The built-in name where there is one, else the ELEMENT/SCALE/BLOCK spelling.
std::string block_format_name(const BlockFormat& format);

}  // namespace mxref
