// Test bench for mxfp8_e4m3_quantize.v, in two modes.
//
// Self-checking (default): reads a block suite's inputs.memh, scales.memh, expected.memh and care.memh
// (mxref gen; vectors/README.md) and compares every scale and every element whose care bit is 1.
// Defines: N (blocks), INPUTS, SCALES, EXPECTED, CARE (file paths).
//
// Filter (-DFILTER): reads blocks from standard input, one per line as in the suite's stdin.txt (32 FP32
// codes in hex), and writes the scale and the 32 element codes per line, as expected.txt has them: the
// implementation side of `mxref conform --suite vectors/golden/mxfp8-e4m3-rtl --cmd "vvp -n tb"`.
`timescale 1ns / 1ps
module tb_mxfp8_e4m3_quantize;
  reg  [32*32-1:0] x;
  wire [7:0]       scale;
  wire [8*32-1:0]  p;
  integer i, k;

  mxfp8_e4m3_quantize dut (.x(x), .scale(scale), .p(p));

`ifdef FILTER
  reg [31:0] v [0:31];
  integer in, got;
  initial begin
    in = $fopen("/dev/stdin", "r");
    got = 32;
    while (got == 32) begin
      got = $fscanf(in, "%h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h %h\n",
                    v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14],
                    v[15], v[16], v[17], v[18], v[19], v[20], v[21], v[22], v[23], v[24], v[25], v[26], v[27], v[28],
                    v[29], v[30], v[31]);
      if (got == 32) begin
        for (i = 0; i < 32; i = i + 1) x[32*i +: 32] = v[i];
        #1;
        $write("%h", scale);
        for (i = 0; i < 32; i = i + 1) $write(" %h", p[8*i +: 8]);
        $write("\n");
      end
    end
    $finish;
  end
`else
  reg [31:0] inputs   [0:32*`N - 1];
  reg [7:0]  scales   [0:`N - 1];
  reg [7:0]  expected [0:32*`N - 1];
  reg        care     [0:32*`N - 1];
  integer failures, wrong;
  initial begin
    $readmemh(`INPUTS, inputs);
    $readmemh(`SCALES, scales);
    $readmemh(`EXPECTED, expected);
    $readmemh(`CARE, care);
    failures = 0;
    for (k = 0; k < `N; k = k + 1) begin
      for (i = 0; i < 32; i = i + 1) x[32*i +: 32] = inputs[32*k + i];
      #1;
      wrong = scale !== scales[k];
      for (i = 0; i < 32; i = i + 1)
        if (care[32*k + i] && p[8*i +: 8] !== expected[32*k + i]) wrong = 1;
      if (wrong) begin
        if (failures < 10) begin
          $write("block %0d: scale expected %h got %h; elements", k, scales[k], scale);
          for (i = 0; i < 32; i = i + 1)
            if (care[32*k + i] && p[8*i +: 8] !== expected[32*k + i])
              $write(" [%0d] expected %h got %h", i, expected[32*k + i], p[8*i +: 8]);
          $write("\n");
        end
        failures = failures + 1;
      end
    end
    if (failures == 0) $display("PASS %0d blocks", `N);
    else $display("FAIL %0d of %0d blocks", failures, `N);
    $finish;
  end
`endif
endmodule
