#include "fast/tests/block_check.hpp"

#include <algorithm>
#include <bit>
#include <cstdio>

#include "ref/block/block_format.hpp"
#include "ref/block/profile.hpp"
#include "ref/block/quantize.hpp"
#include "ref/block/tensor.hpp"
#include "ref/decode.hpp"
#include "ref/encode.hpp"

namespace mxref::fast_check {

namespace {

std::uint32_t bits_of(const Format& f, const Value& v) { return static_cast<std::uint32_t>(encode(f, v, {}).code); }

const Format& host(fast::FloatData d) { return d == fast::FloatData::bf16 ? bf16 : fp32; }

std::string hex(std::uint64_t v) {
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "0x%llx", static_cast<unsigned long long>(v));
  return buffer;
}

}  // namespace

std::vector<BlockCase> all_block_cases() {
  std::vector<BlockCase> out;
  for (const std::string_view f : {"mxfp8_e4m3", "mxfp8_e5m2", "mxfp6_e3m2", "mxfp6_e2m3", "mxfp4_e2m1", "mxint8"})
    for (const std::string_view p :
         {"ocp", "nvidia-rceil", "torchao-floor", "torchao-ceil", "torchao-even", "torchao-rceil"})
      out.push_back({f, p});
  return out;
}

std::vector<std::uint32_t> random_blocks(SplitMix64& stream, std::size_t block_size, std::size_t blocks) {
  std::vector<std::uint32_t> out;
  out.reserve(block_size * blocks);
  // Largest values of the six elements' binades (448, 57344, 28, 7.5, 6, 127/64): amax near them times
  // a power of two decides the RCEIL rules.
  constexpr std::uint32_t element_maxima[] = {0x43E00000, 0x47600000, 0x41E00000, 0x40F00000, 0x40C00000, 0x3FFE0000};
  for (std::size_t b = 0; b < blocks; ++b) {
    const std::uint64_t kind = stream.next() % 8;
    const std::uint32_t centre = static_cast<std::uint32_t>(stream.next() % 254) + 1;  // an exponent field
    const std::uint32_t tie_cut = 16 + static_cast<std::uint32_t>(stream.next() % 8);  // mantissa bits kept
    for (std::size_t i = 0; i < block_size; ++i) {
      const std::uint64_t r = stream.next();
      const std::uint32_t sign = static_cast<std::uint32_t>(r >> 63) << 31;
      const std::uint32_t mantissa = static_cast<std::uint32_t>(r) & 0x7FFFFF;
      const std::uint32_t spread = static_cast<std::uint32_t>(r >> 32) % 12;
      const std::uint32_t field = centre > spread ? centre - spread : 1;
      std::uint32_t x = sign | field << 23 | mantissa;
      switch (kind) {
        case 0: x = static_cast<std::uint32_t>(r); break;                                     // any pattern
        case 1: break;                                                                        // a binade window
        case 2: x &= ~((1u << (23 - tie_cut % 23)) - 1); break;                               // ties on the grid
        case 3: x = (r >> 40) % 3 == 0 ? sign | (field << 23 | mantissa) >> 8 : sign; break;  // zeros
        case 4: x = sign | mantissa >> (r >> 58) % 24; break;                                 // FP32 subnormals
        case 5:                                                                               // one NaN or Inf
          if (i == (r >> 40) % block_size) x = sign | 0x7F800000u | ((r >> 50) % 2 ? mantissa | 1 : 0);
          break;
        case 6:  // amax at 2^k +- ulp
          if (i == 0) x = sign | centre << 23 | ((r >> 40) % 3 == 0 ? 0 : (r >> 40) % 3 == 1 ? 0x7FFFFF : 1);
          break;
        default: {  // max_elem x 2^k +- ulp
          if (i != 0) break;
          const std::uint32_t m = element_maxima[(r >> 40) % 6];
          const std::uint32_t f = 1 + static_cast<std::uint32_t>((r >> 44) % 254);  // any binade
          x = sign | f << 23 | (m & 0x7FFFFF);
          x += static_cast<std::uint32_t>((r >> 52) % 3) - 1;
        }
      }
      out.push_back(x);
    }
  }
  return out;
}

namespace {

// The fast path's outputs for one tensor (codes one per byte; values as `to`).
struct FastOutputs {
  std::vector<std::uint8_t> elements, scales, dequantized, fake;
};

// ref/'s quantize_block, dequantize_block and fake_quantize_block on every block of the view (block
// `size` along its rows), under `tensor`, against the fast outputs.
Outcome compare_blocks(const BlockCase& c, const BlockFormat& format, const Profile& profile, const TensorScale& tensor,
                       std::size_t size, std::span<const std::uint32_t> values, const fast::AxisView& view,
                       fast::FloatData from, fast::FloatData to, const FastOutputs& fast) {
  const auto out_bits = [&](const std::vector<std::uint8_t>& bytes, std::size_t i) {
    return to == fast::FloatData::bf16
               ? std::uint32_t{bytes[2 * i]} | std::uint32_t{bytes[2 * i + 1]} << 8
               : std::uint32_t{bytes[4 * i]} | std::uint32_t{bytes[4 * i + 1]} << 8 |
                     std::uint32_t{bytes[4 * i + 2]} << 16 | std::uint32_t{bytes[4 * i + 3]} << 24;
  };
  Outcome outcome;
  const std::size_t per_outer = (view.rows + size - 1) / size;
  std::vector<std::size_t> members;
  std::vector<Value> block;
  for (std::size_t o = 0; o < view.outer; ++o)
    for (std::size_t j = 0; j < per_outer; ++j)
      for (std::size_t col = 0; col < view.columns; ++col) {
        const std::size_t b = (o * per_outer + j) * view.columns + col;
        members.clear();
        block.clear();
        for (std::size_t r = j * size; r < std::min(view.rows, (j + 1) * size); ++r) {
          const std::size_t i = (o * view.rows + r) * view.columns + col;
          members.push_back(i);
          block.push_back(from == fast::FloatData::bf16 ? decode(bf16, values[i] >> 16) : decode(fp32, values[i]));
        }
        ++outcome.blocks;
        const QuantizedBlock want = quantize_block(format, profile, block, tensor);
        const std::vector<Value> want_values = dequantize_block(format, want.scale, want.elements, tensor.decode);
        const std::vector<Value> want_fake = fake_quantize_block(format, profile, block, tensor);
        std::string what;
        if (fast.scales[b] != want.scale) what = "scale " + hex(fast.scales[b]) + ", ref " + hex(want.scale);
        for (std::size_t k = 0; k < members.size() && what.empty(); ++k) {
          const std::size_t i = members[k];
          if (fast.elements[i] != want.elements[k])
            what = "element " + std::to_string(k) + " " + hex(fast.elements[i]) + ", ref " + hex(want.elements[k]);
          else if (out_bits(fast.dequantized, i) != bits_of(host(to), want_values[k]))
            what = "dequantized " + std::to_string(k) + " " + hex(out_bits(fast.dequantized, i)) + ", ref " +
                   hex(bits_of(host(to), want_values[k]));
          else if (out_bits(fast.fake, i) != bits_of(host(to), want_fake[k]))
            what = "fake-quantized " + std::to_string(k) + " " + hex(out_bits(fast.fake, i)) + ", ref " +
                   hex(bits_of(host(to), want_fake[k]));
        }
        if (what.empty()) continue;
        if (++outcome.mismatches == 1) {
          outcome.first = std::string(c.format) + " " + std::string(c.profile) + " block " + std::to_string(b) + ": " +
                          what + "; inputs";
          for (const std::size_t i : members) outcome.first += " " + hex(values[i]);
        }
      }
  return outcome;
}

// The upper halves of `values` when they are read as BF16.
std::vector<std::uint16_t> halves_of(std::span<const std::uint32_t> values, fast::FloatData from) {
  std::vector<std::uint16_t> halves(from == fast::FloatData::bf16 ? values.size() : 0);
  for (std::size_t i = 0; i < halves.size(); ++i) halves[i] = static_cast<std::uint16_t>(values[i] >> 16);
  return halves;
}

Outcome no_fast_path(const BlockCase& c) {
  return {0, 1, std::string(c.format) + " under " + std::string(c.profile) + " has no fast path"};
}

}  // namespace

Outcome compare_with_reference(const BlockCase& c, std::span<const std::uint32_t> values, const fast::AxisView& view,
                               fast::FloatData from, fast::FloatData to, const fast::RunOptions& run) {
  const BlockFormat format = parse_block_format(c.format);
  const Profile& profile = find_profile(c.profile);
  const std::optional<fast::BlockSpec> spec = fast::fast_block_spec(format, profile);
  if (!spec) return no_fast_path(c);
  const std::size_t n = view.values();
  const std::vector<std::uint16_t> halves = halves_of(values, from);
  const void* in = from == fast::FloatData::bf16 ? static_cast<const void*>(halves.data()) : values.data();
  FastOutputs out{std::vector<std::uint8_t>(n), std::vector<std::uint8_t>(view.blocks(spec->block_size)),
                  std::vector<std::uint8_t>(n * 4), std::vector<std::uint8_t>(n * 4)};
  fast::quantize(*spec, from, in, view, out.elements.data(), out.scales.data(), run);
  fast::dequantize(*spec, out.elements.data(), out.scales.data(), view, to, out.dequantized.data(), run);
  fast::fake_quantize(*spec, from, in, view, to, out.fake.data(), run);
  return compare_blocks(c, format, profile, TensorScale{}, spec->block_size, values, view, from, to, out);
}

Outcome compare_nvfp4_with_reference(std::string_view profile_name, std::span<const std::uint32_t> values,
                                     const fast::AxisView& view, fast::FloatData from, fast::FloatData to,
                                     const fast::RunOptions& run) {
  const BlockCase c{"nvfp4", profile_name};
  const BlockFormat format = parse_block_format(c.format);
  const Profile& profile = find_profile(c.profile);
  const std::optional<ScaleRule> rule = fast::nvfp4::rule_for(format, profile);
  if (!rule) return no_fast_path(c);
  const std::size_t n = view.values();
  const std::vector<std::uint16_t> halves = halves_of(values, from);
  const void* in = from == fast::FloatData::bf16 ? static_cast<const void*>(halves.data()) : values.data();
  std::vector<Value> all;
  all.reserve(n);
  for (const std::uint32_t v : values.first(n))
    all.push_back(from == fast::FloatData::bf16 ? decode(bf16, v >> 16) : decode(fp32, v));
  const TensorScale tensor = nvfp4_tensor_scale(format, profile, all);  // throws where ref refuses
  const fast::nvfp4::Spec spec{*rule, fast::nvfp4::tensor_scale(*rule, fast::nvfp4::tensor_stats(from, in, n))};
  if (decode(fp32, std::bit_cast<std::uint32_t>(spec.tensor.decode)).magnitude != tensor.decode ||
      decode(fp32, std::bit_cast<std::uint32_t>(spec.tensor.encode)).magnitude != tensor.encode ||
      spec.tensor.present != tensor.present)
    return {0, 1, "nvfp4 " + std::string(profile_name) + ": the tensor scale differs from ref's"};
  FastOutputs out{std::vector<std::uint8_t>(n), std::vector<std::uint8_t>(view.blocks(fast::nvfp4::block_size)),
                  std::vector<std::uint8_t>(n * 4), std::vector<std::uint8_t>(n * 4)};
  fast::nvfp4::quantize(spec, from, in, view, out.elements.data(), out.scales.data(), run);
  fast::nvfp4::dequantize(spec, out.elements.data(), out.scales.data(), view, to, out.dequantized.data(), run);
  fast::nvfp4::fake_quantize(spec, from, in, view, to, out.fake.data(), run);
  return compare_blocks(c, format, profile, tensor, fast::nvfp4::block_size, values, view, from, to, out);
}

}  // namespace mxref::fast_check
