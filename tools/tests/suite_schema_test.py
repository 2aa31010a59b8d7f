"""Suite definitions: vectors/suite.schema.json describes what `mxref gen` takes, and the two agree. Every
checked-in suite validates; every key the schema allows for a kind is one the generator takes; a key it does
not allow (a misspelling) is refused by both, and `mxref gen` names the key and the nearest valid one
instead of generating with a default.
Run: python3 -m pytest tools/tests/suite_schema_test.py --mxref MXREF [--root REPO_ROOT]. Skips without jsonschema."""
import json
import os
import subprocess

import pytest

jsonschema = pytest.importorskip("jsonschema")

MINIMAL = {"cast": {"name": "t", "kind": "cast", "to": "e4m3", "classes": ["random"], "count": 4},
           "block": {"name": "t", "kind": "block", "format": "mxfp8_e4m3", "classes": ["random-wide"], "count": 4},
           "dot": {"name": "t", "kind": "dot", "format": "mxfp8_e4m3", "classes": ["random"], "count": 4}}
# A valid value for each optional key, per kind.
VALUES = {"from": "bf16", "profile": {"cast": "ml_dtypes", "block": "ocp"}, "rounding": "rtz", "overflow": "saturate",
          "nan": "max", "block": 16, "format_b": "mxfp8_e5m2", "blocks": 2, "model": "sm100-mxf8f6f4", "out": "bf16",
          "c": "zero", "seed": 3, "count": 2, "name": "t", "to": "e5m2", "format": "mxfp6_e3m2"}


@pytest.fixture(scope="module")
def schema(root):
    with open(os.path.join(root, "vectors", "suite.schema.json")) as f:
        return json.load(f)


def gen(mxref, tmp_path, definition):
    path = tmp_path / "suite.json"
    path.write_text(json.dumps(definition))
    return subprocess.run([mxref, "gen", "--suite", str(path), "--out", str(tmp_path / "out"), "--format", "json"],
                          capture_output=True, text=True)


def test_every_checked_in_suite_validates(root, schema):
    folder = os.path.join(root, "vectors", "suites")
    for name in sorted(os.listdir(folder)):
        with open(os.path.join(folder, name)) as f:
            jsonschema.validate(json.load(f), schema)


@pytest.mark.parametrize("kind", ["cast", "block", "dot"])
def test_schema_and_generator_take_the_same_keys(mxref, tmp_path, schema, kind):
    branch = next(b for b in schema["oneOf"] if b["properties"]["kind"]["const"] == kind)
    for key in branch["properties"]:
        if key in ("kind", "classes"):
            continue
        value = VALUES[key][kind] if isinstance(VALUES[key], dict) else VALUES[key]
        definition = dict(MINIMAL[kind], **{key: value})
        jsonschema.validate(definition, schema)
        run = gen(mxref, tmp_path, definition)
        assert run.returncode == 0, f"{kind}: the schema allows \"{key}\" but gen says: {run.stderr}"


@pytest.mark.parametrize("kind, key, nearest", [("cast", "rouding", "rounding"), ("block", "profil", "profile"),
                                                ("dot", "modle", "model"), ("dot", "format-b", "format_b"),
                                                ("cast", "nans", "nan")])
def test_a_misspelt_key_is_refused_by_both(mxref, tmp_path, schema, kind, key, nearest):
    definition = dict(MINIMAL[kind], **{key: "x"})
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(definition, schema)
    run = gen(mxref, tmp_path, definition)
    assert run.returncode == 2 and run.stderr.count("\n") == 1, run.stderr
    assert f'unknown key "{key}" (did you mean "{nearest}"?)' in run.stderr, run.stderr
    assert not (tmp_path / "out").exists()


def test_block_size_is_taken_not_ignored(mxref, tmp_path):
    run = gen(mxref, tmp_path, dict(MINIMAL["block"], block=16))
    assert run.returncode == 0, run.stderr
    with open(tmp_path / "out" / "vectors.json") as f:
        vectors = json.load(f)["vectors"]
    assert all(len(v["inputs"]) == 16 and len(v["expected"]) == 16 for v in vectors)
