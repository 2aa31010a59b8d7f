// .npy and .npz bytes as `mxref --in` reads them: anything but a well-formed array is a UsageError
// (one line for the user), never a crash; a parsed array written back parses to the same array.
#include <span>

#include "fuzz/fuzz_check.hpp"
#include "tools/npy.hpp"
#include "tools/usage_error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace mxref::tools;
  const std::span<const std::uint8_t> bytes(data, size);
  try {
    const NpyArray a = parse_npy(bytes, "fuzz.npy");
    const NpyArray b = parse_npy(npy_bytes(a), "written back");
    mxref::fuzz::require(a.descr == b.descr && a.shape == b.shape && a.data == b.data, ".npy round trip");
  } catch (const UsageError&) {
  }
  try {
    const auto members = parse_npz(bytes, "fuzz.npz");
    const auto again = parse_npz(npz_bytes(members), "written back");
    mxref::fuzz::require(again.size() == members.size(), ".npz round trip: member count");
    for (const auto& [name, array] : members) {
      const auto it = again.find(name);
      mxref::fuzz::require(it != again.end() && it->second.data == array.data && it->second.shape == array.shape,
                           ".npz round trip: member '" + name + "'");
    }
  } catch (const UsageError&) {
  }
  return 0;
}
