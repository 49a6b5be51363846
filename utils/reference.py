"""Reference implementations for grading cells, so each exercise is graded on its own.

When one exercise builds on another (a Sobel gradient needs a convolution), the tests
hand the exercise this reference instead of the student's earlier function: a mistake in
``conv2d_valid`` then costs the points of ``conv2d_valid`` and nothing else. These are
deliberately short and vectorised; the notebooks teach the loop versions.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def correlate2d_valid(image, kernel) -> np.ndarray:
    """Valid 2-D cross-correlation (no kernel flip), as float64; taught in notebook 02.

    It answers notebook 02's ``conv2d_valid`` exercise, and it ships to students (the
    student edition) because any student is one library call away from the same function:
    ``scipy.signal.correlate2d(image, kernel, mode="valid")`` (SciPy comes with
    scikit-learn). The exercise is worth doing for the loop it makes you write, not for a
    secret result.
    """
    image = np.asarray(image, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError(
            f"image and kernel must be 2-D. Received: shapes {image.shape} and {kernel.shape}"
        )
    if kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]:
        raise ValueError(f"kernel {kernel.shape} does not fit in image {image.shape}")
    return np.einsum("rcij,ij->rc", sliding_window_view(image, kernel.shape), kernel)


def max_pool_gradient_tf(x, dout, size: int, stride: int | None = None) -> np.ndarray:
    """The gradient of 2-D max pooling (valid windows) as TensorFlow's ``GradientTape``
    computes it: ``dout`` routed to each window's maximum, the first in reading order on a
    tie, summed where windows overlap. Taught in notebook 04.

    It runs on the CPU: there TensorFlow breaks ties by reading order, while cuDNN on a
    GPU may pick another maximum.

    It answers notebook 04's ``max_pool_backward`` exercise (with the arguments in another
    order), and it ships to students (the student edition) because it is the library's
    own answer, one call away for any student: ``tf.GradientTape`` around
    ``tf.nn.max_pool2d``, which notebook 04 shows. The exercise asks for the routing
    written out by hand.
    """
    import tensorflow as tf

    x = np.asarray(x, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    if x.ndim != 2 or dout.ndim != 2:
        raise ValueError(f"x and dout must be 2-D. Received: shapes {x.shape} and {dout.shape}")
    stride = size if stride is None else stride
    expected = ((x.shape[0] - size) // stride + 1, (x.shape[1] - size) // stride + 1)
    if dout.shape != expected:
        raise ValueError(f"dout must have the pooled shape {expected}. Received: {dout.shape}")
    with tf.device("/CPU:0"):
        x_t = tf.constant(x[None, :, :, None])
        with tf.GradientTape() as tape:
            tape.watch(x_t)
            y = tf.nn.max_pool2d(x_t, size, stride, "VALID")
        grad = tape.gradient(y, x_t, output_gradients=tf.constant(dout[None, :, :, None]))
    return grad.numpy()[0, :, :, 0]
