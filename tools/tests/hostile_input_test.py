"""Every file of the hostile-input corpus (conformance/hostile/, made by its make_corpus.py) and a few
hostile options, through the mxref command that reads them. Bad input must give exit status 2 and one
line on stderr starting 'mxref: ', with no output file; nothing may appear outside the output path,
the corpus must stay as it was, and every run must end within the time limit (no hang). Cases that are
well-formed after all (an empty tensor, a suite name with slashes) must succeed inside the output
path; a results file that cannot be the suite's (empty, binary, another length) is refused like bad input.
Run: python3 -m pytest tools/tests/hostile_input_test.py --mxref MXREF [--root SOURCE_DIR] --plugin HOSTILE_PLUGIN"""
import os
import subprocess
import tempfile

import pytest

LIMIT_S = 30
OUTPUTS = {"quantize": "result.npz", "fakequant": "result.npy", "dequantize": "result.npy"}  # else "result"


def hostile_cases(source):
    """(label, argv, stdin file or None, expectation); in argv OUT stands for the output path, SUITE for a
    generated suite and PLUGIN for the hostile plug-in."""
    corpus = os.path.join(source, "conformance", "hostile")
    suite = os.path.join(source, "vectors", "suites", "e4m3-cast.json")
    H = lambda name: os.path.join(corpus, name)  # noqa: E731
    q = ["--format", "mxfp8_e4m3"]
    cases = []
    for name in sorted(os.listdir(corpus)):
        if name.startswith("npy-") and name != "npy-zero-dim-block.npy":
            cases.append((name, ["quantize", *q, "--in", H(name), "--out", "OUT"], None, "error"))
            cases.append((name + " --fast", ["fakequant", "--fast", *q, "--in", H(name), "--out", "OUT"], None,
                          "error"))
        elif name.startswith("npz-"):
            cases.append((name, ["dequantize", *q, "--in", H(name), "--out", "OUT"], None, "error"))
        elif name.startswith("suite-") and name != "suite-name-escapes.json":
            cases.append((name, ["gen", "--suite", H(name), "--out", "OUT"], None, "error"))
        elif name.startswith("hex-"):
            cases.append((name, ["cast", "--to", "e4m3"], H(name), "error"))
            cases.append((name + " quantize", ["quantize", *q, "--block", "1"], H(name), "error"))
    zero_dim = H("npy-zero-dim-block.npy")
    cases += [
        ("bin-wrong-size.bin", ["quantize", *q, "--in", H("bin-wrong-size.bin"), "--shape", "4,32", "--out", "OUT"],
         None, "error"),
        ("huge block size", ["quantize", "--format", "e4m3/e8m0/99999999999", "--in", H("npy-data-truncated.npy"),
                             "--out", "OUT"], None, "error"),
        ("block size 2^32", ["gen", "--suite", H("suite-huge-block.json"), "--out", "OUT"], None, "error"),
        ("absurd shard count", ["gen", "--suite", suite, "--out", "OUT", "--shard", "1/99999999999999999999999"],
         None, "error"),
        ("shard past the count", ["gen", "--suite", suite, "--out", "OUT", "--shard", "5/3"], None, "error"),
        ("negative threads", ["quantize", *q, "--fast", "--threads", "-1", "--in", zero_dim, "--out", "OUT"],
         None, "error"),
        ("empty tensor", ["quantize", *q, "--in", zero_dim, "--out", "OUT"], None, "ok"),
        ("empty tensor --fast", ["quantize", "--fast", *q, "--in", zero_dim, "--out", "OUT"], None, "ok"),
        ("suite name with ../", ["gen", "--suite", H("suite-name-escapes.json"), "--out", "OUT"], None, "ok"),
    ]
    for name in ("results-empty.txt", "results-not-utf8.txt", "results-one-line.txt", "results-huge-line.txt"):
        cases.append((name, ["conform", "--suite", "SUITE", "--results", H(name)], None, "error"))
    # A plug-in that is not a library, and one that misbehaves (conformance/hostile/hostile_plugin.c).
    cases.append(("plugin not a library", ["conform", "--suite", "SUITE", "--plugin", H("make_corpus.py")], None,
                  "error"))
    for mode, expect in (("overflow", "error"), ("refuse", "error"), ("abi", "error"), ("wide", "mismatch")):
        cases.append((f"plugin {mode}", ["env", f"MXREF_HOSTILE_PLUGIN={mode}", "conform", "--suite", "SUITE",
                                         "--plugin", "PLUGIN"], None, expect))
    return cases


def pytest_generate_tests(metafunc):
    if "case" in metafunc.fixturenames:
        cases = hostile_cases(os.path.abspath(metafunc.config.getoption("--root")))
        metafunc.parametrize("case", cases, ids=[label for label, *_ in cases])


def snapshot(folder):
    out = {}
    for root, _, files in os.walk(folder):
        for f in files:
            p = os.path.join(root, f)
            st = os.stat(p)
            out[os.path.relpath(p, folder)] = (st.st_size, st.st_mtime_ns)
    return out


@pytest.fixture(scope="module")
def corpus(root):
    """The corpus folder, and its state before any case ran."""
    folder = os.path.join(root, "conformance", "hostile")
    return folder, snapshot(folder)


@pytest.fixture(scope="module")
def scratch(mxref, root, tmp_path_factory):
    """The folder of the cases, each in its own case folder, beside a generated suite."""
    scratch = str(tmp_path_factory.mktemp("hostile"))
    suite = os.path.join(root, "vectors", "suites", "e4m3-cast.json")
    subprocess.run([mxref, "gen", "--suite", suite, "--out", os.path.join(scratch, "suite")], check=True,
                   capture_output=True)
    return scratch


def expectation_problems(r, expect, label, out):
    err = r.stderr.decode("latin-1")
    problems = []
    if expect == "error":
        if r.returncode != 2:
            problems.append(f"status {r.returncode}, expected 2")
        if not (err.startswith("mxref: ") and err.count("\n") == 1):
            problems.append(f"stderr is not one 'mxref: ' line: {err[:200]!r}")
        if any(ord(c) < 0x20 and c != "\n" or ord(c) >= 0x7F for c in err):
            problems.append("stderr holds unprintable bytes")
        if os.path.exists(out):
            problems.append("an output was written")
    elif expect == "ok" and (r.returncode != 0 or not os.path.exists(out)):
        output = "present" if os.path.exists(out) else "missing"
        problems.append(f"status {r.returncode}, output {output}: {err[:200]!r}")
    elif expect == "mismatch" and (r.returncode != 1 or not r.stdout):
        problems.append(f"status {r.returncode} (expected 1 with a report): {err[:200]!r}")
    elif expect == "mismatch" and label == "plugin wide" and b"1ff" not in r.stdout:
        problems.append("the too-wide code 0x1ff is not in the report (cut down to a valid code?)")
    return problems


def test_hostile_input(mxref, plugin, corpus, scratch, case):
    label, argv, stdin_file, expect = case
    if "PLUGIN" in argv and not plugin:
        pytest.skip("no --plugin (the hostile plug-in)")
    folder, before = corpus
    work = tempfile.mkdtemp(prefix="case", dir=scratch)
    out = os.path.join(work, "out", OUTPUTS.get(argv[0], "result"))
    os.makedirs(os.path.dirname(out))
    args = [{"OUT": out, "SUITE": os.path.join(scratch, "suite"), "PLUGIN": plugin}.get(a, a) for a in argv]
    problems = []
    try:
        with open(stdin_file, "rb") if stdin_file else open(os.devnull, "rb") as stdin:
            command = [mxref, *args]
            if args[0] == "env":  # env NAME=VALUE SUBCOMMAND ...: the variable for the plug-in
                command = ["env", args[1], mxref, *args[2:]]
            r = subprocess.run(command, stdin=stdin, capture_output=True, cwd=work, timeout=LIMIT_S)
    except subprocess.TimeoutExpired:
        problems.append(f"no answer within {LIMIT_S} s")
        r = None
    if r is not None:
        problems += expectation_problems(r, expect, label, out)
    # Nothing anywhere in the case's folder but under its output path.
    stray = [p for p in snapshot(work) if not os.path.join(work, p).startswith(os.path.dirname(out) + os.sep)]
    if stray:
        problems.append(f"files outside the output path: {stray}")
    if snapshot(folder) != before:
        problems.append("the corpus changed")
    outside = [p for p in os.listdir(scratch) if p != "suite" and not p.startswith("case")]
    if outside:
        problems.append(f"files beside the cases: {outside}")
    assert not problems, f"{label}: {expect} -- " + "; ".join(problems)
