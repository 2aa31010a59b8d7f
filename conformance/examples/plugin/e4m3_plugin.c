/* An example plugin for `mxref conform --plugin`: FP32 -> OCP E4M3 in C (RNE, saturating, NaN keeps
 * its sign, subnormals) — the same conversion as the RTL example, for suites like vectors/golden/e4m3-cast. */
#include <string.h>

#include "mxref_plugin.h"

int mxref_plugin_abi_version(void) { return MXREF_PLUGIN_ABI_VERSION; }

static uint64_t fp32_to_e4m3(uint32_t f) {
  const uint32_t sign = f >> 31 << 7, field = f >> 23 & 0xFF, mantissa = f & 0x7FFFFF;
  const int exponent = (int)field - 127;
  if (field == 0xFF) return sign | (mantissa ? 0x7F : 0x7E);
  if (field == 0) return sign;
  if (exponent > 8) return sign | 0x7E;
  const uint32_t significand = mantissa | 1u << 23;
  /* Keep 3 mantissa bits (normal) or the bits down to 2^-9 (subnormal), rounding to nearest even. */
  const int shift = exponent >= -6 ? 20 : 14 - exponent;
  if (shift > 30) return sign;
  uint32_t kept = significand >> shift;
  const uint32_t rest = significand & ((1u << shift) - 1), half = 1u << (shift - 1);
  if (rest > half || (rest == half && (kept & 1))) ++kept;
  if (exponent < -6) return sign | kept; /* 8 after rounding is the smallest normal, 0x08 */
  const int field_out = exponent + 7 + (kept >> 4);
  const uint32_t mantissa_out = (kept >> (kept >> 4)) & 7;
  if (field_out > 15 || (field_out == 15 && mantissa_out == 7)) return sign | 0x7E;
  return sign | (uint32_t)field_out << 3 | mantissa_out;
}

int mxref_plugin_run(const char* suite_json, const uint64_t* inputs, size_t input_count, uint64_t* outputs,
                     size_t output_capacity) {
  if (!strstr(suite_json, "\"to\":\"e4m3\"") || input_count != 1 || output_capacity < 1) return -1;
  outputs[0] = fp32_to_e4m3((uint32_t)inputs[0]);
  return 1;
}
