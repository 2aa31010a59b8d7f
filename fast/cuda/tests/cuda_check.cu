#include "fast/cuda/tests/cuda_check.hpp"

#include <cuda_runtime.h>

#include <algorithm>
#include <bit>
#include <atomic>
#include <cstdio>
#include <functional>
#include <optional>
#include <stdexcept>
#include <thread>

#include "fast/cpu/block_scalar.hpp"
#include "fast/cuda/device_memory.hpp"
#include "fast/cuda/launch.cuh"
#include "fast/cuda/nvfp4_quantize.hpp"
#include "ref/block/block_format.hpp"
#include "ref/block/packing.hpp"
#include "ref/block/profile.hpp"

namespace mxref::cuda_check {

namespace {

using fast::cuda::check;
using fast::cuda::DeviceBytes;

std::size_t size_of(fast::FloatData d) { return d == fast::FloatData::fp32 ? 4 : 2; }

// The sum of f(i) over i = 0 .. count - 1, on every core (the CPU's side of an exhaustive check).
template <class F>
std::size_t parallel_sum(std::uint64_t count, F f) {
  std::atomic<std::size_t> sum{0};
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      std::size_t mine = 0;
      for (std::uint64_t i = t; i < count; i += threads) mine += f(i);
      sum += mine;
    });
  for (std::thread& t : pool) t.join();
  return sum;
}

std::string first_difference(const std::vector<std::uint8_t>& got, const std::vector<std::uint8_t>& want) {
  if (got.size() != want.size()) return "size " + std::to_string(got.size()) + " vs " + std::to_string(want.size());
  const auto [g, w] = std::mismatch(got.begin(), got.end(), want.begin());
  if (g == got.end()) return {};
  char text[96];
  std::snprintf(text, sizeof text, "byte %zu: GPU %02x, CPU %02x", static_cast<std::size_t>(g - got.begin()), *g, *w);
  return text;
}

// For each input: the full cast, and the finite-block path where the input is a number (else the full cast again).
template <class E>
__global__ void element_casts_kernel(std::uint64_t first, std::uint64_t count, std::uint8_t* full,
                                     std::uint8_t* number) {
  const std::uint64_t i = static_cast<std::uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= count) return;
  const auto x = static_cast<std::uint32_t>(first + i);
  full[i] = static_cast<std::uint8_t>(fast::kernels::block_element<E>(x));
  // The kernels cast finite blocks four values at a time (number_elements): x goes through every
  // position, and input x is read from position x mod 4.
  const float quad[4] = {__uint_as_float(x), __uint_as_float(x), __uint_as_float(x), __uint_as_float(x)};
  std::uint32_t codes[4];
  fast::cuda::kernels::number_elements<E, 4>(quad, codes);
  number[i] = static_cast<std::uint8_t>(fast::kernels::is_nan(x) ? fast::kernels::block_element<E>(x) : codes[x & 3u]);
}

// The MX number path of BF16 values (bf16_number_elements, FP6 and FP4): BF16 pattern p times 2^k,
// k = -127 .. 127 (index (k + 127) x 65536 + p), p in position p mod 4.
template <class E>
__global__ void bf16_casts_kernel(std::uint8_t* out) {
  const std::uint32_t i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= 255u * 65536u) return;
  const std::uint32_t x = (i & 0xFFFFu) << 16;
  const float factor = fast::power_of_two(static_cast<int>(i >> 16) - 127);
  const std::uint32_t xs[4] = {x, x, x, x};
  const float factors[4] = {factor, factor, factor, factor};
  std::uint32_t codes[4];
  fast::cuda::kernels::bf16_number_elements<E, 4>(xs, factors, codes);
  out[i] = static_cast<std::uint8_t>(codes[i % 4]);
}

template <class E>
std::size_t compare_bf16_casts_as() {
  constexpr std::uint32_t count = 255u * 65536u;
  DeviceBytes got(count);
  bf16_casts_kernel<E><<<count / 256, 256>>>(got.get());
  check(cudaGetLastError(), "bf16_casts_kernel");
  const std::vector<std::uint8_t> host = got.download();
  return parallel_sum(count, [&](std::uint64_t i) -> std::size_t {
    const std::uint32_t x = static_cast<std::uint32_t>(i & 0xFFFFu) << 16;
    if ((x & 0x7F800000u) == 0x7F800000u) return 0;  // finite blocks only
    const float product = std::bit_cast<float>(x) * fast::power_of_two(static_cast<int>(i >> 16) - 127);
    return host[i] != static_cast<std::uint8_t>(fast::kernels::block_element<E>(std::bit_cast<std::uint32_t>(product)));
  });
}

// BF16 rounding as the kernels store BF16 output (bf16_pair): x goes through both halves, and odd inputs
// are read from the high one.
__global__ void bf16_kernel(std::uint64_t first, std::uint64_t count, std::uint16_t* out) {
  const std::uint64_t i = static_cast<std::uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= count) return;
  const auto x = static_cast<std::uint32_t>(first + i);
  out[i] = static_cast<std::uint16_t>(fast::cuda::kernels::bf16_pair(x, x) >> (x & 1u) * 16);
}

// Every code (bits wide) under every scale code: the decoder's FP32 results for FP32 output (4 values at
// a time) and for BF16 output (8 at a time), and the BF16 words the kernels store (bf16_words_of, 4 and 8
// at a time), code c read from position c mod 4 or c mod 8.
template <class E>
__global__ void decode_kernel(std::uint32_t* fp32, std::uint32_t* for_bf16, std::uint16_t* bf16_of_4,
                              std::uint16_t* bf16_of_8) {
  namespace k = fast::cuda::kernels;
  constexpr unsigned codes = 1u << k::code_bits<E>();
  const unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= 256 * codes) return;
  const std::uint32_t code = i % codes;
  const auto decoder = k::MxScheme<E>{}.decoder(static_cast<std::uint8_t>(i / codes));
  std::uint32_t four[4], eight[8], y4[4], y8[8], h4[2], h8[4];
  for (std::uint32_t& c : four) c = code;
  for (std::uint32_t& c : eight) c = code;
  decoder.template values<fast::FloatData::fp32, 4>(four, y4);
  decoder.template values<fast::FloatData::bf16, 8>(eight, y8);
  k::bf16_words_of<4>(decoder, four, h4);
  k::bf16_words_of<8>(decoder, eight, h8);
  fp32[i] = y4[code % 4];
  for_bf16[i] = y8[code % 8];
  bf16_of_4[i] = static_cast<std::uint16_t>(h4[code % 4 / 2] >> (code % 2) * 16);
  bf16_of_8[i] = static_cast<std::uint16_t>(h8[code % 8 / 2] >> (code % 2) * 16);
}

template <class E>
std::size_t compare_decoding_as() {
  constexpr std::uint32_t codes = 1u << fast::cuda::kernels::code_bits<E>();
  constexpr std::uint32_t count = 256 * codes;
  DeviceBytes fp32(4 * count), for_bf16(4 * count), words4(2 * count), words8(2 * count);
  decode_kernel<E><<<count / 256, 256>>>(
      reinterpret_cast<std::uint32_t*>(fp32.get()), reinterpret_cast<std::uint32_t*>(for_bf16.get()),
      reinterpret_cast<std::uint16_t*>(words4.get()), reinterpret_cast<std::uint16_t*>(words8.get()));
  check(cudaGetLastError(), "decode_kernel");
  const auto want = [](std::uint32_t i) {
    const auto scale = static_cast<std::uint8_t>(i / codes);
    return fast::kernels::dequantized<E>(i % codes, fast::kernels::scale_value(scale), scale == 0xFF);
  };
  std::size_t differ = 0;
  for (const DeviceBytes* got : {&fp32, &for_bf16}) {
    const std::vector<std::uint8_t> bytes = got->download();
    for (std::uint32_t i = 0; i < count; ++i)
      differ += reinterpret_cast<const std::uint32_t*>(bytes.data())[i] != want(i);
  }
  for (const DeviceBytes* got : {&words4, &words8}) {
    const std::vector<std::uint8_t> bytes = got->download();
    for (std::uint32_t i = 0; i < count; ++i)
      differ += reinterpret_cast<const std::uint16_t*>(bytes.data())[i] != fast::kernels::bf16_of(want(i));
  }
  return differ;
}

// The number of the GPU's results that differ from the CPU's `want(x)`, over the GPU arrays `got`.
template <class T, class Want>
std::size_t count_differences(std::uint64_t first, std::uint64_t count, std::initializer_list<const DeviceBytes*> got,
                              Want want) {
  std::vector<std::vector<std::uint8_t>> host;
  for (const DeviceBytes* g : got) host.push_back(g->download());
  return parallel_sum(count, [&](std::uint64_t i) {
    const T w = want(static_cast<std::uint32_t>(first + i));
    std::size_t differ = 0;
    for (const std::vector<std::uint8_t>& h : host) differ += reinterpret_cast<const T*>(h.data())[i] != w;
    return differ;
  });
}

template <class E>
std::size_t compare_casts_as(std::uint64_t first, std::uint64_t count) {
  DeviceBytes full(count), number(count);
  element_casts_kernel<E><<<static_cast<unsigned>((count + 255) / 256), 256>>>(first, count, full.get(), number.get());
  check(cudaGetLastError(), "element_casts_kernel");
  return count_differences<std::uint8_t>(first, count, {&full, &number}, [](std::uint32_t x) {
    return static_cast<std::uint8_t>(fast::kernels::block_element<E>(x));
  });
}

}  // namespace

std::vector<std::uint32_t> place_blocks(std::span<const std::uint32_t> blocks, const fast::AxisView& view,
                                        std::size_t block_size) {
  std::vector<std::uint32_t> out(view.values());
  const std::size_t per_outer = (view.rows + block_size - 1) / block_size;
  for (std::size_t o = 0; o < view.outer; ++o)
    for (std::size_t r = 0; r < view.rows; ++r)
      for (std::size_t col = 0; col < view.columns; ++col) {
        const std::size_t block = (o * per_outer + r / block_size) * view.columns + col;
        out[(o * view.rows + r) * view.columns + col] = blocks[(block * block_size + r % block_size) % blocks.size()];
      }
  return out;
}

namespace {

// One block format's CPU and GPU entry points, so that MX and NVFP4 share the comparison.
struct Paths {
  std::size_t block_size = 32;
  std::function<void(const void*, std::uint8_t*, std::uint8_t*)> cpu_quantize;
  std::function<void(const std::uint8_t*, const std::uint8_t*, fast::FloatData, void*)> cpu_dequantize;
  std::function<void(const void*, fast::FloatData, void*)> cpu_fake;
  std::function<std::size_t(const fast::cuda::CodeLayout&)> element_bytes, scale_bytes;
  std::function<void(const void*, std::uint8_t*, std::uint8_t*, const fast::cuda::CodeLayout&)> gpu_quantize;
  std::function<void(const std::uint8_t*, const std::uint8_t*, const fast::cuda::CodeLayout&, fast::FloatData, void*)>
      gpu_dequantize;
  std::function<void(const void*, fast::FloatData, void*)> gpu_fake;
};

Paths mx_paths(const fast::BlockSpec& spec, const fast::AxisView& view, fast::FloatData from) {
  Paths p;
  p.block_size = spec.block_size;
  p.cpu_quantize = [=](const void* in, std::uint8_t* e, std::uint8_t* s) {
    fast::quantize(spec, from, in, view, e, s);
  };
  p.cpu_dequantize = [=](const std::uint8_t* e, const std::uint8_t* s, fast::FloatData to, void* out) {
    fast::dequantize(spec, e, s, view, to, out);
  };
  p.cpu_fake = [=](const void* in, fast::FloatData to, void* out) {
    fast::fake_quantize(spec, from, in, view, to, out);
  };
  p.element_bytes = [=](const fast::cuda::CodeLayout& l) { return fast::cuda::element_bytes(spec, view, l); };
  p.scale_bytes = [=](const fast::cuda::CodeLayout& l) { return fast::cuda::scale_bytes(spec, view, l); };
  p.gpu_quantize = [=](const void* in, std::uint8_t* e, std::uint8_t* s, const fast::cuda::CodeLayout& l) {
    fast::cuda::quantize(spec, from, in, view, e, s, l);
  };
  p.gpu_dequantize = [=](const std::uint8_t* e, const std::uint8_t* s, const fast::cuda::CodeLayout& l,
                         fast::FloatData to, void* out) { fast::cuda::dequantize(spec, e, s, view, l, to, out); };
  p.gpu_fake = [=](const void* in, fast::FloatData to, void* out) {
    fast::cuda::fake_quantize(spec, from, in, view, to, out);
  };
  return p;
}

Paths nvfp4_paths(const fast::nvfp4::Spec& spec, const fast::AxisView& view, fast::FloatData from) {
  namespace gpu = fast::cuda::nvfp4;
  Paths p;
  p.block_size = fast::nvfp4::block_size;
  p.cpu_quantize = [=](const void* in, std::uint8_t* e, std::uint8_t* s) {
    fast::nvfp4::quantize(spec, from, in, view, e, s);
  };
  p.cpu_dequantize = [=](const std::uint8_t* e, const std::uint8_t* s, fast::FloatData to, void* out) {
    fast::nvfp4::dequantize(spec, e, s, view, to, out);
  };
  p.cpu_fake = [=](const void* in, fast::FloatData to, void* out) {
    fast::nvfp4::fake_quantize(spec, from, in, view, to, out);
  };
  p.element_bytes = [=](const fast::cuda::CodeLayout& l) { return gpu::element_bytes(view, l); };
  p.scale_bytes = [=](const fast::cuda::CodeLayout& l) { return gpu::scale_bytes(view, l); };
  p.gpu_quantize = [=](const void* in, std::uint8_t* e, std::uint8_t* s, const fast::cuda::CodeLayout& l) {
    gpu::quantize(spec, from, in, view, e, s, l);
  };
  p.gpu_dequantize = [=](const std::uint8_t* e, const std::uint8_t* s, const fast::cuda::CodeLayout& l,
                         fast::FloatData to, void* out) { gpu::dequantize(spec, e, s, view, l, to, out); };
  p.gpu_fake = [=](const void* in, fast::FloatData to, void* out) {
    gpu::fake_quantize(spec, from, in, view, to, out);
  };
  return p;
}

}  // namespace

fast_check::Outcome compare_with_cpu(const fast_check::BlockCase& c, std::span<const std::uint32_t> values,
                                     const Geometry& geometry, fast::FloatData from, bool packed_layouts,
                                     std::span<const fast::FloatData> outputs) {
  const BlockFormat format = parse_block_format(c.format);
  const Profile& profile = find_profile(c.profile);
  const fast::AxisView& view = geometry.view;
  const std::size_t n = view.values();
  fast_check::Outcome outcome;
  const auto fail = [&](const std::string& what) {
    if (++outcome.mismatches == 1) outcome.first = std::string(c.format) + " " + std::string(c.profile) + ": " + what;
  };
  std::vector<std::uint16_t> halves(from == fast::FloatData::bf16 ? n : 0);
  for (std::size_t i = 0; i < halves.size(); ++i) halves[i] = static_cast<std::uint16_t>(values[i] >> 16);
  const void* in = from == fast::FloatData::bf16 ? static_cast<const void*>(halves.data()) : values.data();
  DeviceBytes input(n * size_of(from));
  input.upload(in);

  Paths paths;
  if (const std::optional<fast::BlockSpec> spec = fast::fast_block_spec(format, profile)) {
    paths = mx_paths(*spec, view, from);
  } else if (const std::optional<ScaleRule> rule = fast::nvfp4::rule_for(format, profile)) {
    // The tensor scale from the CPU's statistics, which the GPU's must equal.
    const fast::BlockStats cpu = fast::nvfp4::tensor_stats(from, in, n),
                           gpu = fast::cuda::nvfp4::tensor_stats(from, input.get(), n);
    if (cpu.amax_bits != gpu.amax_bits || cpu.any_nan != gpu.any_nan || cpu.any_infinity != gpu.any_infinity)
      fail("tensor statistics differ");
    paths = nvfp4_paths({*rule, fast::nvfp4::tensor_scale(*rule, cpu)}, view, from);
  } else {
    fail("no fast path");
    return outcome;
  }
  outcome.blocks = view.blocks(paths.block_size);

  // The CPU's answers.
  std::vector<std::uint8_t> elements(n), scales(outcome.blocks);
  paths.cpu_quantize(in, elements.data(), scales.data());
  const auto cpu_values = [&](bool fake, fast::FloatData to) {
    std::vector<std::uint8_t> out(n * size_of(to));
    if (fake) paths.cpu_fake(in, to, out.data());
    else paths.cpu_dequantize(elements.data(), scales.data(), to, out.data());
    return out;
  };
  std::vector<std::uint8_t> packed, swizzled;
  if (packed_layouts) {
    const std::vector<std::uint64_t> wide(elements.begin(), elements.end());
    packed = pack_codes(wide, width(format.element), BitOrder::lsb_first);
    swizzled = swizzle_scales(scales, outcome.blocks / geometry.scale_columns, geometry.scale_columns);
  }

  // The GPU's, for each code layout.
  const fast::cuda::CodeLayout plain{}, dense{true, fast::cuda::ScaleLayout::swizzled, geometry.scale_columns};
  for (const fast::cuda::CodeLayout& layout : {plain, dense}) {
    if (layout.packed && !packed_layouts) continue;
    const std::string name = layout.packed ? "packed/swizzled " : "plain ";
    DeviceBytes e(paths.element_bytes(layout)), s(paths.scale_bytes(layout));
    paths.gpu_quantize(input.get(), e.get(), s.get(), layout);
    if (std::string d = first_difference(e.download(), layout.packed ? packed : elements); !d.empty())
      fail(name + "elements, " + d);
    if (std::string d = first_difference(s.download(), layout.packed ? swizzled : scales); !d.empty())
      fail(name + "scales, " + d);
    for (const fast::FloatData to : outputs) {
      DeviceBytes out(n * size_of(to));
      paths.gpu_dequantize(e.get(), s.get(), layout, to, out.get());
      if (std::string d = first_difference(out.download(), cpu_values(false, to)); !d.empty())
        fail(name + "dequantized, " + d);
    }
  }
  {
    // Plain scales again, one byte into their buffer: the kernels, which store a CTA's scales 16 bytes
    // at a time where they are aligned (above), must then store them one by one.
    DeviceBytes e(paths.element_bytes(plain)), s(paths.scale_bytes(plain) + 1);
    paths.gpu_quantize(input.get(), e.get(), s.get() + 1, plain);
    std::vector<std::uint8_t> shifted = s.download();
    shifted.erase(shifted.begin());
    if (std::string d = first_difference(shifted, scales); !d.empty()) fail("plain, scales at an odd address, " + d);
  }
  for (const fast::FloatData to : outputs) {
    DeviceBytes out(n * size_of(to));
    paths.gpu_fake(input.get(), to, out.get());
    if (std::string d = first_difference(out.download(), cpu_values(true, to)); !d.empty())
      fail("fake-quantized, " + d);
  }
  return outcome;
}

std::size_t compare_bf16_rounding(std::uint64_t first, std::uint64_t count) {
  DeviceBytes out(2 * count);
  bf16_kernel<<<static_cast<unsigned>((count + 255) / 256), 256>>>(first, count,
                                                                   reinterpret_cast<std::uint16_t*>(out.get()));
  check(cudaGetLastError(), "bf16_kernel");
  return count_differences<std::uint16_t>(first, count, {&out},
                                          [](std::uint32_t x) { return fast::kernels::bf16_of(x); });
}

std::size_t compare_bf16_casts(fast::Element element) {
  return fast::cuda::kernels::with_element(element, [&]<class E>() -> std::size_t {
    if constexpr (fast::cuda::kernels::is_fp8<E> || std::is_same_v<E, fast::Int8>) return 0;  // no BF16 pairs
    else return compare_bf16_casts_as<E>();
  });
}

std::size_t compare_decoding(fast::Element element) {
  return fast::cuda::kernels::with_element(element, [&]<class E>() { return compare_decoding_as<E>(); });
}

std::size_t compare_element_casts(fast::Element element, std::uint64_t first, std::uint64_t count) {
  return fast::cuda::kernels::with_element(element, [&]<class E>() { return compare_casts_as<E>(first, count); });
}

}  // namespace mxref::cuda_check
