// Test bench: reads an MXFP4 dot suite's inputs.memh and expected.memh (mxref gen; vectors/README.md)
// and checks mxfp4_dot on every vector. Defines: N (vectors), INPUTS, EXPECTED (file paths).
// An input word is one line of `mxref dot --format mxfp4_e2m1` input, its hex digits side by side:
// A's scale (8 bits), A's elements 0..31 (4 bits each, element 0 most significant), B's scale, B's
// elements, C (32 bits). mxfp4_dot has no accumulator input, so a vector with C other than +0 fails.
module tb_mxfp4_dot;
  reg  [303:0] inputs   [0:`N - 1];
  reg  [31:0]  expected [0:`N - 1];
  reg  [303:0] word;
  reg  [7:0]   a_scale, b_scale;
  reg  [127:0] a_elems, b_elems;
  wire [31:0]  result;
  integer i, k, failures;

  mxfp4_dot dut (.a_scale(a_scale), .a_elems(a_elems), .b_scale(b_scale), .b_elems(b_elems),
                 .result(result));

  initial begin
    $readmemh(`INPUTS, inputs);
    $readmemh(`EXPECTED, expected);
    failures = 0;
    for (i = 0; i < `N; i = i + 1) begin
      word = inputs[i];
      a_scale = word[303:296];
      b_scale = word[167:160];
      // The word lists element 0 first (most significant); the ports hold it in the low bits.
      for (k = 0; k < 32; k = k + 1) begin
        a_elems[4*k +: 4] = word[295 - 4*k -: 4];
        b_elems[4*k +: 4] = word[159 - 4*k -: 4];
      end
      #1;
      if (word[31:0] !== 32'h00000000) begin
        if (failures < 10)
          $display("vector %0d: C %h is not +0; mxfp4_dot has no accumulator input", i, word[31:0]);
        failures = failures + 1;
      end else if (result !== expected[i]) begin
        if (failures < 10) $display("vector %0d: input %h expected %h got %h", i, word, expected[i], result);
        failures = failures + 1;
      end
    end
    if (failures == 0) $display("PASS %0d vectors", `N);
    else $display("FAIL %0d of %0d vectors", failures, `N);
    $finish;
  end
endmodule
