"""cnn_course_kit.diagrams.practice: the weight-change bars render, draw one bar per run and block with its
value and label on a logarithmic axis, and reject bad input."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from cnn_course_kit.diagrams import practice
from tests import diagram_checks

CHANGES = {
    "lr 1e-4": {"block1": 0.02, "block2": 0.03},
    "lr 1e-3": {"block1": 0.06, "block2": 0.09},
    "lr 1e-2": {"block1": 0.66, "block2": 0.9},
}


def test_weight_change_bars_draws_one_labelled_bar_per_run_and_block():
    before = plt.get_fignums()
    fig = practice.weight_change_bars(CHANGES, title="three rates")
    assert plt.get_fignums() == before, "the figure must not be registered with pyplot"
    diagram_checks.renders(fig)
    (ax,) = fig.axes
    bars = [p for p in ax.patches if p.get_gid() == "bar"]
    assert len(bars) == 6
    heights = sorted(b.get_height() for b in bars)
    np.testing.assert_allclose(heights, sorted(v for run in CHANGES.values() for v in run.values()))
    assert ax.get_yscale() == "log"
    assert [t.get_text() for t in ax.get_xticklabels()] == list(CHANGES)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["block1", "block2"]
    assert {t.get_text() for t in ax.texts} >= {"0.02", "0.9", "0.66"}
    assert ax.get_title() == "three rates" and "W_source" in ax.get_ylabel()
    # one colour per block, the same in every run
    colours = {}
    for b in bars:
        colours.setdefault(round(b.get_x() % 1, 6), set()).add(b.get_facecolor())
    assert all(len(c) == 1 for c in colours.values())


@pytest.mark.parametrize(
    "bad",
    [
        {},
        {"a": {}},
        {"a": {"block1": 0.1}, "b": {"block2": 0.1}},
        {"a": {"block1": 0.0}},
        {"a": {"block1": float("nan")}},
        [("a", {"block1": 0.1})],
    ],
)
def test_weight_change_bars_rejects_bad_input(bad):
    with pytest.raises(ValueError):
        practice.weight_change_bars(bad)
