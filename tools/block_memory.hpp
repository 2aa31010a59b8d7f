// The block subcommands' tensor mode in memory: what `quantize --in/--out`, `fakequant` and `dequantize` do
// between reading and writing their files (block_files.cpp), for the Python module (python/) to run on arrays
// with the same checks and the same codes. `arguments.in` names the input in error messages.
#pragma once

#include <map>
#include <string>

#include "tools/block_archive.hpp"
#include "ref/block/tensor.hpp"
#include "tools/block_job.hpp"
#include "tools/npy.hpp"

namespace mxref::tools {

// The input tensor of --in (and --shape, --from), as quantize reads it.
CodeTensor read_tensor_input(const BlockJob& job, const BlockArguments& arguments);

// quantize's codes before they become an archive: elements in the input's shape, one scale a block in
// BlockWalk's order, and the tensor scale (NVFP4's).
struct QuantizedCodes {
  BlockLayout layout;
  CodeTensor elements, scales;
  TensorScale tensor;
};
QuantizedCodes quantize_codes(const BlockJob& job, const BlockArguments& arguments, const CodeTensor& in);

// quantize: the archive's members as `quantize --out` writes them (elements, scales, tensor_scale, shape,
// axis, tile, packing, and scale_shape where swizzled). `in` holds job.from values.
std::map<std::string, NpyArray> quantize_archive(const BlockJob& job, const BlockArguments& arguments,
                                                 const CodeTensor& in);

// fakequant: the values quantized and dequantized, as codes of job.to.
CodeTensor fake_quantize_tensor(const BlockJob& job, const BlockArguments& arguments, const CodeTensor& in);

// An archive's members read as `dequantize` and `gemm` read a file of them; `what` names it in errors.
BlockArchive block_archive_of(const BlockFormat& format, const std::map<std::string, NpyArray>& members,
                              const ArchiveDefaults& defaults, const std::string& what);

// What an archive may leave out, from the arguments (--shape, --axis, --tile, --packed, --tensor-scale).
ArchiveDefaults archive_defaults(const BlockJob& job, const BlockArguments& arguments);

// dequantize: the archive's values as codes of job.to.
CodeTensor dequantize_archive(const BlockJob& job, const BlockArguments& arguments, const BlockArchive& archive);

}  // namespace mxref::tools
