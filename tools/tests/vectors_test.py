"""`mxref gen` and `mxref conform`: the checked-in golden sets regenerate byte for byte and match their
manifests (SHA-256 recomputed here with hashlib), and the runner catches each injected fault class in
the vectors tagged for it; the C-ABI plug-in path runs the example plugin.
Run: python3 -m pytest tools/tests/vectors_test.py --mxref MXREF [--root REPO_ROOT] [--plugin E4M3_PLUGIN]."""
import hashlib
import json
import os
import subprocess
import sys

import pytest


def golden_suites(root):
    return sorted(os.listdir(os.path.join(root, "vectors", "golden")))


def pytest_generate_tests(metafunc):
    if "suite" in metafunc.fixturenames:
        metafunc.parametrize("suite", golden_suites(metafunc.config.getoption("--root")))


def read(path):
    with open(path, "rb") as f:
        return f.read()


def test_golden_set_regenerates(mxref, root, tmp_path, suite):
    ours = os.path.join(root, "vectors", "golden", suite)
    fresh = os.path.join(tmp_path, suite)
    run = subprocess.run([mxref, "gen", "--suite", os.path.join(root, "vectors", "suites", suite + ".json"),
                          "--out", fresh], capture_output=True, text=True)
    assert run.returncode == 0, f"{suite}: gen runs: {run.stderr}"
    same = sorted(os.listdir(ours)) == sorted(os.listdir(fresh)) and all(
        read(os.path.join(ours, f)) == read(os.path.join(fresh, f)) for f in os.listdir(ours))
    assert same, f"{suite}: the checked-in set regenerates byte for byte"
    with open(os.path.join(ours, "manifest.json")) as f:
        manifest = json.load(f)
    assert all(hashlib.sha256(read(os.path.join(ours, f))).hexdigest() == h for f, h in manifest["sha256"].items()) \
        and len(manifest["sha256"]) == len(os.listdir(ours)) - 1, f"{suite}: manifest SHA-256 of every file"


@pytest.fixture(scope="module")
def cast(root):
    return os.path.join(root, "vectors", "golden", "e4m3-cast")


@pytest.fixture(scope="module")
def block(root):
    return os.path.join(root, "vectors", "golden", "mxfp4-e2m1-ocp")


@pytest.fixture(scope="module")
def reference_cast(mxref):
    return f"{mxref} cast --to e4m3 --overflow saturate --nan zero"


@pytest.fixture(scope="module")
def reference_block(mxref):
    return f"{mxref} quantize --format mxfp4_e2m1 --ragged"


@pytest.fixture(scope="module")
def conform(mxref):
    """`mxref conform --cmd COMMAND` on a suite: its status and its JSON report."""
    def conform(suite, command):
        r = subprocess.run([mxref, "conform", "--suite", suite, "--cmd", command, "--report", "json"],
                           capture_output=True, text=True)
        return r.returncode, json.loads(r.stdout) if r.stdout else {}
    return conform


def failed(report, tag):
    return report.get("tags", {}).get(tag, {}).get("failed", 0)


def through(reference_block, program):
    """The reference's output, rewritten line by line by a Python filter."""
    return f"{reference_block} | {sys.executable} -c '{program}'"


def test_the_reference_passes_the_cast_suite(conform, cast, reference_cast):
    status, report = conform(cast, reference_cast)
    assert status == 0 and report["failed"] == 0


def test_the_reference_passes_the_block_suite(conform, block, reference_block):
    status, report = conform(block, reference_block)
    assert status == 0 and report["failed"] == 0


# Injected faults, each caught in the vectors tagged for it (and exit status 1).
def test_ties_away_instead_of_to_even_fail_the_tie_vectors(conform, cast, reference_cast):
    status, report = conform(cast, reference_cast + " --rounding rna")
    assert status == 1 and failed(report, "tie") > 0 and failed(report, "inexact") == 0


def test_no_saturation_fails_the_saturate_vectors(conform, cast, reference_cast):
    status, report = conform(cast, reference_cast.replace("--overflow saturate", "--overflow nan"))
    assert status == 1 and failed(report, "saturate") > 0


def test_nan_mishandled_fails_the_nan_vectors_only(conform, cast, reference_cast):
    nan_to_zero = f"{reference_cast} | sed 's/^7f$/00/; s/^ff$/80/'"
    status, report = conform(cast, nan_to_zero)
    assert status == 1 and failed(report, "nan-in") > 0 \
        and report["failed"] == failed(report, "nan-in") + failed(report, "nan-out")


def test_scale_off_by_one_fails_every_block(conform, block, reference_block):
    scale_plus_one = through(reference_block, "import sys\nfor l in sys.stdin:\n t = l.split(); "
                                              "t[0] = format(int(t[0], 16) + 1, \"02x\"); print(*t)")
    status, report = conform(block, scale_plus_one)
    assert status == 1 and report["passed"] == 0


def test_element_pairs_swapped_fail_blocks_with_differing_neighbours(conform, block, reference_block):
    swapped = through(reference_block, "import sys\nfor l in sys.stdin:\n t = l.split(); e = t[1:]; "
                                       "e[0:len(e) - len(e) % 2] = [e[i ^ 1] for i in range(len(e) - len(e) % 2)]; "
                                       "print(t[0], *e)")
    status, report = conform(block, swapped)
    # Only blocks whose neighbouring elements differ can show it (nibble order): NaN blocks (all elements
    # alike) pass.
    assert status == 1 and failed(report, "random-wide") > 0 and failed(report, "nan-block") == 0


def test_inference_names_the_profile_followed(mxref, block, reference_block):
    # A torchao-floor implementation is consistent with torchao-floor first.
    r = subprocess.run([mxref, "conform", "--suite", block, "--infer", "--cmd",
                        reference_block + " --profile torchao-floor"], capture_output=True, text=True)
    inference = r.stdout.split("profile inference:")[-1].splitlines()
    assert r.returncode == 1 and inference[1].strip() == "torchao-floor: 207 of 207 (consistent)"


@pytest.fixture(scope="module")
def example_plugin(plugin):
    """The example plug-in: an FP32 -> E4M3 encoder in C."""
    if not plugin:
        pytest.skip("no --plugin (the example E4M3 plug-in)")
    return plugin


def test_the_example_plugin_passes_the_cast_suite(mxref, cast, example_plugin):
    r = subprocess.run([mxref, "conform", "--suite", cast, "--plugin", example_plugin], capture_output=True, text=True)
    assert r.returncode == 0 and "5399 passed, 0 failed" in r.stdout


def test_a_plugin_that_refuses_a_suite_stops_the_run(mxref, block, example_plugin):
    r = subprocess.run([mxref, "conform", "--suite", block, "--plugin", example_plugin], capture_output=True, text=True)
    assert r.returncode == 2 and "refused suite" in r.stderr


def test_an_unloadable_plugin_is_a_usage_error(mxref, cast, example_plugin):
    r = subprocess.run([mxref, "conform", "--suite", cast, "--plugin", "/nonexistent.so"], capture_output=True,
                       text=True)
    assert r.returncode == 2 and "cannot load --plugin" in r.stderr


def test_no_output_at_all_fails_every_vector(mxref, block):
    r = subprocess.run([mxref, "conform", "--suite", block, "--cmd", "true"], capture_output=True, text=True)
    assert r.returncode == 1 and "207 failed" in r.stdout


def test_neither_results_nor_cmd_is_a_usage_error(mxref, block):
    r = subprocess.run([mxref, "conform", "--suite", block], capture_output=True, text=True)
    assert r.returncode == 2 and r.stderr.startswith("mxref: ")


def test_junit_report(mxref, block, reference_block):
    r = subprocess.run([mxref, "conform", "--suite", block, "--cmd", reference_block, "--report", "junit"],
                       capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith("<?xml") and "<testcase" in r.stdout


@pytest.mark.parametrize("content, reason", [(b"", "empty"), (b"7e\x00\n" * 10, "not text"),
                                             (b"7e\n" * 3, "3 lines, but suite")])
def test_results_that_cannot_be_the_suites_are_refused(mxref, cast, tmp_path, content, reason):
    results = tmp_path / "results.txt"
    results.write_bytes(content)
    r = subprocess.run([mxref, "conform", "--suite", cast, "--results", str(results)], capture_output=True, text=True)
    assert r.returncode == 2 and reason in r.stderr and r.stderr.count("\n") == 1, r.stderr


def test_another_suites_results_are_refused(mxref, cast, block):
    r = subprocess.run([mxref, "conform", "--suite", cast, "--results", os.path.join(block, "expected.txt")],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "another suite's results" in r.stderr, r.stderr


def generated(mxref, root, name, out):
    r = subprocess.run([mxref, "gen", "--suite", os.path.join(root, "vectors", "suites", name + ".json"), "--out",
                        str(out)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return out


def test_a_tampered_suite_is_refused_unless_told(mxref, root, tmp_path, reference_cast):
    suite = generated(mxref, root, "e4m3-cast", tmp_path / "s")
    lines = (suite / "expected.txt").read_text().splitlines()
    lines[0] = "7e" if lines[0] != "7e" else "7d"
    (suite / "expected.txt").write_text("\n".join(lines) + "\n")
    r = subprocess.run([mxref, "conform", "--suite", str(suite), "--cmd", reference_cast], capture_output=True, text=True)
    assert r.returncode == 2 and "expected.txt does not match" in r.stderr and "--no-verify" in r.stderr, r.stderr
    r = subprocess.run([mxref, "conform", "--suite", str(suite), "--cmd", reference_cast, "--no-verify"],
                       capture_output=True, text=True)
    assert r.returncode == 1 and "1 failed" in r.stdout, r.stdout  # compared, and the changed vector fails
    (suite / "manifest.json").unlink()
    r = subprocess.run([mxref, "conform", "--suite", str(suite), "--cmd", reference_cast], capture_output=True, text=True)
    assert r.returncode == 2 and "manifest.json is missing" in r.stderr, r.stderr


def test_gen_refuses_a_folder_holding_another_suite(mxref, root, tmp_path):
    out = generated(mxref, root, "e4m3-cast", tmp_path / "s")
    generated(mxref, root, "e4m3-cast", out)  # the same suite again: allowed
    r = subprocess.run([mxref, "gen", "--suite", os.path.join(root, "vectors", "suites", "mxfp4-e2m1-ocp.json"),
                        "--out", str(out)], capture_output=True, text=True)
    assert r.returncode == 2 and "holds suite 'e4m3-cast'" in r.stderr and "--force" in r.stderr, r.stderr
    # --force replaces it, and a file the new run does not write does not stay behind to be tested.
    r = subprocess.run([mxref, "gen", "--suite", os.path.join(root, "vectors", "suites", "mxfp4-e2m1-ocp.json"),
                        "--out", str(out), "--force", "--format", "json"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "vectors.json"]
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    r = subprocess.run([mxref, "gen", "--suite", os.path.join(root, "vectors", "suites", "e4m3-cast.json"), "--out",
                        str(tmp_path / "other")], capture_output=True, text=True)
    assert r.returncode == 2 and "holds other files" in r.stderr, r.stderr
    assert (tmp_path / "other" / "notes.txt").read_text() == "mine"


def test_every_suite_names_the_command_that_reproduces_it(mxref, root, suite):
    # vectors.json records every option (defaults included) and the mxref command whose output for
    # stdin.txt is expected.txt; that command passes the suite.
    folder = os.path.join(root, "vectors", "golden", suite)
    with open(os.path.join(folder, "vectors.json")) as f:
        doc = json.load(f)
    command = doc["reference_command"]
    assert command.startswith("mxref ") and doc["options"], doc.get("options")
    for key, value in doc["options"].items():
        assert str(value) in command or key in ("c",), (key, value, command)
    r = subprocess.run([mxref, "conform", "--suite", folder, "--cmd", mxref + command[len("mxref"):]],
                       capture_output=True, text=True)
    assert r.returncode == 0 and " 0 failed" in r.stdout, r.stdout + r.stderr


# A failing block says what differs and, where one known rule explains the whole pattern, names it.
def diagnoses(report):
    return [m.get("diagnosis") for m in report["mismatches"]]


def test_a_scale_one_binade_up_is_diagnosed(conform, block, reference_block):
    status, report = conform(block, reference_block + " --profile torchao-ceil")
    first = report["mismatches"][0]
    assert status == 1 and first["scale_differs"] and first["scale_binades"] == 1
    assert "scale +1 binade, every element consistent with it" in first["diagnosis"]
    assert all(e["expected"] != e["got"] for e in first["differing_elements"])


def test_swapped_pairs_are_diagnosed(conform, block, reference_block):
    swapped = through(reference_block, "import sys\nfor l in sys.stdin:\n t = l.split(); e = t[1:]; "
                                       "e[0:len(e) - len(e) % 2] = [e[i ^ 1] for i in range(len(e) - len(e) % 2)]; "
                                       "print(t[0], *e)")
    status, report = conform(block, swapped)
    assert status == 1 and "adjacent elements swapped in pairs" in " ".join(d or "" for d in diagnoses(report))


def test_a_finite_scale_for_a_nan_block_is_diagnosed(conform, block, reference_block):
    finite = through(reference_block, "import sys\nfor l in sys.stdin:\n t = l.split(); "
                                      "t[0] = \"7f\" if t[0] == \"ff\" else t[0]; print(*t)")
    status, report = conform(block, finite)
    assert status == 1 and any("NaN/Inf handling" in (d or "") for d in diagnoses(report))


def test_inference_goes_into_the_json_and_junit_reports(mxref, block, reference_block):
    command = reference_block + " --profile torchao-floor"
    r = subprocess.run([mxref, "conform", "--suite", block, "--infer", "--report", "json", "--cmd", command],
                       capture_output=True, text=True)
    inference = json.loads(r.stdout)["inference"]
    assert inference[0]["name"] == "torchao-floor" and inference[0]["consistent"] and inference[0]["meaning"]
    r = subprocess.run([mxref, "conform", "--suite", block, "--infer", "--report", "junit", "--cmd", command],
                       capture_output=True, text=True)
    assert '<testcase classname="mxfp4-e2m1-ocp" name="profile inference">' in r.stdout
    assert "torchao-floor: 207 of 207 (consistent)" in r.stdout
