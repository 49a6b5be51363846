"""utils.reference: the implementations grading cells use to grade exercises independently."""

import numpy as np
import pytest
from scipy import signal

from utils.reference import correlate2d_valid


def test_correlate2d_valid_matches_scipy_and_the_worked_example():
    rng = np.random.default_rng(0)
    image, kernel = rng.normal(size=(7, 9)), rng.normal(size=(3, 2))
    np.testing.assert_allclose(correlate2d_valid(image, kernel),
                               signal.correlate2d(image, kernel, mode="valid"))
    edge = np.zeros((6, 6))
    edge[3:] = 255
    sobel = np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]])
    np.testing.assert_array_equal(correlate2d_valid(edge, sobel)[:, 0], [0, -1020, -1020, 0])


def test_correlate2d_valid_refuses_bad_shapes():
    with pytest.raises(ValueError, match=r"\(4, 2\).*\(3, 3\)"):
        correlate2d_valid(np.ones((3, 3)), np.ones((4, 2)))
    with pytest.raises(ValueError, match="2-D"):
        correlate2d_valid(np.ones(3), np.ones((1, 1)))
