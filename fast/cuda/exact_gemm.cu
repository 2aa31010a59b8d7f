#include "fast/cuda/exact_gemm.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

#include "fast/cpu/exact_gemm.hpp"
#include "fast/cpu/wide_sum.hpp"
#include "fast/cuda/device_memory.hpp"
#include "fast/cuda/gemm_outputs.hpp"
#include "ref/decode.hpp"
#include "ref/dot/dot.hpp"
#include "ref/dot/dot_codes.hpp"

namespace mxref::fast::cuda {

namespace {

constexpr int tile = 16;   // outputs per side of a thread block
constexpr int block = 32;  // elements per scale
static_assert(tile * tile == 256, "each thread of a block copies one entry of each table");

struct Tables {
  double qa[256];
  double qb[256];
};

// One output per thread; A's and B's 16-row tiles of one 32-element block staged in shared memory as FP64.
__global__ void exact_gemm_kernel(const std::uint8_t* a_codes, const std::uint8_t* a_scales,
                                  const std::uint8_t* b_codes, const std::uint8_t* b_scales, const std::uint32_t* c,
                                  const std::uint8_t* a_general, const std::uint8_t* b_general, Tables tables,
                                  std::int64_t quantum, int m, int n, int k, std::uint32_t* d, std::uint8_t* settle) {
  __shared__ double qa[tile][block + 1];
  __shared__ double qb[tile][block + 1];
  __shared__ int ea[tile], eb[tile];
  // The tables in shared memory: from the parameter space, threads reading different codes are served one by one.
  __shared__ double table_a[256], table_b[256];
  const int tx = static_cast<int>(threadIdx.x), ty = static_cast<int>(threadIdx.y);
  table_a[ty * tile + tx] = tables.qa[ty * tile + tx];
  table_b[ty * tile + tx] = tables.qb[ty * tile + tx];
  __syncthreads();
  const int i = static_cast<int>(blockIdx.y) * tile + ty, j = static_cast<int>(blockIdx.x) * tile + tx;
  const int blocks = k / block;
  WideSum sum;
  for (int kb = 0; kb < blocks; ++kb) {
    // 256 threads load 2 x 16 x 32 codes: each thread two of A's and two of B's.
    for (int l = ty * tile + tx; l < tile * block; l += tile * tile) {
      const int r = l / block, col = l % block;
      const int ra = static_cast<int>(blockIdx.y) * tile + r, rb = static_cast<int>(blockIdx.x) * tile + r;
      qa[r][col] = ra < m ? table_a[a_codes[static_cast<std::size_t>(ra) * k + kb * block + col]] : 0.0;
      qb[r][col] = rb < n ? table_b[b_codes[static_cast<std::size_t>(rb) * k + kb * block + col]] : 0.0;
    }
    if (ty == 0) {
      const int ra = static_cast<int>(blockIdx.y) * tile + tx, rb = static_cast<int>(blockIdx.x) * tile + tx;
      ea[tx] = ra < m ? static_cast<int>(a_scales[static_cast<std::size_t>(ra) * blocks + kb]) - 127 : 0;
      eb[tx] = rb < n ? static_cast<int>(b_scales[static_cast<std::size_t>(rb) * blocks + kb]) - 127 : 0;
    }
    __syncthreads();
    double s = 0;  // integers below 2^53: every FMA is exact
    for (int col = 0; col < block; ++col) s = fma(qa[ty][col], qb[tx][col], s);
    sum.add(static_cast<std::int64_t>(s), quantum + ea[ty] + eb[tx]);
    __syncthreads();
  }
  if (i >= m || j >= n) return;
  const std::size_t at = static_cast<std::size_t>(i) * n + j;
  const std::uint32_t cbits = c ? c[at] : 0;
  const std::uint32_t c_field = cbits >> 23 & 0xFF, c_fraction = cbits & 0x7FFFFF;
  if (a_general[i] || b_general[j] || c_field == 0xFF) {
    settle[at] = 1;
    return;
  }
  if (c_field || c_fraction) {  // C = ±significand x 2^exponent
    const auto significand = static_cast<std::int64_t>(c_field ? (c_fraction | 1u << 23) : c_fraction);
    sum.add(cbits >> 31 ? -significand : significand, c_field ? static_cast<std::int64_t>(c_field) - 150 : -149);
  }
  if (sum.overflow || sum.value == 0) {
    settle[at] = 1;
    return;
  }
  d[at] = fp32_nearest(sum.value < 0, magnitude(sum.value), sum.low);
  settle[at] = 0;
}

}  // namespace

ExactGemmResult exact_gemm(const ExactGemmInput& in) {
  if (!ExactGemm::applies(in.a, in.b) || in.a.block_size != block || in.b.block_size != block)
    throw std::invalid_argument("the GPU exact GEMM takes what the CPU integer path takes, in blocks of 32");
  DeviceGemm device(in, block, "exact_gemm");
  const ExactGemm host(in.a, in.b, fp32, CastOptions{});
  Tables tables{};
  double largest_a = 0, largest_b = 0;
  for (int code = 0; code < 256; ++code) {
    const auto c = static_cast<std::uint8_t>(code);
    tables.qa[code] = host.finite_a(c) ? host.q_a(c) : 0.0;
    tables.qb[code] = host.finite_b(c) ? host.q_b(c) : 0.0;
    largest_a = std::max(largest_a, std::abs(tables.qa[code]));
    largest_b = std::max(largest_b, std::abs(tables.qb[code]));
  }
  // Every partial sum of a block an integer below 2^53, so that FP64 holds it exactly.
  if (largest_a * largest_b * block >= 0x1p53)
    throw std::invalid_argument("the GPU exact GEMM needs block sums below 2^53");
  // A row with a NaN scale (0xFF) or an element the integer path leaves to the reference.
  const auto general = [&](std::span<const std::uint8_t> codes, std::span<const std::uint8_t> scales, std::size_t rows,
                           bool is_a) {
    std::vector<std::uint8_t> out(rows, 0);
    const std::size_t blocks = in.k / block;
    for (std::size_t r = 0; r < rows; ++r) {
      for (std::size_t kb = 0; kb < blocks; ++kb) out[r] |= scales[r * blocks + kb] == 0xFF;
      for (std::size_t col = 0; col < in.k; ++col) {
        const std::uint8_t code = codes[r * in.k + col];
        out[r] |= !(is_a ? host.finite_a(code) : host.finite_b(code));
      }
    }
    return out;
  };
  const std::vector<std::uint8_t> a_general = general(in.a_codes, in.a_scales, in.m, true);
  const std::vector<std::uint8_t> b_general = general(in.b_codes, in.b_scales, in.n, false);

  DeviceBytes ag(in.m), bg(in.n);
  ag.upload(a_general.data());
  bg.upload(b_general.data());
  const dim3 threads(tile, tile),
      grid(static_cast<unsigned>((in.n + tile - 1) / tile), static_cast<unsigned>((in.m + tile - 1) / tile));
  const double seconds = kernel_seconds(
      [&] {
        exact_gemm_kernel<<<grid, threads>>>(device.a_codes.get(), device.a_scales.get(), device.b_codes.get(),
                                             device.b_scales.get(), device.c_bits(in), ag.get(), bg.get(), tables,
                                             host.quantum(), static_cast<int>(in.m), static_cast<int>(in.n),
                                             static_cast<int>(in.k), device.d_bits(), device.settle.get());
      },
      "exact_gemm_kernel");
  return gathered(device.d, device.settle, in.n, seconds, [&](std::size_t i, std::size_t j) {
    const DotOperand ra = operand_row(in.a, in.a_codes, in.a_scales, i, in.k),
                     rb = operand_row(in.b, in.b_codes, in.b_scales, j, in.k);
    return host.code(host.prepare_a(ra), host.prepare_b(rb), ra, rb, in.c.empty() ? 0 : in.c[i * in.n + j]);
  });
}

}  // namespace mxref::fast::cuda
