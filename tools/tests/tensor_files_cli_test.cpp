// `mxref quantize / dequantize / fakequant --in/--out` end to end, with .npy inputs built byte by byte
// here and outputs taken apart byte by byte, so the test shares no code with tools/npy.cpp. Expected
// codes derived by hand (OCP rule, E2M1 emax 2: X = 2^(floor(log2 amax) - 2), E8M0 code 127 + log2 X).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "tools/tests/run_mxref.hpp"

namespace mxref::tools::cli_tests {
namespace {

namespace fs = std::filesystem;
using Bytes = std::string;

Bytes le(std::uint64_t v, int size) {
  Bytes out;
  for (int i = 0; i < size; ++i) out += static_cast<char>(v >> (8 * i));
  return out;
}

Bytes f32s(const std::vector<float>& values) {
  Bytes out;
  for (const float f : values) {
    std::uint32_t bits = 0;
    std::memcpy(&bits, &f, 4);
    out += le(bits, 4);
  }
  return out;
}

// A version 1.0 .npy: magic, version, header length, the header dict padded with spaces to a 64-byte
// boundary and ended by '\n', then the data.
Bytes npy(const std::string& descr, const std::string& shape, const Bytes& data, const std::string& fortran = "False") {
  std::string header = "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape + ", }";
  while ((10 + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  return Bytes("\x93NUMPY\x01\x00", 8) + le(header.size(), 2) + header + data;
}

struct Member {
  std::string header;  // the .npy header dict
  Bytes data;
};

// A member of a stored .npz: its local header ("PK\3\4", name length at 26, extra length at 28, name at
// 30), then the .npy whose header length sits at byte 8.
Member npz_member(const Bytes& zip, const std::string& name) {
  const std::string file = name + ".npy";
  for (std::size_t at = zip.find("PK\x03\x04"); at != Bytes::npos; at = zip.find("PK\x03\x04", at + 1)) {
    const auto u16 = [&](std::size_t i) {
      return static_cast<std::uint8_t>(zip[i]) | static_cast<std::uint8_t>(zip[i + 1]) << 8;
    };
    const std::size_t name_length = u16(at + 26), extra_length = u16(at + 28);
    if (zip.compare(at + 30, name_length, file) != 0 || name_length != file.size()) continue;
    const std::size_t npy_at = at + 30 + name_length + extra_length;
    const std::size_t header_length = u16(npy_at + 8);
    // Stored members: the compressed size at 18 is the member's length.
    const std::size_t size = static_cast<std::uint8_t>(zip[at + 18]) | static_cast<std::uint8_t>(zip[at + 19]) << 8;
    return {zip.substr(npy_at + 10, header_length), zip.substr(npy_at + 10 + header_length, size - 10 - header_length)};
  }
  ADD_FAILURE() << "no member " << name;
  return {};
}

class TensorFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / ("mxref_tensor_files_" + std::to_string(::getpid()) + "_" + test->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  void write(const std::string& name, const Bytes& bytes) const {
    std::ofstream(path(name), std::ios::binary) << bytes;
  }
  Bytes read(const std::string& name) const {
    std::ifstream in(path(name), std::ios::binary);
    return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::set<std::string> files() const {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir_)) names.insert(entry.path().filename().string());
    return names;
  }
  // Runs mxref with FILE:name arguments turned into paths in the test's folder.
  Outcome mxref(std::vector<std::string> arguments) const {
    for (std::string& a : arguments)
      if (a.starts_with("FILE:")) a = path(a.substr(5));
    return run_mxref(arguments);
  }
  void ok(const std::vector<std::string>& arguments) const {
    const Outcome r = mxref(arguments);
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_EQ(r.out, "");  // tensor mode writes nothing on stdout
  }

  fs::path dir_;
};

// [[1, 2, 64], [4, 0.5, 0]]
const Bytes x = f32s({1, 2, 64, 4, 0.5f, 0});

TEST_F(TensorFiles, QuantizeAlongTheLastAxis) {
  write("x.npy", npy("<f4", "(2, 3)", x));
  ok({"quantize", "--format", "mxfp4_e2m1", "--block", "2", "--in", "FILE:x.npy", "--out", "FILE:q.npz"});
  const Bytes q = read("q.npz");
  // Blocks [1,2] amax 2 -> X = 2^-1 (0x7e); [64] -> 2^4 (0x83); [4,0.5] -> 2^0 (0x7f); [0] -> 2^-127 (0x00).
  const Member scales = npz_member(q, "scales");
  EXPECT_NE(scales.header.find("'descr': '|u1'"), std::string::npos) << scales.header;
  EXPECT_NE(scales.header.find("'shape': (2, 2)"), std::string::npos) << scales.header;
  EXPECT_EQ(scales.data, Bytes("\x7e\x83\x7f\x00", 4));
  // 1/0.5 = 2 (E2M1 0x4), 2/0.5 = 4 (0x6), 64/16 = 4 (0x6), 4 (0x6), 0.5 (0x1), 0 (0x0).
  const Member elements = npz_member(q, "elements");
  EXPECT_NE(elements.header.find("'shape': (2, 3)"), std::string::npos) << elements.header;
  EXPECT_EQ(elements.data, Bytes("\x04\x06\x06\x06\x01\x00", 6));
  const Member tensor_scale = npz_member(q, "tensor_scale");
  EXPECT_NE(tensor_scale.header.find("'descr': '<f4'"), std::string::npos);
  EXPECT_NE(tensor_scale.header.find("'shape': ()"), std::string::npos);
  EXPECT_EQ(tensor_scale.data, le(0x3f800000, 4));
  EXPECT_EQ(files(), (std::set<std::string>{"x.npy", "q.npz"}));  // no temporary left beside it
}

TEST_F(TensorFiles, AxisZeroRoundTripsExactly) {
  write("x.npy", npy("<f4", "(2, 3)", x));
  ok({"quantize", "--format", "mxfp4_e2m1", "--block", "2", "--axis", "0", "--in", "FILE:x.npy", "--out",
      "FILE:q.npz"});
  // Columns [1,4] -> 2^0 (0x7f), [2,0.5] -> 2^-1 (0x7e), [64,0] -> 2^4 (0x83); every value is then an E2M1
  // value times its scale, so dequantization gives x back bit for bit.
  const Member scales = npz_member(read("q.npz"), "scales");
  EXPECT_NE(scales.header.find("'shape': (1, 3)"), std::string::npos) << scales.header;
  EXPECT_EQ(scales.data, Bytes("\x7f\x7e\x83", 3));
  ok({"dequantize", "--format", "mxfp4_e2m1", "--block", "2", "--in", "FILE:q.npz", "--out", "FILE:y.npy"});
  EXPECT_EQ(read("y.npy"), npy("<f4", "(2, 3)", x));
  // bf16 output: bit patterns as '<u2' (1.0 = 0x3f80, 2.0 = 0x4000, 64 = 0x4280, 4 = 0x4080, 0.5 = 0x3f00).
  ok({"dequantize", "--format", "mxfp4_e2m1", "--block", "2", "--to", "bf16", "--in", "FILE:q.npz", "--out",
      "FILE:b.npy"});
  EXPECT_EQ(
      read("b.npy"),
      npy("<u2", "(2, 3)", le(0x3f80, 2) + le(0x4000, 2) + le(0x4280, 2) + le(0x4080, 2) + le(0x3f00, 2) + le(0, 2)));
}

TEST_F(TensorFiles, Bf16AsIntegersOrMlDtypesVoids) {
  // bf16 0x4040 = 3, 0x3f80 = 1: amax 3 -> E4M3 X = 2^(1-8) (0x78); 3 * 128 = 384 -> 0x7c; 128 -> 0x70.
  const Bytes bits = le(0x4040, 2) + le(0x3f80, 2);
  for (const std::string descr : {"<u2", "<V2"}) {
    write("b.npy", npy(descr, "(2,)", bits));
    ok({"quantize", "--format", "mxfp8_e4m3", "--block", "2", "--from", "bf16", "--in", "FILE:b.npy", "--out",
        "FILE:q.npz"});
    const Bytes q = read("q.npz");
    EXPECT_EQ(npz_member(q, "scales").data, Bytes("\x78", 1)) << descr;
    EXPECT_EQ(npz_member(q, "elements").data, Bytes("\x7c\x70", 2)) << descr;
  }
}

TEST_F(TensorFiles, FakequantOfARawFile) {
  // 0.3 with amax 1 in E4M3: X = 2^-8, 0.3 * 256 = 76.8 -> 80 (E4M3 step 8 in [64, 128)) -> 0.3125.
  write("r.bin", f32s({0.3f, 1.0f}));
  ok({"fakequant", "--format", "mxfp8_e4m3", "--block", "2", "--in", "FILE:r.bin", "--shape", "1,2", "--out",
      "FILE:f.npy"});
  EXPECT_EQ(read("f.npy"), npy("<f4", "(1, 2)", f32s({0.3125f, 1.0f})));
}

TEST_F(TensorFiles, ErrorsLeaveNoOutputFile) {
  write("x.npy", npy("<f4", "(2, 3)", x));
  write("x8.npy", npy("<f8", "(2, 3)", Bytes(48, '\0')));
  write("fortran.npy", npy("<f4", "(2, 3)", x, "True"));
  write("short.npy", npy("<f4", "(2, 4)", x));
  write("garbage.npy", "not an array at all");
  write("r.bin", f32s({1, 2, 3}));
  write("kept.npz", "an older output");
  const auto fails = [&](const std::string& command, std::vector<std::string> arguments, const std::string& needle) {
    arguments.insert(arguments.begin(), {command, "--format", "mxfp4_e2m1", "--block", "2"});
    const Outcome r = mxref(arguments);
    EXPECT_EQ(r.status, 2) << r.err;
    EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << r.err;
  };
  fails("quantize", {"--in", "FILE:missing.npy", "--out", "FILE:o.npz"}, "cannot read");
  fails("quantize", {"--in", "FILE:garbage.npy", "--out", "FILE:o.npz"}, "not a .npy file");
  fails("quantize", {"--in", "FILE:fortran.npy", "--out", "FILE:o.npz"}, "Fortran-order");
  fails("quantize", {"--in", "FILE:short.npy", "--out", "FILE:o.npz"}, "does not match the .npy shape");
  fails("quantize", {"--in", "FILE:x8.npy", "--out", "FILE:o.npz"}, "dtype '<f8'");
  fails("quantize", {"--in", "FILE:x.npy", "--out", "FILE:o.npz", "--from", "bf16"}, "dtype '<f4'");
  fails("quantize", {"--in", "FILE:r.bin", "--shape", "2,2", "--out", "FILE:o.npz"}, "12 bytes");
  fails("quantize", {"--in", "FILE:r.bin", "--out", "FILE:o.npz"}, "--shape");
  fails("quantize", {"--in", "FILE:x.npy", "--shape", "2,3", "--out", "FILE:o.npz"}, "--shape");
  fails("quantize", {"--in", "FILE:x.npy", "--out", "FILE:o.npz", "--axis", "2"}, "--axis 2 is out of range");
  fails("quantize", {"--in", "FILE:x.npy", "--out", "FILE:o.npz", "--axis", "-3"}, "--axis -3 is out of range");
  fails("quantize", {"--in", "FILE:x.npy", "--out", "FILE:o.npz", "--tile", "2", "--axis", "0"}, "--tile");
  fails("quantize", {"--in", "FILE:x.npy"}, "--in and --out");
  fails("quantize", {"--in", "FILE:x.npy", "--out", "FILE:no/such/folder/o.npz"}, "cannot write");
  fails("fakequant", {"--in", "FILE:x.npy", "--out", "FILE:o.npy", "--to", "exact"}, "--to exact");
  fails("dequantize", {"--in", "FILE:x.npy", "--out", "FILE:o.npy"}, "not a .npz");
  // A failed run must not replace an existing output either.
  fails("quantize", {"--in", "FILE:fortran.npy", "--out", "FILE:kept.npz"}, "Fortran-order");
  EXPECT_EQ(read("kept.npz"), "an older output");
  EXPECT_EQ(files(),
            (std::set<std::string>{"x.npy", "x8.npy", "fortran.npy", "short.npy", "garbage.npy", "r.bin", "kept.npz"}));
}

TEST_F(TensorFiles, CorruptArchiveIsRefused) {
  write("x.npy", npy("<f4", "(2, 3)", x));
  ok({"quantize", "--format", "mxfp4_e2m1", "--block", "2", "--in", "FILE:x.npy", "--out", "FILE:q.npz"});
  Bytes q = read("q.npz");
  const std::size_t at = q.find(Bytes("\x04\x06\x06\x06\x01\x00", 6));
  ASSERT_NE(at, Bytes::npos);
  q[at] = 5;  // the CRC-32 no longer matches
  write("q.npz", q);
  const Outcome r =
      mxref({"dequantize", "--format", "mxfp4_e2m1", "--block", "2", "--in", "FILE:q.npz", "--out", "FILE:y.npy"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("CRC"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(path("y.npy")));
}

}  // namespace
}  // namespace mxref::tools::cli_tests
