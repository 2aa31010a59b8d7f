// Test bench: reads a cast suite's inputs.memh and expected.memh (mxref gen; vectors/README.md) and
// checks fp32_to_e4m3 on every vector. Defines: N (vectors), INPUTS, EXPECTED (file paths).
`timescale 1ns / 1ps
module tb_fp32_to_e4m3;
  reg  [31:0] inputs   [0:`N - 1];
  reg  [7:0]  expected [0:`N - 1];
  reg  [31:0] f;
  wire [7:0]  e;
  integer i, failures;

  fp32_to_e4m3 dut (.f(f), .e(e));

  initial begin
    $readmemh(`INPUTS, inputs);
    $readmemh(`EXPECTED, expected);
    failures = 0;
    for (i = 0; i < `N; i = i + 1) begin
      f = inputs[i];
      #1;
      if (e !== expected[i]) begin
        if (failures < 10) $display("vector %0d: input %h expected %h got %h", i, f, expected[i], e);
        failures = failures + 1;
      end
    end
    if (failures == 0) $display("PASS %0d vectors", `N);
    else $display("FAIL %0d of %0d vectors", failures, `N);
    $finish;
  end
endmodule
