"""What the Python cross-checks share: running `mxref cast` (hex lines in, codes out, failure as an exception)
and the edge inputs every check takes.

With MXREF_THROUGH_MODULE=1 in the environment (and the Python module `mxref` importable: python/), every
cast and fake quantization also runs through the module, which must give the CLI's codes bit for bit; the
checks against the third party then hold for both (ctest's python_crosscheck_* tests)."""
import os
import subprocess

import numpy as np

THROUGH_MODULE = os.environ.get("MXREF_THROUGH_MODULE") == "1"


def same_as_module(cli, module, what):
    """The CLI's codes, once the module's equal them (AssertionError naming the first that differ)."""
    module = np.asarray(module).astype(np.uint64).reshape(cli.shape)
    wrong = np.flatnonzero(module.reshape(-1) != cli.astype(np.uint64).reshape(-1))
    if wrong.size:
        i = wrong[0]
        raise AssertionError(f"{what}: the module differs from the CLI on {wrong.size} codes, first at {i}: "
                             f"module {int(module.reshape(-1)[i]):#x}, CLI {int(cli.reshape(-1)[i]):#x}")
    return cli


def mxref_cast(mxref, source, target, codes, digits, profile):
    """The codes `mxref cast --from source --to target --profile profile` gives for `codes`."""
    cli = cli_cast(mxref, source, target, codes, digits, profile)
    if not THROUGH_MODULE:
        return cli
    import mxref as module
    unsigned = module._unsigned(module._format_info(source)[0])
    return same_as_module(cli, module.cast(np.asarray(codes, dtype=np.uint64).astype(unsigned), target, src=source,
                                           profile=profile), f"cast {source} -> {target} ({profile})")


def cli_cast(mxref, source, target, codes, digits, profile):
    """mxref_cast through the CLI alone."""
    text = "\n".join(f"{c:0{digits}x}" for c in codes) + "\n"
    run = subprocess.run([mxref, "cast", "--from", source, "--to", target, "--profile", profile],
                         input=text, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise RuntimeError(f"mxref cast --to {target} failed: {run.stderr.strip()}")
    return np.array([int(line, 16) for line in run.stdout.split()], dtype=np.uint64)


def mxref_fakequant(mxref, fmt, profile, blocks):
    """mxref's fake-quantized FP32 bit patterns for rows of FP32 bit patterns (one block a row), same shape."""
    text = "\n".join(" ".join(f"{v:08x}" for v in row) for row in blocks) + "\n"
    run = subprocess.run([mxref, "fakequant", "--format", fmt, "--profile", profile], input=text,
                         capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise RuntimeError(f"mxref fakequant --profile {profile} failed: {run.stderr.strip()}")
    cli = np.array([int(t, 16) for t in run.stdout.split()], dtype=np.uint32).reshape(blocks.shape)
    if not THROUGH_MODULE:
        return cli
    import mxref as module
    values = np.ascontiguousarray(blocks, dtype=np.uint32).view(np.float32)
    out = module.fakequant(values, fmt, profile=profile, block=values.shape[-1])
    return same_as_module(cli, out.view(np.uint32), f"fakequant {fmt} ({profile})").astype(np.uint32)


def mxref_quantize_rows(mxref, rows, fmt, profile, source, extra=()):
    """`mxref quantize --format fmt --profile profile --from source [extra]` on rows of source codes, one block a
    row: (scale codes, element codes [rows, block]) as int64."""
    digits = 2 * np.dtype(rows.dtype).itemsize
    text = "\n".join(" ".join(f"{v:0{digits}x}" for v in row) for row in rows) + "\n"
    run = subprocess.run([mxref, "quantize", "--format", fmt, "--profile", profile, "--from", source, *extra],
                         input=text, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise RuntimeError(f"mxref quantize failed: {run.stderr.strip()}")
    codes = np.array([[int(t, 16) for t in line.split()] for line in run.stdout.splitlines()], dtype=np.int64)
    scales, elements = codes[:, 0], codes[:, 1:]
    # Through the module where it takes the same job: a tensor of those rows, blocked along them. (An NVFP4
    # tensor's scale comes from its amax there; a line's is --tensor-scale's 1: only --tensor-amax runs agree.)
    if THROUGH_MODULE and (fmt != "nvfp4" or "--tensor-amax" in extra):
        import mxref as module
        amax = extra[list(extra).index("--tensor-amax") + 1] if "--tensor-amax" in extra else None
        q = module.quantize(np.ascontiguousarray(rows), fmt, profile=profile, src=source, block=rows.shape[1],
                            tensor_amax=amax)
        same_as_module(scales, q.scales.reshape(-1), f"quantize {fmt} ({profile}) scales")
        same_as_module(elements, q.elements, f"quantize {fmt} ({profile}) elements")
    return scales, elements


def fp32_edges():
    """FP32 bit patterns, both signs: one ulp either side of every power of two and each power, 0, the
    smallest subnormal, the largest finite, Inf, and NaNs quiet and signalling with payloads."""
    powers = np.arange(1, 255, dtype=np.uint64) << np.uint64(23)
    magnitudes = np.concatenate([powers - 1, powers, powers + 1, np.array(
        [0, 1, 0x7F7FFFFF, 0x7F800000, 0x7F800001, 0x7FA00000, 0x7FC00000, 0x7FC00001, 0x7FFFFFFF, 0x7FB12345],
        dtype=np.uint64)])
    return np.concatenate([magnitudes, magnitudes | np.uint64(1 << 31)])


def amax_edge_blocks(rng, bases, block):
    """Blocks of `block` FP32 values whose amax sits on a scale edge: one ulp below, at and up to three
    ulps above base x 2^k for each base (1, and each element maximum, where amax / max crosses a power of
    two) and every k that keeps it finite; the rest of each block lies 1 to 12 binades lower, with random
    signs. Then blocks holding NaNs of both signs and payloads among finite values, a -0 block, and one
    holding FLT_MAX (Inf once rounded to BF16)."""
    amaxes = set()
    for base in bases:
        for k in range(-149, 128):
            centre = np.float32(base * 2.0 ** k) if base * 2.0 ** k < 3.4e38 else np.float32(0)
            c = int(np.array(centre, dtype=np.float32).view(np.uint32))
            amaxes.update(c + j for j in range(-1, 4) if c != 0 and 0 < c + j < 0x7F800000)
    amaxes = np.array(sorted(amaxes), dtype=np.int64)
    lower = np.clip((amaxes[:, None] >> 23) - rng.integers(1, 13, size=(len(amaxes), block)), 1, 254)
    rows = (lower << 23) | rng.integers(0, 1 << 23, size=(len(amaxes), block))
    rows[:, 0] = amaxes
    rows |= rng.integers(0, 2, size=rows.shape) << 31
    specials = np.zeros((6, block), dtype=np.int64) + 0x3F800000
    specials[0, 3] = 0x7FC00001
    specials[1, 5] = 0xFFC00000
    specials[2, 7] = 0x7F800001
    specials[3, 9] = 0xFFB12345
    specials[4, :] = 0x80000000
    specials[5, 2] = 0x7F7FFFFF
    return np.concatenate([rows, specials]).astype(np.uint32)
