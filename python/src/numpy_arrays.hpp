// Arrays between numpy and the tools library: an input's bytes (C-contiguous, any dtype, viewed as uint8 by the
// Python layer) as a CodeTensor, and a CodeTensor or an archive member handed to numpy without a copy (the
// vector moves into the array's owner).
#pragma once

#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>

#include <cstdint>
#include <string>
#include <vector>

#include "tools/code_bytes.hpp"
#include "tools/npy.hpp"

namespace mxref::python {

namespace nb = nanobind;

// Any C-contiguous array on the CPU, read as its bytes (the Python layer says what they hold).
using Bytes = nb::ndarray<nb::ro, nb::c_contig, nb::device::cpu>;

inline const std::uint8_t* bytes_of(const Bytes& b) { return static_cast<const std::uint8_t*>(b.data()); }
using NumpyArray = nb::ndarray<nb::numpy>;

// The bytes of an array as codes of `format` in `shape`, read where they are (the array must outlive the tensor);
// throws std::invalid_argument where they do not fill it.
tools::CodeTensor code_tensor(const Format& format, const std::vector<std::size_t>& shape, const Bytes& bytes);

// A numpy array of `descr` ('<f4', '|u1', '<u2', '<i8', ...) over `data`, which it takes over.
NumpyArray numpy_array(const std::string& descr, const std::vector<std::size_t>& shape, std::vector<std::uint8_t> data);

inline NumpyArray numpy_array(tools::NpyArray array) {
  return numpy_array(array.descr, array.shape, std::move(array.data));
}

inline NumpyArray numpy_array(tools::CodeTensor t) {
  return numpy_array(tools::value_descr(t.format), t.shape, std::move(t.bytes));
}

}  // namespace mxref::python
