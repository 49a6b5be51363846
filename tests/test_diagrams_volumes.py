"""cnn_course_kit.diagrams.volumes: each diagram renders, draws what it claims, and rejects bad input."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgba

from cnn_course_kit.diagrams import volumes
from tests import diagram_checks

RED = [
    [156, 155, 156, 158, 158],
    [153, 154, 157, 159, 159],
    [149, 151, 155, 158, 159],
    [146, 146, 149, 153, 158],
    [145, 143, 143, 148, 158],
]
GREEN = [
    [167, 166, 167, 169, 169],
    [164, 165, 168, 170, 170],
    [160, 162, 166, 169, 170],
    [156, 156, 159, 163, 168],
    [155, 153, 153, 158, 168],
]
BLUE = [
    [163, 162, 163, 165, 165],
    [160, 161, 164, 166, 166],
    [156, 158, 162, 165, 166],
    [155, 155, 158, 162, 167],
    [154, 152, 152, 157, 167],
]
CORNER = np.stack([RED, GREEN, BLUE], axis=-1).astype(float)
KERNEL = np.stack(
    [
        [[-1, -1, 1], [0, 1, -1], [0, 1, 1]],
        [[1, 0, 0], [1, -1, -1], [1, 0, -1]],
        [[0, 1, 1], [0, 1, 0], [1, -1, 1]],
    ],
    axis=-1,
).astype(float)


def _renders(fig) -> None:
    diagram_checks.renders(fig, 5000)


_patches = diagram_checks.patches_with_gid


_texts = diagram_checks.texts_with_gid


def test_the_worked_rgb_example_gives_798_from_158_minus_14_and_653():
    before = plt.get_fignums()
    fig = volumes.colour_convolution(CORNER, KERNEL, 1, (1, 2), padding=1)
    assert plt.get_fignums() == before, "the figure must not be registered with pyplot"
    _renders(fig)
    assert fig.axes[0].get_title()
    assert [_texts(fig, f"sum-{ch}") for ch in range(3)] == [
        ["sum = 158"],
        ["sum = -14"],
        ["sum = 653"],
    ]
    assert _texts(fig, "result") == ["798"]
    assert _texts(fig, "equation") == ["158 + (-14) + 653 + 1 = 798"]
    for ch in range(3):  # three padded 7x7 grids, three slices
        assert len(_patches(fig, f"input-{ch}")) == 49
        assert len(_patches(fig, f"kernel-{ch}")) == 9
        assert len(_patches(fig, f"products-{ch}")) == 9
        assert len(_patches(fig, f"stack-input-{ch}")) == 49
        assert len(_patches(fig, f"stack-kernel-{ch}")) == 9
        window = _patches(fig, f"window-{ch}")[0]  # padded rows 1-3, columns 2-4
        assert (window.get_x(), window.get_width(), window.get_height()) == (2, 3, 3)
    assert len(_patches(fig, "output")) == 25
    assert len(_patches(fig, "arrow-sum")) == 3
    labels = " ".join(_texts(fig, "label"))
    assert "red channel" in labels and "blue slice" in labels and "5x5x1" in labels


def test_padding_cells_are_grey_with_grey_zeros_and_channels_keep_their_tint():
    fig = volumes.colour_convolution(CORNER, KERNEL, 1, (1, 2), padding=1)
    cells = _patches(fig, "input-0")
    assert cells[0].get_facecolor() == to_rgba(volumes.PAD_FILL)  # padded corner
    assert cells[8].get_facecolor() == to_rgba(volumes.CHANNEL_TINTS[0])  # pixel (0, 0)
    inks = [t for t in fig.axes[0].texts if t.get_gid() == "input-0-text"]
    assert inks[0].get_text() == "0" and inks[0].get_color() == volumes.PAD_TEXT
    assert inks[8].get_text() == "156" and inks[8].get_color() == "black"


def test_any_volume_sums_every_channel_plus_the_bias():
    rng = np.random.default_rng(0)
    vol, ker = rng.integers(-5, 6, (4, 6, 2)).astype(float), rng.integers(-2, 3, (2, 3, 2))
    fig = volumes.colour_convolution(vol, ker, bias=-3, position=(1, 1), stride=2)
    expected = (vol[2:4, 2:5] * ker).sum() - 3
    assert _texts(fig, "result") == [volumes._fmt(expected)]
    assert len(_patches(fig, "output")) == 2 * 2  # floor((4-2)/2)+1 x floor(3/2)+1
    assert len(_patches(fig, "input-1")) == 24 and not _patches(fig, "input-2")
    assert "channel 1" in " ".join(_texts(fig, "label"))
    _renders(fig)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(volume=CORNER[:, :, 0], kernel=KERNEL), "volume must be"),
        (dict(volume=CORNER, kernel=KERNEL[:, :, 0]), "kernel must be"),
        (dict(volume=CORNER, kernel=KERNEL[:, :, :2]), "channels"),
        (dict(volume=np.zeros((3, 3, 5)), kernel=np.zeros((1, 1, 5))), "1 to 4 channels"),
        (dict(volume=CORNER, kernel=KERNEL, bias=[1, 2]), "bias"),
        (dict(volume=CORNER, kernel=KERNEL, padding=-1), "padding"),
        (dict(volume=CORNER, kernel=KERNEL, stride=0), "stride"),
        (dict(volume=CORNER, kernel=KERNEL, padding=1.5), "whole number"),
        (dict(volume=CORNER, kernel=KERNEL, position=(3, 0)), "outside the 3x3 output"),
        (dict(volume=CORNER[:2], kernel=KERNEL), "does not fit"),
        (dict(volume=np.zeros((12, 12, 3)), kernel=KERNEL, padding=1), "too large"),
        (dict(volume=CORNER, kernel=KERNEL, channel_names=["R", "G"]), "channel names"),
    ],
)
def test_colour_convolution_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        volumes.colour_convolution(**kwargs)


def test_im2col_puts_each_window_in_a_column_and_row_times_matrix_is_the_output():
    image, kernel = np.array(RED[:4], dtype=float), KERNEL[:, :, 0]
    before = plt.get_fignums()
    fig = volumes.im2col_product(image, kernel)
    assert plt.get_fignums() == before
    _renders(fig)
    assert fig.axes[0].get_title()
    starts = [(r, c) for r in range(2) for c in range(3)]
    matrix = np.array(_texts(fig, "matrix-text"), dtype=float).reshape(9, 6)
    for j, (r, c) in enumerate(starts):
        assert np.array_equal(matrix[:, j], image[r : r + 3, c : c + 3].reshape(-1)), j
    out = np.array(_texts(fig, "out-row-text"), dtype=float)
    expected = [np.sum(image[r : r + 3, c : c + 3] * kernel) for r, c in starts]
    assert np.array_equal(out, expected) and out[1] == 158  # the red share of 798
    assert np.array_equal(np.array(_texts(fig, "output-text"), dtype=float), expected)
    assert np.array_equal(np.array(_texts(fig, "row-text"), dtype=float), kernel.reshape(-1))
    assert len(_patches(fig, "image")) == 20 and len(_patches(fig, "matrix")) == 54
    assert len(_patches(fig, "output")) == 6
    for j, (r, c) in enumerate(starts):
        # the column's outline, its thumbnail window and its output cell share one colour
        colour = to_rgba(volumes.WINDOW_COLOURS[j])
        assert _patches(fig, f"column-{j}")[0].get_edgecolor() == colour
        thumb = _patches(fig, f"thumb-{j}")
        assert len(thumb) == 20
        filled = [k for k, p in enumerate(thumb) if p.get_facecolor() == colour]
        assert filled == [rr * 5 + cc for rr in range(r, r + 3) for cc in range(c, c + 3)]
        pale = to_rgba(volumes._pale(volumes.WINDOW_COLOURS[j]))
        assert _patches(fig, "out-row")[j].get_facecolor() == pale
        assert _patches(fig, "output")[j].get_facecolor() == pale


def test_im2col_with_a_stride_keeps_every_stride_th_window():
    image = np.arange(30.0).reshape(5, 6)
    fig = volumes.im2col_product(image, np.ones((2, 2)), stride=2)
    starts = [(r, c) for r in (0, 2) for c in (0, 2, 4)]
    matrix = np.array(_texts(fig, "matrix-text"), dtype=float).reshape(4, 6)
    assert all(
        np.array_equal(matrix[:, j], image[r : r + 2, c : c + 2].reshape(-1))
        for j, (r, c) in enumerate(starts)
    )
    assert "stride 2" in " ".join(_texts(fig, "label"))


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        ((np.zeros((4, 4, 1)), np.ones((2, 2))), {}, "2-D image"),
        ((np.zeros((4, 4)), np.ones((2, 2, 1))), {}, "2-D"),
        ((np.zeros((2, 4)), np.ones((3, 3))), {}, "does not fit"),
        ((np.zeros((4, 4)), np.ones((2, 2))), {"stride": 0}, "stride"),
        ((np.zeros((4, 4)), np.ones((2, 2))), {"stride": 1.5}, "whole number"),
        ((np.zeros((6, 6)), np.ones((2, 2))), {}, "too"),  # 25 windows
        ((np.zeros((6, 6)), np.ones((5, 5))), {}, "too"),  # 25 pixels per window
    ],
)
def test_im2col_product_rejects_bad_input(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        volumes.im2col_product(*args, **kwargs)
