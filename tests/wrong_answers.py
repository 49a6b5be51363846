"""Plausible wrong answers, per notebook, for the grading round trip.

Each entry replaces the body of one solution cell (by grade_id) with a mistake a student
could make, and names the graded cells that must then lose their points; every other
graded cell must keep full marks. Exercises are graded independently where
the notebook allows it (e.g. tuning_curve is tested with a fake stimulus and cell, so a
wrong make_bar does not cost its points too).
"""

WRONG_ANSWERS = {
    "01-visual-cortex": [
        {   # rows grow downwards; forgetting it mirrors every diagonal bar
            "name": "y-axis pointing down",
            "cell": "make_bar",
            "find": "x, y = cols - c, c - rows",
            "replace": "x, y = cols - c, rows - c",
            "loses": {"test_make_bar"},
        },
        {   # the centre of an even-sized image rounded to a pixel
            "name": "integer centre",
            "cell": "make_bar",
            "find": "c = (size - 1) / 2",
            "replace": "c = size // 2",
            "loses": {"test_make_bar"},
        },
        {   # < instead of <=: a pixel exactly width / 2 from the centre line is left out
            "name": "bar edge excluded",
            "cell": "make_bar",
            "find": "np.abs(across - position) <= width / 2",
            "replace": "np.abs(across - position) < width / 2",
            "loses": {"test_make_bar"},
        },
        {   # NumPy broadcasting hides the mismatch: (3, 3) * (1, 3) works
            "name": "no shape check",
            "cell": "simple_cell_response",
            "find": "if image.shape != receptive_field.shape:",
            "replace": "if False:",
            "loses": {"test_simple_cell_response"},
        },
        {   # |dot product| instead of max(0, dot product)
            "name": "absolute value instead of rectification",
            "cell": "simple_cell_response",
            "find": "return float(max(0.0, np.sum(image * receptive_field)))",
            "replace": "return float(abs(np.sum(image * receptive_field)))",
            # the complex cell may reuse simple_cell_response; its own tests check the pooling
            # (max over every position), which is still right, so only this exercise loses
            "loses": {"test_simple_cell_response"},
        },
        {   # np.sum gives np.float64, a subclass of float: check_type(x, float) lets it through
            "name": "NumPy float64 instead of a Python float",
            "cell": "simple_cell_response",
            "find": "return float(max(0.0, np.sum(image * receptive_field)))",
            "replace": "return max(0.0, np.sum(image * receptive_field))",
            "loses": {"test_simple_cell_response"},
        },
        {   # a 2x3 image and a 3x2 field have the same number of pixels
            "name": "sizes compared instead of shapes",
            "cell": "simple_cell_response",
            "find": "if image.shape != receptive_field.shape:",
            "replace": "if image.size != receptive_field.size:",
            "loses": {"test_simple_cell_response"},
        },
        {   # degrees passed on as radians
            "name": "angles converted to radians before the stimulus",
            "cell": "tuning_curve",
            "find": "respond(stimulus(angle))",
            "replace": "respond(stimulus(np.deg2rad(angle)))",
            "loses": {"test_tuning_curve"},
        },
        {   # the index of the maximum, not the angle there
            "name": "index instead of angle",
            "cell": "preferred_orientation",
            "find": "return float(angles[int(np.argmax(responses))] % 180)",
            "replace": "return float(np.argmax(responses))",
            "loses": {"test_preferred_orientation"},
        },
        {   # 210 degrees reported as 210, not 30
            "name": "orientation not wrapped to [0, 180)",
            "cell": "preferred_orientation",
            "find": " % 180)",
            "replace": ")",
            "loses": {"test_preferred_orientation"},
        },
        {   # right up to 359 degrees, wrong for 390
            "name": "180 subtracted once instead of % 180",
            "cell": "preferred_orientation",
            "find": "return float(angles[int(np.argmax(responses))] % 180)",
            "replace": ("best = angles[int(np.argmax(responses))]\n"
                        "    return float(best - 180 if best >= 180 else best)"),
            "loses": {"test_preferred_orientation"},
        },
        {   # the last position is left out: range(H - h) instead of range(H - h + 1)
            "name": "off-by-one positions",
            "cell": "complex_cell_response",
            "find": "for r in range(H - h + 1):\n        for c in range(W - w + 1):",
            "replace": "for r in range(H - h):\n        for c in range(W - w):",
            "loses": {"test_complex_cell_response"},
        },
        {   # the field's height compared with the image's width: only square images agree
            "name": "fit check with height and width swapped",
            "cell": "complex_cell_response",
            "find": "if h > H or w > W:",
            "replace": "if h > W or w > H:",
            "loses": {"test_complex_cell_response"},
        },
        {   # a field exactly as large as the image fits once, at (0, 0)
            "name": "field as large as the image refused",
            "cell": "complex_cell_response",
            "find": "if h > H or w > W:",
            "replace": "if h >= H or w >= W:",
            "loses": {"test_complex_cell_response"},
        },
        {   # the seed slides' pairing of V1 with motion
            "name": "V1 matched to motion",
            "cell": "area_roles",
            "find": '"V1": "D"',
            "replace": '"V1": "B"',
            "loses": {"test_area_roles_what"},
        },
    ],
    "02-convolution-edge-detection": [
        {   # textbook convolution instead of the deep-learning kind
            "name": "kernel flipped",
            "cell": "conv2d_valid",
            "find": "np.sum(image[r:r + kh, c:c + kw] * kernel)",
            "replace": "np.sum(image[r:r + kh, c:c + kw] * kernel[::-1, ::-1])",
            "loses": {"test_conv2d_valid"},
        },
        {   # the last row and column of positions left out
            "name": "output size off by one",
            "cell": "conv2d_valid",
            "find": "out = np.zeros((H - kh + 1, W - kw + 1))\n    for r in range(H - kh + 1):\n"
                    "        for c in range(W - kw + 1):",
            "replace": "out = np.zeros((H - kh, W - kw))\n    for r in range(H - kh):\n"
                       "        for c in range(W - kw):",
            "loses": {"test_conv2d_valid"},
        },
        {   # a too-wide kernel then fails in np.zeros, whose ValueError names no shapes
            "name": "fit check on the height only",
            "cell": "conv2d_valid",
            "find": "if kh > H or kw > W:",
            "replace": "if kh > H:",
            "loses": {"test_conv2d_valid"},
        },
        {   # np.flipud: only one axis flipped
            "name": "kernel flipped upside down only",
            "cell": "convolve2d_true",
            "find": "kernel[::-1, ::-1]",
            "replace": "kernel[::-1]",
            "loses": {"test_convolve2d_true"},
        },
        {   # the range is stretched to [0, hi - lo], not [lo, hi]
            "name": "lo not added back",
            "cell": "minmax_normalize",
            "find": "return lo + (hi - lo) * (x - x.min()) / span",
            "replace": "return (hi - lo) * (x - x.min()) / span",
            "loses": {"test_minmax_normalize"},
        },
        {   # np.full takes its dtype from the fill value: the int 0 gives an int array
            "name": "constant input returned as integers",
            "cell": "minmax_normalize",
            "find": "return np.full(x.shape, float(lo))",
            "replace": "return np.full(x.shape, lo)",
            "loses": {"test_minmax_normalize"},
        },
        {   # arctan of the ratio: left and right look the same
            "name": "arctan instead of arctan2",
            "cell": "sobel_gradient",
            "find": "np.degrees(np.arctan2(gy, gx))",
            "replace": "np.degrees(np.arctan(gy / gx))",
            "loses": {"test_sobel_gradient"},
        },
        {   # atan2(x, y): the arguments swapped
            "name": "atan2 arguments swapped",
            "cell": "sobel_gradient",
            "find": "np.arctan2(gy, gx)",
            "replace": "np.arctan2(gx, gy)",
            "loses": {"test_sobel_gradient"},
        },
        {   # the column used across and the row down
            "name": "column and row swapped",
            "cell": "separable_conv",
            "find": "return correlate(correlate(image, column), row)",
            "replace": "return correlate(correlate(image, row.T), column.T)",
            "loses": {"test_separable_conv"},
        },
        {   # the kernel's width where the image's width belongs
            "name": "kernel width as the image width",
            "cell": "conv_matrix",
            "find": "(r + i) * W + (c + j)",
            "replace": "(r + i) * kw + (c + j)",
            "loses": {"test_conv_matrix"},
        },
    ],
    "03-padding-stride-channels": [
        {   # rounding up: counts a last position where the kernel no longer fits
            "name": "ceiling instead of floor",
            "cell": "output_size",
            "find": "return (n + 2 * p - k) // s + 1",
            "replace": "return -(-(n + 2 * p - k) // s) + 1",
            "loses": {"test_output_size"},
        },
        {   # Python's round() rounds halves to even: right for 8, 3, 0, 2 and wrong for 9, 2, 0, 2
            "name": "rounding to the nearest instead of down",
            "cell": "output_size",
            "find": "return (n + 2 * p - k) // s + 1",
            "replace": "return round((n + 2 * p - k) / s) + 1",
            "loses": {"test_output_size"},
        },
        {   # np.pad's "reflect" mirrors the pixels inside the border instead of copying it
            "name": "reflect instead of replicate",
            "cell": "pad",
            "find": 'np.pad(image, p, mode="edge")',
            "replace": 'np.pad(image, p, mode="reflect")',
            "loses": {"test_pad"},
        },
        {   # "nothing to add" answered with the input itself, which the caller may then change
            "name": "p = 0 returns the input itself, not a copy",
            "cell": "pad",
            "find": "    image = np.asarray(image, dtype=float)\n",
            "replace": "    image = np.asarray(image, dtype=float)\n    if p == 0:\n        return image\n",
            "loses": {"test_pad"},
        },
        {   # the output has the strided size, but the windows still move one pixel at a time
            "name": "stride ignored in the window position",
            "cell": "conv2d",
            "find": "window = x[r * stride:r * stride + kh, c * stride:c * stride + kw]",
            "replace": "window = x[r:r + kh, c:c + kw]",
            "loses": {"test_conv2d"},
        },
        {   # true convolution (notebook 02's flip) instead of the cross-correlation asked for
            "name": "kernel flipped",
            "cell": "conv2d",
            "find": "    kh, kw = kernel.shape\n",
            "replace": "    kh, kw = kernel.shape\n    kernel = kernel[::-1, ::-1]\n",
            "loses": {"test_conv2d"},
        },
        {   # right on every square image: only a non-square one shows it
            "name": "output width computed from the height",
            "cell": "conv2d",
            "find": "oh, ow = (H - kh) // stride + 1, (W - kw) // stride + 1",
            "replace": "oh = ow = (H - kh) // stride + 1",
            "loses": {"test_conv2d"},
        },
        {   # an even kernel is refused, but a 3x5 one gets (3 - 1) // 2 on both axes
            "name": "'same' checks only the kernel's height",
            "cell": "conv2d",
            "find": "if kh % 2 == 0 or kw % 2 == 0 or kh != kw:",
            "replace": "if kh % 2 == 0:",
            "loses": {"test_conv2d"},
        },
        {   # the bias left out
            "name": "bias forgotten",
            "cell": "conv2d_multichannel",
            "find": "out[r, c, f] = np.sum(window * kernels[:, :, :, f]) + bias[f]",
            "replace": "out[r, c, f] = np.sum(window * kernels[:, :, :, f])",
            "loses": {"test_conv2d_multichannel"},
        },
        {   # np.pad with one number pads every axis, the channels too: 3 channels become 5
            "name": "channels padded too",
            "cell": "conv2d_multichannel",
            "find": "x = np.pad(volume, ((padding, padding), (padding, padding), (0, 0)))",
            "replace": "x = np.pad(volume, padding)",
            "loses": {"test_conv2d_multichannel"},
        },
        {   # the bias added to every product, i.e. kh*kw*C times
            "name": "bias inside the sum",
            "cell": "conv2d_multichannel",
            "find": "out[r, c, f] = np.sum(window * kernels[:, :, :, f]) + bias[f]",
            "replace": "out[r, c, f] = np.sum(window * kernels[:, :, :, f] + bias[f])",
            "loses": {"test_conv2d_multichannel"},
        },
        {   # NumPy's own broadcasting error is a ValueError too, but it does not say "channels"
            "name": "no channel check",
            "cell": "conv2d_multichannel",
            "find": "if volume.shape[2] != c_in:",
            "replace": "if False:",
            "loses": {"test_conv2d_multichannel"},
        },
        {   # a 2-D kernel's count: the input depth forgotten
            "name": "input channels forgotten",
            "cell": "conv_param_count",
            "find": "return int((kh * kw * c_in + (1 if use_bias else 0)) * c_out)",
            "replace": "return int((kh * kw + (1 if use_bias else 0)) * c_out)",
            "loses": {"test_conv_param_count"},
        },
        {   # windows flattened channel-first, which does not match kernels.reshape(-1, F)
            "name": "window flattened channels first",
            "cell": "im2col",
            "find": "windows = windows.transpose(0, 1, 3, 4, 2)            # (H', W', kh, kw, C)",
            "replace": "",
            "loses": {"test_im2col"},
        },
    ],
    "04-pooling": [
        {   # the window's sum divided by its side instead of by its number of values
            "name": "average divided by the window's side",
            "cell": "pool2d",
            "find": "return windows.mean(axis=(-2, -1))",
            "replace": "return windows.sum(axis=(-2, -1)) / size",
            "loses": {"test_pool2d"},
        },
        {   # right for p = 2 on any input, wrong for odd p on negative values
            "name": "Lp pooling without the absolute value",
            "cell": "pool2d",
            "find": "(np.abs(windows) ** p)",
            "replace": "(windows ** p)",
            "loses": {"test_pool2d"},
        },
        {   # counts the channel axis as a side of the map: 4x4 windows on 8x8x2 are refused
            "name": "window compared with the smallest axis",
            "cell": "pool2d",
            "find": "if size > x.shape[0] or size > x.shape[1]:",
            "replace": "if size > min(x.shape):",
            "loses": {"test_pool2d"},
        },
        {   # the window's sum divided by the stride's area: right only while stride = size
            "name": "average divided by stride * stride",
            "cell": "pool2d",
            "find": "return windows.mean(axis=(-2, -1))",
            "replace": "return windows.sum(axis=(-2, -1)) / (stride * stride)",
            "loses": {"test_pool2d"},
        },
        {   # n // stride outputs per side: the last window runs past the edge and is cut short
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
                "    return out\n"),
            "loses": {"test_pool2d"},
        },
        {   # off by one: a window exactly as large as the map is refused
            "name": "window as large as the map refused",
            "cell": "pool2d",
            "find": "if size > x.shape[0] or size > x.shape[1]:",
            "replace": "if size >= x.shape[0] or size >= x.shape[1]:",
            "loses": {"test_pool2d"},
        },
        {   # stride 0 still fails inside NumPy, but a negative stride walks backwards silently
            "name": "stride not checked",
            "cell": "pool2d",
            "find": "if size < 1 or stride < 1:",
            "replace": "if size < 1:",
            "loses": {"test_pool2d"},
        },
        {   # sum pooling confused with L1 pooling (the table's p = 1)
            "name": "sum pooling of the magnitudes",
            "cell": "pool2d",
            "find": "return windows.sum(axis=(-2, -1))",
            "replace": "return np.abs(windows).sum(axis=(-2, -1))",
            "loses": {"test_pool2d"},
        },
        {   # the mean over the channels at every position instead of over the positions
            "name": "global pooling over the wrong axis",
            "cell": "global_pool",
            "find": "return volume.mean(axis=(0, 1))",
            "replace": "return volume.mean(axis=-1)",
            "loses": {"test_global_pool"},
        },
        {   # the maximum of the whole volume, one number instead of one per channel
            "name": "global max over every axis",
            "cell": "global_pool",
            "find": "return volume.max(axis=(0, 1))",
            "replace": "return volume.max()",
            "loses": {"test_global_pool"},
        },
        {   # where windows overlap, the last window's share replaces the others
            "name": "overlapping gradients overwritten, not added",
            "cell": "avg_pool_backward",
            "find": "c * stride:c * stride + size] += dout[r, c] / (size * size)",
            "replace": "c * stride:c * stride + size] = dout[r, c] / (size * size)",
            "loses": {"test_avg_pool_backward"},
        },
        {   # the average pooling gradient divided by the wrong count
            "name": "average gradient divided by the window's side",
            "cell": "avg_pool_backward",
            "find": "+= dout[r, c] / (size * size)",
            "replace": "+= dout[r, c] / size",
            "loses": {"test_avg_pool_backward"},
        },
        {   # max pooling's gradient treated like sum pooling's
            "name": "gradient to every position, not the arg-max",
            "cell": "max_pool_backward",
            "find": "dx[r * stride + i, c * stride + j] += dout[r, c]",
            "replace": "dx[r * stride:r * stride + size, c * stride:c * stride + size] += dout[r, c]",
            "loses": {"test_max_pool_backward"},
        },
        {   # the lecture notes' rule: 1 for every value equal to the maximum
            "name": "gradient to every tied maximum",
            "cell": "max_pool_backward",
            "find": "dx[r * stride + i, c * stride + j] += dout[r, c]",
            "replace": ("dx[r * stride:r * stride + size, c * stride:c * stride + size] += "
                        "dout[r, c] * (window == window.max())"),
            "loses": {"test_max_pool_backward"},
        },
        {   # a tie broken down the columns first instead of along the rows
            "name": "first maximum in column order",
            "cell": "max_pool_backward",
            "find": "i, j = np.unravel_index(np.argmax(window), window.shape)",
            "replace": "j, i = np.unravel_index(np.argmax(window.T), window.T.shape)",
            "loses": {"test_max_pool_backward"},
        },
        {   # every layer adds k - 1 pixels, as if no layer had a stride
            "name": "receptive field without the jump",
            "cell": "receptive_field",
            "find": "r += (k - 1) * j",
            "replace": "r += k - 1",
            "loses": {"test_receptive_field"},
        },
        {   # off by one in the check: a 1x1 convolution is refused
            "name": "1x1 layer refused",
            "cell": "receptive_field",
            "find": "if k < 1 or s < 1:",
            "replace": "if k <= 1 or s < 1:",
            "loses": {"test_receptive_field"},
        },
    ],
}
