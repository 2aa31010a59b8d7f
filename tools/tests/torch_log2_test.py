"""torch.log2 on FP32, whose floor and ceil the scale rules of torchao (RCEIL up to 0.18), microxcaling and
auto-round take: floor and ceil of its result must equal those of the correctly rounded log2, which is what
mxref computes (ref/block/float_log2.hpp), on every positive finite FP32 input — on CUDA, where it is the
GPU's log2f (1 ulp, not correctly rounded), and on the CPU. docs/spec-notes/profile-torchao.md has the
result. The reference is the double log2 rounded to FP32: its error is far below what could move a floor or
a ceil.
Run: python3 -m pytest tools/tests/torch_log2_test.py --mxref MXREF [--fp32-samples N] (default: every input
on CUDA, 2^24 evenly spread inputs on the CPU; N > 0 takes every input on the CPU too). Skips without torch."""
import pytest

torch = pytest.importorskip("torch")

FINITE_END = 0x7F800000  # the bits of +Inf: every positive finite FP32 lies below
DEVICES = ["cpu", "cuda"]


def differing(device, start, stop, step, chunk):
    """The inputs (bits) in range(start, stop, step) whose floor or ceil of torch.log2 differ from the
    correctly rounded log2's, and how many inputs differ in log2 itself."""
    bad, ulps = [], 0
    for first in range(start, stop, chunk * step):
        bits = torch.arange(first, min(first + chunk * step, stop), step, dtype=torch.int64, device=device)
        d = bits.to(torch.int32).view(torch.float32)
        got = torch.log2(d)
        rounded = torch.log2(d.double()).float()
        wrong = (torch.floor(got) != torch.floor(rounded)) | (torch.ceil(got) != torch.ceil(rounded))
        bad += bits[wrong].cpu().tolist()
        ulps += int((got != rounded).sum())
    return bad, ulps


@pytest.mark.parametrize("device", DEVICES)
def test_floor_and_ceil_of_log2_are_those_of_the_correctly_rounded_log2(request, device):
    if device == "cuda" and not torch.cuda.is_available():
        pytest.skip("no CUDA device")
    every = device == "cuda" or (request.config.getoption("--fp32-samples") or 0) > 0
    step = 1 if every else FINITE_END >> 24
    bad, ulps = differing(device, 1, FINITE_END, step, 1 << 26 if device == "cuda" else 1 << 22)
    print(f"torch {torch.__version__} on {device}: log2 one ulp or more from the correctly rounded value on "
          f"{ulps} inputs")
    assert not bad, (f"torch {torch.__version__} on {device}: floor or ceil of log2 differs from the correctly "
                     f"rounded log2's on {len(bad)} inputs, e.g. " + ", ".join(f"{b:08x}" for b in bad[:8]))
