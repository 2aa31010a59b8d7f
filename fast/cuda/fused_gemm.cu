#include "fast/cuda/fused_gemm.hpp"

#include <cstring>
#include <stdexcept>
#include <vector>

#include "fast/cpu/fused_dot.hpp"
#include "fast/cpu/fused_gemm.hpp"
#include "fast/cuda/device_memory.hpp"
#include "fast/cuda/gemm_outputs.hpp"
#include "ref/dot/dot_codes.hpp"

namespace mxref::fast::cuda {

namespace {

constexpr int tile = 16;   // outputs per side of a thread block
constexpr int block = 32;  // elements per scale

// One output per thread; the two code tables (A's then B's, 256 entries each) staged in shared memory.
__global__ void fused_gemm_kernel(FusedModel model, const FusedCode* tables, const std::uint8_t* a_codes,
                                  const std::uint8_t* a_scales, const std::uint8_t* b_codes,
                                  const std::uint8_t* b_scales, const std::uint32_t* c, int m, int n, int k,
                                  std::uint32_t* d, std::uint8_t* settle) {
  __shared__ FusedCode table_a[256], table_b[256];
  const int tx = static_cast<int>(threadIdx.x), ty = static_cast<int>(threadIdx.y);
  table_a[ty * tile + tx] = tables[ty * tile + tx];
  table_b[ty * tile + tx] = tables[256 + ty * tile + tx];
  __syncthreads();
  const int i = static_cast<int>(blockIdx.y) * tile + ty, j = static_cast<int>(blockIdx.x) * tile + tx;
  if (i >= m || j >= n) return;
  const std::size_t at = static_cast<std::size_t>(i) * n + j;
  const FusedRow ra{table_a, a_codes + static_cast<std::size_t>(i) * k,
                    a_scales + static_cast<std::size_t>(i) * (k / block)};
  const FusedRow rb{table_b, b_codes + static_cast<std::size_t>(j) * k,
                    b_scales + static_cast<std::size_t>(j) * (k / block)};
  std::uint32_t out = 0;
  const bool settled = fused_dot(model, ra, rb, k, block, c ? c[at] : 0u, out);
  d[at] = out;
  settle[at] = settled ? 0 : 1;
}

}  // namespace

ExactGemmResult fused_gemm(const ExactGemmInput& in, const AccumulationModel& model) {
  if (in.a.block_size != block || in.b.block_size != block)
    throw std::invalid_argument("the GPU fused GEMM takes blocks of 32");
  const FusedGemm host(in.a, in.b, model, fp32, CastOptions{});  // throws where the integer path does not apply
  std::vector<FusedCode> tables(host.table_a(), host.table_a() + 256);
  tables.insert(tables.end(), host.table_b(), host.table_b() + 256);

  DeviceGemm device(in, block, "fused_gemm");
  DeviceBytes table_bytes(tables.size() * sizeof(FusedCode));
  table_bytes.upload(tables.data());
  const dim3 threads(tile, tile),
      grid(static_cast<unsigned>((in.n + tile - 1) / tile), static_cast<unsigned>((in.m + tile - 1) / tile));
  const double seconds = kernel_seconds(
      [&] {
        fused_gemm_kernel<<<grid, threads>>>(host.model(), reinterpret_cast<const FusedCode*>(table_bytes.get()),
                                             device.a_codes.get(), device.a_scales.get(), device.b_codes.get(),
                                             device.b_scales.get(), device.c_bits(in), static_cast<int>(in.m),
                                             static_cast<int>(in.n), static_cast<int>(in.k), device.d_bits(),
                                             device.settle.get());
      },
      "fused_gemm_kernel");
  return gathered(device.d, device.settle, in.n, seconds, [&](std::size_t i, std::size_t j) {
    return host.reference(operand_row(in.a, in.a_codes, in.a_scales, i, in.k),
                          operand_row(in.b, in.b_codes, in.b_scales, j, in.k), in.c.empty() ? 0 : in.c[i * in.n + j]);
  });
}

}  // namespace mxref::fast::cuda
