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

constexpr int tile = 16;  // outputs per side of a thread block
static_assert(tile * tile == 256, "each thread of a block copies one entry of each table");

// The code tables (A's elements, B's elements, A's scales, B's scales: 256 entries each) and the tensor scales.
struct Codes {
  FusedCode tables[4][256];
  FusedCode tensor_a, tensor_b;
};

// One output per thread; the code tables staged in shared memory.
__global__ void fused_gemm_kernel(FusedModel model, const Codes* codes, const std::uint8_t* a_codes,
                                  const std::uint8_t* a_scales, const std::uint8_t* b_codes,
                                  const std::uint8_t* b_scales, const std::uint32_t* c, int m, int n, int k, int block,
                                  std::uint32_t* d, std::uint8_t* settle) {
  __shared__ FusedCode tables[4][256];
  const int tx = static_cast<int>(threadIdx.x), ty = static_cast<int>(threadIdx.y);
  for (int t = 0; t < 4; ++t) tables[t][ty * tile + tx] = codes->tables[t][ty * tile + tx];
  __syncthreads();
  const int i = static_cast<int>(blockIdx.y) * tile + ty, j = static_cast<int>(blockIdx.x) * tile + tx;
  if (i >= m || j >= n) return;
  const std::size_t at = static_cast<std::size_t>(i) * n + j;
  const FusedRow ra{tables[0], a_codes + static_cast<std::size_t>(i) * k,
                    a_scales + static_cast<std::size_t>(i) * (k / block), tables[2], codes->tensor_a};
  const FusedRow rb{tables[1], b_codes + static_cast<std::size_t>(j) * k,
                    b_scales + static_cast<std::size_t>(j) * (k / block), tables[3], codes->tensor_b};
  std::uint32_t out = 0;
  const bool settled = fused_dot(model, ra, rb, k, block, c ? c[at] : 0u, out);
  d[at] = out;
  settle[at] = settled ? 0 : 1;
}

}  // namespace

ExactGemmResult fused_gemm(const ExactGemmInput& in, const AccumulationModel& model) {
  const FusedGemm host(in.a, in.b, model, fp32, CastOptions{});  // throws where the integer path does not apply
  DeviceGemm device(in, "fused_gemm");
  Codes codes{};
  const FusedCode* tables[] = {host.table_a(), host.table_b(), host.scale_table_a(), host.scale_table_b()};
  for (int t = 0; t < 4; ++t) std::memcpy(codes.tables[t], tables[t], sizeof codes.tables[t]);
  codes.tensor_a = tensor_of(in.a_tensor_scale);
  codes.tensor_b = tensor_of(in.b_tensor_scale);
  DeviceBytes code_bytes(sizeof(Codes));
  code_bytes.upload(&codes);
  const dim3 threads(tile, tile),
      grid(static_cast<unsigned>((in.n + tile - 1) / tile), static_cast<unsigned>((in.m + tile - 1) / tile));
  const double seconds = kernel_seconds(
      [&] {
        fused_gemm_kernel<<<grid, threads>>>(
            host.model(), reinterpret_cast<const Codes*>(code_bytes.get()), device.a_codes.get(), device.a_scales.get(),
            device.b_codes.get(), device.b_scales.get(), device.c_bits(in), static_cast<int>(in.m),
            static_cast<int>(in.n), static_cast<int>(in.k), in.a.block_size, device.d_bits(), device.settle.get());
      },
      "fused_gemm_kernel");
  return gathered(device.d, device.settle, in.n, seconds, [&](std::size_t i, std::size_t j) {
    return host.reference(operand_row(in, true, i), operand_row(in, false, j), in.c.empty() ? 0 : in.c[i * in.n + j]);
  });
}

}  // namespace mxref::fast::cuda
