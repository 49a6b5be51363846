"""cnn_course_kit.diagrams.freezing: layer_states classifies each layer from its flags (frozen, trainable,
BN frozen, BN trainable, no weights, a mixed nested model), counts its trained weights, and flags()
draws one box per layer per panel, with a legend and a title, and rejects bad input."""

from __future__ import annotations

import keras
import matplotlib.pyplot as plt
import pytest

from cnn_course_kit.diagrams import freezing
from tests import diagram_checks


def _net():
    inputs = keras.Input(shape=(4, 4, 1), name="img")
    x = keras.layers.Conv2D(2, 3, name="conv")(inputs)  # 3*3*1*2 + 2 = 20 weights
    x = keras.layers.BatchNormalization(name="bn")(x)  # 2 trainable + 2 statistics
    x = keras.layers.Flatten(name="flat")(x)
    outputs = keras.layers.Dense(3, name="dense")(x)  # 8*3 + 3 = 27 weights
    return keras.Model(inputs, outputs, name="net")


def test_states_follow_the_flags():
    net = _net()
    net.get_layer("conv").trainable = False
    states = freezing.layer_states(net)
    assert [s.name for s in states] == ["img", "conv", "bn", "flat", "dense"]
    assert [s.state for s in states] == [
        "no_weights",
        "frozen",
        "bn_trainable",
        "no_weights",
        "trainable",
    ]
    assert [(s.trained, s.total) for s in states] == [(0, 0), (0, 20), (4, 8), (0, 0), (27, 27)]
    net.get_layer("bn").trainable = False
    assert freezing.layer_states(net)[2].state == "bn_frozen"
    net.trainable = False
    assert all(s.trained == 0 for s in freezing.layer_states(net)), "a frozen model trains nothing"


def test_a_nested_model_is_one_box_and_can_be_partly_trainable():
    inner = _net()
    inputs = keras.Input(shape=(4, 4, 1))
    outer = keras.Model(inputs, keras.layers.Dense(2, name="top")(inner(inputs)))
    inner.get_layer("conv").trainable = False
    states = freezing.layer_states(outer)
    assert [s.state for s in states] == ["no_weights", "partly", "trainable"]
    assert (states[1].trained, states[1].total) == (4 + 27, 20 + 8 + 27)


def test_flags_draws_a_box_per_layer_and_panel():
    net = _net()
    before = plt.get_fignums()
    frozen = freezing.layer_states(net)
    net.get_layer("bn").trainable = False
    fig = freezing.flags({"first": frozen, "second": net}, title="two snapshots")
    assert plt.get_fignums() == before, "the figure must not be registered with pyplot"
    assert len(fig.axes) == 2
    for ax in fig.axes:
        assert len([p for p in ax.patches if p.get_gid() == "layer"]) == 5
        assert [t.get_text() for t in ax.texts if t.get_gid() == "name"] == [
            "img",
            "conv",
            "bn",
            "flat",
            "dense",
        ]
        assert "-" in [t.get_text() for t in ax.texts if t.get_gid() == "params"]
    assert fig.axes[0].get_title() == "first\n51 of 55 weights trained"
    colours = [p.get_facecolor() for p in fig.axes[0].patches]
    assert colours[2] != [p.get_facecolor() for p in fig.axes[1].patches][2], (
        "BN trainable vs frozen"
    )
    legend = {t.get_text() for t in fig.legends[0].get_texts()}
    assert {
        freezing.LABELS["bn_trainable"],
        freezing.LABELS["bn_frozen"],
        freezing.LABELS["trainable"],
    } <= legend
    assert fig._suptitle.get_text() == "two snapshots"
    diagram_checks.renders(fig, 5000)


def test_one_model_without_a_mapping():
    fig = freezing.flags(_net())
    assert len(fig.axes) == 1 and fig._suptitle.get_text()
    diagram_checks.renders(fig)


@pytest.mark.parametrize(
    "panels, match",
    [
        ({}, "at least one panel"),
        ({"a": []}, "1 to"),
        ({"a": "not a model"}, "keras.Model"),
        (42, "keras.Model"),
    ],
)
def test_bad_input_is_rejected(panels, match):
    with pytest.raises(ValueError, match=match):
        freezing.flags(panels)
