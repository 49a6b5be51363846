"""cnn_course_kit.diagrams.inception: the Inception module picture renders, draws the four branches
with their boxes, arrows and output shapes, splits the concatenation into segments as wide
as each branch's channels in the right order, and rejects bad input with a ValueError."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from cnn_course_kit.diagrams import inception
from tests import diagram_checks

_patches = diagram_checks.patches_with_gid
_texts = diagram_checks.texts_with_gid


def test_inception_3a_draws_four_branches_and_their_shapes():
    before = plt.get_fignums()
    fig = inception.module()
    assert plt.get_fignums() == before, "the figure must not be registered with pyplot"
    assert len(_patches(fig, "input")) == 1
    assert len(_patches(fig, "conv")) == 4, "1x1, 3x3, 5x5 and the pool projection"
    assert len(_patches(fig, "reduce")) == 2
    assert len(_patches(fig, "pool")) == 1
    assert len(_patches(fig, "segment")) == 4
    # input -> 4 first boxes, 3 first -> second boxes, 4 branch tops -> the concatenation
    assert len(_patches(fig, "arrow")) == 11
    assert _texts(fig, "label") == [
        "input",
        "1x1 conv, 64",
        "1x1 conv, 96",
        "3x3 conv, 128",
        "1x1 conv, 16",
        "5x5 conv, 32",
        "3x3 max pool",
        "1x1 conv, 32",
    ]
    assert _texts(fig, "shape") == [
        "28x28x192",
        "28x28x64",
        "28x28x96",
        "28x28x128",
        "28x28x16",
        "28x28x32",
        "28x28x192",
        "28x28x32",
    ]
    assert _texts(fig, "channels") == ["0-63", "64-191", "192-223", "224-255"]
    assert "28x28x256" in _texts(fig, "concat")[0]
    assert "(3a)" in fig.axes[0].get_title()
    diagram_checks.renders(fig, 5000)


def test_segments_are_as_wide_as_their_branches_and_in_order():
    fig = inception.module(
        8, 4, 6, 2, 3, 5, input_shape=(9, 7, 10), name="small", title="a small one"
    )
    segments = _patches(fig, "segment")
    widths = [s.get_width() for s in segments]
    assert widths == pytest.approx([w * sum(widths) / 22 for w in (8, 6, 3, 5)])
    lefts = [s.get_x() for s in segments]
    assert lefts == sorted(lefts), "the 1x1 branch first, the pool branch last"
    assert _texts(fig, "channels") == ["0-7", "8-13", "14-16", "17-21"]
    assert "9x7x22" in _texts(fig, "concat")[0]
    assert _texts(fig, "shape")[0] == "9x7x10" and _texts(fig, "shape")[6] == "9x7x10"
    assert fig.axes[0].get_title() == "a small one"


def test_text_is_readable_on_every_box():
    fig = inception.module()
    for text in fig.axes[0].texts:
        if text.get_gid() in ("label", "role", "shape", "channels"):
            assert text.get_color() in ("black", "white")


def test_one_channel_branch_is_labelled_by_its_number():
    fig = inception.module(4, 2, 3, 1, 1, 1)
    assert _texts(fig, "channels") == ["0-3", "4-6", "7", "8"]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"f1": 0}, "f1 must be a positive integer"),
        ({"f3": -4}, "f3 must be a positive integer"),
        ({"f5_reduce": 2.5}, "f5_reduce"),
        ({"pool_proj": True}, "pool_proj"),
        ({"input_shape": (28, 28)}, "input_shape must be"),
        ({"input_shape": 28}, "input_shape must be"),
        ({"input_shape": (28, 0, 192)}, r"input_shape\[1\]"),
    ],
)
def test_module_rejects_bad_sizes(kwargs, match):
    with pytest.raises(ValueError, match=match):
        inception.module(**kwargs)
