#include "numpy_arrays.hpp"

#include <stdexcept>

namespace mxref::python {

namespace {

nb::dlpack::dtype dtype_of(const std::string& descr) {
  if (descr.size() != 3) throw std::invalid_argument("no numpy dtype for '" + descr + "'");
  const auto bits = static_cast<std::uint8_t>(8 * (descr[2] - '0'));
  switch (descr[1]) {
    case 'u': return {static_cast<std::uint8_t>(nb::dlpack::dtype_code::UInt), bits, 1};
    case 'i': return {static_cast<std::uint8_t>(nb::dlpack::dtype_code::Int), bits, 1};
    case 'f': return {static_cast<std::uint8_t>(nb::dlpack::dtype_code::Float), bits, 1};
    default: throw std::invalid_argument("no numpy dtype for '" + descr + "'");
  }
}

}  // namespace

tools::CodeTensor code_tensor(const Format& format, const std::vector<std::size_t>& shape, const Bytes& bytes) {
  tools::CodeTensor t{format, shape, {}};
  std::size_t count = 1;
  for (const std::size_t d : shape) count *= d;
  if (bytes.nbytes() != count * t.size())
    throw std::invalid_argument(std::to_string(bytes.nbytes()) + " bytes are not the shape's " + std::to_string(count) +
                                " values of " + std::to_string(t.size()) + " bytes");
  t.borrowed = std::span<const std::uint8_t>(bytes_of(bytes), bytes.nbytes());  // read in place, never written
  return t;
}

NumpyArray numpy_array(const std::string& descr, const std::vector<std::size_t>& shape,
                       std::vector<std::uint8_t> data) {
  auto* owned = new std::vector<std::uint8_t>(std::move(data));
  nb::capsule owner(owned, [](void* p) noexcept { delete static_cast<std::vector<std::uint8_t>*>(p); });
  return NumpyArray(owned->data(), shape.size(), shape.data(), owner, nullptr, dtype_of(descr));
}

}  // namespace mxref::python
