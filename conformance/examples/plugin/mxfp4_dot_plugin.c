/* An example plugin for `mxref conform --plugin` on dot suites: the exact MXFP4 (E2M1 elements, E8M0
 * scales) dot product plus an FP32 C, rounded once to FP32 (RNE, subnormals, overflow to Inf), for suites
 * like vectors/golden/dot-mxfp4-e2m1-rtl. The whole sum is kept in a 576-bit fixed-point accumulator with
 * 2^-260 as its least bit: every product of any block and every FP32 C lands on it exactly. */
#include <stdint.h>
#include <string.h>

#include "mxref_plugin.h"

int mxref_plugin_abi_version(void) { return MXREF_PLUGIN_ABI_VERSION; }

enum { LIMBS = 9, FRACTION = 260, CANONICAL_NAN = 0x7FC00000 };

typedef struct {
  uint64_t limb[LIMBS]; /* least significant first */
} Wide;

/* acc += magnitude x 2^shift (shift >= 0, the result below 2^576). */
static void add_shifted(Wide* acc, uint64_t magnitude, int shift) {
  const int at = shift / 64, offset = shift % 64;
  uint64_t parts[2] = {magnitude << offset, offset ? magnitude >> (64 - offset) : 0};
  uint64_t carry = 0;
  for (int i = at; i < LIMBS; ++i) {
    const uint64_t add = (i - at < 2 ? parts[i - at] : 0);
    const uint64_t sum = acc->limb[i] + add;
    const uint64_t out = sum + carry;
    carry = (sum < add) | (out < sum);
    acc->limb[i] = out;
    if (i - at >= 1 && !carry) break;
  }
}

static int compare(const Wide* a, const Wide* b) {
  for (int i = LIMBS - 1; i >= 0; --i)
    if (a->limb[i] != b->limb[i]) return a->limb[i] > b->limb[i] ? 1 : -1;
  return 0;
}

static Wide subtract(const Wide* a, const Wide* b) { /* a >= b */
  Wide d;
  uint64_t borrow = 0;
  for (int i = 0; i < LIMBS; ++i) {
    const uint64_t x = a->limb[i] - b->limb[i];
    d.limb[i] = x - borrow;
    borrow = (a->limb[i] < b->limb[i]) | (x < borrow);
  }
  return d;
}

static int bit(const Wide* w, int k) { return (int)(w->limb[k / 64] >> (k % 64) & 1); }

static int any_below(const Wide* w, int k) { /* any of bits 0 .. k-1 */
  for (int i = 0; i < k; ++i)
    if (bit(w, i)) return 1;
  return 0;
}

/* The FP32 code of sign x m x 2^-FRACTION, m > 0: round to nearest even once. */
static uint32_t round_to_fp32(int negative, const Wide* m) {
  int top = LIMBS * 64 - 1;
  while (!bit(m, top)) --top;
  /* The least kept bit: 24 significant bits, but not below 2^-149 (subnormals). */
  int low = top - 23;
  if (low < FRACTION - 149) low = FRACTION - 149;
  uint64_t kept = 0;
  for (int k = top; k >= low; --k) kept = kept << 1 | (uint64_t)bit(m, k);
  if (low > 0 && bit(m, low - 1) && (any_below(m, low - 1) || (kept & 1))) ++kept;
  if (kept == (uint64_t)1 << 24) { /* rounded up into the next binade */
    kept >>= 1;
    ++low;
  }
  const uint32_t sign = negative ? 0x80000000u : 0;
  if (kept < (uint64_t)1 << 23) return sign | (uint32_t)kept; /* subnormal; 2^23 is the least normal */
  const int biased = low - FRACTION + 23 + 127;
  if (biased >= 255) return sign | 0x7F800000u;
  return sign | (uint32_t)biased << 23 | (uint32_t)(kept - ((uint64_t)1 << 23));
}

/* Twice an E2M1 magnitude, an integer: 0, 0.5, 1, 1.5, 2, 3, 4, 6 -> 0, 1, 2, 3, 4, 6, 8, 12. */
static const int twice_e2m1[8] = {0, 1, 2, 3, 4, 6, 8, 12};

static int has(const char* json, const char* text) { return strstr(json, text) != NULL; }

int mxref_plugin_run(const char* suite_json, const uint64_t* inputs, size_t input_count, uint64_t* outputs,
                     size_t output_capacity) {
  /* Only what this unit is: exact MXFP4 x MXFP4 into FP32, nearest even, natural overflow. */
  if (!has(suite_json, "\"kind\":\"dot\"") || !has(suite_json, "\"format\":\"mxfp4_e2m1\"") || output_capacity < 1)
    return -1;
  if ((has(suite_json, "\"format_b\":") && !has(suite_json, "\"format_b\":\"mxfp4_e2m1\"")) ||
      (has(suite_json, "\"model\":") && !has(suite_json, "\"model\":\"exact\"")) ||
      (has(suite_json, "\"out\":") && !has(suite_json, "\"out\":\"f32\"")) ||
      (has(suite_json, "\"rounding\":") && !has(suite_json, "\"rounding\":\"rne\"")) ||
      (has(suite_json, "\"overflow\":") && !has(suite_json, "\"overflow\":\"natural\"")))
    return -1;
  if (input_count < 67 || (input_count - 1) % 66 != 0) return -1;
  const size_t blocks = (input_count - 1) / 66;
  const uint64_t* a = inputs;
  const uint64_t* b = inputs + 33 * blocks;
  const uint32_t c = (uint32_t)inputs[input_count - 1];

  Wide positive, negative;
  memset(&positive, 0, sizeof positive);
  memset(&negative, 0, sizeof negative);
  int nan = 0, every_term_negative_zero = 1;
  for (size_t j = 0; j < blocks; ++j) {
    const uint64_t sa = a[33 * j], sb = b[33 * j];
    if (sa == 0xFF || sb == 0xFF) nan = 1; /* an E8M0 NaN scale */
    for (int i = 1; i <= 32; ++i) {
      const uint64_t ea = a[33 * j + (size_t)i], eb = b[33 * j + (size_t)i];
      const int product = twice_e2m1[ea & 7] * twice_e2m1[eb & 7]; /* 4 x |A_i B_i| */
      const int product_negative = (int)((ea ^ eb) >> 3 & 1);
      if (product != 0 || !product_negative) every_term_negative_zero = 0;
      /* |A_i B_i| X(A) X(B) = product x 2^(sa + sb - 254 - 2), on the accumulator's 2^-260 grid. */
      if (product) add_shifted(product_negative ? &negative : &positive, (uint64_t)product, (int)(sa + sb) + 4);
    }
  }
  const uint32_t c_field = c >> 23 & 0xFF, c_fraction = c & 0x7FFFFF;
  if (c_field == 0xFF) {
    outputs[0] = nan || c_fraction ? CANONICAL_NAN : c; /* C = ±Inf: the products are finite */
    return 1;
  }
  if (nan) {
    outputs[0] = CANONICAL_NAN;
    return 1;
  }
  if (c != 0x80000000u) every_term_negative_zero = 0;
  if (c_field || c_fraction) {
    const uint64_t significand = c_field ? (c_fraction | 1u << 23) : c_fraction;
    add_shifted(c >> 31 ? &negative : &positive, significand, c_field ? (int)c_field + 110 : 111);
  }
  const int order = compare(&positive, &negative);
  if (order == 0) { /* IEEE 754 6.3 under RNE: -0 only when every addend is -0 */
    outputs[0] = every_term_negative_zero ? 0x80000000u : 0;
    return 1;
  }
  const Wide magnitude = order > 0 ? subtract(&positive, &negative) : subtract(&negative, &positive);
  outputs[0] = round_to_fp32(order < 0, &magnitude);
  return 1;
}
