"""Plausible wrong answers for notebook 04-pooling (format: see tests/wrong_answers/__init__.py)."""

CASES = [
    {  # the window's sum divided by its side instead of by its number of values
        "name": "average divided by the window's side",
        "cell": "pool2d",
        "find": "return windows.mean(axis=(-2, -1))",
        "replace": "return windows.sum(axis=(-2, -1)) / size",
        "loses": {"test_pool2d"},
    },
    {  # right for p = 2 on any input, wrong for odd p on negative values
        "name": "Lp pooling without the absolute value",
        "cell": "pool2d",
        "find": "(np.abs(windows) ** p)",
        "replace": "(windows ** p)",
        "loses": {"test_pool2d"},
    },
    {  # counts the channel axis as a side of the map: 4x4 windows on 8x8x2 are refused
        "name": "window compared with the smallest axis",
        "cell": "pool2d",
        "find": "if size > x.shape[0] or size > x.shape[1]:",
        "replace": "if size > min(x.shape):",
        "loses": {"test_pool2d"},
    },
    {  # the window's sum divided by the stride's area: right only while stride = size
        "name": "average divided by stride * stride",
        "cell": "pool2d",
        "find": "return windows.mean(axis=(-2, -1))",
        "replace": "return windows.sum(axis=(-2, -1)) / (stride * stride)",
        "loses": {"test_pool2d"},
    },
    {  # n // stride outputs per side: the last window runs past the edge and is cut short
        "name": "windows cut short at the edge",
        "cell": "pool2d",
        "find": "    windows = np.lib.stride_tricks.sliding_window_view(x, (size, size), axis=(0, 1))\n",
        "replace": (
            "    out = np.zeros((x.shape[0] // stride, x.shape[1] // stride) + x.shape[2:])\n"
            "    for r in range(out.shape[0]):\n"
            "        for c in range(out.shape[1]):\n"
            "            w = x[r * stride:r * stride + size, c * stride:c * stride + size]\n"
            "            if mode == 'max':\n"
            "                out[r, c] = w.max(axis=(0, 1))\n"
            "            elif mode == 'avg':\n"
            "                out[r, c] = w.mean(axis=(0, 1))\n"
            "            elif mode == 'sum':\n"
            "                out[r, c] = w.sum(axis=(0, 1))\n"
            "            else:\n"
            "                out[r, c] = (np.abs(w) ** p).sum(axis=(0, 1)) ** (1.0 / p)\n"
            "    return out\n"
        ),
        "loses": {"test_pool2d"},
    },
    {  # off by one: a window exactly as large as the map is refused
        "name": "window as large as the map refused",
        "cell": "pool2d",
        "find": "if size > x.shape[0] or size > x.shape[1]:",
        "replace": "if size >= x.shape[0] or size >= x.shape[1]:",
        "loses": {"test_pool2d"},
    },
    {  # stride 0 still fails inside NumPy, but a negative stride walks backwards silently
        "name": "stride not checked",
        "cell": "pool2d",
        "find": "if size < 1 or stride < 1:",
        "replace": "if size < 1:",
        "loses": {"test_pool2d"},
    },
    {  # sum pooling confused with L1 pooling (the table's p = 1)
        "name": "sum pooling of the magnitudes",
        "cell": "pool2d",
        "find": "return windows.sum(axis=(-2, -1))",
        "replace": "return np.abs(windows).sum(axis=(-2, -1))",
        "loses": {"test_pool2d"},
    },
    {  # the mean over the channels at every position instead of over the positions
        "name": "global pooling over the wrong axis",
        "cell": "global_pool",
        "find": "return volume.mean(axis=(0, 1))",
        "replace": "return volume.mean(axis=-1)",
        "loses": {"test_global_pool"},
    },
    {  # the maximum of the whole volume, one number instead of one per channel
        "name": "global max over every axis",
        "cell": "global_pool",
        "find": "return volume.max(axis=(0, 1))",
        "replace": "return volume.max()",
        "loses": {"test_global_pool"},
    },
    {  # where windows overlap, the last window's share replaces the others
        "name": "overlapping gradients overwritten, not added",
        "cell": "avg_pool_backward",
        "find": "c * stride:c * stride + size] += dout[r, c] / (size * size)",
        "replace": "c * stride:c * stride + size] = dout[r, c] / (size * size)",
        "loses": {"test_avg_pool_backward"},
    },
    {  # the average pooling gradient divided by the wrong count
        "name": "average gradient divided by the window's side",
        "cell": "avg_pool_backward",
        "find": "+= dout[r, c] / (size * size)",
        "replace": "+= dout[r, c] / size",
        "loses": {"test_avg_pool_backward"},
    },
    {  # max pooling's gradient treated like sum pooling's
        "name": "gradient to every position, not the arg-max",
        "cell": "max_pool_backward",
        "find": "dx[r * stride + i, c * stride + j] += dout[r, c]",
        "replace": "dx[r * stride:r * stride + size, c * stride:c * stride + size] += dout[r, c]",
        "loses": {"test_max_pool_backward"},
    },
    {  # the lecture notes' rule: 1 for every value equal to the maximum
        "name": "gradient to every tied maximum",
        "cell": "max_pool_backward",
        "find": "dx[r * stride + i, c * stride + j] += dout[r, c]",
        "replace": (
            "dx[r * stride:r * stride + size, c * stride:c * stride + size] += "
            "dout[r, c] * (window == window.max())"
        ),
        "loses": {"test_max_pool_backward"},
    },
    {  # a tie broken down the columns first instead of along the rows
        "name": "first maximum in column order",
        "cell": "max_pool_backward",
        "find": "i, j = np.unravel_index(np.argmax(window), window.shape)",
        "replace": "j, i = np.unravel_index(np.argmax(window.T), window.T.shape)",
        "loses": {"test_max_pool_backward"},
    },
    {  # every layer adds k - 1 pixels, as if no layer had a stride
        "name": "receptive field without the jump",
        "cell": "receptive_field",
        "find": "r += (k - 1) * j",
        "replace": "r += k - 1",
        "loses": {"test_receptive_field"},
    },
    {  # off by one in the check: a 1x1 convolution is refused
        "name": "1x1 layer refused",
        "cell": "receptive_field",
        "find": "if k < 1 or s < 1:",
        "replace": "if k <= 1 or s < 1:",
        "loses": {"test_receptive_field"},
    },
]
