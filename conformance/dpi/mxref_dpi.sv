// mxref as a reference model for SystemVerilog (conformance/dpi/mxref_dpi.h says what each call does):
// `import mxref_dpi::*;` and link libmxref_dpi.so. Blocks of up to 32 elements; dot products of up to 8
// blocks of 32 (unused entries are ignored). A call returns -1 where it cannot be done: mxref_dpi_error()
// says why.
package mxref_dpi;
  import "DPI-C" function longint mxref_dpi_cast(input string from, input string to, input string options,
                                                 input longint code);
  import "DPI-C" function int mxref_dpi_quantize(input string format, input string profile, input string from,
                                                 input int n, input int unsigned inputs[32],
                                                 output int unsigned scale, output int unsigned elements[32]);
  import "DPI-C" function longint mxref_dpi_dot(input string format, input string format_b, input string model,
                                                input int blocks, input int unsigned a_scales[8],
                                                input int unsigned a_elements[256], input int unsigned b_scales[8],
                                                input int unsigned b_elements[256], input longint c);
  import "DPI-C" function string mxref_dpi_error();
endpackage
