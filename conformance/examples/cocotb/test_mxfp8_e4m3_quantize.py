"""cocotb test of the RTL MXFP8 E4M3 block quantizer (conformance/examples/rtl/mxfp8_e4m3_quantize.v) with mxref
as its model: random FP32 blocks are driven into the design and every output is checked against
mxref_dpi_quantize (libmxref_dpi.so, conformance/dpi/mxref_dpi.h) under the `ocp` profile; elements under
a NaN scale are don't-care. Environment: MXREF_DPI_LIB (the library's path), MXREF_BLOCKS (default 500),
MXREF_SEED (default 1). tools/tests/cocotb_test.py runs it under Icarus Verilog."""
import ctypes
import os
import random

import cocotb
from cocotb.triggers import Timer

U32 = ctypes.c_uint


def mxref_model():
    lib = ctypes.CDLL(os.environ["MXREF_DPI_LIB"])
    lib.mxref_dpi_quantize.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int,
                                       ctypes.POINTER(U32), ctypes.POINTER(U32), ctypes.POINTER(U32)]
    lib.mxref_dpi_error.restype = ctypes.c_char_p

    def quantize(values):
        scale, elements = U32(), (U32 * 32)()
        if lib.mxref_dpi_quantize(b"mxfp8_e4m3", b"ocp", b"f32", 32, (U32 * 32)(*values), ctypes.byref(scale),
                                  elements) != 0:
            raise RuntimeError(lib.mxref_dpi_error().decode())
        return scale.value, list(elements)
    return quantize


def draw(rng, kind):
    """An FP32 bit pattern: near 1, anywhere, tiny (zeros and subnormals), or now and then Inf or NaN."""
    sign, fraction = rng.getrandbits(1), rng.getrandbits(23)
    if kind == 0:
        field = 127 + rng.randint(-4, 4)
    elif kind == 1:
        field = rng.randint(1, 254)
    elif kind == 2:
        field = 0 if rng.random() < 0.25 else 127 + rng.randint(-30, -20)
        fraction = 0 if field == 0 and rng.random() < 0.5 else fraction
    else:
        field = 255 if rng.random() < 0.005 else 127 + rng.randint(0, 2)
    return sign << 31 | field << 23 | fraction


@cocotb.test()
async def quantizer_matches_mxref(dut):
    quantize = mxref_model()
    rng = random.Random(int(os.environ.get("MXREF_SEED", "1")))
    for block in range(int(os.environ.get("MXREF_BLOCKS", "500"))):
        values = [draw(rng, block % 4) for _ in range(32)]
        dut.x.value = sum(v << (32 * i) for i, v in enumerate(values))
        await Timer(1, units="step")  # the design is combinational: one step settles it
        want_scale, want = quantize(values)
        scale, elements = int(dut.scale.value), int(dut.p.value)
        assert scale == want_scale, f"block {block}: scale {scale:02x}, mxref {want_scale:02x}"
        if want_scale == 0xFF:
            continue  # a NaN scale: every element decodes to NaN, whatever its code
        for i in range(32):
            got = elements >> (8 * i) & 0xFF
            assert got == want[i], f"block {block} element {i}: {got:02x}, mxref {want[i]:02x} (input {values[i]:08x})"
