"""Plausible wrong answers for notebook 01-visual-cortex (format: see tests/wrong_answers/__init__.py)."""

CASES = [
    {  # rows grow downwards; forgetting it mirrors every diagonal bar
        "name": "y-axis pointing down",
        "cell": "make_bar",
        "find": "x, y = cols - c, c - rows",
        "replace": "x, y = cols - c, rows - c",
        "loses": {"test_make_bar"},
    },
    {  # the centre of an even-sized image rounded to a pixel
        "name": "integer centre",
        "cell": "make_bar",
        "find": "c = (size - 1) / 2",
        "replace": "c = size // 2",
        "loses": {"test_make_bar"},
    },
    {  # < instead of <=: a pixel exactly width / 2 from the centre line is left out
        "name": "bar edge excluded",
        "cell": "make_bar",
        "find": "np.abs(across - position) <= width / 2",
        "replace": "np.abs(across - position) < width / 2",
        "loses": {"test_make_bar"},
    },
    {  # NumPy broadcasting hides the mismatch: (3, 3) * (1, 3) works
        "name": "no shape check",
        "cell": "simple_cell_response",
        "find": "if image.shape != receptive_field.shape:",
        "replace": "if False:",
        "loses": {"test_simple_cell_response"},
    },
    {  # |dot product| instead of max(0, dot product)
        "name": "absolute value instead of rectification",
        "cell": "simple_cell_response",
        "find": "return float(max(0.0, np.sum(image * receptive_field)))",
        "replace": "return float(abs(np.sum(image * receptive_field)))",
        # the complex cell may reuse simple_cell_response; its own tests check the pooling
        # (max over every position), which is still right, so only this exercise loses
        "loses": {"test_simple_cell_response"},
    },
    {  # np.sum gives np.float64, a subclass of float: check_type(x, float) lets it through
        "name": "NumPy float64 instead of a Python float",
        "cell": "simple_cell_response",
        "find": "return float(max(0.0, np.sum(image * receptive_field)))",
        "replace": "return max(0.0, np.sum(image * receptive_field))",
        "loses": {"test_simple_cell_response"},
    },
    {  # a 2x3 image and a 3x2 field have the same number of pixels
        "name": "sizes compared instead of shapes",
        "cell": "simple_cell_response",
        "find": "if image.shape != receptive_field.shape:",
        "replace": "if image.size != receptive_field.size:",
        "loses": {"test_simple_cell_response"},
    },
    {  # degrees passed on as radians
        "name": "angles converted to radians before the stimulus",
        "cell": "tuning_curve",
        "find": "respond(stimulus(angle))",
        "replace": "respond(stimulus(np.deg2rad(angle)))",
        "loses": {"test_tuning_curve"},
    },
    {  # the index of the maximum, not the angle there
        "name": "index instead of angle",
        "cell": "preferred_orientation",
        "find": "return float(angles[int(np.argmax(responses))] % 180)",
        "replace": "return float(np.argmax(responses))",
        "loses": {"test_preferred_orientation"},
    },
    {  # 210 degrees reported as 210, not 30
        "name": "orientation not wrapped to [0, 180)",
        "cell": "preferred_orientation",
        "find": " % 180)",
        "replace": ")",
        "loses": {"test_preferred_orientation"},
    },
    {  # right up to 359 degrees, wrong for 390
        "name": "180 subtracted once instead of % 180",
        "cell": "preferred_orientation",
        "find": "return float(angles[int(np.argmax(responses))] % 180)",
        "replace": (
            "best = angles[int(np.argmax(responses))]\n"
            "    return float(best - 180 if best >= 180 else best)"
        ),
        "loses": {"test_preferred_orientation"},
    },
    {  # the last position is left out: range(H - h) instead of range(H - h + 1)
        "name": "off-by-one positions",
        "cell": "complex_cell_response",
        "find": "for r in range(H - h + 1):\n        for c in range(W - w + 1):",
        "replace": "for r in range(H - h):\n        for c in range(W - w):",
        "loses": {"test_complex_cell_response"},
    },
    {  # the field's height compared with the image's width: only square images agree
        "name": "fit check with height and width swapped",
        "cell": "complex_cell_response",
        "find": "if h > H or w > W:",
        "replace": "if h > W or w > H:",
        "loses": {"test_complex_cell_response"},
    },
    {  # a field exactly as large as the image fits once, at (0, 0)
        "name": "field as large as the image refused",
        "cell": "complex_cell_response",
        "find": "if h > H or w > W:",
        "replace": "if h >= H or w >= W:",
        "loses": {"test_complex_cell_response"},
    },
    {  # the seed slides' pairing of V1 with motion
        "name": "V1 matched to motion",
        "cell": "area_roles",
        "find": '"V1": "D"',
        "replace": '"V1": "B"',
        "loses": {"test_area_roles_what"},
    },
]
