// An implementation under test: CUDA's own float -> FP8/FP6/FP4/E8M0 conversions (cuda_fp8.h, cuda_fp6.h,
// cuda_fp4.h), host path. Reads FP32 bit patterns in hex, one per line, on stdin; writes the converted
// codes in hex, one per line — the form `mxref conform --cmd` feeds and reads.
// Usage: cuda_casts TARGET SATURATION ROUNDING [--device]
//   TARGET e4m3 | e5m2 | e3m2 | e2m3 | e2m1 | e8m0, SATURATION satfinite | nosat, ROUNDING rn | rz | ru
//   --device: convert in a kernel on the GPU (hardware cvt where the GPU has it) instead of on the host.
#include <cuda_fp4.h>
#include <cuda_fp6.h>
#include <cuda_fp8.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

float from_bits(std::uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

// The conversions of CUDA's headers under test (e8m0 included), one per command-line TARGET: not
// fast::Element, which names the element formats of mxref's own fast paths.
enum class Target { e4m3, e5m2, e3m2, e2m3, e2m1, e8m0 };

__host__ __device__ unsigned convert(Target t, float x, __nv_saturation_t sat, cudaRoundMode mode) {
  switch (t) {
    case Target::e4m3: return __nv_cvt_float_to_fp8(x, sat, __NV_E4M3);
    case Target::e5m2: return __nv_cvt_float_to_fp8(x, sat, __NV_E5M2);
    case Target::e3m2: return __nv_cvt_float_to_fp6(x, __NV_E3M2, mode);
    case Target::e2m3: return __nv_cvt_float_to_fp6(x, __NV_E2M3, mode);
    case Target::e2m1: return __nv_cvt_float_to_fp4(x, __NV_E2M1, mode);
    case Target::e8m0: return __nv_cvt_float_to_e8m0(x, sat, mode);
  }
  return 0;
}

__global__ void convert_all(Target t, const float* in, unsigned* out, int n, __nv_saturation_t sat,
                            cudaRoundMode mode) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) out[i] = convert(t, in[i], sat, mode);
}

int usage() {
  std::fprintf(stderr, "usage: cuda_casts e4m3|e5m2|e3m2|e2m3|e2m1|e8m0 satfinite|nosat rn|rz|ru\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 && !(argc == 5 && std::string(argv[4]) == "--device")) return usage();
  const std::string target = argv[1], saturation = argv[2], rounding = argv[3];
  const std::string names[] = {"e4m3", "e5m2", "e3m2", "e2m3", "e2m1", "e8m0"};
  int index = 0;
  while (index < 6 && names[index] != target) ++index;
  if (index == 6) return usage();
  const Target t = static_cast<Target>(index);
  const __nv_saturation_t sat = saturation == "satfinite" ? __NV_SATFINITE : __NV_NOSAT;
  const cudaRoundMode mode = rounding == "rz" ? cudaRoundZero : rounding == "ru" ? cudaRoundPosInf : cudaRoundNearest;
  std::vector<float> in;
  char line[64];
  while (std::fgets(line, sizeof line, stdin))
    in.push_back(from_bits(static_cast<std::uint32_t>(std::strtoul(line, nullptr, 16))));
  std::vector<unsigned> out(in.size());
  if (argc == 5) {
    float* d_in = nullptr;
    unsigned* d_out = nullptr;
    const int n = static_cast<int>(in.size());
    if (cudaMalloc(&d_in, in.size() * sizeof(float) + 1) != cudaSuccess ||
        cudaMalloc(&d_out, out.size() * sizeof(unsigned) + 1) != cudaSuccess) {
      std::fprintf(stderr, "cuda_casts: no GPU\n");
      return 3;
    }
    cudaMemcpy(d_in, in.data(), in.size() * sizeof(float), cudaMemcpyHostToDevice);
    convert_all<<<(n + 255) / 256, 256>>>(t, d_in, d_out, n, sat, mode);
    cudaMemcpy(out.data(), d_out, out.size() * sizeof(unsigned), cudaMemcpyDeviceToHost);
    if (cudaGetLastError() != cudaSuccess) return 3;
    cudaFree(d_in);
    cudaFree(d_out);
  } else {
    for (std::size_t i = 0; i < in.size(); ++i) out[i] = convert(t, in[i], sat, mode);
  }
  for (const unsigned code : out) std::printf("%02x\n", code);
  return 0;
}
