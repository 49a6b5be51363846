"""cnn_course_kit.diagrams.pooling: the max-pooling routing picture renders, draws one outline and one
arrow per window, shows the gradients that add up, and rejects bad input."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.patches import ConnectionPatch, Rectangle

from cnn_course_kit.diagrams import pooling

# 3x3 windows with stride 2 on a 5x5 map: the 7 wins both top windows, the bottom-left
# window holds two 5s (the first in reading order wins).
X = np.array([[1, 0, 2, 1, 0], [3, 1, 7, 0, 2], [0, 2, 1, 1, 4], [1, 5, 0, 3, 1], [2, 1, 5, 6, 2]])
DOUT = [[1, 2], [3, 4]]


def _renders(fig) -> bytes:
    png = fig._repr_png_()
    assert png.startswith(b"\x89PNG") and len(png) > 500
    return png


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def test_routing_draws_windows_outputs_and_one_arrow_per_window():
    before = plt.get_fignums()
    fig = pooling.max_pool_routing(X, DOUT, 3, 2)
    assert plt.get_fignums() == before, "the figure must not be registered with pyplot"
    ax_x, ax_y, ax_dx = fig.axes
    outlines = [p for p in ax_x.patches if isinstance(p, Rectangle) and not p.get_fill()]
    assert len(outlines) == 4
    arrows = [a for a in fig.artists if isinstance(a, ConnectionPatch)]
    assert len(arrows) == 4
    assert sorted(_texts(ax_y)) == ["y=5\ndout=3", "y=6\ndout=4", "y=7\ndout=1", "y=7\ndout=2"]
    assert "1+2\n=3" in _texts(ax_dx), "the 7 wins two windows: its gradient is 1 + 2"
    assert len(ax_x.texts) == len(ax_dx.texts) == X.size
    bold = {t.get_text() for t in ax_x.texts if t.get_fontweight() == "bold"}
    assert bold == {"7", "5", "6"}
    assert "stride 2" in ax_x.get_title() and "dx" in ax_dx.get_title()
    assert all(ax.get_xlabel() == "column" and ax.get_ylabel() == "row" for ax in fig.axes)
    assert "backward" in fig._suptitle.get_text()
    _renders(fig)


def test_routing_follows_tensorflow_on_a_tie():
    # The bottom-left window's two 5s sit at (3, 1) and (4, 2): the first in reading order wins.
    fig = pooling.max_pool_routing(X, DOUT, 3, 2)
    ax_dx = fig.axes[2]
    by_position = {
        (round(t.get_position()[1]), round(t.get_position()[0])): t.get_text() for t in ax_dx.texts
    }
    assert by_position[3, 1] == "3" and by_position[4, 2] == "0"
    assert by_position[4, 3] == "4"


def test_routing_with_default_stride_and_negative_gradients():
    x = np.array([[0.0, 1.0, 2.0, 3.0], [4.0, 0.0, 1.0, 2.0]])
    fig = pooling.max_pool_routing(x, [[1.0, -2.5]], 2)
    assert len([a for a in fig.artists if isinstance(a, ConnectionPatch)]) == 2
    assert "-2.50" in _texts(fig.axes[2])
    _renders(fig)


def test_routing_sums_negative_contributions_readably():
    x = np.zeros((3, 3))
    x[1, 1] = 5.0  # wins all four 2x2 windows at stride 1
    fig = pooling.max_pool_routing(x, [[1.0, -2.0], [3.0, 0.5]], 2, 1)
    assert "1-2+3+0.50\n=2.50" in _texts(fig.axes[2])


@pytest.mark.parametrize(
    "args, match",
    [
        ((np.zeros(5), [[1.0]], 2), "2-D"),
        ((np.zeros((4, 4)), [[1.0]], 2), "pooled shape"),
        ((np.zeros((4, 4)), [[1.0]], 0), "size >= 1"),
        ((np.zeros((4, 4)), [[1.0]], 2, 0), "stride >= 1"),
        ((np.zeros((2, 4)), [[1.0]], 3), "fits the map"),
        ((np.zeros((11, 11)), np.zeros((5, 5)), 2), "too large"),
        ((np.zeros((8, 8)), np.zeros((4, 4)), 2), "windows can be told apart"),
    ],
)
def test_routing_rejects_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        pooling.max_pool_routing(*args)
