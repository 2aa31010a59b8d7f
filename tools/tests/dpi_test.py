"""conformance/dpi: libmxref_dpi.so's C interface against the mxref command line (cast, quantize and dot
on random codes, and the errors it reports instead of crashing), and the SystemVerilog scoreboard example
built and run under Verilator: it must pass the RTL quantizer of conformance/examples/rtl and catch a
broken copy of it.
Run: python3 -m pytest tools/tests/dpi_test.py --mxref MXREF --plugin libmxref_dpi.so [--root REPO_ROOT].
The Verilator tests skip without verilator."""
import ctypes
import os
import shutil
import subprocess

import numpy as np
import pytest

U32 = ctypes.c_uint


@pytest.fixture(scope="module")
def dpi(plugin):
    if not plugin:
        pytest.skip("no --plugin (libmxref_dpi.so)")
    lib = ctypes.CDLL(os.path.abspath(plugin))
    lib.mxref_dpi_cast.restype = ctypes.c_longlong
    lib.mxref_dpi_cast.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_longlong]
    lib.mxref_dpi_quantize.restype = ctypes.c_int
    lib.mxref_dpi_quantize.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int,
                                       ctypes.POINTER(U32), ctypes.POINTER(U32), ctypes.POINTER(U32)]
    lib.mxref_dpi_dot.restype = ctypes.c_longlong
    lib.mxref_dpi_dot.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int,
                                  *[ctypes.POINTER(U32)] * 4, ctypes.c_longlong]
    lib.mxref_dpi_error.restype = ctypes.c_char_p
    return lib


def cli(mxref, args, lines):
    r = subprocess.run([mxref, *args], input="".join(line + "\n" for line in lines), capture_output=True,
                       text=True, check=True)
    return r.stdout.splitlines()


def test_cast_equals_the_command_line(dpi, mxref):
    rng = np.random.default_rng(1)
    codes = [int(c) for c in rng.integers(0, 1 << 32, size=2000, dtype=np.uint64)]
    for to, options in (("e4m3", ""), ("e5m2", "rounding=rtz overflow=saturate"), ("e2m1", "overflow=saturate nan=zero")):
        flags = [f"--{key}={value}" for key, value in (s.split("=") for s in options.split())]
        want = cli(mxref, ["cast", "--from", "f32", "--to", to, *flags], [f"{c:08x}" for c in codes])
        got = [dpi.mxref_dpi_cast(b"f32", to.encode(), options.encode(), c) for c in codes]
        assert [int(w, 16) for w in want] == got, to


def test_quantize_equals_the_command_line(dpi, mxref):
    rng = np.random.default_rng(2)
    blocks = (rng.standard_normal((300, 32)) * np.exp2(rng.integers(-20, 20, size=(300, 1)))).astype(np.float32)
    blocks[::17, 3] = np.nan
    bits = blocks.view(np.uint32)
    for fmt, profile in (("mxfp8_e4m3", "ocp"), ("mxfp4_e2m1", "torchao-floor"), ("mxfp6_e3m2", "nvidia-rceil")):
        want = cli(mxref, ["quantize", "--from", "f32", "--format", fmt, "--profile", profile],
                   [" ".join(f"{int(v):08x}" for v in row) for row in bits])
        for row, line in zip(bits, want):
            scale, elements = U32(), (U32 * 32)()
            assert dpi.mxref_dpi_quantize(fmt.encode(), profile.encode(), b"f32", 32,
                                          (U32 * 32)(*[int(v) for v in row]), ctypes.byref(scale), elements) == 0
            assert [scale.value, *elements] == [int(t, 16) for t in line.split()], (fmt, profile)


def test_dot_equals_the_command_line(dpi, mxref):
    rng = np.random.default_rng(3)
    finite = [c for c in range(256) if c & 0x7F != 0x7F]
    for model in ("exact", "sm90-wgmma-fp8", "sm100-mxf8f6f4"):
        lines, got = [], []
        for _ in range(200):
            sa, sb = rng.integers(120, 135, size=2), rng.integers(120, 135, size=2)
            ea, eb = rng.choice(finite, size=64), rng.choice(finite, size=64)
            c = int(np.float32(rng.standard_normal()).view(np.uint32))
            lines.append(" ".join(
                [f"{sa[0]:02x}", *[f"{e:02x}" for e in ea[:32]], f"{sa[1]:02x}", *[f"{e:02x}" for e in ea[32:]],
                 f"{sb[0]:02x}", *[f"{e:02x}" for e in eb[:32]], f"{sb[1]:02x}", *[f"{e:02x}" for e in eb[32:]],
                 f"{c:08x}"]))
            got.append(dpi.mxref_dpi_dot(b"mxfp8_e4m3", b"", model.encode(), 2, (U32 * 2)(*map(int, sa)),
                                         (U32 * 64)(*map(int, ea)), (U32 * 2)(*map(int, sb)), (U32 * 64)(*map(int, eb)), c))
        want = cli(mxref, ["dot", "--format", "mxfp8_e4m3", "--blocks", "2", "--model", model], lines)
        assert [int(w, 16) for w in want] == got, model


def test_errors_are_reported_not_raised(dpi):
    assert dpi.mxref_dpi_cast(b"f32", b"e4m3", b"", 0x3F800000) == 0x38
    assert dpi.mxref_dpi_error() == b""
    assert dpi.mxref_dpi_cast(b"f32", b"no-such-format", b"", 0) == -1
    assert b"no-such-format" in dpi.mxref_dpi_error()
    assert dpi.mxref_dpi_cast(b"e4m3", b"f32", b"", 0x100) == -1  # nine bits for an 8-bit format
    assert b"does not fit 8 bits" in dpi.mxref_dpi_error()
    assert dpi.mxref_dpi_cast(b"f32", b"e4m3", b"rounding=sideways", 0) == -1
    assert b"rounding=sideways" in dpi.mxref_dpi_error()
    scale, elements = U32(), (U32 * 32)()
    assert dpi.mxref_dpi_quantize(b"mxfp8_e4m3", b"ocp", b"f32", 33, (U32 * 32)(), ctypes.byref(scale), elements) == -1
    assert b"33 values" in dpi.mxref_dpi_error()
    assert dpi.mxref_dpi_quantize(b"mxfp8_e4m3", b"no-such-profile", b"f32", 1, (U32 * 32)(), ctypes.byref(scale),
                                  elements) == -1
    assert dpi.mxref_dpi_dot(b"mxfp8_e4m3", b"", b"no-such-model", 1, (U32 * 1)(127), (U32 * 32)(), (U32 * 1)(127),
                             (U32 * 32)(), 0) == -1
    assert b"no-such-model" in dpi.mxref_dpi_error()


@pytest.fixture(scope="module")
def scoreboard(root, plugin, tmp_path_factory):
    """Builds the scoreboard test bench around a quantizer source under Verilator; returns its output."""
    if not shutil.which("verilator"):
        pytest.skip("verilator is not installed")
    if not plugin:
        pytest.skip("no --plugin (libmxref_dpi.so)")
    library = os.path.dirname(os.path.abspath(plugin))
    dpi_dir = os.path.join(root, "conformance", "dpi")

    def run(quantizer, blocks=2000):
        where = tmp_path_factory.mktemp("verilator")
        subprocess.run(["verilator", "--binary", "--timing", "-Wno-fatal", "-Wno-lint", "-Wno-style", f"-DBLOCKS={blocks}",
                        "--top-module", "tb_dpi_scoreboard", "-Mdir", str(where), os.path.join(dpi_dir, "mxref_dpi.sv"),
                        quantizer, os.path.join(dpi_dir, "tb_dpi_scoreboard.sv"), "-LDFLAGS",
                        f"-L{library} -lmxref_dpi -Wl,-rpath,{library}"], check=True, capture_output=True)
        return subprocess.run([os.path.join(where, "Vtb_dpi_scoreboard")], capture_output=True, text=True).stdout
    return run


def test_the_scoreboard_passes_the_rtl_quantizer(scoreboard, root):
    out = scoreboard(os.path.join(root, "conformance", "examples", "rtl", "mxfp8_e4m3_quantize.v"))
    assert "PASS 2000 blocks" in out, out


def test_the_scoreboard_catches_a_wrong_scale(scoreboard, root, tmp_path):
    with open(os.path.join(root, "conformance", "examples", "rtl", "mxfp8_e4m3_quantize.v")) as f:
        source = f.read()
    broken = source.replace("- 8;  // emax of E4M3", "- 7;  // emax of E4M3")
    assert broken != source
    (tmp_path / "broken.v").write_text(broken)
    out = scoreboard(str(tmp_path / "broken.v"), blocks=50)
    assert "FAIL" in out and "scale" in out, out
