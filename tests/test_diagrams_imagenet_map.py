"""cnn_course_kit.diagrams.imagenet_map: folding() draws the 1,000 outputs as a strip with the four stretches
marked, a zoom with one bar per class coloured by its stretch, the two folded bars with their values,
and rejects inputs that are not a softmax vector and a pair of probabilities."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_hex

from cnn_course_kit.diagrams import imagenet_map
from tests import diagram_checks


def _probs():
    probs = np.full(1000, 0.5 / 990)
    probs[[151, 268, 281, 285, 286, 280, 0, 999, 500, 150]] = [
        0.1,
        0.05,
        0.2,
        0.05,
        0.05,
        0.05,
        0,
        0,
        0,
        0,
    ]
    return probs / probs.sum()


def test_the_stretches_are_the_documented_ones():
    assert [(first, last) for _, first, last, _ in imagenet_map.RANGES] == [
        (151, 268),
        (269, 280),
        (281, 285),
        (286, 293),
    ]
    colours = imagenet_map.class_colours()
    assert len(colours) == 1000
    assert colours[150] == colours[294] == imagenet_map.OTHER
    assert colours[151] == colours[268] != colours[269] == colours[280] != colours[281]
    assert colours[281] == colours[285] != colours[286] == colours[293]


def test_folding_draws_strip_zoom_and_two_bars():
    before = plt.get_fignums()
    fig = imagenet_map.folding(_probs(), [0.6, 0.4], title="an example")
    assert plt.get_fignums() == before, "the figure must not be registered with pyplot"
    diagram_checks.renders(fig)
    strip = diagram_checks.axes_labelled(fig, "strip")
    zoom = diagram_checks.axes_labelled(fig, "zoom")
    bars = diagram_checks.axes_labelled(fig, "folded")
    assert len([p for p in strip.patches if p.get_gid() == "range"]) == 4
    outputs = [p for p in strip.patches if p.get_gid() == "output"]
    assert len(outputs) == 1000
    np.testing.assert_allclose([p.get_height() for p in outputs], _probs())
    assert to_hex(outputs[281].get_facecolor()) == imagenet_map.RANGES[2][3]
    assert to_hex(outputs[151].get_facecolor()) == imagenet_map.RANGES[0][3]
    zoom_bars = [p for p in zoom.patches if p.get_width() == pytest.approx(0.9)]
    assert len(zoom_bars) == 300 - 145 + 1
    legend = [t.get_text() for t in zoom.get_legend().get_texts()]
    assert legend == [
        "dog breeds 151-268 (counted)",
        "wolves, wild dogs, foxes 269-280 (left out)",
        "domestic cats 281-285 (counted)",
        "wild cats 286-293 (left out)",
    ]
    folded = [p for p in bars.patches if p.get_gid() == "folded"]
    assert [round(p.get_height(), 6) for p in folded] == [0.6, 0.4]
    assert [t.get_text() for t in bars.get_xticklabels()] == ["P(cat)", "P(dog)"]
    assert [t.get_text() for t in bars.texts] == ["0.600", "0.400"]
    assert fig._suptitle.get_text() == "an example"
    assert strip.get_xlabel() and zoom.get_ylabel() == "probability"


def test_folding_rejects_bad_input():
    good = _probs()
    with pytest.raises(ValueError, match=r"shape \(1000,\)"):
        imagenet_map.folding(good[:999], [0.5, 0.5])
    with pytest.raises(ValueError, match=r"shape \(1000,\)"):
        imagenet_map.folding(good[None], [0.5, 0.5])
    with pytest.raises(ValueError, match="summing to 1"):
        imagenet_map.folding(good * 2, [0.5, 0.5])
    with pytest.raises(ValueError, match="non-negative"):
        imagenet_map.folding(np.where(np.arange(1000) == 3, -0.1, good + 0.1 / 999), [0.5, 0.5])
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        imagenet_map.folding(good, [0.2, 0.3, 0.5])
    with pytest.raises(ValueError, match="summing to 1"):
        imagenet_map.folding(good, [0.7, 0.7])
