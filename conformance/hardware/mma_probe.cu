// Runs tiles of mma.sync on the GPU's tensor cores and writes every output bit: the hardware side of the
// accumulation-model check (conformance/hardware/mma_check.py compares it with `mxref dot --model`).
//
//   mma_probe KIND K TILES IN OUT
//
// KIND: e4m3.e4m3, e4m3.e5m2, e5m2.e4m3, e5m2.e5m2 (m16n8k32, FP32 accumulate), bf16, f16 (m16n8k16).
// K: a multiple of the instruction's k; the accumulator is chained from one instruction to the next.
// IN, per tile: A[16][K] codes, B[8][K] codes (1 byte for FP8, 2 little-endian bytes for bf16/f16),
// then C[16][8] FP32 bit patterns. OUT, per tile: D[16][8] FP32 bit patterns, D[i][j] = A_i . B_j + C[i][j].
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

// One warp per tile. Fragment layouts (PTX ISA, mma.m16n8k32 for 8-bit and mma.m16n8k16 for 16-bit
// operands): g = lane / 4, t = lane % 4; A register j holds row g + 8 (j % 2), columns from
// (t x per) + (k/2)(j / 2); B register j holds column g, rows from (t x per) + (k/2) j; D element i is
// row g + 8 (i / 2), column 2t + i % 2. `per` codes share a 32-bit register, lowest column lowest.
template <Kind kind>
__global__ void tiles(const std::uint8_t* in, std::uint32_t* out, int k_total, int count) {
  constexpr int bytes = is_fp8(kind) ? 1 : 2;
  constexpr int per = 4 / bytes;
  constexpr int k_step = is_fp8(kind) ? 32 : 16;
  const int tile = static_cast<int>(blockIdx.x) * (blockDim.x / 32) + static_cast<int>(threadIdx.x) / 32;
  if (tile >= count) return;
  const int lane = static_cast<int>(threadIdx.x) % 32, g = lane / 4, t = lane % 4;
  const std::size_t tile_bytes = static_cast<std::size_t>(24) * k_total * bytes + 16 * 8 * 4;
  const std::uint8_t* a_codes = in + tile_bytes * tile;
  const std::uint8_t* b_codes = a_codes + static_cast<std::size_t>(16) * k_total * bytes;
  const std::uint8_t* c_bits = b_codes + static_cast<std::size_t>(8) * k_total * bytes;
  const auto word = [&](const std::uint8_t* row, int column) {
    std::uint32_t w = 0;
    for (int i = 0; i < 4; ++i) w |= static_cast<std::uint32_t>(row[column * bytes + i]) << (8 * i);
    return w;
  };
  float acc[4];
  for (int i = 0; i < 4; ++i) {
    const int row = g + 8 * (i / 2), column = 2 * t + i % 2;
    std::uint32_t bits;
    std::memcpy(&bits, c_bits + 4 * (row * 8 + column), 4);
    acc[i] = __uint_as_float(bits);
  }
  for (int k0 = 0; k0 < k_total; k0 += k_step) {
    std::uint32_t a[4], b[2];
    for (int j = 0; j < 4; ++j)
      a[j] = word(a_codes + static_cast<std::size_t>(g + 8 * (j % 2)) * k_total * bytes,
                  k0 + t * per + (k_step / 2) * (j / 2));
    for (int j = 0; j < 2; ++j)
      b[j] = word(b_codes + static_cast<std::size_t>(g) * k_total * bytes, k0 + t * per + (k_step / 2) * j);
    float d[4];
    mma<kind>(d, a, b, acc);
    for (int i = 0; i < 4; ++i) acc[i] = d[i];
  }
  for (int i = 0; i < 4; ++i) {
    const int row = g + 8 * (i / 2), column = 2 * t + i % 2;
    out[static_cast<std::size_t>(tile) * 128 + row * 8 + column] = __float_as_uint(acc[i]);
  }
}

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "mma_probe: %s\n", why.c_str());
  std::exit(2);
}

void check(cudaError_t e, const char* what) {
  if (e != cudaSuccess) fail(std::string(what) + ": " + cudaGetErrorString(e));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) fail("usage: mma_probe KIND K TILES IN OUT");
  const std::string name = argv[1];
  const int k = std::atoi(argv[2]);
  const int count = std::atoi(argv[3]);
  Kind kind;
  if (name == "e4m3.e4m3") kind = Kind::e4m3_e4m3;
  else if (name == "e4m3.e5m2") kind = Kind::e4m3_e5m2;
  else if (name == "e5m2.e4m3") kind = Kind::e5m2_e4m3;
  else if (name == "e5m2.e5m2") kind = Kind::e5m2_e5m2;
  else if (name == "bf16") kind = Kind::bf16;
  else if (name == "f16") kind = Kind::f16;
  else fail("unknown KIND '" + name + "'");
  const int step = is_fp8(kind) ? 32 : 16;
  if (k < step || k % step != 0 || count < 1) fail("K must be a positive multiple of the instruction's k");
  const std::size_t tile_bytes = static_cast<std::size_t>(24) * k * (is_fp8(kind) ? 1 : 2) + 16 * 8 * 4;
  std::vector<std::uint8_t> in(tile_bytes * count);
  std::FILE* f = std::fopen(argv[4], "rb");
  if (!f || std::fread(in.data(), 1, in.size(), f) != in.size()) fail(std::string("cannot read ") + argv[4]);
  std::fclose(f);
  std::uint8_t* device_in = nullptr;
  std::uint32_t* device_out = nullptr;
  check(cudaMalloc(&device_in, in.size()), "cudaMalloc");
  check(cudaMalloc(&device_out, static_cast<std::size_t>(count) * 128 * 4), "cudaMalloc");
  check(cudaMemcpy(device_in, in.data(), in.size(), cudaMemcpyHostToDevice), "cudaMemcpy");
  const int warps = 4, blocks = (count + warps - 1) / warps;
  switch (kind) {
    case Kind::e4m3_e4m3: tiles<Kind::e4m3_e4m3><<<blocks, 32 * warps>>>(device_in, device_out, k, count); break;
    case Kind::e4m3_e5m2: tiles<Kind::e4m3_e5m2><<<blocks, 32 * warps>>>(device_in, device_out, k, count); break;
    case Kind::e5m2_e4m3: tiles<Kind::e5m2_e4m3><<<blocks, 32 * warps>>>(device_in, device_out, k, count); break;
    case Kind::e5m2_e5m2: tiles<Kind::e5m2_e5m2><<<blocks, 32 * warps>>>(device_in, device_out, k, count); break;
    case Kind::bf16: tiles<Kind::bf16><<<blocks, 32 * warps>>>(device_in, device_out, k, count); break;
    case Kind::f16: tiles<Kind::f16><<<blocks, 32 * warps>>>(device_in, device_out, k, count); break;
  }
  check(cudaGetLastError(), "launch");
  check(cudaDeviceSynchronize(), "kernel");
  std::vector<std::uint32_t> out(static_cast<std::size_t>(count) * 128);
  check(cudaMemcpy(out.data(), device_out, out.size() * 4, cudaMemcpyDeviceToHost), "cudaMemcpy");
  const std::string temporary = std::string(argv[5]) + ".part";
  std::FILE* o = std::fopen(temporary.c_str(), "wb");
  if (!o || std::fwrite(out.data(), 4, out.size(), o) != out.size() || std::fclose(o) != 0)
    fail(std::string("cannot write ") + argv[5]);
  if (std::rename(temporary.c_str(), argv[5]) != 0) fail(std::string("cannot write ") + argv[5]);
  return 0;
}
