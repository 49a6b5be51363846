"""Part ``conv``: one convolution three ways, on the same input, with the same answer.

A 128 x 128 x 3 image and 16 kernels of 3 x 3 x 3 (valid, stride 1): the loops notebooks 02
and 03 teach (one window at a time), the vectorised reference the grader uses
(:func:`cnn_course_kit.reference.correlate2d_valid`, summed over channels) and TensorFlow's
``tf.nn.conv2d``. The three outputs are compared before any time is reported.
"""

from __future__ import annotations

import time

import numpy as np

from .table import Row, ratio


def loops(image: np.ndarray, kernels: np.ndarray) -> np.ndarray:
    """The taught loop: every kernel, every output position, one window at a time."""
    kh, kw, _, n = kernels.shape
    rows, cols = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    out = np.zeros((rows, cols, n))
    for k in range(n):
        kernel = kernels[..., k]
        for r in range(rows):
            for c in range(cols):
                out[r, c, k] = np.sum(image[r : r + kh, c : c + kw, :] * kernel)
    return out


def vectorised(image: np.ndarray, kernels: np.ndarray) -> np.ndarray:
    """The kit's reference, per kernel and channel, summed over channels."""
    from cnn_course_kit.reference import correlate2d_valid

    return np.stack(
        [
            sum(correlate2d_valid(image[..., ch], kernels[..., ch, k]) for ch in range(3))
            for k in range(kernels.shape[-1])
        ],
        axis=-1,
    )


def _best(func, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def run(size: int = 128, kernels: int = 16) -> list[Row]:
    """The three side by side; the rows of the table."""
    import tensorflow as tf

    rng = np.random.default_rng(0)
    image = rng.normal(size=(size, size, 3))
    bank = rng.normal(size=(3, 3, 3, kernels))
    x = tf.constant(image[None], tf.float32)
    w = tf.constant(bank, tf.float32)

    def tensorflow():
        return tf.nn.conv2d(x, w, strides=1, padding="VALID").numpy()[0]

    expected = loops(image, bank)
    assert np.allclose(vectorised(image, bank), expected)
    assert np.allclose(tensorflow(), expected, atol=1e-3)
    t_loops = _best(lambda: loops(image, bank), repeat=1)
    t_vec = _best(lambda: vectorised(image, bank))
    t_tf = _best(tensorflow, repeat=10)
    what = f"{size}x{size}x3 input, {kernels} kernels of 3x3x3, valid"
    return [
        Row("conv", "Python loops (as taught)", t_loops * 1000, "ms", what),
        Row("conv", "vectorised NumPy reference", t_vec * 1000, "ms"),
        Row("conv", "tf.nn.conv2d", t_tf * 1000, "ms"),
        ratio("conv", "vectorised / loops", 1 / t_vec, 1 / t_loops),
        ratio("conv", "tf.nn.conv2d / vectorised", 1 / t_tf, 1 / t_vec),
    ]
