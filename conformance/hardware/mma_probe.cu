// Runs tiles of mma.sync or wgmma on the GPU's tensor cores and writes every output bit: the hardware side of
// the accumulation-model check (conformance/hardware/mma_check.py compares it with `mxref dot --model`).
//
//   mma_probe KIND K TILES IN OUT
//
// KIND: e4m3.e4m3, e4m3.e5m2, e5m2.e4m3, e5m2.e5m2 (mma.sync m16n8k32, FP32 accumulate), bf16, f16
// (m16n8k16); with the prefix "wgmma." the same operands through wgmma.mma_async m64n8k32 / m64n8k16 (A from
// registers, B from shared memory), so M = 64 rows per tile instead of 16.
// K: a multiple of the instruction's k; the accumulator is chained from one instruction to the next.
// IN, per tile: A[M][K] codes, B[8][K] codes (1 byte for FP8, 2 little-endian bytes for bf16/f16),
// then C[M][8] FP32 bit patterns. OUT, per tile: D[M][8] FP32 bit patterns, D[i][j] = A_i . B_j + C[i][j].
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <cuda_runtime.h>

namespace {

enum class Kind { e4m3_e4m3, e4m3_e5m2, e5m2_e4m3, e5m2_e5m2, bf16, f16 };

// One instruction: D = A B + C on the fragments of one warp.
template <Kind kind>
__device__ void mma(float d[4], const std::uint32_t a[4], const std::uint32_t b[2], const float c[4]) {
#define MXREF_MMA(SHAPE_TYPES)                                                                                      \
  asm volatile("mma.sync.aligned." SHAPE_TYPES " {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%10,%11,%12,%13};\n"       \
               : "=f"(d[0]), "=f"(d[1]), "=f"(d[2]), "=f"(d[3])                                                     \
               : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]), "f"(c[0]), "f"(c[1]), "f"(c[2]), \
                 "f"(c[3]))
  if constexpr (kind == Kind::e4m3_e4m3) MXREF_MMA("m16n8k32.row.col.f32.e4m3.e4m3.f32");
  if constexpr (kind == Kind::e4m3_e5m2) MXREF_MMA("m16n8k32.row.col.f32.e4m3.e5m2.f32");
  if constexpr (kind == Kind::e5m2_e4m3) MXREF_MMA("m16n8k32.row.col.f32.e5m2.e4m3.f32");
  if constexpr (kind == Kind::e5m2_e5m2) MXREF_MMA("m16n8k32.row.col.f32.e5m2.e5m2.f32");
  if constexpr (kind == Kind::bf16) MXREF_MMA("m16n8k16.row.col.f32.bf16.bf16.f32");
  if constexpr (kind == Kind::f16) MXREF_MMA("m16n8k16.row.col.f32.f16.f16.f32");
#undef MXREF_MMA
}

__host__ __device__ constexpr bool is_fp8(Kind kind) { return kind != Kind::bf16 && kind != Kind::f16; }

// One warpgroup instruction, D = A B + D, waited for: fence, issue, commit and wait in one asm statement, so
// that no compiler-placed access to the accumulator can fall between them. B is described by `b`.
template <Kind kind>
__device__ void wgmma(float d[4], const std::uint32_t a[4], std::uint64_t b) {
#define MXREF_WGMMA(SHAPE_TYPES, IMMEDIATES)                                                          \
  asm volatile(                                                                                       \
      "{\n.reg .pred p;\nsetp.ne.b32 p, 1, 0;\nwgmma.fence.sync.aligned;\n"                           \
      "wgmma.mma_async.sync.aligned." SHAPE_TYPES " {%0,%1,%2,%3}, {%4,%5,%6,%7}, %8, p, " IMMEDIATES \
      ";\n"                                                                                           \
      "wgmma.commit_group.sync.aligned;\nwgmma.wait_group.sync.aligned 0;\n}\n"                       \
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])                                                \
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(b)                                            \
      : "memory")
  if constexpr (kind == Kind::e4m3_e4m3) MXREF_WGMMA("m64n8k32.f32.e4m3.e4m3", "1, 1");
  if constexpr (kind == Kind::e4m3_e5m2) MXREF_WGMMA("m64n8k32.f32.e4m3.e5m2", "1, 1");
  if constexpr (kind == Kind::e5m2_e4m3) MXREF_WGMMA("m64n8k32.f32.e5m2.e4m3", "1, 1");
  if constexpr (kind == Kind::e5m2_e5m2) MXREF_WGMMA("m64n8k32.f32.e5m2.e5m2", "1, 1");
  if constexpr (kind == Kind::bf16) MXREF_WGMMA("m64n8k16.f32.bf16.bf16", "1, 1, 0");
  if constexpr (kind == Kind::f16) MXREF_WGMMA("m64n8k16.f32.f16.f16", "1, 1, 0");
#undef MXREF_WGMMA
}

// A shared-memory matrix descriptor (PTX ISA, wgmma): no swizzling, start address, and both byte offsets
// 128: B's k-slice of one instruction is 8 rows x 32 bytes, two 8 x 16-byte core matrices stored one after
// the other, so whichever offset the unit takes between them, it is 128 bytes.
__device__ std::uint64_t descriptor(const void* shared) {
  const auto address = static_cast<std::uint32_t>(__cvta_generic_to_shared(shared));
  return ((address & 0x3FFFFu) >> 4) | (std::uint64_t{128 >> 4} << 16) | (std::uint64_t{128 >> 4} << 32);
}

// One warp's fragments of a tile whose rows start at `first_row` (16 rows: mma.sync's, or one warp's share of
// wgmma's). Layouts (PTX ISA, mma.m16n8k32 for 8-bit and mma.m16n8k16 for 16-bit operands): g = lane / 4,
// t = lane % 4; A register j holds row g + 8 (j % 2), columns from (t x per) + (k/2)(j / 2); B register j holds
// column g, rows from (t x per) + (k/2) j; D element i is row g + 8 (i / 2), column 2t + i % 2. `per` codes
// share a 32-bit register, lowest column lowest.
template <Kind kind>
struct WarpFragments {
  static constexpr int bytes = is_fp8(kind) ? 1 : 2;
  static constexpr int per = 4 / bytes;
  static constexpr int k_step = is_fp8(kind) ? 32 : 16;
  int first_row, g, t, row_bytes;

  __device__ WarpFragments(int first, int lane, int k_total)
      : first_row(first), g(lane / 4), t(lane % 4), row_bytes(k_total * bytes) {}

  __device__ static std::uint32_t word(const std::uint8_t* row, int column) {
    std::uint32_t w = 0;
    for (int i = 0; i < 4; ++i) w |= static_cast<std::uint32_t>(row[column * bytes + i]) << (8 * i);
    return w;
  }
  __device__ int d_row(int i) const { return first_row + g + 8 * (i / 2); }
  __device__ int d_column(int i) const { return 2 * t + i % 2; }
  // A's registers for the instruction whose k-slice starts at k0.
  __device__ void load_a(std::uint32_t a[4], const std::uint8_t* a_codes, int k0) const {
    for (int j = 0; j < 4; ++j)
      a[j] = word(a_codes + static_cast<std::size_t>(first_row + g + 8 * (j % 2)) * row_bytes,
                  k0 + t * per + (k_step / 2) * (j / 2));
  }
  __device__ void load_b(std::uint32_t b[2], const std::uint8_t* b_codes, int k0) const {
    for (int j = 0; j < 2; ++j)
      b[j] = word(b_codes + static_cast<std::size_t>(g) * row_bytes, k0 + t * per + (k_step / 2) * j);
  }
  __device__ void load_c(float acc[4], const std::uint8_t* c_bits) const {
    for (int i = 0; i < 4; ++i) {
      std::uint32_t bits;
      std::memcpy(&bits, c_bits + 4 * (d_row(i) * 8 + d_column(i)), 4);
      acc[i] = __uint_as_float(bits);
    }
  }
  __device__ void store_d(std::uint32_t* d_tile, const float acc[4]) const {
    for (int i = 0; i < 4; ++i) d_tile[d_row(i) * 8 + d_column(i)] = __float_as_uint(acc[i]);
  }
};

// One warp per tile of 16 rows.
template <Kind kind>
__global__ void tiles(const std::uint8_t* in, std::uint32_t* out, int k_total, int count) {
  using Fragments = WarpFragments<kind>;
  const int tile = static_cast<int>(blockIdx.x) * (blockDim.x / 32) + static_cast<int>(threadIdx.x) / 32;
  if (tile >= count) return;
  const Fragments f(0, static_cast<int>(threadIdx.x) % 32, k_total);
  const std::size_t tile_bytes = static_cast<std::size_t>(24) * f.row_bytes + 16 * 8 * 4;
  const std::uint8_t* a_codes = in + tile_bytes * tile;
  const std::uint8_t* b_codes = a_codes + static_cast<std::size_t>(16) * f.row_bytes;
  float acc[4];
  f.load_c(acc, b_codes + static_cast<std::size_t>(8) * f.row_bytes);
  for (int k0 = 0; k0 < k_total; k0 += Fragments::k_step) {
    std::uint32_t a[4], b[2];
    f.load_a(a, a_codes, k0);
    f.load_b(b, b_codes, k0);
    float d[4];
    mma<kind>(d, a, b, acc);
    for (int i = 0; i < 4; ++i) acc[i] = d[i];
  }
  f.store_d(out + static_cast<std::size_t>(tile) * 128, acc);
}

// One warpgroup (128 threads) per tile of 64 rows: warp w holds rows 16w..16w+15 in the mma.sync fragment
// layout above (wgmma's register fragments are those of mma.sync per warp). B's k-slice for instruction s
// lies at 256 s in shared memory: core matrix h (bytes 16h..16h+15 of each row's 32) at 128 h, row n at 16 n.
template <Kind kind>
__global__ void warpgroup_tiles(const std::uint8_t* in, std::uint32_t* out, int k_total) {
  using Fragments = WarpFragments<kind>;
  extern __shared__ __align__(128) std::uint8_t b_shared[];
  const int tile = static_cast<int>(blockIdx.x);
  const Fragments f(16 * (static_cast<int>(threadIdx.x) / 32), static_cast<int>(threadIdx.x) % 32, k_total);
  const std::size_t tile_bytes = static_cast<std::size_t>(72) * f.row_bytes + 64 * 8 * 4;
  const std::uint8_t* a_codes = in + tile_bytes * tile;
  const std::uint8_t* b_codes = a_codes + static_cast<std::size_t>(64) * f.row_bytes;
  for (int i = static_cast<int>(threadIdx.x); i < 8 * f.row_bytes; i += 128) {
    const int n = i / f.row_bytes, q = i % f.row_bytes, slice = q / 32, h = (q % 32) / 16;
    b_shared[256 * slice + 128 * h + 16 * n + q % 16] = b_codes[i];
  }
  asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");  // the stores above, seen by wgmma
  __syncthreads();
  float acc[4];
  f.load_c(acc, b_codes + static_cast<std::size_t>(8) * f.row_bytes);
  for (int k0 = 0; k0 < k_total; k0 += Fragments::k_step) {
    std::uint32_t a[4];
    f.load_a(a, a_codes, k0);
    wgmma<kind>(acc, a, descriptor(b_shared + 256 * (k0 / Fragments::k_step)));
  }
  f.store_d(out + static_cast<std::size_t>(tile) * 512, acc);
}

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "mma_probe: %s\n", why.c_str());
  std::exit(2);
}

void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) fail(std::string(what) + ": " + cudaGetErrorString(e));
}

template <Kind kind>
void launch(bool warpgroup, const std::uint8_t* in, std::uint32_t* out, int k, int count) {
  constexpr int bytes = is_fp8(kind) ? 1 : 2;
  if (warpgroup) {
    const int shared = 8 * k * bytes;  // B, up to 64 KiB: beyond the default 48 KiB, so asked for
    check(cudaFuncSetAttribute(warpgroup_tiles<kind>, cudaFuncAttributeMaxDynamicSharedMemorySize, shared),
          "cudaFuncSetAttribute");
    warpgroup_tiles<kind><<<count, 128, shared>>>(in, out, k);
  } else {
    const int warps = 4, blocks = (count + warps - 1) / warps;
    tiles<kind><<<blocks, 32 * warps>>>(in, out, k, count);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) fail("usage: mma_probe KIND K TILES IN OUT");
  std::string name = argv[1];
  const bool warpgroup = name.rfind("wgmma.", 0) == 0;
  if (warpgroup) name = name.substr(6);
  const int k = std::atoi(argv[2]);
  const int count = std::atoi(argv[3]);
  Kind kind;
  if (name == "e4m3.e4m3") kind = Kind::e4m3_e4m3;
  else if (name == "e4m3.e5m2") kind = Kind::e4m3_e5m2;
  else if (name == "e5m2.e4m3") kind = Kind::e5m2_e4m3;
  else if (name == "e5m2.e5m2") kind = Kind::e5m2_e5m2;
  else if (name == "bf16") kind = Kind::bf16;
  else if (name == "f16") kind = Kind::f16;
  else fail("unknown KIND '" + std::string(argv[1]) + "'");
  const int step = is_fp8(kind) ? 32 : 16;
  if (k < step || k % step != 0 || k > 4096 || count < 1)
    fail("K must be a positive multiple of the instruction's k, at most 4096");
  const int rows = warpgroup ? 64 : 16;
  const std::size_t tile_bytes =
      static_cast<std::size_t>(rows + 8) * k * (is_fp8(kind) ? 1 : 2) + static_cast<std::size_t>(rows) * 8 * 4;
  std::vector<std::uint8_t> in(tile_bytes * count);
  std::FILE* f = std::fopen(argv[4], "rb");
  if (!f || std::fread(in.data(), 1, in.size(), f) != in.size()) fail(std::string("cannot read ") + argv[4]);
  std::fclose(f);
  std::uint8_t* device_in = nullptr;
  std::uint32_t* device_out = nullptr;
  const std::size_t outputs = static_cast<std::size_t>(count) * rows * 8;
  check(cudaMalloc(&device_in, in.size()), "cudaMalloc");
  check(cudaMalloc(&device_out, outputs * 4), "cudaMalloc");
  check(cudaMemcpy(device_in, in.data(), in.size(), cudaMemcpyHostToDevice), "cudaMemcpy");
  switch (kind) {
    case Kind::e4m3_e4m3: launch<Kind::e4m3_e4m3>(warpgroup, device_in, device_out, k, count); break;
    case Kind::e4m3_e5m2: launch<Kind::e4m3_e5m2>(warpgroup, device_in, device_out, k, count); break;
    case Kind::e5m2_e4m3: launch<Kind::e5m2_e4m3>(warpgroup, device_in, device_out, k, count); break;
    case Kind::e5m2_e5m2: launch<Kind::e5m2_e5m2>(warpgroup, device_in, device_out, k, count); break;
    case Kind::bf16: launch<Kind::bf16>(warpgroup, device_in, device_out, k, count); break;
    case Kind::f16: launch<Kind::f16>(warpgroup, device_in, device_out, k, count); break;
  }
  check(cudaGetLastError(), "launch");
  check(cudaDeviceSynchronize(), "kernel");
  std::vector<std::uint32_t> out(outputs);
  check(cudaMemcpy(out.data(), device_out, out.size() * 4, cudaMemcpyDeviceToHost), "cudaMemcpy");
  const std::string temporary = std::string(argv[5]) + ".part";
  std::FILE* o = std::fopen(temporary.c_str(), "wb");
  if (!o || std::fwrite(out.data(), 4, out.size(), o) != out.size() || std::fclose(o) != 0)
    fail(std::string("cannot write ") + argv[5]);
  if (std::rename(temporary.c_str(), argv[5]) != 0) fail(std::string("cannot write ") + argv[5]);
  return 0;
}
