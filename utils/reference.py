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
    """Valid 2-D cross-correlation (no kernel flip), as float64; taught in notebook 02."""
    image = np.asarray(image, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError(f"image and kernel must be 2-D. Received: shapes {image.shape} and "
                         f"{kernel.shape}")
    if kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]:
        raise ValueError(f"kernel {kernel.shape} does not fit in image {image.shape}")
    return np.einsum("rcij,ij->rc", sliding_window_view(image, kernel.shape), kernel)
