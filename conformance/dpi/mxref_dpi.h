/* The C interface of mxref's reference models, for SystemVerilog scoreboards (DPI-C) and any C program: an
 * element cast, a block quantization or a dot product per function, on codes, with DPI-friendly types
 * (`const char*` for SV `string`, `int`/`unsigned int` for SV `int`/`int unsigned`, `long long` for SV
 * `longint`, fixed-size arrays as pointers). The package conformance/dpi/mxref_dpi.sv imports them.
 *
 * Formats, profiles and models are named as on mxref's command line (`mxref spec`, `mxref quantize
 * --list-profiles`, `mxref dot --list-models`). A call that cannot be done (an unknown name, a code too wide
 * for its format, a bad option) returns -1 and leaves one line in mxref_dpi_error(); nothing is printed
 * and nothing aborts the simulation. */
#ifndef MXREF_DPI_H
#define MXREF_DPI_H

#ifdef __cplusplus
extern "C" {
#endif

/* `code` of format `from` cast to format `to`: the target code, or -1. `options` is empty for the defaults
 * of `mxref cast` or holds space-separated settings: rounding=rne|rna|rtz|rup|rdn|rto,
 * overflow=natural|saturate|inf|nan, nan=error|zero|max. */
long long mxref_dpi_cast(const char* from, const char* to, const char* options, long long code);

/* One block of `n` (1 to the block size) input codes of format `from` (FP32 bit patterns for "f32")
 * quantized to the block format `format` under `profile`: *scale receives the scale code and elements[0..n)
 * the element codes. Returns 0, or -1. */
int mxref_dpi_quantize(const char* format, const char* profile, const char* from, int n, const unsigned int* inputs,
                       unsigned int* scale, unsigned int* elements);

/* One dot product of `blocks` blocks of A (block format `format`) and of B (`format_b`, "" for A's), each
 * block a scale code and block-size element codes (a_elements holds blocks x block size of them, block by
 * block), plus C, under the accumulation model `model` ("exact" for OCP MX §6), result in FP32 (RNE): the
 * result's bit pattern, or -1. */
long long mxref_dpi_dot(const char* format, const char* format_b, const char* model, int blocks,
                        const unsigned int* a_scales, const unsigned int* a_elements, const unsigned int* b_scales,
                        const unsigned int* b_elements, long long c);

/* Why the last call of this thread returned -1 ("" after a call that succeeded). */
const char* mxref_dpi_error(void);

#ifdef __cplusplus
}
#endif

#endif
