#!/usr/bin/env python3
"""The fast path (fast/cpu) as users meet it, against the reference path of the same binary:
- `mxref quantize/dequantize/fakequant --fast` on tensor files gives byte-identical files to the
  reference path, for every element, several profiles, NVFP4 under its three profiles, blocks along
  the last axis and along axis 0 (ragged), FP32 and BF16 in and out, packed elements and swizzled scales;
- what --fast cannot run is refused with exit 2, a one-line reason and no output file;
- `mxref conform --plugin fast_plugin.so` passes the checked-in golden suites and a generated suite of
  every block class for each of the 36 element x profile pairs, FP32 and BF16 inputs.
Usage: fast_path_test.py MXREF REPO_ROOT FAST_PLUGIN. Exit 77 without numpy."""
import json
import os
import subprocess
import sys
import tempfile

try:
    import numpy as np
except ImportError as e:
    print(f"skipped: {e}")
    sys.exit(77)

from checklist import Checklist
from fast_pairs import ELEMENTS, PROFILES, pair_suite

checks = Checklist()
check = checks.check


def tensor(rows, columns, seed):
    """Activations-like FP32 values over 60 binades, with zeros, subnormals, NaN and Inf sprinkled in."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((rows, columns)).astype(np.float32) * np.exp2(rng.integers(-30, 30, (rows, columns))).astype(np.float32)
    x[0, :] = 0
    x[1, 3] = np.nan
    x[2, 5] = -np.inf
    x[3, :7] = np.float32(1e-40)
    return x


def main():
    mxref, root, plugin = (os.path.abspath(a) for a in sys.argv[1:4])
    with tempfile.TemporaryDirectory() as d:
        path = lambda f: os.path.join(d, f)

        def run(*args):
            return subprocess.run([mxref, *args], capture_output=True, text=True, cwd=d)

        def same_files(a, b):
            return open(path(a), "rb").read() == open(path(b), "rb").read()

        x = tensor(70, 96, 1)  # axis 0: two full blocks of 32 and a ragged one of 6 per column
        np.save(path("x.npy"), x)
        np.save(path("b.npy"), (x.view(np.uint32) >> 16).astype(np.uint16))  # bf16 bits
        for element in ELEMENTS:
            for profile in (PROFILES if element in ("mxfp8_e4m3", "mxfp4_e2m1") else ["ocp", "torchao-rceil"]):
                for axis in ("-1", "0"):
                    for source, name in (("f32", "x.npy"), ("bf16", "b.npy")):
                        common = ["--format", element, "--profile", profile, "--axis", axis, "--in", name]
                        label = f"{element} {profile} axis {axis} from {source}"
                        ref = run("quantize", *common, "--from", source, "--out", "r.npz")
                        fast = run("quantize", *common, "--from", source, "--out", "f.npz", "--fast", "--threads", "3")
                        check(f"quantize --fast: {label}", ref.returncode == 0 and fast.returncode == 0 and same_files("r.npz", "f.npz"))
                        to = "bf16" if source == "f32" else "f32"
                        ref = run("fakequant", *common, "--from", source, "--to", to, "--out", "r.npy")
                        fast = run("fakequant", *common, "--from", source, "--to", to, "--out", "f.npy", "--fast")
                        check(f"fakequant --fast to {to}: {label}", ref.returncode == 0 and fast.returncode == 0 and same_files("r.npy", "f.npy"))
                        ref = run("dequantize", "--format", element, "--in", "r.npz", "--to", to, "--out", "rd.npy")
                        fast = run("dequantize", "--format", element, "--in", "r.npz", "--to", to, "--out", "fd.npy", "--fast")
                        check(f"dequantize --fast to {to}: {label}", ref.returncode == 0 and fast.returncode == 0 and same_files("rd.npy", "fd.npy"))

        # NVFP4 under its three profiles: the tensor scale from the whole tensor, blocks of 16 along the last
        # axis and along axis 0 (70 = 4 x 16 + 6: ragged). torchao refuses an infinite tensor amax, so the
        # tensor here has its -Inf replaced.
        xn = x.copy()
        xn[2, 5] = -3.0
        np.save(path("n.npy"), xn)
        np.save(path("nb.npy"), (xn.view(np.uint32) >> 16).astype(np.uint16))
        for profile in ("nvfp4", "nvfp4-torchao", "nvfp4-te"):
            for axis in ("-1", "0"):
                for source, name in (("f32", "n.npy"), ("bf16", "nb.npy")):
                    common = ["--format", "nvfp4", "--profile", profile, "--axis", axis, "--in", name, "--from", source]
                    label = f"nvfp4 {profile} axis {axis} from {source}"
                    ref = run("quantize", *common, "--out", "r.npz")
                    fast = run("quantize", *common, "--out", "f.npz", "--fast", "--threads", "3")
                    check(f"quantize --fast: {label}", ref.returncode == 0 and fast.returncode == 0 and same_files("r.npz", "f.npz"))
                    to = "bf16" if source == "f32" else "f32"
                    ref = run("fakequant", *common, "--to", to, "--out", "r.npy")
                    fast = run("fakequant", *common, "--to", to, "--out", "f.npy", "--fast")
                    check(f"fakequant --fast to {to}: {label}", ref.returncode == 0 and fast.returncode == 0 and same_files("r.npy", "f.npy"))
                    ref = run("dequantize", "--format", "nvfp4", "--in", "r.npz", "--to", to, "--out", "rd.npy")
                    fast = run("dequantize", "--format", "nvfp4", "--in", "r.npz", "--to", to, "--out", "fd.npy", "--fast")
                    check(f"dequantize --fast to {to}: {label}", ref.returncode == 0 and fast.returncode == 0 and same_files("rd.npy", "fd.npy"))

        # Packed elements and swizzled scales are laid out after the fast path, as for the reference.
        common = ["--format", "mxfp4_e2m1", "--in", "x.npy", "--packed", "--swizzle"]
        ref, fast = run("quantize", *common, "--out", "r.npz"), run("quantize", *common, "--out", "f.npz", "--fast")
        check("packed and swizzled: same archive", ref.returncode == 0 and fast.returncode == 0 and same_files("r.npz", "f.npz"))
        ref = run("dequantize", "--format", "mxfp4_e2m1", "--in", "r.npz", "--out", "rd.npy")
        fast = run("dequantize", "--format", "mxfp4_e2m1", "--in", "r.npz", "--out", "fd.npy", "--fast")
        check("packed and swizzled: same dequantized tensor", ref.returncode == 0 and fast.returncode == 0 and same_files("rd.npy", "fd.npy"))

        # What --fast cannot run: exit 2, one line naming why, nothing written.
        refusals = [
            (["quantize", "--format", "nvfp4", "--profile", "ocp"], "not nvfp4 under ocp"),
            (["quantize", "--format", "mxfp8_e4m3", "--profile", "nvfp4"], "not mxfp8_e4m3 under nvfp4"),
            (["quantize", "--format", "mxfp8_e4m3", "--profile", "microxcaling-even"], "microxcaling-even"),
            (["quantize", "--format", "mxfp8_e4m3", "--tile", "32"], "--tile"),
            (["quantize", "--format", "mxfp8_e4m3", "--from", "f16", "--in", "x.npy"], "f32 or bf16"),
            (["fakequant", "--format", "mxfp8_e4m3", "--to", "f64"], "f32 or bf16"),
        ]
        for args, reason in refusals:
            if "--in" not in args:
                args = args + ["--in", "x.npy"]
            r = run(*args, "--out", "refused.npz", "--fast")
            check(f"--fast refuses {' '.join(args[1:5])}", r.returncode == 2 and reason in r.stderr
                  and len(r.stderr.strip().splitlines()) == 1 and not os.path.exists(path("refused.npz")))
        r = run("quantize", "--format", "mxfp8_e4m3", "--fast")
        check("--fast without tensor files is a usage error", r.returncode == 2 and "tensor files" in r.stderr)

        # The conformance runner takes the fast path as an implementation under test.
        golden = os.path.join(root, "vectors", "golden")
        for suite in sorted(os.listdir(golden)):
            r = run("conform", "--suite", os.path.join(golden, suite), "--plugin", plugin)
            check(f"fast plug-in passes golden suite {suite}", r.returncode == 0 and " 0 failed" in r.stdout)
        for element in ELEMENTS:
            for profile in PROFILES:
                for source in ("f32", "bf16"):
                    suite = pair_suite(element, profile, source, count=16, seed=5)
                    name = suite["name"]
                    json.dump(suite, open(path(name + ".json"), "w"))
                    gen = run("gen", "--suite", name + ".json", "--out", name)
                    r = run("conform", "--suite", name, "--plugin", plugin)
                    check(f"fast plug-in passes {name}", gen.returncode == 0 and r.returncode == 0 and " 0 failed" in r.stdout)
        r = run("conform", "--suite", os.path.join(golden, "mxfp4-e2m1-ocp"), "--plugin", plugin)
        nvfp4 = {"name": "n", "kind": "block", "from": "f32", "format": "nvfp4", "profile": "nvfp4", "classes": ["zero"], "count": 1}
        json.dump(nvfp4, open(path("n.json"), "w"))
        run("gen", "--suite", "n.json", "--out", "n")
        r = run("conform", "--suite", "n", "--plugin", plugin)
        check("the fast plug-in refuses what it does not run", r.returncode == 2 and "refused suite" in r.stderr)
    return checks.status()


if __name__ == "__main__":
    sys.exit(main())
