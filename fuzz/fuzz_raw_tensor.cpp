// Raw tensor files as `mxref quantize|fakequant --in FILE --shape S --out FILE` reads them
// (tools/block_files.cpp): any --shape text and any bytes either give a UsageError, leaving no output
// file and no temporary beside it, or an output byte for byte the same as from the same bytes in a
// .npy file of the shape the run read.
//
// Input: one byte of choices (source format, block format, mode, axis, --fast), the --shape text up to
// the first newline, then the file's bytes.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.hpp"
#include "ref/block/block_format.hpp"
#include "ref/block/profile.hpp"
#include "ref/format_name.hpp"
#include "tools/block_job.hpp"
#include "tools/code_bytes.hpp"
#include "tools/file_bytes.hpp"
#include "tools/npy.hpp"
#include "tools/usage_error.hpp"

namespace {

using namespace mxref;
using namespace mxref::tools;
namespace fs = std::filesystem;

// A folder of this process's own for one input's files, removed after it (libFuzzer may end the
// process without running atexit handlers).
class Scratch {
 public:
  Scratch() : dir_(fs::temp_directory_path() / ("mxref-fuzz-raw-" + std::to_string(::getpid()))) {
    fs::create_directories(dir_);
  }
  ~Scratch() { fs::remove_all(dir_); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  std::string operator/(const char* name) const { return (dir_ / name).string(); }

  // Nothing but the inputs and outputs named here: no temporary left by the atomic write.
  void require_no_strays() const {
    for (const fs::directory_entry& e : fs::directory_iterator(dir_)) {
      const std::string name = e.path().filename().string();
      fuzz::require(name == "in.bin" || name == "in.npy" || name == "raw.out" || name == "npy.out",
                    "stray file " + name);
    }
  }

 private:
  fs::path dir_;
};

// The output file's bytes, or nothing where the run was refused.
std::optional<std::vector<std::uint8_t>> run(const BlockJob& job, const BlockArguments& a, Mode mode) {
  try {
    run_tensor_files(job, a, mode);
  } catch (const UsageError&) {
    fuzz::require(!fs::exists(a.out), "a refused run left " + a.out);
    return std::nullopt;
  }
  return read_file_bytes(a.out);
}

// The shape a run read, from its output: an archive's "shape" member (int64s), or the .npy's own.
std::vector<std::size_t> shape_read(const std::vector<std::uint8_t>& out, Mode mode) {
  if (mode == Mode::fake_quantize) return parse_npy(out, "raw output").shape;
  const NpyArray s = parse_npz(out, "raw output").at("shape");
  std::vector<std::size_t> shape;
  for (std::size_t i = 0; i < s.data.size() / 8; ++i) shape.push_back(code_at(s.data, i, 8));
  return shape;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t choices = data[0];
  const std::string_view rest = fuzz::as_text(data + 1, size - 1);
  const std::size_t newline = std::min(rest.find('\n'), rest.size());
  const std::string_view body = rest.substr(std::min(rest.size(), newline + 1));

  struct Pair {
    const char* format;
    const char* profile;
  };
  static constexpr Pair pairs[] = {
      {"mxfp8_e4m3", "ocp"}, {"mxfp4_e2m1", "nvidia-rceil"}, {"mxint8", "ocp"}, {"nvfp4", "nvfp4"}};
  static const Format sources[] = {fp32, bf16, fp16};
  static const char* source_names[] = {"f32", "bf16", "f16"};
  const Pair pair = pairs[choices % 4];
  const int source = choices / 4 % 3;
  const Mode mode = choices / 12 % 2 ? Mode::fake_quantize : Mode::quantize;

  BlockJob job{parse_block_format(pair.format), &find_profile(pair.profile), sources[source], fp32, {}, std::nullopt};
  BlockArguments a;
  a.format = pair.format;
  a.profile = pair.profile;
  a.from = source_names[source];
  a.shape = std::string(rest.substr(0, newline));
  a.axis = choices / 24 % 2 ? 0 : -1;
  a.fast = choices / 48 % 2 == 1;
  a.threads = 1;
  const Scratch scratch;
  a.in = scratch / "in.bin";
  a.out = scratch / "raw.out";
  write_file_atomically(a.in, std::span(reinterpret_cast<const std::uint8_t*>(body.data()), body.size()));

  const auto raw = run(job, a, mode);
  scratch.require_no_strays();
  if (!raw) return 0;

  // The same bytes under a .npy header of the shape the run read.
  const std::string descr = job.from == fp32 ? "<f4" : job.from == fp16 ? "<f2" : "<u2";
  std::vector<std::uint8_t> npy = npy_header(descr, shape_read(*raw, mode));
  npy.insert(npy.end(), body.begin(), body.end());
  a.in = scratch / "in.npy";
  a.shape.clear();
  a.out = scratch / "npy.out";
  write_file_atomically(a.in, npy);
  const auto from_npy = run(job, a, mode);
  scratch.require_no_strays();
  const std::string what = "raw input with --shape " + std::string(rest.substr(0, newline));
  fuzz::require(from_npy.has_value(), what + " ran; the same values as .npy were refused");
  fuzz::require(*from_npy == *raw, what + " and the same values as .npy gave different outputs");
  return 0;
}
