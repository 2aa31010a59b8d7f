"""microsoft/MMA-Sim's dot-product arithmetic against `mxref dot --model P`, bit for bit on the FP32 results,
for every hardware preset: random dots and adversarial ones (cancellation, wide exponent spans, C dominating
or tiny, ties at the final rounding, subnormal products, scales beyond FP32's range, NaN scales and elements,
Inf x 0). MMA-Sim is not on PyPI: --mmasim-path names the folder that holds its `mmasim` package.
Run: python3 -m pytest tools/tests/mmasim_dot_test.py --mxref MXREF --mmasim-path DIR [--count N]
(dots per preset; default 2000). Skips without torch or mmasim.

MMA-Sim's per-element functions are called as its instruction classes call them (nv_ptx.py, amd.py), one
call per instruction, each result the next instruction's C; test_instructions_agree checks that on a few
dots against the instruction classes themselves. Where MMA-Sim cannot take an input the generator does not
make it: FP4 products with an Inf C (its fused sum truncates Inf), FP4 or FP6 elements in kind::mxf8f6f4
(its e2m1 there is a raw uint8). CDNA3's NaN is compared as NaN only: MMA-Sim leaves AMD NaNs to
whatever torch's FP8 conversion yields (its fnuz NaN decodes to a signalling payload)."""
import math
import multiprocessing
import subprocess

import pytest

torch = pytest.importorskip("torch")
arithmetic = pytest.importorskip("mmasim.simulator.arithmetic")  # on the path from --mmasim-path (conftest.py)

DEFAULT_COUNT = 2000
SEED = 2026


class Elem:
    """An element format: codes built from sign, exponent field and mantissa; its NaN, Inf and torch dtype."""

    def __init__(self, name, ebits, mbits, dtype, nan=None, inf=None, fnuz=False):
        self.name, self.ebits, self.mbits, self.dtype = name, ebits, mbits, dtype
        self.bits = 1 + ebits + mbits
        self.nan, self.inf, self.fnuz = nan, inf, fnuz
        top = (1 << ebits) - 1
        # The largest exponent field holding finite values (IEEE formats reserve the top one).
        self.max_field = top - 1 if inf is not None else top

    def code(self, negative, field, mantissa):
        c = (int(negative) << (self.bits - 1)) | (field << self.mbits) | mantissa
        if self.fnuz and c == 1 << (self.bits - 1):
            return 0  # fnuz has no -0: that code is its NaN
        if self.nan is not None and not self.fnuz and self.inf is None and field == (1 << self.ebits) - 1 and (
                mantissa == (1 << self.mbits) - 1):
            return c - 1  # step off the NaN (e4m3's S.1111.111) to the largest finite
        return c

    def finite(self, rng, low=0, high=None):
        high = self.max_field if high is None else high
        field = int(rng.integers(max(low, 0), max(min(high, self.max_field), 0) + 1))
        return self.code(rng.integers(0, 2), field, int(rng.integers(0, 1 << self.mbits)))

    def negate(self, c):
        if c == 0 and self.fnuz:
            return 0
        return c ^ (1 << (self.bits - 1))

    def tensor(self, codes):
        if self.bits <= 8:
            return torch.tensor(codes, dtype=torch.uint8).view(self.dtype)
        return torch.tensor([c - (1 << 16) if c >= 1 << 15 else c for c in codes], dtype=torch.int16).view(self.dtype)


E4M3 = Elem("e4m3", 4, 3, torch.float8_e4m3fn, nan=0x7F)
E5M2 = Elem("e5m2", 5, 2, torch.float8_e5m2, nan=0x7F, inf=0x7C)
BF16 = Elem("bf16", 8, 7, torch.bfloat16, nan=0x7FC0, inf=0x7F80)
FP16 = Elem("fp16", 5, 10, torch.float16, nan=0x7E00, inf=0x7C00)
E2M1 = Elem("e2m1", 2, 1, None)
E4M3FNUZ = Elem("e4m3fnuz", 4, 3, torch.float8_e4m3fnuz, nan=0x80, fnuz=True)
E5M2FNUZ = Elem("e5m2fnuz", 5, 2, torch.float8_e5m2fnuz, nan=0x80, fnuz=True)

# Per preset: MMA-Sim's function and parameters for one instruction (nv_ptx.py / amd.py), k per instruction,
# the element formats, the scale ("none": fixed 1.0), block size.
PRESETS = {
    "sm70-mma-fp16": dict(kind="nv", bits=23, out="f32", k=4, block=4, scale="none", elems=[(FP16, FP16)]),
    "sm80-mma-bf16": dict(kind="nv", bits=24, out="f32", k=8, block=8, scale="none", elems=[(BF16, BF16)]),
    "sm80-mma-fp16": dict(kind="nv", bits=24, out="f32", k=8, block=8, scale="none", elems=[(FP16, FP16)]),
    "sm89-mma-fp8": dict(kind="nv", bits=13, out="f32_e8m13", k=16, block=16, scale="none",
                         elems=[(E4M3, E4M3), (E5M2, E5M2), (E4M3, E5M2), (E5M2, E4M3)]),
    "sm90-wgmma-fp8": dict(kind="nv", bits=13, out="f32_e8m13", k=32, block=32, scale="none",
                           elems=[(E4M3, E4M3), (E5M2, E5M2), (E4M3, E5M2), (E5M2, E4M3)]),
    "sm90-wgmma-bf16": dict(kind="nv", bits=25, out="f32", k=16, block=16, scale="none", elems=[(BF16, BF16)]),
    "sm90-wgmma-fp16": dict(kind="nv", bits=25, out="f32", k=16, block=16, scale="none", elems=[(FP16, FP16)]),
    "sm100-mxf8f6f4": dict(kind="nv", bits=25, out="f32", k=32, block=32, scale="e8m0",
                           elems=[(E4M3, E4M3), (E5M2, E5M2), (E4M3, E5M2), (E5M2, E4M3)]),
    "sm100-mxf4": dict(kind="nv4", bits=35, k=64, block=32, scale="e8m0", elems=[(E2M1, E2M1)]),
    "sm100-mxf4nvf4": dict(kind="nv4", bits=35, k=64, block=16, scale="ue4m3", elems=[(E2M1, E2M1)],
                           also_e8m0=True),
    "cdna3-fp8": dict(kind="amd", bits=24, k=32, block=32, scale="none",
                      elems=[(E4M3FNUZ, E4M3FNUZ), (E5M2FNUZ, E5M2FNUZ), (E4M3FNUZ, E5M2FNUZ), (E5M2FNUZ, E4M3FNUZ)]),
}


def block_format(elem, scale, block):
    if elem is E2M1 and scale == "ue4m3":
        return "nvfp4"
    scale_name = "ue4m3" if scale == "ue4m3" else "e8m0"
    return f"{elem.name}/{scale_name}/{block}"


# ---- generation --------------------------------------------------------------------------------------------

CLASSES = ["random", "cancel_zero", "near_zero", "wide_span", "c_dominant", "c_tiny", "tie", "subnormal",
           "scale_extreme", "nan_scale", "nan_element", "inf"]


def f32_code(rng, exponent, negative=None):
    """A random FP32 code with this unbiased exponent (clamped to the finite range; below -126: subnormal)."""
    neg = int(rng.integers(0, 2)) if negative is None else int(negative)
    if exponent < -126:
        shift = min(-126 - exponent, 23)
        return (neg << 31) | (1 << (23 - shift)) | (int(rng.integers(0, 1 << 23)) >> shift)
    exponent = min(exponent, 127)
    return (neg << 31) | ((exponent + 127) << 23) | int(rng.integers(0, 1 << 23))


def unit_scale(scale):
    return 0x38 if scale == "ue4m3" else 0x7F  # 1.0


def window(elem):
    return (97, 157) if elem.ebits == 8 else (0, None)


def make_dot(rng, cls, spec, ea, eb, scale, n):
    """One dot: (A's scales, A's codes, B's scales, B's codes, C's FP32 code), n elements each."""
    blocks = n // spec["block"]
    sa = [unit_scale(scale)] * blocks
    sb = [unit_scale(scale)] * blocks
    scaled = scale != "none"
    if scaled and cls not in ("scale_extreme",):
        if scale == "ue4m3":
            sa = [int(rng.integers(0, 0x7F)) for _ in range(blocks)]
            sb = [int(rng.integers(0, 0x7F)) for _ in range(blocks)]
        else:
            sa = [int(rng.integers(0x70, 0x90)) for _ in range(blocks)]
            sb = [int(rng.integers(0x70, 0x90)) for _ in range(blocks)]
    # BF16's full range would overflow most random dots; wide_span and c_dominant reach its ends.
    a = [ea.finite(rng, *window(ea)) for _ in range(n)]
    b = [eb.finite(rng, *window(eb)) for _ in range(n)]
    c = f32_code(rng, int(rng.integers(-20, 20)))
    if rng.random() < 0.1:
        c = int(rng.choice([0, 0x80000000]))
    if cls == "cancel_zero" or cls == "near_zero":
        half = n // 2
        # B's second half repeats its first; A's second half is the first negated: products cancel pairwise
        # within the instruction (for a scaled operand, within a block of equal scales).
        sa = [sa[0]] * blocks
        sb = [sb[0]] * blocks
        for i in range(half):
            a[half + i] = ea.negate(a[i])
            b[half + i] = b[i]
        c = int(rng.choice([0, 0x80000000]))
        if cls == "near_zero":
            j = int(rng.integers(0, n))
            a[j] = ea.code(rng.integers(0, 2), 0 if ea.mbits else 1, 1)  # a tiny term survives the cancellation
            if rng.random() < 0.5:
                c = f32_code(rng, int(rng.integers(-149, -100)))
    elif cls == "wide_span":
        for i in range(n):
            if rng.random() < 0.5:
                a[i] = ea.finite(rng, ea.max_field - 1)
                b[i] = eb.finite(rng, eb.max_field - 1)
            else:
                a[i] = ea.finite(rng, 0, 2)
                b[i] = eb.finite(rng, 0, 2)
    elif cls == "c_dominant":
        c = f32_code(rng, int(rng.integers(20, 120)))
    elif cls == "c_tiny":
        c = f32_code(rng, int(rng.integers(-149, -30)))
    elif cls == "tie":
        # One nonzero product p and C with ulp(C) = 2|p|: C + p lies halfway between FP32 neighbours (or,
        # with a second, smaller product, just off it).
        for i in range(n):
            a[i] = 0
        j = int(rng.integers(0, n))
        a[j] = ea.finite(rng, 1)
        b[j] = eb.finite(rng, 1)
        value = float(ea.tensor([a[j]]).double()) * float(eb.tensor([b[j]]).double()) if ea.dtype else 1.0
        if value != value or value in (float("inf"), float("-inf")) or value == 0:
            value = 1.0
        e = math.frexp(abs(value))[1] - 1 + 24
        if scaled and scale == "e8m0":
            e += (sa[j // spec["block"]] - 127) + (sb[j // spec["block"]] - 127)
        c = f32_code(rng, e)
        if rng.random() < 0.3:
            k = (j + 1) % n
            a[k] = ea.finite(rng, 0, 1)
            b[k] = eb.finite(rng, 0, 1)
    elif cls == "subnormal":
        for i in range(n):
            if rng.random() < 0.7:
                a[i] = ea.code(rng.integers(0, 2), 0, int(rng.integers(0, 1 << ea.mbits)))
            if rng.random() < 0.7:
                b[i] = eb.code(rng.integers(0, 2), 0, int(rng.integers(0, 1 << eb.mbits)))
        c = f32_code(rng, int(rng.integers(-160, -110)))
        if rng.random() < 0.5:
            c = 0
    elif cls == "scale_extreme" and scaled:
        if scale == "ue4m3":
            sa = [int(rng.choice([0x7E, 0x77, 0x01, 0x00, 0x08])) for _ in range(blocks)]
            sb = [int(rng.choice([0x7E, 0x77, 0x01, 0x00, 0x08])) for _ in range(blocks)]
        else:
            high = rng.random() < 0.5
            sa = [int(rng.integers(0xE0, 0xFF) if high else rng.integers(0x00, 0x20)) for _ in range(blocks)]
            sb = [int(rng.integers(0xE0, 0xFF) if high else rng.integers(0x00, 0x20)) for _ in range(blocks)]
            if high and spec["kind"] == "nv4":
                # An Inf from one instruction would be the next one's C, which MMA-Sim's FP4 sum cannot take.
                for j in range((n - spec["k"]) // spec["block"]):
                    sa[j] = sb[j] = 0x7F
        c = f32_code(rng, int(rng.choice([127, 120, -126, -140, 0])))
        if rng.random() < 0.3:
            c = 0
    elif cls == "nan_scale" and scaled:
        nan = 0x7F if scale == "ue4m3" else 0xFF
        (sa if rng.random() < 0.5 else sb)[int(rng.integers(0, blocks))] = nan
    elif cls == "nan_element" and ea.nan is not None:
        j = int(rng.integers(0, n))
        a[j] = ea.nan | ((int(rng.integers(0, 2)) << (ea.bits - 1)) if not ea.fnuz else 0)
        if rng.random() < 0.3:
            c = 0x7FC00000
    elif cls == "inf":
        choice = rng.random()
        if ea.inf is not None and choice < 0.4:
            j = int(rng.integers(0, n))
            a[j] = ea.inf | (int(rng.integers(0, 2)) << (ea.bits - 1))
            if rng.random() < 0.5:
                b[j] = 0  # Inf x 0
            elif rng.random() < 0.5:
                k = (j + 1) % n
                a[k] = ea.negate(a[j]) if ea.inf else a[k]  # Inf - Inf
                b[k] = b[j]
        elif spec["kind"] != "nv4" and choice < 0.8:
            c = 0x7F800000 | (int(rng.integers(0, 2)) << 31)
        else:
            c = int(rng.choice([0x7F7FFFFF, 0xFF7FFFFF]))  # the largest finite C, with products that may tip it
    return sa, a, sb, b, c


def make_dots(spec, count, seed):
    """[(elements A, elements B, scale, n, dots)]: the preset's dots, grouped by what one mxref run takes."""
    rng = __import__("numpy").random.default_rng(seed)
    scales = [spec["scale"]] + (["e8m0"] if spec.get("also_e8m0") else [])
    groups = {}
    for i in range(count):
        ea, eb = spec["elems"][i % len(spec["elems"])]
        scale = scales[(i // len(spec["elems"])) % len(scales)]
        n = spec["k"] * (1 + (i // 7) % 2)  # one or two instructions
        cls = CLASSES[i % len(CLASSES)] if i % 3 else "random"
        groups.setdefault((ea.name, eb.name, scale, n), (ea, eb, scale, n, []))[4].append(
            make_dot(rng, cls, spec, ea, eb, scale, n))
    return list(groups.values())


# ---- the two sides -----------------------------------------------------------------------------------------


def mxref_dots(mxref, preset, spec, ea, eb, scale, n, dots):
    blocks = n // spec["block"]
    lines = []
    for sa, a, sb, b, c in dots:
        tokens = []
        for scales, codes in ((sa, a), (sb, b)):
            for j in range(blocks):
                tokens.append(f"{scales[j]:x}")
                tokens += [f"{x:x}" for x in codes[j * spec["block"]:(j + 1) * spec["block"]]]
        tokens.append(f"{c:08x}")
        lines.append(" ".join(tokens))
    args = [mxref, "dot", "--model", preset, "--format", block_format(ea, scale, spec["block"]), "--format-b",
            block_format(eb, scale, spec["block"]), "--blocks", str(blocks), "--out", "f32"]
    run = subprocess.run(args, input="\n".join(lines) + "\n", capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {run.stderr.strip()}")
    return [int(t, 16) for t in run.stdout.split()]


def bits_of(d):
    return int(torch.as_tensor(d, dtype=torch.float32).reshape(()).view(torch.int32).item()) & 0xFFFFFFFF


def scale_tensor(codes, scale):
    dtype = torch.float8_e4m3fn if scale == "ue4m3" else torch.float8_e8m0fnu
    return torch.tensor(codes, dtype=torch.uint8).view(dtype)


def mmasim_dot(args):
    """MMA-Sim's FP32 result code for one dot, instruction by instruction."""
    spec, ea, eb, scale, (sa, a, sb, b, c) = args
    k, block = spec["k"], spec["block"]
    d = torch.tensor(c, dtype=torch.int64).to(torch.int32).view(torch.float32)
    for start in range(0, len(a), k):
        at = ea.tensor(a[start:start + k]) if ea.dtype else None
        bt = eb.tensor(b[start:start + k]) if eb.dtype else None
        if spec["kind"] == "nv" and scale == "none":
            d = arithmetic.nv_fused_dot_add(at, bt, d, n_fractional_bits=spec["bits"], output_type=spec["out"])
        elif spec["kind"] == "nv":
            j = start // block
            d = arithmetic.nv_fused_dot_add(at, bt, d, spec["bits"], spec["out"], scale_tensor(sa[j], scale),
                                            scale_tensor(sb[j], scale))
        elif spec["kind"] == "nv4":
            pa = torch.tensor([a[i] | (a[i + 1] << 4) for i in range(start, start + k, 2)], dtype=torch.uint8)
            pb = torch.tensor([b[i] | (b[i + 1] << 4) for i in range(start, start + k, 2)], dtype=torch.uint8)
            first, last = start // block, (start + k) // block
            d = arithmetic.nv_fused_dot_add_with_block_scale(
                arithmetic.unpack_fp4_tensor(pa), arithmetic.unpack_fp4_tensor(pb), d,
                scale_tensor(sa[first:last], scale), scale_tensor(sb[first:last], scale), spec["bits"])
        else:  # amd: mfma's 16-product steps, each rounded to FP32 (RNE) as the next step's C
            for g in range(0, k, 16):
                s = arithmetic.amd_fused_dot_rd_add(at[g:g + 16], bt[g:g + 16], d, n_fractional_bits=spec["bits"],
                                                    is_fp8=True)
                d = torch.tensor(s, dtype=torch.float32)
    return bits_of(d)


def is_nan(code):
    return (code & 0x7F800000) == 0x7F800000 and (code & 0x7FFFFF) != 0


def compare(mxref, preset, count, seed=SEED):
    spec = PRESETS[preset]
    mismatches, total = [], 0
    # fork: the workers inherit MMA-Sim's import from --mmasim-path.
    with multiprocessing.get_context("fork").Pool(2, initializer=torch.set_num_threads, initargs=(1,)) as pool:
        for ea, eb, scale, n, dots in make_dots(spec, count, seed):
            got = mxref_dots(mxref, preset, spec, ea, eb, scale, n, dots)
            want = pool.map(mmasim_dot, [(spec, ea, eb, scale, d) for d in dots], chunksize=64)
            for dot, g, w in zip(dots, got, want):
                total += 1
                same = g == w or (spec["kind"] == "amd" and is_nan(g) and is_nan(w))
                if not same:
                    mismatches.append((block_format(ea, scale, spec["block"]), block_format(eb, scale, spec["block"]),
                                       dot, f"mxref {g:08x}", f"MMA-Sim {w:08x}"))
    return total, mismatches


@pytest.fixture(scope="module")
def count(request):
    return request.config.getoption("--count") or DEFAULT_COUNT


@pytest.mark.parametrize("preset", list(PRESETS))
def test_preset_matches_mmasim(mxref, preset, count):
    total, mismatches = compare(mxref, preset, count)
    print(f"{preset}: {total} dots, {len(mismatches)} mismatches")
    assert total == count
    assert not mismatches, f"{len(mismatches)} of {total} differ; first: {mismatches[:3]}"


def test_instructions_agree():
    """The per-element calls above give what MMA-Sim's instruction classes give, on a few dots."""
    nv_ptx = pytest.importorskip("mmasim.simulator.nv_ptx")
    amd = pytest.importorskip("mmasim.simulator.amd")
    rng = __import__("numpy").random.default_rng(SEED)
    cases = [("sm90-wgmma-fp8", nv_ptx.wgmma("Hopper", "m64n8k32.f32.e4m3.e4m3"), E4M3),
             ("sm89-mma-fp8", nv_ptx.mma("Ada Lovelace", "m16n8k32.f32.e4m3.e4m3.f32"), E4M3),
             ("sm80-mma-bf16", nv_ptx.mma("Ampere", "m16n8k16.f32.bf16.bf16.f32"), BF16),
             ("sm70-mma-fp16", nv_ptx.mma("Volta", "m8n8k4.f32.f16.f16.f32"), FP16),
             ("sm90-wgmma-bf16", nv_ptx.wgmma("Hopper", "m64n8k16.f32.bf16.bf16"), BF16),
             ("cdna3-fp8", amd.mfma("CDNA3", "f32_16x16x32_fp8_fp8"), E4M3FNUZ)]
    for preset, instruction, elem in cases:
        spec = PRESETS[preset]
        for cls in ["random", "wide_span", "c_tiny", "tie"]:
            sa, a, sb, b, c = make_dot(rng, cls, spec, elem, elem, "none", instruction.k)
            af = elem.tensor(a).float().tolist()
            bf = elem.tensor(b).float().tolist()
            cf = torch.tensor(c, dtype=torch.int64).to(torch.int32).view(torch.float32).item()
            want = bits_of(torch.tensor(instruction.dotadd(af, bf, cf), dtype=torch.float32))
            assert mmasim_dot((spec, elem, elem, "none", (sa, a, sb, b, c))) == want, (preset, cls)
    block = nv_ptx.tcgen05mma_block_scale("Blackwell", "m128n8k64.block16.f32.e2m1.e2m1.ue4m3")
    spec = PRESETS["sm100-mxf4nvf4"]
    for cls in ["random", "tie", "scale_extreme"]:
        sa, a, sb, b, c = make_dot(rng, cls, spec, E2M1, E2M1, "ue4m3", 64)
        af = arithmetic.unpack_fp4_tensor(torch.tensor([a[i] | (a[i + 1] << 4) for i in range(0, 64, 2)],
                                                       dtype=torch.uint8)).tolist()
        bf = arithmetic.unpack_fp4_tensor(torch.tensor([b[i] | (b[i + 1] << 4) for i in range(0, 64, 2)],
                                                       dtype=torch.uint8)).tolist()
        cf = torch.tensor(c, dtype=torch.int64).to(torch.int32).view(torch.float32).item()
        want = bits_of(torch.tensor(block.dotadd_with_block_scale(
            af, bf, cf, scale_tensor(sa, "ue4m3").float().tolist(), scale_tensor(sb, "ue4m3").float().tolist()),
            dtype=torch.float32))
        assert mmasim_dot((spec, E2M1, E2M1, "ue4m3", (sa, a, sb, b, c))) == want, cls
