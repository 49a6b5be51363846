"""cnn_course_kit.reference: the implementations grading cells use to grade exercises independently."""

import numpy as np
import pytest
from scipy import signal

from cnn_course_kit.reference import correlate2d_valid, max_pool_gradient_tf


def test_correlate2d_valid_matches_scipy_and_the_worked_example():
    rng = np.random.default_rng(0)
    image, kernel = rng.normal(size=(7, 9)), rng.normal(size=(3, 2))
    np.testing.assert_allclose(
        correlate2d_valid(image, kernel), signal.correlate2d(image, kernel, mode="valid")
    )
    edge = np.zeros((6, 6))
    edge[3:] = 255
    sobel = np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]])
    np.testing.assert_array_equal(correlate2d_valid(edge, sobel)[:, 0], [0, -1020, -1020, 0])


def test_correlate2d_valid_refuses_bad_shapes():
    with pytest.raises(ValueError, match=r"\(4, 2\).*\(3, 3\)"):
        correlate2d_valid(np.ones((3, 3)), np.ones((4, 2)))
    with pytest.raises(ValueError, match="2-D"):
        correlate2d_valid(np.ones(3), np.ones((1, 1)))


def _first_argmax_backward(dout, x, size, stride):
    dx = np.zeros(x.shape)
    for r in range(dout.shape[0]):
        for c in range(dout.shape[1]):
            window = x[r * stride : r * stride + size, c * stride : c * stride + size]
            i, j = np.unravel_index(np.argmax(window), window.shape)
            dx[r * stride + i, c * stride + j] += dout[r, c]
    return dx


@pytest.mark.parametrize("size, stride", [(2, 2), (3, 2), (3, 1), (2, 3)])
def test_max_pool_gradient_tf_routes_to_the_first_maximum(size, stride):
    rng = np.random.default_rng(size * 10 + stride)
    for _ in range(5):
        x = rng.integers(0, 3, size=(8, 9)).astype(float)  # many ties
        n = ((8 - size) // stride + 1, (9 - size) // stride + 1)
        dout = rng.normal(size=n)
        np.testing.assert_array_equal(
            max_pool_gradient_tf(x, dout, size, stride),
            _first_argmax_backward(dout, x, size, stride),
        )


def test_max_pool_gradient_tf_refuses_a_dout_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"\(2, 2\).*\(3, 3\)"):
        max_pool_gradient_tf(np.ones((4, 4)), np.ones((3, 3)), 2)
