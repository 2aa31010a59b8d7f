// An implementation under test: CUDA's own float -> FP8/FP6/FP4/E8M0 conversions (cuda_fp8.h, cuda_fp6.h,
// cuda_fp4.h), host path. Reads FP32 bit patterns in hex, one per line, on stdin; writes the converted
// codes in hex, one per line — the form `mxref conform --cmd` feeds and reads.
// Usage: cuda_casts TARGET SATURATION ROUNDING
//   TARGET e4m3 | e5m2 | e3m2 | e2m3 | e2m1 | e8m0, SATURATION satfinite | nosat, ROUNDING rn | rz | ru
#include <cuda_fp4.h>
#include <cuda_fp6.h>
#include <cuda_fp8.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

namespace {

float from_bits(std::uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

int usage() {
  std::fprintf(stderr, "usage: cuda_casts e4m3|e5m2|e3m2|e2m3|e2m1|e8m0 satfinite|nosat rn|rz|ru\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) return usage();
  const std::string target = argv[1], saturation = argv[2], rounding = argv[3];
  const __nv_saturation_t sat = saturation == "satfinite" ? __NV_SATFINITE : __NV_NOSAT;
  const cudaRoundMode mode = rounding == "rz" ? cudaRoundZero : rounding == "ru" ? cudaRoundPosInf : cudaRoundNearest;
  char line[64];
  while (std::fgets(line, sizeof line, stdin)) {
    const float x = from_bits(static_cast<std::uint32_t>(std::strtoul(line, nullptr, 16)));
    unsigned code = 0;
    if (target == "e4m3") code = __nv_cvt_float_to_fp8(x, sat, __NV_E4M3);
    else if (target == "e5m2") code = __nv_cvt_float_to_fp8(x, sat, __NV_E5M2);
    else if (target == "e3m2") code = __nv_cvt_float_to_fp6(x, __NV_E3M2, mode);
    else if (target == "e2m3") code = __nv_cvt_float_to_fp6(x, __NV_E2M3, mode);
    else if (target == "e2m1") code = __nv_cvt_float_to_fp4(x, __NV_E2M1, mode);
    else if (target == "e8m0") code = __nv_cvt_float_to_e8m0(x, sat, mode);
    else return usage();
    std::printf("%02x\n", code);
  }
  return 0;
}
