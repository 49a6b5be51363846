"""cnn_course_kit.diagrams.transfer: the multi-task vs transfer picture draws one shared trunk with two
heads beside two steps (a trained trunk copied into a frozen one with a new head); the answer
tables draw one count per true class and answer; both reject bad input with a ValueError."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from cnn_course_kit.diagrams import transfer
from tests import diagram_checks


def _patches(ax, gid):
    return [p for p in ax.patches if p.get_gid() == gid]


def _texts(ax, gid):
    return [t.get_text() for t in ax.texts if t.get_gid() == gid]


def test_multitask_side_has_one_trunk_and_two_heads_trained_at_once():
    before = plt.get_fignums()
    fig = transfer.transfer_vs_multitask("digit 0-9", "closed loop?")
    assert plt.get_fignums() == before, "the figure must not be registered with pyplot"
    ax = diagram_checks.axes_labelled(fig, "multi-task")
    assert len(_patches(ax, "input")) == 1 and len(_patches(ax, "trunk")) == 1
    assert len(_patches(ax, "head")) == 2 and not _patches(ax, "frozen")
    assert len(_patches(ax, "arrow")) == 3, "input -> trunk, trunk -> each head"
    heads = [t for t in _texts(ax, "box_text") if t.startswith("head")]
    assert heads == ["head\ndigit 0-9", "head\nclosed loop?"]
    assert "one model" in ax.get_title()
    diagram_checks.renders(fig, 5000)


def test_transfer_side_copies_a_trained_trunk_into_a_frozen_one_with_a_new_head():
    fig = transfer.transfer_vs_multitask("digits", "letters")
    ax = diagram_checks.axes_labelled(fig, "transfer")
    assert len(_patches(ax, "input")) == 2
    assert len(_patches(ax, "trunk")) == 1 and len(_patches(ax, "frozen")) == 1
    assert len(_patches(ax, "head")) == 2
    assert len(_patches(ax, "arrow")) == 4 and len(_patches(ax, "copy")) == 1
    assert "NEW head\nletters" in _texts(ax, "box_text")
    trunk, frozen = _patches(ax, "trunk")[0], _patches(ax, "frozen")[0]
    assert frozen.get_y() < trunk.get_y(), "step 2 is drawn below step 1"
    assert frozen.get_facecolor() != trunk.get_facecolor()


@pytest.mark.parametrize("a, b", [("", "x"), ("x", "   "), (3, "x"), ("x", None)])
def test_transfer_vs_multitask_rejects_bad_task_names(a, b):
    with pytest.raises(ValueError, match="non-empty string"):
        transfer.transfer_vs_multitask(a, b)


def test_answer_counts_draws_every_count_with_its_names():
    counts = np.array([[3, 0, 1], [0, 2, 0]])
    fig = transfer.answer_counts(
        [("five to six", ["5", "6"], counts), ("letters", ["C", "E"], counts[::-1])],
        ["0", "1", "2"],
    )
    ax = diagram_checks.axes_labelled(fig, "five to six")
    assert _texts(ax, "count") == ["3", "0", "1", "0", "2", "0"]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["5", "6"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0", "1", "2"]
    assert ax.get_xlabel() == "the source network's answer" and ax.get_ylabel() == "true class"
    assert _texts(diagram_checks.axes_labelled(fig, "letters"), "count")[0] == "0"
    diagram_checks.renders(fig)


@pytest.mark.parametrize(
    "panels, names, match",
    [
        ([], ["0"], "at least one panel"),
        ([("t", ["a"], [[1, 2]])], [], "at least one answer"),
        ([("t", ["a", "b"], [[1, 2]])], ["0", "1"], "2 x 2"),
        ([("t", ["a"], [[-1, 2]])], ["0", "1"], "non-negative"),
        ([("t", ["a"])], ["0"], "triples"),
    ],
)
def test_answer_counts_rejects_bad_panels(panels, names, match):
    with pytest.raises(ValueError, match=match):
        transfer.answer_counts(panels, names)
