"""cnn_course_kit.diagrams.regularisation: the L1/L2 regions, the penalties' gradients and the L1 paths
render, draw what they claim (the L1 optimum on a corner, TensorFlow's sign at 0, the
proximal path on 0 exactly), and reject bad input."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from cnn_course_kit.diagrams import regularisation


def _renders(fig) -> bytes:
    png = fig._repr_png_()
    assert png.startswith(b"\x89PNG") and len(png) > 500
    return png


def _best_labels(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts if t.get_text().startswith("best")]


def test_regions_put_the_l1_optimum_on_a_corner_and_the_l2_optimum_off_the_axes():
    before = plt.get_fignums()
    fig = regularisation.penalty_regions()
    assert plt.get_fignums() == before, "the figure must not be registered with pyplot"
    ax_l1, ax_l2 = fig.axes[:2]
    assert ax_l1.get_title().startswith("L1") and ax_l2.get_title().startswith("L2")
    assert _best_labels(fig) == ["best (1.00, 0.00)", "best (0.86, 0.52)"]
    assert all(
        ax.get_xlabel() == "weight w1" and ax.get_ylabel() == "weight w2" for ax in fig.axes[:2]
    )
    assert "contour" in fig._suptitle.get_text()
    _renders(fig)


def test_regions_best_point_is_the_constrained_minimum():
    # checked against a brute-force search over a fine grid of points inside each region
    centre, budget = np.array([0.4, 3.0]), 2.0
    fig = regularisation.penalty_regions(centre=centre, budget=budget)
    side = np.linspace(-budget, budget, 1601)
    grid = np.stack(np.meshgrid(side, side), axis=-1).reshape(-1, 2)
    d = grid - centre
    loss = np.einsum("ni,ij,nj->n", d, regularisation._LOSS_MATRIX, d)
    inside = [np.abs(grid).sum(axis=1) <= budget, (grid**2).sum(axis=1) <= budget**2]
    for label, region in zip(_best_labels(fig), inside):
        shown = np.array([float(v) for v in label.removeprefix("best (").rstrip(")").split(",")])
        searched = grid[region][np.argmin(loss[region])]
        np.testing.assert_allclose(shown, searched, atol=0.01)


def test_gradients_follow_keras_convention():
    fig = regularisation.penalty_gradients(lam=0.2, limit=2.0)
    ax_p, ax_g = fig.axes
    lines = {line.get_label(): line for line in ax_p.get_lines()}
    w, l2 = lines["L2"].get_data()
    np.testing.assert_allclose(l2, 0.2 * w**2)
    np.testing.assert_allclose(lines["L1"].get_ydata(), 0.2 * np.abs(w))
    grads = {line.get_label(): line for line in ax_g.get_lines()}
    w, g2 = grads["L2"].get_data()
    np.testing.assert_allclose(g2, 0.4 * w, atol=1e-12), "L2's gradient is 2·lam·w: no ½"
    dot = [line for line in ax_g.get_lines() if len(line.get_xdata()) == 1]
    assert [(line.get_xdata()[0], line.get_ydata()[0]) for line in dot] == [(0, 0)], "sign(0) = 0"
    l1_values = np.concatenate(
        [
            line.get_ydata()
            for line in ax_g.get_lines()
            if line.get_color() == grads["L1"].get_color()
        ]
    )
    assert set(np.round(l1_values, 12)) == {-0.2, 0.0, 0.2}
    assert "L1(0.2)" in fig._suptitle.get_text()
    _renders(fig)


def test_l1_steps_proximal_lands_on_zero_and_subgradient_does_not():
    sub, prox = regularisation.l1_steps(0.03, 0.1, 0.3, 40)
    assert sub.shape == prox.shape == (41,)
    assert np.all(prox[-10:] == 0.0)
    assert np.all(sub[-10:] != 0.0) and np.abs(sub[-10:]).max() < 0.1
    assert (sub[-10:] > 0).any() and (sub[-10:] < 0).any(), "it jumps across 0"


def test_l1_paths_draws_both_paths():
    fig = regularisation.l1_paths(steps=20)
    ax_all, ax_zoom = fig.axes
    labels = [
        line.get_label() for line in ax_all.get_lines() if not line.get_label().startswith("_")
    ]
    assert labels == ["subgradient step", "proximal step"]
    assert len(ax_all.get_lines()[0].get_xdata()) == 21
    assert "proximal at 0" in ax_zoom.get_title()
    _renders(fig)


@pytest.mark.parametrize(
    "func, kwargs, match",
    [
        (regularisation.penalty_regions, {"centre": (0.5, 0.5)}, "outside"),
        (regularisation.penalty_regions, {"centre": (1, 2, 3)}, "two finite numbers"),
        (regularisation.penalty_regions, {"budget": 0}, "positive"),
        (regularisation.penalty_gradients, {"lam": -0.1}, "lam"),
        (regularisation.penalty_gradients, {"limit": 0}, "limit"),
        (regularisation.l1_paths, {"lr": 1.5}, "lr"),
        (regularisation.l1_paths, {"steps": 1}, "steps"),
        (regularisation.l1_paths, {"lam": 0}, "lam"),
        (regularisation.l1_paths, {"target": np.nan}, "finite"),
    ],
)
def test_rejects_bad_input(func, kwargs, match):
    with pytest.raises(ValueError, match=match):
        func(**kwargs)
