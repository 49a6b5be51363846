"""cnn_course_kit.diagrams.convolution: each picture renders, draws the numbers it claims (in a colour
that reads on its cell), and rejects bad input with a clear ValueError."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.patches import Rectangle

from cnn_course_kit.diagrams import convolution as draw
from cnn_course_kit.plots import readable_text_color
from cnn_course_kit.reference import correlate2d_valid
from tests import diagram_checks

EDGE = np.zeros((6, 6))
EDGE[3:, :] = 255
SOBEL_H = np.array([[1.0, 2.0, 1.0], [0.0, 0.0, 0.0], [-1.0, -2.0, -1.0]])


_renders = diagram_checks.renders


_axes = diagram_checks.axes_labelled


_numbers = diagram_checks.cell_numbers


def _outlines(ax, label):
    return [p for p in ax.patches if isinstance(p, Rectangle) and p.get_label() == label]


def _text_reads_on_its_cell(ax) -> None:
    shown = ax.images[0]
    values = shown.get_array()
    for t in ax.texts:
        c, r = (round(v) for v in t.get_position())
        expected = readable_text_color(shown.cmap(shown.norm(values[r, c])))
        assert to_rgb(t.get_color()) == to_rgb(expected), (t.get_text(), r, c)


def test_sliding_window_draws_the_window_products_and_output_cell():
    before = plt.get_fignums()
    fig = draw.sliding_window(EDGE, SOBEL_H, position=(1, 0))
    assert plt.get_fignums() == before  # not registered with pyplot
    image, products, output = (_axes(fig, n) for n in ("image", "products", "output"))
    assert _numbers(image) == EDGE.ravel().tolist()
    assert _numbers(products) == (EDGE[1:4, 0:3] * SOBEL_H).ravel().tolist()
    [window] = _outlines(image, "window")
    assert (window.get_xy(), window.get_width(), window.get_height()) == ((-0.5, 0.5), 3, 3)
    [cell] = _outlines(output, "output cell")
    assert cell.get_xy() == (-0.5, 0.5)
    # the cells up to this step are filled (reading order), the rest are still empty
    assert _numbers(output) == correlate2d_valid(EDGE, SOBEL_H).ravel()[:5].tolist()
    assert "R[1, 0] = -1020" in output.get_title()
    assert "sum = -1020" in products.get_title()
    for ax in (image, products, output, _axes(fig, "kernel")):
        _text_reads_on_its_cell(ax)
    assert image.get_xlabel() == "column" and image.get_ylabel() == "row"
    _renders(fig)


def test_sliding_window_numbers_are_white_on_dark_and_black_on_light_cells():
    fig = draw.sliding_window(EDGE, SOBEL_H, position=(0, 0))
    colours = {t.get_text(): to_rgb(t.get_color()) for t in _axes(fig, "image").texts}
    assert colours == {"0": (1.0, 1.0, 1.0), "255": (0.0, 0.0, 0.0)}


def test_sliding_window_rejects_bad_input():
    with pytest.raises(ValueError, match="2-D"):
        draw.sliding_window(np.arange(5.0), SOBEL_H)
    with pytest.raises(ValueError, match="fit inside"):
        draw.sliding_window(np.ones((2, 5)), SOBEL_H)
    with pytest.raises(ValueError, match=r"rows 0\.\.3 and columns 0\.\.3"):
        draw.sliding_window(EDGE, SOBEL_H, position=(4, 0))
    with pytest.raises(ValueError, match="pair"):
        draw.sliding_window(EDGE, SOBEL_H, position=3)
    with pytest.raises(ValueError, match="at most 12"):
        draw.sliding_window(np.ones((13, 4)), SOBEL_H)
    with pytest.raises(ValueError, match="finite"):
        draw.sliding_window(np.full((4, 4), np.nan), SOBEL_H)


def test_kernel_flip_turns_the_kernel_and_shows_both_sums():
    shift = np.zeros((3, 3))
    shift[1, 2] = 1.0  # "the pixel to my right"
    ramp = np.tile(np.arange(6.0), (5, 1))
    fig = draw.kernel_flip(ramp, shift, position=(0, 1))
    assert _numbers(_axes(fig, "turned kernel")) == np.rot90(shift, 2).ravel().tolist()
    corr, conv = _axes(fig, "cross-correlation"), _axes(fig, "convolution")
    assert corr.get_title().endswith("= 3") and conv.get_title().endswith("= 1")
    assert correlate2d_valid(ramp, shift)[0, 1] == 3.0
    assert correlate2d_valid(ramp, shift[::-1, ::-1])[0, 1] == 1.0
    # the one non-zero weight is outlined: right of centre for K, left of it once turned
    assert [p.get_xy() for p in _outlines(corr, "non-zero weight")] == [(1.5, 0.5)]
    assert [p.get_xy() for p in _outlines(conv, "non-zero weight")] == [(-0.5, 0.5)]
    sub = [t.get_text() for t in _axes(fig, "turned kernel").texts if t.get_fontsize() <= 6]
    assert sub[0] == "K[2,2]" and sub[-1] == "K[0,0]"
    for label in ("kernel", "turned kernel", "window", "cross-correlation", "convolution"):
        _text_reads_on_its_cell(_axes(fig, label))
    _renders(fig)


def test_kernel_flip_rejects_bad_input():
    with pytest.raises(ValueError, match="fit inside"):
        draw.kernel_flip(np.ones((2, 2)), np.ones((3, 3)))
    with pytest.raises(ValueError, match="at most 7"):
        draw.kernel_flip(np.ones((9, 9)), np.ones((8, 8)))
    with pytest.raises(ValueError, match="position"):
        draw.kernel_flip(np.ones((4, 4)), np.ones((3, 3)), position=(0, 2))


def test_separability_draws_the_outer_product_and_the_two_passes():
    column, row = [1.0, 2.0, 1.0], [-1.0, 0.0, 1.0]
    fig = draw.separability(column, row)
    assert _numbers(_axes(fig, "kernel")) == np.outer(column, row).ravel().tolist()
    assert _numbers(_axes(fig, "column")) == column and _numbers(_axes(fig, "row")) == row
    _renders(fig)

    vertical_edge = EDGE.T
    fig = draw.separability(column, row, image=vertical_edge)
    after_column = _axes(fig, "after the column")
    assert (
        _numbers(after_column)
        == correlate2d_valid(vertical_edge, np.array(column)[:, None]).ravel().tolist()
    )
    assert (
        _numbers(_axes(fig, "after the row"))
        == correlate2d_valid(vertical_edge, np.outer(column, row)).ravel().tolist()
    )
    assert "6 multiplications per output instead of 9" in fig.subfigs[1]._suptitle.get_text()
    for label in ("column", "row", "kernel", "image", "after the column", "after the row"):
        _text_reads_on_its_cell(_axes(fig, label))
    _renders(fig)


def test_separability_rejects_bad_input():
    with pytest.raises(ValueError, match="1-D"):
        draw.separability(np.ones((3, 3)), [1.0, 0.0, -1.0])
    with pytest.raises(ValueError, match="non-empty"):
        draw.separability([], [1.0])
    with pytest.raises(ValueError, match="fit inside"):
        draw.separability([1.0, 2.0, 1.0], [1.0], image=np.ones((2, 4)))


def test_weight_matrix_has_axis_labels_and_a_colour_bar():
    w = np.zeros((4, 9))
    w[0, [0, 4]] = [1.0, -1.0]
    fig = draw.weight_matrix(w, title="W for a 2x2 kernel")
    ax = _axes(fig, "matrix")
    assert "input pixel index" in ax.get_xlabel() and "output pixel index" in ax.get_ylabel()
    assert ax.get_title() == "W for a 2x2 kernel"
    colour_bars = [a for a in fig.get_axes() if a is not ax]
    assert len(colour_bars) == 1 and colour_bars[0].get_ylabel() == "weight"
    assert ax.images[0].norm.vmin == -1.0 and ax.images[0].norm.vmax == 1.0  # centred on 0
    _renders(fig)
    with pytest.raises(ValueError, match="2-D"):
        draw.weight_matrix(np.ones(5))
    with pytest.raises(ValueError, match="finite"):
        draw.weight_matrix(np.array([[np.inf]]))
