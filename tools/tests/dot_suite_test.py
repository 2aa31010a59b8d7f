"""Golden dot-product suites (vectors/suites/dot-*.json) and the conformance runner on them.

The expected result of every vector of every `exact` suite is recomputed here from the spec alone: element
and scale codes decoded by their formulas (OCP MX v1.0 tables), the sum taken in exact rational arithmetic
(fractions.Fraction), IEEE 754's NaN, Inf and signed-zero rules, one round-to-nearest-even to FP32 written
out below, and the canonical NaN 0x7FC00000 (docs/spec-notes/dot-exact.md). The runner must pass the
reference through --cmd, fail a wrong rounding on the tie vectors only, and name the model an implementation
follows (--infer).
The example dot plug-in (conformance/examples/plugin/mxfp4_dot_plugin.c, its own exact fixed-point sum)
must pass the MXFP4 suite and refuse the others.
Run: python3 -m pytest tools/tests/dot_suite_test.py --mxref MXREF [--root REPO_ROOT] [--plugin MXFP4_DOT_PLUGIN]."""
import json
import os
import struct
import subprocess
from fractions import Fraction

import pytest

NAN = "nan"
CANONICAL_NAN = 0x7FC00000


def golden(root, name):
    return os.path.join(root, "vectors", "golden", name)


def dot_suites(root):
    out = []
    for name in sorted(os.listdir(os.path.join(root, "vectors", "golden"))):
        with open(os.path.join(golden(root, name), "vectors.json")) as f:
            if json.load(f)["suite"]["kind"] == "dot":
                out.append(name)
    return out


def pytest_generate_tests(metafunc):
    if "dot_suite" in metafunc.fixturenames:
        metafunc.parametrize("dot_suite", dot_suites(metafunc.config.getoption("--root")))


def load(root, name):
    with open(os.path.join(golden(root, name), "vectors.json")) as f:
        return json.load(f)


# ---- the spec's decodings ---------------------------------------------------------------------------------

def minifloat(code, e, m, bias, kind):
    """OCP FP8/FP6/FP4 element: kind "ieee" (E5M2: Inf and NaNs), "fn" (E4M3: S.1111.111 is NaN), "finite"."""
    sign = -1 if code >> (e + m) & 1 else 1
    field, mant = code >> m & ((1 << e) - 1), code & ((1 << m) - 1)
    if kind == "ieee" and field == (1 << e) - 1:
        return NAN if mant else ("inf", sign)
    if kind == "fn" and field == (1 << e) - 1 and mant == (1 << m) - 1:
        return NAN
    if field == 0:
        return ("finite", sign, Fraction(mant, 1 << m) * Fraction(2) ** (1 - bias))
    return ("finite", sign, (1 + Fraction(mant, 1 << m)) * Fraction(2) ** (field - bias))


ELEMENTS = {"mxfp8_e4m3": (8, lambda c: minifloat(c, 4, 3, 7, "fn")),
            "mxfp8_e5m2": (8, lambda c: minifloat(c, 5, 2, 15, "ieee")),
            "mxfp4_e2m1": (4, lambda c: minifloat(c, 2, 1, 1, "finite"))}


def e8m0(code):
    return NAN if code == 0xFF else Fraction(2) ** (code - 127)


def fp32(code):
    f = struct.unpack("<f", struct.pack("<I", code))[0]
    if f != f:
        return NAN
    if f in (float("inf"), float("-inf")):
        return ("inf", 1 if f > 0 else -1)
    return ("finite", -1 if code >> 31 else 1, abs(Fraction(f)))


def round_to_fp32(sign, x):
    """The FP32 code nearest sign * x (x > 0 a Fraction), ties to even, with subnormals and overflow to Inf."""
    e = x.numerator.bit_length() - x.denominator.bit_length()
    if Fraction(2) ** e > x:
        e -= 1
    e = max(e, -126)                                    # subnormals share the least normal binade's quantum
    quantum = Fraction(2) ** (e - 23)
    q, r = divmod(x, quantum)
    q = int(q)
    if r > quantum / 2 or (r == quantum / 2 and q & 1):
        q += 1
    if q == 1 << 24:                                    # rounded up into the next binade
        q, e = 1 << 23, e + 1
    s = 0x80000000 if sign < 0 else 0
    if e > 127:
        return s | 0x7F800000
    if q < 1 << 23:                                     # subnormal (or zero)
        return s | q
    return s | (e + 127) << 23 | (q - (1 << 23))


def reference_dot(suite, codes):
    """The exact model's result code, from the spec's rules alone."""
    bits, element = ELEMENTS[suite["format"]]
    n, blocks = 32, suite.get("blocks", 1)
    terms = []                                          # (sign, magnitude) of every product, or specials
    at = 0
    operands = []
    for _ in range(2):
        operand = []
        for _ in range(blocks):
            scale = e8m0(codes[at])
            operand.append((scale, [element(c) for c in codes[at + 1:at + 1 + n]]))
            at += 1 + n
        operands.append(operand)
    c = fp32(codes[at])
    nan, infinities = False, set()
    for (xa, ea), (xb, eb) in zip(*operands):
        if xa == NAN or xb == NAN:
            nan = True
            continue
        for a, b in zip(ea, eb):
            if a == NAN or b == NAN:
                nan = True
            elif a[0] == "inf" or b[0] == "inf":
                other = b if a[0] == "inf" else a
                if other[0] == "finite" and other[2] == 0:
                    nan = True                          # Inf x 0
                else:
                    infinities.add(a[1] * b[1])
            else:
                terms.append((a[1] * b[1], a[2] * b[2] * xa * xb))
    if c == NAN:
        nan = True
    elif c[0] == "inf":
        infinities.add(c[1])
    else:
        terms.append((c[1], c[2]))
    if nan or len(infinities) == 2:
        return CANONICAL_NAN                            # a NaN operand, Inf x 0, or Inf - Inf
    if infinities:
        return 0x7F800000 | (0x80000000 if infinities.pop() < 0 else 0)
    total = sum(s * m for s, m in terms)
    if total == 0:                                      # IEEE 754 6.3: -0 only when every addend is -0 (RNE)
        return 0x80000000 if all(s < 0 and m == 0 for s, m in terms) else 0
    return round_to_fp32(1 if total > 0 else -1, abs(total))


# ---- the tests ------------------------------------------------------------------------------------------

def test_round_to_fp32_by_hand():
    # Worked by hand: 1 + 2^-24 is a tie between 1 and 1 + 2^-23 (to even: 1); 1 + 3 x 2^-24 rounds up to
    # 1 + 2^-22; 2^-149 is the least subnormal; 2^-150 ties to 0; 2^128 overflows.
    one = Fraction(1)
    assert round_to_fp32(1, one + Fraction(1, 1 << 24)) == 0x3F800000
    assert round_to_fp32(1, one + Fraction(3, 1 << 24)) == 0x3F800002
    assert round_to_fp32(-1, Fraction(1, 2 ** 149)) == 0x80000001
    assert round_to_fp32(1, Fraction(1, 2 ** 150)) == 0
    assert round_to_fp32(1, Fraction(3, 2 ** 151)) == 1
    assert round_to_fp32(1, Fraction(2) ** 128) == 0x7F800000
    assert round_to_fp32(1, (2 - Fraction(1, 1 << 24)) * Fraction(2) ** 127) == 0x7F800000  # rounds up to 2^128


def test_exact_suites_match_fraction_arithmetic(root, dot_suite):
    doc = load(root, dot_suite)
    suite = doc["suite"]
    if suite.get("model", "exact") != "exact" or suite.get("out", "f32") != "f32" or \
            suite.get("rounding", "rne") != "rne" or suite.get("format_b", suite["format"]) != suite["format"]:
        pytest.skip("a hardware model's suite: its results are checked against MMA-Sim (mmasim_dot_test.py)")
    wrong = []
    for v in doc["vectors"]:
        codes = [int(h, 16) for h in v["inputs"]]
        want = reference_dot(suite, codes)
        if int(v["expected"][0], 16) != want:
            wrong.append((v["id"], v["tags"], v["expected"][0], f"{want:08x}"))
    assert not wrong, f"{len(wrong)} vectors differ from exact arithmetic, first: {wrong[:3]}"


def test_tie_vectors_are_ties(root, dot_suite):
    """Every vector tagged `tie` is exactly halfway between two FP32 values (recomputed with Fractions)."""
    doc = load(root, dot_suite)
    suite = doc["suite"]
    ties = [v for v in doc["vectors"] if "tie" in v["tags"]]
    if suite.get("model", "exact") != "exact" or not ties:
        pytest.skip("no tie vectors of the exact model")
    for v in ties:
        codes = [int(h, 16) for h in v["inputs"]]
        down = reference_dot(suite, codes)
        value = abs(Fraction(struct.unpack("<f", struct.pack("<I", down))[0]))
        # Both neighbours of the result: the tie lies at the midpoint of one of them and the result.
        neighbours = [abs(Fraction(struct.unpack("<f", struct.pack("<I", (down & 0x7FFFFFFF) + d))[0])) for d in (-1, 1)]
        exact = exact_value(suite, codes)
        assert any(abs(exact) == (value + n) / 2 for n in neighbours), v["id"]


def exact_value(suite, codes):
    """The exact finite sum (for vectors without specials)."""
    bits, element = ELEMENTS[suite["format"]]
    n, blocks = 32, suite.get("blocks", 1)
    at, operands = 0, []
    for _ in range(2):
        operand = []
        for _ in range(blocks):
            operand.append((e8m0(codes[at]), [element(c) for c in codes[at + 1:at + 1 + n]]))
            at += 1 + n
        operands.append(operand)
    total = Fraction(0)
    for (xa, ea), (xb, eb) in zip(*operands):
        for a, b in zip(ea, eb):
            total += a[1] * b[1] * a[2] * b[2] * xa * xb
    c = fp32(codes[at])
    return total + c[1] * c[2]


def reference_command(mxref, suite):
    return (f"{mxref} dot --format {suite['format']} --format-b {suite.get('format_b', suite['format'])} "
            f"--blocks {suite.get('blocks', 1)} --model {suite.get('model', 'exact')} --out {suite.get('out', 'f32')} "
            f"--rounding {suite.get('rounding', 'rne')} --overflow {suite.get('overflow', 'natural')}")


def conform(mxref, suite_dir, command, *extra):
    return subprocess.run([mxref, "conform", "--suite", suite_dir, "--cmd", command, *extra],
                          capture_output=True, text=True)


def test_the_reference_passes_every_dot_suite(mxref, root, dot_suite):
    suite = load(root, dot_suite)["suite"]
    run = conform(mxref, golden(root, dot_suite), reference_command(mxref, suite))
    assert run.returncode == 0 and "PASS" in run.stdout, run.stdout + run.stderr


def test_the_memh_word_is_the_line_side_by_side(root, dot_suite):
    with open(os.path.join(golden(root, dot_suite), "stdin.txt")) as f:
        lines = f.read().splitlines()
    with open(os.path.join(golden(root, dot_suite), "inputs.memh")) as f:
        words = f.read().splitlines()
    assert words == ["".join(line.split()) for line in lines]


def test_rounding_ties_away_fails_tie_vectors_only(mxref, root):
    suite = load(root, "dot-mxfp8-e4m3-exact")["suite"]
    command = reference_command(mxref, suite).replace("--rounding rne", "--rounding rna")
    run = conform(mxref, golden(root, "dot-mxfp8-e4m3-exact"), command, "--report", "json")
    assert run.returncode == 1, run.stderr
    report = json.loads(run.stdout)
    failed = {t for m in report["mismatches"] for t in m["tags"]}
    assert report["failed"] > 0 and all("tie" in m["tags"] for m in report["mismatches"]), failed


def test_inference_names_the_model_followed(mxref, root):
    # An implementation that is the sm100-mxf8f6f4 model, run on the exact suite: it fails where the
    # models split, and inference names it (and `exact` does not explain it).
    suite = load(root, "dot-mxfp8-e4m3-exact")["suite"]
    command = reference_command(mxref, suite).replace("--model exact", "--model sm100-mxf8f6f4")
    run = conform(mxref, golden(root, "dot-mxfp8-e4m3-exact"), command, "--infer")
    assert run.returncode == 1
    ranking = run.stdout.split("profile inference:")[1].strip().splitlines()
    assert ranking[0].strip().startswith("sm100-mxf8f6f4:") and "(consistent)" in ranking[0], run.stdout
    assert not any(line.strip().startswith("exact:") and "(consistent)" in line for line in ranking), run.stdout


def test_a_class_that_cannot_be_made_is_refused(mxref, tmp_path):
    # FP4 elements span too few binades for an FP32 tie in one block when C is 0.
    definition = {"name": "t", "kind": "dot", "format": "mxfp4_e2m1", "c": "zero", "classes": ["ties"]}
    path = tmp_path / "t.json"
    path.write_text(json.dumps(definition))
    run = subprocess.run([mxref, "gen", "--suite", str(path), "--out", str(tmp_path / "out")],
                         capture_output=True, text=True)
    assert run.returncode == 2 and "class \"ties\" has no vectors" in run.stderr and run.stderr.count("\n") == 1
    assert not (tmp_path / "out").exists() or not os.listdir(tmp_path / "out")


@pytest.mark.parametrize("key, value, message", [
    ("model", "sm90-wgmma-fp9", "sm90-wgmma-fp9"),
    ("format_b", "mxfp4_e2m1_x", "mxfp4_e2m1_x"),
    ("blocks", 0, "\"blocks\" must be 1 to 4096"),
    ("c", "some", "\"c\" must be"),
])
def test_a_bad_dot_suite_is_a_usage_error(mxref, tmp_path, key, value, message):
    definition = {"name": "t", "kind": "dot", "format": "mxfp8_e4m3", "classes": ["random"], key: value}
    path = tmp_path / "t.json"
    path.write_text(json.dumps(definition))
    run = subprocess.run([mxref, "gen", "--suite", str(path), "--out", str(tmp_path / "out")],
                         capture_output=True, text=True)
    assert run.returncode == 2 and message in run.stderr and run.stderr.count("\n") == 1, run.stderr


@pytest.fixture(scope="module")
def dot_plugin(request):
    path = request.config.getoption("--plugin")
    if not path:
        pytest.skip("--plugin (the example dot plug-in) not given")
    return path


def test_the_example_plugin_passes_the_mxfp4_suite(mxref, root, dot_plugin):
    run = subprocess.run([mxref, "conform", "--suite", golden(root, "dot-mxfp4-e2m1-rtl"), "--plugin", dot_plugin],
                         capture_output=True, text=True)
    assert run.returncode == 0 and "448 passed, 0 failed" in run.stdout, run.stdout + run.stderr


def test_the_example_plugin_on_a_generated_suite_with_c(mxref, tmp_path, dot_plugin):
    # C of every kind (specials, dominant, ties against it) and 3 blocks: beyond the checked-in suite.
    definition = {"name": "mxfp4-c", "kind": "dot", "format": "mxfp4_e2m1", "blocks": 3, "seed": 5, "count": 64,
                  "classes": ["random", "cancel", "near-cancel", "scale-range", "nan-scale", "specials",
                              "subnormal", "alignment", "c-dominant", "ties"]}
    (tmp_path / "s.json").write_text(json.dumps(definition))
    out = tmp_path / "suite"
    assert subprocess.run([mxref, "gen", "--suite", str(tmp_path / "s.json"), "--out", str(out)]).returncode == 0
    run = subprocess.run([mxref, "conform", "--suite", str(out), "--plugin", dot_plugin], capture_output=True, text=True)
    assert run.returncode == 0 and " 0 failed" in run.stdout, run.stdout + run.stderr


def test_the_example_plugin_refuses_other_formats(mxref, root, dot_plugin):
    run = subprocess.run([mxref, "conform", "--suite", golden(root, "dot-mxfp8-e4m3-exact"), "--plugin", dot_plugin],
                         capture_output=True, text=True)
    assert run.returncode == 2 and "refused suite dot-mxfp8-e4m3-exact" in run.stderr, run.stderr
