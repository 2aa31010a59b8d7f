// An archive as `quantize --out` writes it, read back (block_files.cpp): what dequantize and gemm take in.
#pragma once

#include <cstdint>
#include <string>

#include "ref/block/block_format.hpp"
#include "ref/block/tensor.hpp"
#include "ref/dyadic.hpp"
#include "tools/code_bytes.hpp"

namespace mxref::tools {

// What an archive made by other code (np.savez of another quantizer's arrays) may leave out.
struct ArchiveDefaults {
  std::string shape;  // --shape text; empty: the archive's own, or the elements' array's
  long axis = -1;
  long tile = 0;
  std::int64_t packing = 0;            // 0: one code an array item; 1 + BitOrder: packed bytes
  Dyadic tensor_scale = Dyadic(1, 0);  // NVFP4's; 1 for MX
};

struct BlockArchive {
  BlockLayout layout;
  CodeTensor elements;  // unpacked, in layout.shape
  CodeTensor scales;    // one a block, in BlockWalk's order (swizzled ones put back)
  Dyadic tensor_scale;
};

// Throws UsageError naming `path` for a file that is missing, unreadable or not such an archive of `format`.
BlockArchive read_block_archive(const BlockFormat& format, const std::string& path, const ArchiveDefaults& defaults);

}  // namespace mxref::tools
