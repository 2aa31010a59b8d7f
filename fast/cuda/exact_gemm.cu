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

constexpr int tile = 16;  // outputs per side of a thread block
static_assert(tile * tile == 256, "each thread of a block copies one entry of each table");

// The codes as the kernel reads them: elements as q (FP64, exact), scales as s x 2^x.
struct Tables {
  double qa[256], qb[256];
  double sa[256], sb[256];
  int xa[256], xb[256];
};

// The tensor scales' product, s x 2^x (1 for MX).
struct Tensor {
  std::int64_t s = 1;
  std::int64_t x = 0;
};

// One output per thread; A's and B's 16-row tiles of one block staged in shared memory as FP64.
template <int Block>
__global__ void exact_gemm_kernel(const std::uint8_t* a_codes, const std::uint8_t* a_scales,
                                  const std::uint8_t* b_codes, const std::uint8_t* b_scales, const std::uint32_t* c,
                                  const std::uint8_t* a_general, const std::uint8_t* b_general, const Tables* tables,
                                  Tensor tensor, std::int64_t quantum, int m, int n, int k, std::uint32_t* d,
                                  std::uint8_t* settle) {
  __shared__ double qa[tile][Block + 1];
  __shared__ double qb[tile][Block + 1];
  __shared__ double sa[tile], sb[tile];
  __shared__ int ea[tile], eb[tile];
  // The tables in shared memory: threads reading different codes from global memory are served one by one.
  __shared__ Tables table;
  const int tx = static_cast<int>(threadIdx.x), ty = static_cast<int>(threadIdx.y), at_table = ty * tile + tx;
  table.qa[at_table] = tables->qa[at_table];
  table.qb[at_table] = tables->qb[at_table];
  table.sa[at_table] = tables->sa[at_table];
  table.sb[at_table] = tables->sb[at_table];
  table.xa[at_table] = tables->xa[at_table];
  table.xb[at_table] = tables->xb[at_table];
  __syncthreads();
  const int i = static_cast<int>(blockIdx.y) * tile + ty, j = static_cast<int>(blockIdx.x) * tile + tx;
  const int blocks = k / Block;
  WideSum sum;
  for (int kb = 0; kb < blocks; ++kb) {
    // 256 threads load 2 x 16 x Block codes.
    for (int l = ty * tile + tx; l < tile * Block; l += tile * tile) {
      const int r = l / Block, col = l % Block;
      const int ra = static_cast<int>(blockIdx.y) * tile + r, rb = static_cast<int>(blockIdx.x) * tile + r;
      qa[r][col] = ra < m ? table.qa[a_codes[static_cast<std::size_t>(ra) * k + kb * Block + col]] : 0.0;
      qb[r][col] = rb < n ? table.qb[b_codes[static_cast<std::size_t>(rb) * k + kb * Block + col]] : 0.0;
    }
    if (ty == 0) {
      const int ra = static_cast<int>(blockIdx.y) * tile + tx, rb = static_cast<int>(blockIdx.x) * tile + tx;
      const int scale_a = ra < m ? a_scales[static_cast<std::size_t>(ra) * blocks + kb] : 0;
      const int scale_b = rb < n ? b_scales[static_cast<std::size_t>(rb) * blocks + kb] : 0;
      sa[tx] = table.sa[scale_a];
      ea[tx] = table.xa[scale_a];
      sb[tx] = table.sb[scale_b];
      eb[tx] = table.xb[scale_b];
    }
    __syncthreads();
    double s = 0;  // integers below 2^53, also times the scales' significands: every operation is exact
    for (int col = 0; col < Block; ++col) s = fma(qa[ty][col], qb[tx][col], s);
    sum.add(static_cast<std::int64_t>(s * sa[ty] * sb[tx]), quantum + ea[ty] + eb[tx]);
    __syncthreads();
  }
  if (i >= m || j >= n) return;
  if (tensor.s != 1 || tensor.x != 0) sum.multiply(tensor.s, tensor.x);
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

FusedCode tensor_of(std::uint32_t bits) {
  const Value v = decode(fp32, bits);
  if (!v.is_finite() || v.negative)
    throw std::invalid_argument("a GPU GEMM's tensor scale must be finite and positive");
  return tensor_code(v.magnitude);
}

DotOperand operand_row(const ExactGemmInput& in, bool a, std::size_t row) {
  const std::uint32_t tensor = a ? in.a_tensor_scale : in.b_tensor_scale;
  return mxref::operand_row(
      a ? in.a : in.b, row, in.k, [&](std::size_t i) { return (a ? in.a_codes : in.b_codes)[i]; },
      [&](std::size_t i) { return (a ? in.a_scales : in.b_scales)[i]; }, decode(fp32, tensor).magnitude);
}

ExactGemmResult exact_gemm(const ExactGemmInput& in) {
  if (!ExactGemm::applies(in.a, in.b))
    throw std::invalid_argument("the GPU exact GEMM takes what the CPU integer path takes");
  DeviceGemm device(in, "exact_gemm");
  const int block = in.a.block_size;
  const ExactGemm host(in.a, in.b, fp32, CastOptions{});
  Tables tables{};
  double largest_a = 0, largest_b = 0, scale_a = 1, scale_b = 1;
  for (int code = 0; code < 256; ++code) {
    const auto c = static_cast<std::uint8_t>(code);
    tables.qa[code] = host.finite_a(c) ? host.q_a(c) : 0.0;
    tables.qb[code] = host.finite_b(c) ? host.q_b(c) : 0.0;
    tables.sa[code] = host.scale_a(c).s;
    tables.xa[code] = host.scale_a(c).x;
    tables.sb[code] = host.scale_b(c).s;
    tables.xb[code] = host.scale_b(c).x;
    largest_a = std::max(largest_a, std::abs(tables.qa[code]));
    largest_b = std::max(largest_b, std::abs(tables.qb[code]));
    scale_a = std::max(scale_a, std::abs(tables.sa[code]));
    scale_b = std::max(scale_b, std::abs(tables.sb[code]));
  }
  // Every partial sum of a block, times the scales' significands, an integer below 2^53: FP64 holds it exactly.
  if (largest_a * largest_b * block * scale_a * scale_b >= 0x1p53)
    throw std::invalid_argument("the GPU exact GEMM needs block sums below 2^53");
  const FusedCode ta = tensor_of(in.a_tensor_scale), tb = tensor_of(in.b_tensor_scale);
  const Tensor tensor{static_cast<std::int64_t>(ta.s) * tb.s, static_cast<std::int64_t>(ta.x) + tb.x};
  // A row with a NaN scale or an element the integer path leaves to the reference.
  const auto general = [&](std::span<const std::uint8_t> codes, std::span<const std::uint8_t> scales, std::size_t rows,
                           bool is_a) {
    std::vector<std::uint8_t> out(rows, 0);
    const std::size_t blocks = in.k / static_cast<std::size_t>(block);
    for (std::size_t r = 0; r < rows; ++r) {
      for (std::size_t kb = 0; kb < blocks; ++kb) {
        const std::uint8_t scale = scales[r * blocks + kb];
        out[r] |= !(is_a ? host.scale_a(scale) : host.scale_b(scale)).finite;
      }
      for (std::size_t col = 0; col < in.k; ++col) {
        const std::uint8_t code = codes[r * in.k + col];
        out[r] |= !(is_a ? host.finite_a(code) : host.finite_b(code));
      }
    }
    return out;
  };
  const std::vector<std::uint8_t> a_general = general(in.a_codes, in.a_scales, in.m, true);
  const std::vector<std::uint8_t> b_general = general(in.b_codes, in.b_scales, in.n, false);

  DeviceBytes ag(in.m), bg(in.n), table_bytes(sizeof(Tables));
  ag.upload(a_general.data());
  bg.upload(b_general.data());
  table_bytes.upload(&tables);
  const dim3 threads(tile, tile),
      grid(static_cast<unsigned>((in.n + tile - 1) / tile), static_cast<unsigned>((in.m + tile - 1) / tile));
  const auto launch = [&](auto kernel) {
    kernel<<<grid, threads>>>(device.a_codes.get(), device.a_scales.get(), device.b_codes.get(), device.b_scales.get(),
                              device.c_bits(in), ag.get(), bg.get(), reinterpret_cast<const Tables*>(table_bytes.get()),
                              tensor, host.quantum(), static_cast<int>(in.m), static_cast<int>(in.n),
                              static_cast<int>(in.k), device.d_bits(), device.settle.get());
  };
  const double seconds = kernel_seconds(
      [&] { block == 16 ? launch(exact_gemm_kernel<16>) : launch(exact_gemm_kernel<32>); }, "exact_gemm_kernel");
  return gathered(device.d, device.settle, in.n, seconds, [&](std::size_t i, std::size_t j) {
    const DotOperand ra = operand_row(in, true, i), rb = operand_row(in, false, j);
    return host.code(host.prepare_a(ra), host.prepare_b(rb), ra, rb, in.c.empty() ? 0 : in.c[i * in.n + j]);
  });
}

}  // namespace mxref::fast::cuda
