// mxref as the scoreboard of an RTL test: random FP32 blocks into the MXFP8 E4M3 block quantizer of
// conformance/examples/rtl, each output checked against mxref_dpi_quantize (profile ocp); elements under a
// NaN scale are don't-care. Then one cast and one dot product through the same package, checked against
// values worked out by hand. Built and run under Verilator (tools/tests/dpi_test.py):
//   (shell) verilator --binary --timing -Wno-fatal -DBLOCKS=2000 mxref_dpi.sv mxfp8_e4m3_quantize.v tb_dpi_scoreboard.sv
//       -LDFLAGS "-L<dir> -lmxref_dpi"
`ifndef BLOCKS
`define BLOCKS 1000
`endif
module tb_dpi_scoreboard;
  import mxref_dpi::*;

  logic [32*32-1:0] x;
  wire  [7:0]       scale;
  wire  [8*32-1:0]  p;
  mxfp8_e4m3_quantize dut (.x(x), .scale(scale), .p(p));

  int unsigned inputs[32], want_elements[32], want_scale;
  int unsigned a_scales[8], a_elements[256], b_scales[8], b_elements[256];
  int failures = 0;
  longint code;

  // An FP32 bit pattern: magnitudes within a few binades of 1, or anywhere in FP32's range, zeros and
  // subnormals; now and then an Inf or a NaN.
  function automatic int unsigned draw(int unsigned kind);
    int unsigned sign = $urandom_range(1, 0), field, fraction = $urandom & 32'h7FFFFF;
    case (kind % 4)
      0: field = 127 - 4 + $urandom_range(8, 0);
      1: field = $urandom_range(254, 1);
      2: field = $urandom_range(3, 0) == 0 ? 0 : 127 - 30 + $urandom_range(10, 0);
      default: field = $urandom_range(200, 0) == 0 ? 255 : 127 + $urandom_range(2, 0);
    endcase
    if (field == 0 && $urandom_range(1, 0) == 0) fraction = 0;
    return {sign[0], field[7:0], fraction[22:0]};
  endfunction

  initial begin
    for (int b = 0; b < `BLOCKS; b++) begin
      logic [32*32-1:0] next;
      for (int i = 0; i < 32; i++) begin
        inputs[i] = draw(b);
        next[32*i +: 32] = inputs[i];
      end
      x = next;  // one write of the whole bus: the DUT sees one change
      #1;
      if (mxref_dpi_quantize("mxfp8_e4m3", "ocp", "f32", 32, inputs, want_scale, want_elements) != 0)
        $fatal(1, "mxref_dpi_quantize: %s", mxref_dpi_error());
      if (scale != want_scale[7:0]) begin
        if (failures < 5) $display("block %0d: scale %h, mxref %h", b, scale, want_scale);
        failures++;
      end else if (want_scale != 32'hFF) begin
        for (int i = 0; i < 32; i++)
          if (p[8*i +: 8] != want_elements[i][7:0]) begin
            if (failures < 5) $display("block %0d element %0d: %h, mxref %h", b, i, p[8*i +: 8], want_elements[i]);
            failures++;
            break;
          end
      end
    end
    // 1.0 (FP32 0x3F800000) is E4M3 0x38; 500 saturates to 448 (0x7E) with overflow=saturate.
    if (mxref_dpi_cast("f32", "e4m3", "", 64'h3F800000) != 64'h38) failures++;
    if (mxref_dpi_cast("f32", "e4m3", "overflow=saturate", 64'h43FA0000) != 64'h7E) failures++;
    // MXFP8 E4M3, one block: 32 x (0.25 x 0.25) with unit scales, plus C = 1024: exactly 1026 (0x44804000).
    a_scales[0] = 127;
    b_scales[0] = 127;
    for (int i = 0; i < 32; i++) begin
      a_elements[i] = 32'h28;
      b_elements[i] = 32'h28;
    end
    if (mxref_dpi_dot("mxfp8_e4m3", "", "exact", 1, a_scales, a_elements, b_scales, b_elements, 64'h44800000)
        != 64'h44804000) failures++;
    // An unknown format is an error the scoreboard can report, not a crash.
    code = mxref_dpi_cast("f32", "no-such-format", "", 0);  // its own statement: mxref_dpi_error() reads after it
    if (code != -1 || mxref_dpi_error() == "") failures++;
    if (failures == 0) $display("PASS %0d blocks", `BLOCKS);
    else $display("FAIL %0d", failures);
    $finish;
  end
endmodule
