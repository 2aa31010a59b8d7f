// What the block subcommands were asked to do, parsed and checked once: shared by the line-per-block
// text mode (block_command.cpp) and the tensor-file mode (block_files.cpp).
#pragma once

#include <optional>
#include <string>

#include "ref/block/block_format.hpp"
#include "ref/block/operation.hpp"
#include "ref/block/packing.hpp"
#include "ref/block/profile.hpp"
#include "ref/block/scale_rule.hpp"
#include "ref/format.hpp"

namespace mxref::tools {

using Mode = BlockOperation;  // the subcommand: quantize, dequantize or fakequant

struct BlockArguments {
  std::string format;
  std::string profile{default_profile_name};
  int block = -1;  // -1: the format's own
  std::string scale;
  std::string from = "f32";
  std::string to = "f32";
  std::string tensor_scale = "3f800000";
  std::string tensor_amax;  // empty: not given
  bool packed = false;
  std::string bit_order = "lsb-first";
  std::string in, out;   // tensor files instead of stdin/stdout
  std::string shape;     // raw input: "4,32"
  int axis = -1;         // the blocked axis; negative counts from the end
  int tile = 0;          // 2-D tiles of this many rows (0: 1-D blocks)
  bool ragged = false;   // text mode: a line may hold a shorter, ragged block
  bool swizzle = false;  // scales in NVIDIA's 128x4-tile layout (ref/block/packing.hpp)
  bool fast = false;     // tensor mode through fast/cpu (fast_blocks.hpp)
  unsigned threads = 0;  // --fast: 0 = every hardware thread
};

struct BlockJob {
  BlockFormat format;
  const Profile* profile = nullptr;
  Format from;
  std::optional<Format> to;  // nullopt: exact values, as hex floats
  TensorScale tensor_scale;
  std::optional<BitOrder> packed;  // element bytes in this order instead of one code per token
};

// A block format as the block commands name it (built-in names, ELEMENT/SCALE/BLOCK, and torch's
// float4_e2m1fn_x2 for E2M1 packed two a byte); throws UsageError for an unknown one.
BlockFormat block_format_argument(const std::string& format);

// Throws UsageError for anything impossible, before any input is read.
BlockJob job_of(const BlockArguments& arguments, Mode mode);

// --in / --out: .npy (or raw with --shape) tensors in, .npz (quantize) or .npy out, written atomically.
void run_tensor_files(const BlockJob& job, const BlockArguments& arguments, Mode mode);

}  // namespace mxref::tools
