"""Plausible wrong answers for notebook 02-convolution-edge-detection (format: see tests/wrong_answers/__init__.py)."""

CASES = [
    {  # textbook convolution instead of the deep-learning kind
        "name": "kernel flipped",
        "cell": "conv2d_valid",
        "find": "np.sum(image[r:r + kh, c:c + kw] * kernel)",
        "replace": "np.sum(image[r:r + kh, c:c + kw] * kernel[::-1, ::-1])",
        "loses": {"test_conv2d_valid"},
    },
    {  # the last row and column of positions left out
        "name": "output size off by one",
        "cell": "conv2d_valid",
        "find": "out = np.zeros((H - kh + 1, W - kw + 1))\n    for r in range(H - kh + 1):\n"
        "        for c in range(W - kw + 1):",
        "replace": "out = np.zeros((H - kh, W - kw))\n    for r in range(H - kh):\n"
        "        for c in range(W - kw):",
        "loses": {"test_conv2d_valid"},
    },
    {  # a too-wide kernel then fails in np.zeros, whose ValueError names no shapes
        "name": "fit check on the height only",
        "cell": "conv2d_valid",
        "find": "if kh > H or kw > W:",
        "replace": "if kh > H:",
        "loses": {"test_conv2d_valid"},
    },
    {  # np.flipud: only one axis flipped
        "name": "kernel flipped upside down only",
        "cell": "convolve2d_true",
        "find": "kernel[::-1, ::-1]",
        "replace": "kernel[::-1]",
        "loses": {"test_convolve2d_true"},
    },
    {  # the range is stretched to [0, hi - lo], not [lo, hi]
        "name": "lo not added back",
        "cell": "minmax_normalize",
        "find": "return lo + (hi - lo) * (x - x.min()) / span",
        "replace": "return (hi - lo) * (x - x.min()) / span",
        "loses": {"test_minmax_normalize"},
    },
    {  # floor division: every input the visible tests use divides evenly
        "name": "floor division",
        "cell": "minmax_normalize",
        "find": "return lo + (hi - lo) * (x - x.min()) / span",
        "replace": "return lo + (hi - lo) * (x - x.min()) // span",
        "loses": {"test_minmax_normalize"},
    },
    {  # np.full takes its dtype from the fill value: the int 0 gives an int array
        "name": "constant input returned as integers",
        "cell": "minmax_normalize",
        "find": "return np.full(x.shape, float(lo))",
        "replace": "return np.full(x.shape, lo)",
        "loses": {"test_minmax_normalize"},
    },
    {  # arctan of the ratio: left and right look the same
        "name": "arctan instead of arctan2",
        "cell": "sobel_gradient",
        "find": "np.degrees(np.arctan2(gy, gx))",
        "replace": "np.degrees(np.arctan(gy / gx))",
        "loses": {"test_sobel_gradient"},
    },
    {  # atan2(x, y): the arguments swapped
        "name": "atan2 arguments swapped",
        "cell": "sobel_gradient",
        "find": "np.arctan2(gy, gx)",
        "replace": "np.arctan2(gx, gy)",
        "loses": {"test_sobel_gradient"},
    },
    {  # the column used across and the row down
        "name": "column and row swapped",
        "cell": "separable_conv",
        "find": "return correlate(correlate(image, column), row)",
        "replace": "return correlate(correlate(image, row.T), column.T)",
        "loses": {"test_separable_conv"},
    },
    {  # the kernel's width where the image's width belongs
        "name": "kernel width as the image width",
        "cell": "conv_matrix",
        "find": "(r + i) * W + (c + j)",
        "replace": "(r + i) * kw + (c + j)",
        "loses": {"test_conv_matrix"},
    },
    {  # every direction the earlier tests used was a whole number of degrees
        "name": "direction rounded to whole degrees",
        "cell": "sobel_gradient",
        "find": "np.degrees(np.arctan2(gy, gx))",
        "replace": "np.round(np.degrees(np.arctan2(gy, gx)))",
        "loses": {"test_sobel_gradient"},
    },
]
