// OCP MX v1.0 Dot of one MXFP4 block pair (32 E2M1 elements and an E8M0 scale each) with no
// accumulator (C = +0), rounded once to FP32: round to nearest even, FP32 subnormals, overflow to
// ±Inf, an exact zero sum gives +0, a NaN scale (0xFF) gives 0x7FC00000. Combinational and
// synthesizable. Checked against mxref dot vectors by tb_mxfp4_dot.v.
//
// Twice an E2M1 value is an integer, so the sum of the products is exact in fixed point:
// S = sum (2 A_i)(2 B_i), |S| <= 32 x 144 = 4608, and the dot is S x 2^(a_scale + b_scale - 256).
// Element i of each operand is elems[4i+3:4i].
module mxfp4_dot (
    input  wire [7:0]   a_scale,
    input  wire [127:0] a_elems,
    input  wire [7:0]   b_scale,
    input  wire [127:0] b_elems,
    output reg  [31:0]  result
);
  // E2M1 magnitude codes 0..7 are 0, 0.5, 1, 1.5, 2, 3, 4, 6; twice that is 0, 1, 2, 3, 4, 6, 8, 12.
  function [3:0] twice_magnitude(input [2:0] code);
    case (code)
      3'd5:    twice_magnitude = 4'd6;
      3'd6:    twice_magnitude = 4'd8;
      3'd7:    twice_magnitude = 4'd12;
      default: twice_magnitude = {1'b0, code};
    endcase
  endfunction

  // Position of the leading one (0 for a zero magnitude, which is handled on its own).
  function [3:0] leading_one(input [12:0] m);
    integer j;
    begin
      leading_one = 4'd0;
      for (j = 1; j < 13; j = j + 1)
        if (m[j]) leading_one = j[3:0];
    end
  endfunction

  // Exact sum of the 32 products in two's complement; 14 bits hold ±4608.
  reg [13:0] sum;
  reg [7:0]  product;
  integer i;
  always @* begin
    sum = 14'd0;
    for (i = 0; i < 32; i = i + 1) begin
      product = {4'd0, twice_magnitude(a_elems[4*i +: 3])} * {4'd0, twice_magnitude(b_elems[4*i +: 3])};
      if (a_elems[4*i + 3] ^ b_elems[4*i + 3])
        sum = sum - {6'd0, product};
      else
        sum = sum + {6'd0, product};
    end
  end

  wire        nan = (a_scale == 8'hFF) || (b_scale == 8'hFF);
  wire        sign = sum[13];
  wire [12:0] magnitude = sign ? 13'd0 - sum[12:0] : sum[12:0];   // 1 .. 4608 unless S = 0

  // The value is magnitude x 2^scale_exp, scale_exp = a_scale + b_scale - 256 in [-256, 252].
  wire signed [9:0] scale_exp = $signed({2'b00, a_scale} + {2'b00, b_scale}) - 10'sd256;
  wire [3:0]        lead = leading_one(magnitude);
  wire signed [9:0] biased = scale_exp + $signed({6'd0, lead}) + 10'sd127;    // FP32 exponent field

  // Normal results are exact: 13 significant bits fit in FP32's 24. Shifting the low 12 bits up
  // past the leading one leaves the fraction, left aligned.
  wire [11:0] fraction = magnitude[11:0] << (4'd12 - lead);

  // Subnormal results (biased < 1) are rounded once. The window holds the value in units of 2^-164,
  // magnitude x 2^(scale_exp + 164): the result in units of 2^-149 (the smallest subnormal) is bits
  // 37:15, the round bit is bit 14, the sticky bits lie below. A subnormal result has scale_exp <= -127,
  // so the shift is at most 37 and nothing is lost at the top. When scale_exp < -164 the value is below
  // 2^-152, under half the smallest subnormal: a shift of 0 leaves the magnitude (< 2^13) under the
  // round bit, so it rounds to a zero of the sum's sign.
  wire signed [9:0] offset = scale_exp + 10'sd164;
  wire [5:0]  shift = (offset < 10'sd0) ? 6'd0 : offset[5:0];
  wire [37:0] window = {25'd0, magnitude} << shift;
  wire [22:0] quotient = window[37:15];
  wire        round_up = window[14] & ((|window[13:0]) | quotient[0]);
  wire [23:0] subnormal = {1'b0, quotient} + {23'd0, round_up};   // 2^23 encodes the smallest normal

  always @* begin
    if (nan)
      result = 32'h7FC00000;
    else if (magnitude == 13'd0)
      result = 32'h00000000;                          // exact zero sum: +0 under RNE with C = +0
    else if (biased > 10'sd254)
      result = {sign, 8'hFF, 23'd0};                  // beyond the largest finite FP32: ±Inf
    else if (biased > 10'sd0)
      result = {sign, biased[7:0], fraction, 11'd0};
    else
      result = {sign, 7'd0, subnormal};
  end
endmodule
