"""cnn_course_kit.diagrams.separable: the depthwise-then-pointwise picture and the dense block's
connections render, draw one filter per channel (times the depth multiplier), one pointwise
filter per output channel over all maps, L(L+1)/2 connections into a block's layers, the
channel counts c0 + (l - 1) k, and reject bad input with a ValueError."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from cnn_course_kit.diagrams import separable
from tests import diagram_checks

_patches = diagram_checks.patches_with_gid
_texts = diagram_checks.texts_with_gid


def test_depthwise_pointwise_draws_one_filter_per_channel():
    before = plt.get_fignums()
    fig = separable.depthwise_pointwise(3, 4, 3)
    assert plt.get_fignums() == before, "the figure must not be registered with pyplot"
    assert len(_patches(fig, "input_map")) == 3
    assert len(_patches(fig, "depthwise_filter")) == 3
    assert len(_patches(fig, "depthwise_cell")) == 3 * 9, "each depthwise filter is 3x3"
    assert len(_patches(fig, "depthwise_map")) == 3
    assert len(_patches(fig, "pointwise_filter")) == 4
    assert len(_patches(fig, "pointwise_cell")) == 4 * 3, "each 1x1 filter has one weight per map"
    assert len(_patches(fig, "output_map")) == 4
    assert len(_patches(fig, "mix")) == 3 * 4, "every map feeds every pointwise filter"
    # input -> filter and filter -> map for each channel, filter -> output for each output
    assert len(_patches(fig, "link")) == 2 * 3 + 4
    costs = _texts(fig, "cost")
    assert "27·h·w" in costs[0] and "12·h·w" in costs[1], costs
    # each depthwise filter reads only its own channel: same colour as its input map
    inputs, filters = _patches(fig, "input_map"), _patches(fig, "depthwise_cell")
    for i in range(3):
        assert filters[9 * i].get_facecolor() == inputs[i].get_facecolor()
    assert "3 -> 4" in fig.axes[0].get_title()
    diagram_checks.renders(fig, 5000)


def test_depth_multiplier_gives_m_filters_per_channel():
    fig = separable.depthwise_pointwise(2, 5, 5, depth_multiplier=2, title="m = 2")
    assert len(_patches(fig, "depthwise_filter")) == 4
    assert len(_patches(fig, "depthwise_cell")) == 4 * 25
    assert len(_patches(fig, "depthwise_map")) == 4
    assert len(_patches(fig, "pointwise_cell")) == 5 * 4
    assert len(_patches(fig, "mix")) == 4 * 5
    costs = _texts(fig, "cost")
    assert "2·2·5²" in costs[0] and "100·h·w" in costs[0]
    assert "20·h·w" in costs[1]
    cells = _patches(fig, "depthwise_cell")
    assert cells[0].get_facecolor() == cells[25].get_facecolor(), "maps 1 and 2 come from channel 1"
    assert cells[25].get_facecolor() != cells[50].get_facecolor()
    assert fig.axes[0].get_title() == "m = 2"
    diagram_checks.renders(fig, 5000)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"c_in": 0}, "c_in must be a positive integer"),
        ({"c_out": 2.5}, "c_out must be a positive integer"),
        ({"k": True}, "k must be a positive integer"),
        ({"c_in": 9}, "at most 8"),
        ({"c_in": 5, "depth_multiplier": 2}, "c_in \\* depth_multiplier"),
        ({"depth_multiplier": 0}, "depth_multiplier"),
    ],
)
def test_depthwise_pointwise_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        separable.depthwise_pointwise(**kwargs)


@pytest.mark.parametrize("layers", [1, 4, 8])
def test_dense_block_draws_l_l_plus_1_over_2_connections(layers):
    fig = separable.dense_block_connections(layers)
    assert len(_patches(fig, "connection")) == layers * (layers + 1) // 2
    assert len(_patches(fig, "output_connection")) == layers + 1
    assert len(_patches(fig, "layer")) == layers
    assert len(_patches(fig, "feature_map")) == 1 and len(_patches(fig, "block_output")) == 1
    assert f"{layers * (layers + 1) // 2} connection" in fig.axes[0].get_title()
    assert _texts(fig, "channels") == []
    diagram_checks.renders(fig, 3000)


def test_dense_block_counts_channels_with_the_growth_rate():
    fig = separable.dense_block_connections(4, input_channels=24, growth_rate=12)
    # x0, then H1..H4 receive 24, 36, 48, 60 channels; the block outputs 24 + 4 * 12 = 72
    assert _texts(fig, "channels") == ["24 in", "36 in", "48 in", "60 in", "72 out", "24 ch."]
    # layer l's arcs come from l feature maps: the last layer has 4 incoming arcs
    ends = [p._posA_posB[1][0] for p in _patches(fig, "connection")]
    assert sorted(ends.count(x) for x in set(ends)) == [1, 2, 3, 4]


@pytest.mark.parametrize(
    "args, kwargs, match",
    [
        ((0,), {}, "num_layers must be a positive integer"),
        ((9,), {}, "at most 8"),
        ((2.0,), {}, "num_layers"),
        ((3,), {"input_channels": 16}, "both"),
        ((3,), {"input_channels": 0, "growth_rate": 4}, "input_channels"),
        ((3,), {"input_channels": 8, "growth_rate": -1}, "growth_rate"),
    ],
)
def test_dense_block_rejects_bad_input(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        separable.dense_block_connections(*args, **kwargs)
