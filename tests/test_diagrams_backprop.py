"""cnn_course_kit.diagrams.backprop: the two gradient pictures render, draw the block, window and
products they claim (matching the formulas dw = correlate(x, dout), dx = full convolution),
and reject bad input with a clear ValueError."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.patches import Rectangle

from cnn_course_kit.diagrams import backprop
from cnn_course_kit.reference import correlate2d_valid
from tests import diagram_checks

# notebook 05's worked example: a 3x4 input, a 2x2 kernel, a 2x3 dout
X = np.array([[1.0, 2, 0, 1], [0, 1, 3, 1], [2, 0, 1, 2]])
W = np.array([[1.0, -1], [2, 0]])
DOUT = np.array([[1.0, 0, -1], [2, 1, 0]])


_renders = diagram_checks.renders


_axes = diagram_checks.axes_labelled


_numbers = diagram_checks.cell_numbers


def _sublabels(ax) -> list[str]:
    return [t.get_text() for t in ax.texts if t.get_fontsize() <= 6]


def _outlines(ax, label):
    return [p for p in ax.patches if isinstance(p, Rectangle) and p.get_label() == label]


def _loop_dx(dout, w):
    """dL/dx by the chain rule, window by window: no padding, no turned kernel."""
    kh, kw = w.shape
    dx = np.zeros((dout.shape[0] + kh - 1, dout.shape[1] + kw - 1))
    for r, c in np.ndindex(dout.shape):
        dx[r : r + kh, c : c + kw] += dout[r, c] * w
    return dx


def test_weight_gradient_draws_the_block_products_and_dw():
    before = plt.get_fignums()
    fig = backprop.weight_gradient(X, DOUT, (1, 0))
    assert plt.get_fignums() == before, "the figure must not be registered with pyplot"
    x_ax, dout_ax, products, dw = (_axes(fig, n) for n in ("x", "dout", "products", "dw"))
    assert _numbers(x_ax) == X.ravel().tolist()
    assert _numbers(dout_ax) == DOUT.ravel().tolist()
    assert _numbers(products) == (X[1:3, 0:3] * DOUT).ravel().tolist()
    assert len(_sublabels(products)) == DOUT.size, "one product per window position"
    assert "window 1,2" in _sublabels(products)
    assert _numbers(dw) == correlate2d_valid(X, DOUT).ravel().tolist()
    [block] = _outlines(x_ax, "block")
    assert (block.get_xy(), block.get_width(), block.get_height()) == ((-0.5, 0.5), 3, 2)
    [entry] = _outlines(dw, "entry")
    assert entry.get_xy() == (-0.5, 0.5)
    assert "dw[1, 0] = 1" in dw.get_title()
    assert x_ax.get_xlabel() == "column" and x_ax.get_ylabel() == "row"
    assert "dL/dw[1, 0]" in fig._suptitle.get_text()
    _renders(fig)


def test_weight_gradient_of_a_rectangular_kernel():
    rng = np.random.default_rng(0)
    x, dout = rng.normal(size=(5, 6)), rng.normal(size=(3, 2))  # a 3x5 kernel
    fig = backprop.weight_gradient(x, dout, (2, 4))
    [block] = _outlines(_axes(fig, "x"), "block")
    assert (block.get_xy(), block.get_width(), block.get_height()) == ((3.5, 1.5), 2, 3)
    assert len(_numbers(_axes(fig, "dw"))) == 15
    _renders(fig)


def test_input_gradient_draws_the_padding_the_turned_kernel_and_dx():
    fig = backprop.input_gradient(DOUT, W, (1, 1))
    padded, turned, products, dx = (
        _axes(fig, n) for n in ("padded dout", "turned kernel", "products", "dx")
    )
    assert _numbers(padded) == np.pad(DOUT, 1).ravel().tolist()
    assert len(_outlines(padded, "padding")) == np.pad(DOUT, 1).size - DOUT.size
    assert _numbers(turned) == np.rot90(W, 2).ravel().tolist() == [0, 2, -1, 1]
    [window] = _outlines(padded, "window")
    assert (window.get_xy(), window.get_width(), window.get_height()) == ((0.5, 0.5), 2, 2)
    assert sorted(_sublabels(products)) == ["window 0,0", "window 0,1", "window 1,0", "window 1,1"]
    assert "4 covering windows" in products.get_title()
    assert _numbers(dx) == _loop_dx(DOUT, W).ravel().tolist()
    assert "dx[1, 1] = -1" in dx.get_title()
    _renders(fig)


def test_input_gradient_at_a_corner_names_the_padding():
    fig = backprop.input_gradient(DOUT, W, (0, 3))
    products = _axes(fig, "products")
    assert sorted(_sublabels(products)) == ["padding", "padding", "padding", "window 0,2"]
    assert "1 covering window\n" in products.get_title()
    [pixel] = _outlines(_axes(fig, "dx"), "pixel")
    assert pixel.get_xy() == (2.5, -0.5)


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: backprop.weight_gradient(np.zeros(4), DOUT), "2-D"),
        (lambda: backprop.weight_gradient(X, np.zeros((4, 3))), "at most as large as x"),
        (lambda: backprop.weight_gradient(X, DOUT, (2, 0)), "weight must lie in rows 0..1"),
        (lambda: backprop.weight_gradient(X, DOUT, "a"), "pair"),
        (lambda: backprop.weight_gradient(np.zeros((9, 9)), DOUT), "at most 8"),
        (lambda: backprop.weight_gradient(X, [[np.nan]]), "finite"),
        (lambda: backprop.input_gradient(DOUT, W, (3, 0)), "pixel must lie in rows 0..2"),
        (lambda: backprop.input_gradient(DOUT, np.zeros(3)), "2-D"),
        (lambda: backprop.input_gradient(np.zeros((6, 6)), np.zeros((5, 5))), "too large to draw"),
    ],
)
def test_bad_input_is_rejected(call, match):
    with pytest.raises(ValueError, match=match):
        call()
