// FP32 -> OCP E4M3 (the RTL example for mxref's golden vectors): round to nearest even, saturate to
// ±448 on overflow and for ±Inf, NaN -> S.1111.111 keeping the sign, E4M3 subnormals, signed zero.
// Combinational and synthesizable. Checked against vectors/golden/e4m3-cast by tb_fp32_to_e4m3.v.
module fp32_to_e4m3 (
    input  wire [31:0] f,
    output reg  [7:0]  e
);
  wire        sign = f[31];
  wire [7:0]  field = f[30:23];
  wire [23:0] significand = {1'b1, f[22:0]};
  wire signed [9:0] exponent = $signed({2'b00, field}) - 10'sd127;

  // Normal results: keep the implicit bit and 3 mantissa bits; round on bit 19, sticky below.
  wire [3:0] kept = significand[23:20];
  wire       round_up = significand[19] & ((|significand[18:0]) | kept[0]);
  wire [4:0] rounded = {1'b0, kept} + {4'b0, round_up};      // 16..31 after a carry: 1.000 x 2
  wire signed [9:0] normal_field = exponent + 10'sd7 + (rounded[4] ? 10'sd1 : 10'sd0);
  wire [2:0] normal_mantissa = rounded[4] ? 3'b000 : rounded[2:0];

  // Subnormal results (exponent < -6): the value in units of 2^-9 is significand x 2^(exponent - 14).
  // The significand is shifted right inside a 64-bit window: the integer part lands in bits 63:40, the
  // round bit in bit 39, the sticky bits below. A shift beyond 30 leaves less than 2^-10: rounds to 0.
  wire [9:0]  shift = 10'sd14 - exponent;                  // 21 .. 140
  wire [4:0]  s = (shift > 10'd30) ? 5'd30 : shift[4:0];
  wire [63:0] window = {significand, 40'b0} >> s;
  wire [3:0]  quotient = (shift > 10'd30) ? 4'd0 : window[43:40];
  wire        sub_round = (shift > 10'd30) ? 1'b0 : window[39];
  wire        sub_sticky = (shift > 10'd30) ? 1'b1 : |window[38:0];
  wire [3:0]  subnormal = quotient + {3'b0, sub_round & (sub_sticky | quotient[0])};  // 8 = min normal

  always @* begin
    if (field == 8'hFF)
      e = f[22:0] != 0 ? {sign, 7'h7F} : {sign, 7'h7E};            // NaN keeps its sign; Inf saturates
    else if (field == 8'h00)
      e = {sign, 7'h00};                                          // FP32 zero and subnormals (< 2^-126)
    else if (exponent > 10'sd8 || normal_field > 10'sd15 || (normal_field == 10'sd15 && normal_mantissa == 3'b111))
      e = {sign, 7'h7E};                                          // beyond 448 after rounding: saturate
    else if (exponent >= -10'sd6)
      e = {sign, normal_field[3:0], normal_mantissa};
    else
      e = {sign, 3'b000, subnormal};
  end
endmodule
