// FP32 -> MXFP8 E4M3, one 32-element block (the RTL example for mxref's block suites, profile `ocp`):
// amax over the block, the E8M0 scale X = 2^(floor(log2 amax) - 8) clamped to [2^-127, 2^127], and each
// element x / X rounded to nearest even into E4M3 and saturated to +-448. A NaN or Inf anywhere makes the
// scale NaN (0xFF; the elements are then don't-care), an all-zero block takes the smallest scale (0x00).
// Every step is exact integer arithmetic on the FP32 fields: no FP32 division. Combinational; checked
// against vectors/golden/mxfp8-e4m3-rtl by tb_mxfp8_e4m3_quantize.v.
module mxfp8_e4m3_quantize (
    input  wire [32*32-1:0] x,      // element i in x[32*i +: 32]
    output wire [7:0]       scale,  // E8M0
    output wire [8*32-1:0]  p       // element i in p[8*i +: 8]
);
  // Bits needed for m (0 for 0).
  function integer bit_length(input [23:0] m);
    integer k;
    begin
      bit_length = 0;
      for (k = 0; k < 24; k = k + 1)
        if (m[k]) bit_length = k + 1;
    end
  endfunction

  // floor(log2 |v|) of a nonzero finite FP32 value.
  function integer floor_log2(input [31:0] v);
    begin
      if (v[30:23] != 0) floor_log2 = v[30:23] - 127;
      else floor_log2 = -150 + bit_length(v[22:0]);  // a subnormal: fraction x 2^-149
    end
  endfunction

  // One element: v / 2^shared rounded to nearest even into E4M3, saturated. v = m x 2^e exactly.
  function [7:0] element(input [31:0] v, input integer shared);
    integer e, fl, t, s, d, r, code;
    reg [23:0] m;
    reg round_bit, sticky;
    begin
      m = v[30:23] != 0 ? {1'b1, v[22:0]} : {1'b0, v[22:0]};
      e = (v[30:23] != 0 ? v[30:23] : 1) - 150;
      if (m == 0) begin
        r = 0;
        fl = -7;
      end else begin
        fl = floor_log2(v) - shared;          // the scaled element's binade
        t = (fl >= -6 ? fl : -6) - 3;         // its quantum: 3 fraction bits, subnormals below 2^-6
        s = e - shared - t;                   // r = m x 2^s, rounded
        if (s >= 0) begin
          r = m << s;
        end else begin
          d = -s;
          if (d > 25) begin                   // below half a quantum: 0
            r = 0;
          end else begin
            r = m >> d;
            round_bit = (m >> (d - 1)) & 1;
            sticky = (m & ((24'd1 << (d - 1)) - 1)) != 0;
            r = r + ((round_bit && (sticky || (r % 2 == 1))) ? 1 : 0);
          end
        end
      end
      // Normal: r in 8..16 (16 carries into the next binade); subnormal: r in 0..8 (8 is the least normal).
      code = fl >= -6 ? (fl + 6) * 8 + r : r;
      if (code > 126) code = 126;             // beyond 448: saturate (0x7F is NaN)
      element = {v[31], code[6:0]};
    end
  endfunction

  // The whole block: {elements, scale}.
  function [8*32+7:0] quantize(input [32*32-1:0] block);
    integer i, shared;
    reg [30:0] amax;
    reg special;
    reg [7:0] e8m0;
    reg [8*32-1:0] elements;
    begin
      amax = 0;
      special = 0;
      for (i = 0; i < 32; i = i + 1) begin
        if (block[32*i+23 +: 8] == 8'hFF) special = 1;  // NaN or Inf
        else if (block[32*i +: 31] > amax) amax = block[32*i +: 31];  // magnitudes order as their bit patterns
      end
      if (special) begin
        e8m0 = 8'hFF;
        shared = 0;
      end else if (amax == 0) begin
        e8m0 = 8'h00;
        shared = -127;
      end else begin
        shared = floor_log2({1'b0, amax}) - 8;  // emax of E4M3
        if (shared < -127) shared = -127;       // the scale's range; FP32 never needs the top clamp
        e8m0 = shared + 127;
      end
      for (i = 0; i < 32; i = i + 1)
        elements[8*i +: 8] = special ? 8'h7F : element(block[32*i +: 32], shared);
      quantize = {elements, e8m0};
    end
  endfunction

  assign {p, scale} = quantize(x);
endmodule
