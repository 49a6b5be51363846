"""cnn_course_kit.diagrams.heads: the two routes (bottleneck features + a shallow classifier, and a base
with a new head trained end to end) render, draw the frozen, fine-tuned and from-scratch boxes
each case claims, a gradient arrow per end-to-end case, and reject bad input with a ValueError."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from cnn_course_kit.diagrams import heads
from tests import diagram_checks


def _patches(ax, gid):
    return [p for p in ax.patches if p.get_gid() == gid]


def _texts(ax, gid):
    return [t.get_text() for t in ax.texts if t.get_gid() == gid]


def test_two_routes_draws_what_each_case_trains():
    before = plt.get_fignums()
    fig = heads.two_routes()
    assert plt.get_fignums() == before, "the figure must not be registered with pyplot"
    left, right = fig.axes
    # Case 1: the whole base frozen, the features stored, a scikit-learn classifier
    assert len(_patches(left, "frozen")) == 2 and len(_patches(left, "cache")) == 1
    assert len(_patches(left, "classifier")) == 1
    assert _patches(left, "gradient") == [] and _patches(left, "finetuned") == []
    assert any("logistic regression" in t for t in _texts(left, "box_text"))
    # Cases 2-4: block 1 frozen only in Case 2; block 2 fine-tuned in 2 and 3; both from scratch in 4
    assert len(_patches(right, "frozen")) == 1
    assert len(_patches(right, "finetuned")) == 1 + 2
    assert len(_patches(right, "scratch")) == 2
    assert len(_patches(right, "head")) == 3 and len(_patches(right, "flatten")) == 3
    assert len(_patches(right, "gradient")) == 3, "one gradient arrow per end-to-end case"
    assert _texts(right, "case_title") == [
        "Case 2: fine-tune the top",
        "Case 3: fine-tune everything",
        "Case 4: from scratch",
    ]
    assert "Case 1" in left.get_title() and "end to end" in right.get_title()
    assert fig._suptitle.get_text() == "Two ways to reuse a trained base"
    diagram_checks.renders(fig, 20000)


def test_the_gradient_arrow_stops_at_the_first_trainable_block():
    right = heads.two_routes().axes[1]
    frozen = _patches(right, "frozen")[0]
    case2_arrow, case3_arrow, _ = _patches(right, "gradient")
    top2 = max(y for _, y in case2_arrow._posA_posB)
    top3 = max(y for _, y in case3_arrow._posA_posB)
    assert top2 < frozen.get_y(), "Case 2's gradient does not reach the frozen block 1"
    assert top3 > frozen.get_y() + frozen.get_height(), "Case 3's gradient reaches block 1"


def test_more_blocks_and_a_deeper_case_2():
    fig = heads.two_routes(["conv 1", "conv 2", "conv 3"], case2_top=2, title="three blocks")
    left, right = fig.axes
    assert len(_patches(left, "frozen")) == 3
    assert len(_patches(right, "frozen")) == 1, "Case 2 keeps one of three blocks frozen"
    assert len(_patches(right, "finetuned")) == 2 + 3
    assert len(_patches(right, "scratch")) == 3
    assert sum("conv 3" in t for t in _texts(right, "box_text")) == 3
    assert fig._suptitle.get_text() == "three blocks"
    diagram_checks.renders(fig, 20000)
    right = heads.two_routes(["a"], case2_top=1).axes[1]
    assert _patches(right, "frozen") == [], "with one block, Case 2 fine-tunes all of it"


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"blocks": []}, "blocks"),
        ({"blocks": "block 1"}, "blocks"),
        ({"case2_top": 0}, "case2_top"),
        ({"case2_top": 3}, "case2_top"),
        ({"case2_top": 1.5}, "case2_top"),
        ({"case2_top": True}, "case2_top"),
    ],
)
def test_two_routes_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        heads.two_routes(**kwargs)
