"""Running `mxref cast` from the Python cross-checks: hex lines in, codes out, failure as an exception."""
import subprocess

import numpy as np


def mxref_cast(mxref, source, target, codes, digits, profile):
    """The codes `mxref cast --from source --to target --profile profile` gives for `codes`."""
    text = "\n".join(f"{c:0{digits}x}" for c in codes) + "\n"
    run = subprocess.run([mxref, "cast", "--from", source, "--to", target, "--profile", profile],
                         input=text, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise RuntimeError(f"mxref cast --to {target} failed: {run.stderr.strip()}")
    return np.array([int(line, 16) for line in run.stdout.split()], dtype=np.uint64)
