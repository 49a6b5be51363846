"""cnn_course_kit.diagrams.optimisers: the loss-surface paths and the loss curves render, draw one line
(and one start and end marker) per optimiser with its label, and reject bad input."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.contour import QuadContourSet

from cnn_course_kit.diagrams import optimisers


def _bowl(px, py):
    return 1.0 + px**2 + 4.0 * py**2


PATHS = {
    "SGD": np.array([[-1.5, 1.0], [-1.2, 0.2], [-0.9, -0.1]]),
    "Adam": np.array([[-1.5, 1.0], [-1.4, 0.9], [-1.3, 0.8], [-1.2, 0.7]]),
}


def _renders(fig) -> bytes:
    png = fig._repr_png_()
    assert png.startswith(b"\x89PNG") and len(png) > 500
    return png


def _lines(ax, gid):
    return [line for line in ax.lines if line.get_gid() == gid]


def test_loss_paths_draws_contours_one_path_start_and_end_per_optimiser():
    before = plt.get_fignums()
    fig = optimisers.loss_paths(_bowl, PATHS, (-2, 2), (-1.5, 1.5), minimum=(0, 0), title="a bowl")
    assert plt.get_fignums() == before, "the figure must not be registered with pyplot"
    (ax,) = fig.axes
    contours = [c for c in ax.collections if isinstance(c, QuadContourSet)]
    assert sorted(c.filled for c in contours) == [False, True], "filled bands and contour lines"
    lines = next(c for c in contours if not c.filled)
    assert len(lines.levels) == 14 and np.all(np.diff(np.log(lines.levels)) > 0)
    assert ax.texts, "some contour lines carry their loss value"
    paths = _lines(ax, "path")
    assert [line.get_label() for line in paths] == ["SGD", "Adam"]
    assert [len(line.get_xdata()) for line in paths] == [3, 4]
    np.testing.assert_allclose(np.c_[paths[1].get_xdata(), paths[1].get_ydata()], PATHS["Adam"])
    starts, ends = _lines(ax, "start"), _lines(ax, "end")
    assert len(starts) == len(ends) == 2
    assert [tuple(np.ravel(e.get_xydata())) for e in ends] == [(-0.9, -0.1), (-1.2, 0.7)]
    assert (
        starts[0].get_color() == paths[0].get_color()
        and ends[1].get_color() == paths[1].get_color()
    )
    (star,) = _lines(ax, "minimum")
    assert tuple(np.ravel(star.get_xydata())) == (0.0, 0.0)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["SGD", "Adam", "start", "end", "minimum"]
    assert ax.get_title() == "a bowl" and ax.get_xlabel() and ax.get_ylabel()
    assert ax.get_xlim() == (-2.0, 2.0) and ax.get_ylim() == (-1.5, 1.5)
    _renders(fig)


def test_loss_paths_handles_a_loss_with_negative_values_and_a_single_point():
    fig = optimisers.loss_paths(lambda px, py: px * py, {"still": [[0.5, 0.5]]}, (-1, 1), (-1, 1))
    assert len(_lines(fig.axes[0], "path")) == 1 and not _lines(fig.axes[0], "minimum")
    _renders(fig)


@pytest.mark.parametrize(
    "args, kwargs, match",
    [
        (("not a function", PATHS, (-2, 2), (-1, 1)), {}, "function"),
        ((_bowl, {}, (-2, 2), (-1, 1)), {}, "non-empty dict"),
        ((_bowl, [[0, 0]], (-2, 2), (-1, 1)), {}, "non-empty dict"),
        ((_bowl, {"a": np.zeros((3, 3))}, (-2, 2), (-1, 1)), {}, r"shape \(steps \+ 1, 2\)"),
        ((_bowl, {"a": np.zeros((0, 2))}, (-2, 2), (-1, 1)), {}, r"shape \(steps \+ 1, 2\)"),
        ((_bowl, {"a": [[0, 0], [np.inf, 1]]}, (-2, 2), (-1, 1)), {}, "diverge"),
        ((_bowl, PATHS, (2, -2), (-1, 1)), {}, "xlim"),
        ((_bowl, PATHS, (-2, 2), (0, 0)), {}, "ylim"),
        ((_bowl, PATHS, (-2, 2), 3), {}, "ylim"),
        ((_bowl, PATHS, (-2, 2), (-1, 1)), {"levels": 1}, "levels"),
        ((lambda px, py: 1.0, PATHS, (-2, 2), (-1, 1)), {}, "shape of its inputs"),
        ((_bowl, {str(k): [[0, 0]] for k in range(11)}, (-2, 2), (-1, 1)), {}, "at most 10"),
    ],
)
def test_loss_paths_rejects_bad_input(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        optimisers.loss_paths(*args, **kwargs)


def test_loss_curves_draws_one_line_per_run_on_a_log_scale():
    curves = {"SGD": [2.3, 1.0, 0.5], "Adam": [2.0, 0.4, 0.1]}
    before = plt.get_fignums()
    fig = optimisers.loss_curves(curves, steps=[5, 10, 15], title="digits")
    assert plt.get_fignums() == before
    (ax,) = fig.axes
    lines = _lines(ax, "curve")
    assert [line.get_label() for line in lines] == ["SGD", "Adam"]
    np.testing.assert_allclose(lines[0].get_xdata(), [5, 10, 15])
    np.testing.assert_allclose(lines[1].get_ydata(), [2.0, 0.4, 0.1])
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "step" and ax.get_title() == "digits"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["SGD", "Adam"]
    _renders(fig)


def test_loss_curves_default_steps_and_linear_scale():
    fig = optimisers.loss_curves({"a": [0.0, -1.0]}, log=False)
    (line,) = _lines(fig.axes[0], "curve")
    np.testing.assert_allclose(line.get_xdata(), [1, 2])
    assert fig.axes[0].get_yscale() == "linear"


@pytest.mark.parametrize(
    "curves, kwargs, match",
    [
        ({}, {}, "non-empty dict"),
        ({"a": []}, {}, "non-empty 1-D"),
        ({"a": [[1.0, 2.0]]}, {}, "non-empty 1-D"),
        ({"a": [1.0, 0.0]}, {}, "log=False"),
        ({"a": [1.0, 0.5]}, {"steps": [1, 2, 3]}, "steps has shape"),
    ],
)
def test_loss_curves_rejects_bad_input(curves, kwargs, match):
    with pytest.raises(ValueError, match=match):
        optimisers.loss_curves(curves, **kwargs)
