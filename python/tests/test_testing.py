"""mxref.testing: a matching quantizer passes; a wrong one fails with the blocks that differ and the runner's
diagnosis."""
import numpy as np
import pytest

import mxref
from mxref.testing import assert_codes_equal, assert_fakequant_equal, assert_quantized_equal


def numpy_mxfp4(x, round_half_away):
    """A small MXFP4 quantizer written with numpy: the OCP scale floor(log2 amax) - 2, E2M1 by a nearest search;
    ties to even, or (a common mistake) away from zero."""
    grid = np.array([0, 0.5, 1, 1.5, 2, 3, 4, 6])
    blocks = x.reshape(-1, 32).astype(np.float64)
    amax = np.abs(blocks).max(axis=1)
    exponent = np.floor(np.log2(np.where(amax > 0, amax, 1))) - 2
    scaled = np.abs(blocks) / np.exp2(exponent)[:, None]
    distance = np.abs(scaled[..., None] - grid)
    best = distance.min(axis=-1, keepdims=True)
    ties = (distance == best)
    # Among tied grid points: the larger (away from zero) or the one with an even code.
    pick = np.where(round_half_away, 7 - np.argmax(ties[..., ::-1], axis=-1),
                    np.argmax(ties & (np.arange(8) % 2 == 0), axis=-1) + 0)
    only = ties.sum(axis=-1) == 1
    pick = np.where(only, np.argmax(ties, axis=-1), pick)
    pick = np.minimum(pick, 7)
    codes = (pick | (np.signbit(blocks) * 8)).astype(np.uint8)
    return codes.reshape(x.shape), (exponent + 127).astype(np.uint8).reshape(x.shape[0], -1)


def test_a_correct_quantizer_passes_and_a_wrong_one_is_diagnosed():
    rng = np.random.default_rng(1)
    x = (rng.integers(-12, 13, size=(8, 64)) / 4).astype(np.float32)  # many exact ties
    good_e, good_s = numpy_mxfp4(x, round_half_away=False)
    assert_quantized_equal(x, good_e, good_s, "mxfp4_e2m1")
    bad_e, bad_s = numpy_mxfp4(x, round_half_away=True)
    with pytest.raises(AssertionError) as failure:
        assert_quantized_equal(x, bad_e, bad_s, "mxfp4_e2m1")
    report = str(failure.value)
    assert "blocks differ from mxref's profile ocp" in report
    assert "element" in report and "expected" in report
    assert "diagnosis:" in report and "away" in report, report
    # Rounding ties away from zero with the OCP scale is microxcaling's "nearest": infer_profile names it.
    assert mxref.infer_profile(x, bad_e, bad_s, "mxfp4_e2m1")[0] == ("microxcaling-nearest", 0, 0)
    assert mxref.infer_profile(x, good_e, good_s, "mxfp4_e2m1")[0][1:] == (0, 0)


def test_codes_compare_bits():
    assert_codes_equal(np.float32([0.0, np.nan]), np.float32([0.0, np.nan]))
    with pytest.raises(AssertionError, match="1 of 2 differ"):
        assert_codes_equal(np.float32([0.0, 1.0]), np.float32([-0.0, 1.0]))  # -0 is not +0


def test_fakequant_assertion():
    x = np.random.default_rng(4).standard_normal((2, 32)).astype(np.float32)
    assert_fakequant_equal(x, mxref.fakequant(x, "mxfp8_e4m3"), "mxfp8_e4m3")
    with pytest.raises(AssertionError, match="fakequant mxfp8_e4m3"):
        assert_fakequant_equal(x, x, "mxfp8_e4m3")
