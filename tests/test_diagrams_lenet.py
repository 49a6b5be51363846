"""cnn_course_kit.diagrams.lenet: the LeNet-5 architecture picture and the C3 connection table render,
draw one stack or bar per layer with its name and shape, count C3's 60 connections, and
reject bad input with a ValueError."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from cnn_course_kit.diagrams import lenet
from tests import diagram_checks


def _renders(fig) -> None:
    diagram_checks.renders(fig, 5000)


_patches = diagram_checks.patches_with_gid


_texts = diagram_checks.texts_with_gid


def test_lenet5_architecture_draws_every_layer_with_its_shape():
    before = plt.get_fignums()
    fig = lenet.architecture()
    assert plt.get_fignums() == before, "the figure must not be registered with pyplot"
    assert _texts(fig, "name") == ["input", "C1", "S2", "C3", "S4", "C5", "F6", "output"]
    assert _texts(fig, "shape") == [
        "32x32x1",
        "28x28x6",
        "14x14x6",
        "10x10x16",
        "5x5x16",
        "1x1x120",
        "84",
        "10",
    ]
    # planes: 1 + 6 + 6 + 8 + 8 + 8 (16, 16 and 120 maps capped at 8); bars: F6 and output
    assert len(_patches(fig, "plane")) == 37
    assert len(_patches(fig, "bar")) == 2
    assert len(_patches(fig, "arrow")) == 7
    assert "16 maps (8 drawn)" in _texts(fig, "maps")
    assert fig.axes[0].get_title()
    _renders(fig)


def test_planes_scale_with_the_maps_and_kinds_pick_colours():
    fig = lenet.architecture(
        [
            ("in", "image", (20, 10, 2)),
            ("conv", "conv 3x3", (18, 8, 3)),
            ("pool", "max pool", (9, 4, 3)),
            ("fc", "dense", (5,)),
        ],
        max_planes=2,
        title="a small net",
    )
    planes = _patches(fig, "plane")
    assert len(planes) == 6
    heights = [p.get_height() for p in planes]
    assert heights[0] == pytest.approx(lenet.SIDE)
    assert heights[2] == pytest.approx(lenet.SIDE * 18 / 20)
    assert heights[4] == pytest.approx(lenet.SIDE * 9 / 20)
    assert planes[0].get_width() == pytest.approx(lenet.SIDE / 2), "a 20x10 map is half as wide"
    colours = {p.get_facecolor()[:3] for p in planes[2:4]}
    assert len(colours) == 1 and colours != {p.get_facecolor()[:3] for p in planes[4:6]}
    assert fig.axes[0].get_title() == "a small net"
    _renders(fig)


@pytest.mark.parametrize(
    "layers, match",
    [
        ([], "1 to"),
        ([("a", "conv", (5, 5))], "shape"),
        ([("a", "conv", (5, 0, 3))], "positive"),
        ([("a", "conv", (5, 5, 2.5))], "positive"),
        ([("a", "conv")], "triples"),
        ([("a", "dense", (3,))] * 13, "1 to 12"),
    ],
)
def test_architecture_rejects_bad_layers(layers, match):
    with pytest.raises(ValueError, match=match):
        lenet.architecture(layers)


def test_architecture_rejects_a_bad_plane_cap():
    with pytest.raises(ValueError, match="max_planes"):
        lenet.architecture(max_planes=0)


def test_c3_table_has_60_of_96_links():
    fig = lenet.c3_connections()
    assert len(_patches(fig, "link")) == 60
    assert len(_patches(fig, "gap")) == 36
    assert len(_texts(fig, "mark")) == 60
    assert "60 of 96" in fig.axes[0].get_title()
    assert fig.axes[0].get_xlabel() == "output map (C3)"
    assert fig.axes[0].get_ylabel() == "input map (S2)"
    # the paper's Table I: the last C3 map reads all six S2 maps, the first three contiguous ones
    assert lenet.C3_TABLE[15] == (0, 1, 2, 3, 4, 5) and lenet.C3_TABLE[0] == (0, 1, 2)
    assert sum(len(column) for column in lenet.C3_TABLE) * 25 + 16 == 1516
    _renders(fig)


def test_c3_table_draws_any_table():
    fig = lenet.c3_connections([(0,), (1, 2)], inputs=3)
    assert len(_patches(fig, "link")) == 3 and len(_patches(fig, "gap")) == 3
    assert "3 of 6" in fig.axes[0].get_title()


@pytest.mark.parametrize(
    "table, inputs, match",
    [
        ([], 6, "at least one"),
        ([(0, 6)], 6, "0..5"),
        ([(1, 1)], 6, "distinct"),
        ([()], 6, "output map 0"),
        ([("a",)], 6, "must list"),
        ([(0,)], 0, "inputs"),
    ],
)
def test_c3_table_rejects_bad_tables(table, inputs, match):
    with pytest.raises(ValueError, match=match):
        lenet.c3_connections(table, inputs=inputs)
