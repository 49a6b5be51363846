"""cnn_course_kit.diagrams.gradcam: the case bars, the Grad-CAM recipe and the heatmap overlays render,
draw what they claim, and reject bad input."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from cnn_course_kit.diagrams import gradcam
from tests import diagram_checks

CASES = {
    "Case 4: scratch": {"val_accuracy": 0.71, "seconds": 40.0, "trainable": 120_000},
    "Case 1: features": {"val_accuracy": 0.955, "seconds": 2.5, "trainable": 2_562},
    "Case 2: top block": {"val_accuracy": 0.97, "seconds": 90.0, "trainable": 1_800_000},
}


def test_case_bars_draws_one_labelled_bar_per_case_and_panel():
    before = plt.get_fignums()
    fig = gradcam.case_bars(CASES, title="three cases")
    assert plt.get_fignums() == before, "the figure must not be registered with pyplot"
    diagram_checks.renders(fig)
    assert len(fig.axes) == 3
    accuracy, seconds, trainable = fig.axes
    for ax in fig.axes:
        assert [t.get_text() for t in ax.get_xticklabels()] == list(CASES)
        assert len([p for p in ax.patches if p.get_gid() == "bar"]) == 3
    np.testing.assert_allclose([p.get_height() for p in accuracy.patches], [71.0, 95.5, 97.0])
    np.testing.assert_allclose(
        [p.get_height() for p in trainable.patches], [120_000, 2_562, 1_800_000]
    )
    assert (
        accuracy.get_yscale() == "linear"
        and seconds.get_yscale() == "log" == trainable.get_yscale()
    )
    assert {"71.0", "95.5", "97.0"} <= {t.get_text() for t in accuracy.texts}
    assert {"120,000", "2,562", "1,800,000"} <= {t.get_text() for t in trainable.texts}
    assert "accuracy" in accuracy.get_ylabel() and "time" in seconds.get_ylabel()
    assert fig._suptitle.get_text() == "three cases"


@pytest.mark.parametrize(
    "bad",
    [
        {},
        [("a", CASES["Case 1: features"])],
        {"a": {"val_accuracy": 0.5, "seconds": 1.0}},
        {"a": {"val_accuracy": 1.5, "seconds": 1.0, "trainable": 10}},
        {"a": {"val_accuracy": 0.5, "seconds": 0.0, "trainable": 10}},
        {"a": {"val_accuracy": 0.5, "seconds": 1.0, "trainable": float("nan")}},
        {"a": {"val_accuracy": "high", "seconds": 1.0, "trainable": 10}},
    ],
)
def test_case_bars_rejects_bad_input(bad):
    with pytest.raises(ValueError):
        gradcam.case_bars(bad)


def test_recipe_draws_the_forward_pass_and_six_numbered_steps():
    fig = gradcam.recipe()
    diagram_checks.renders(fig)
    assert len(diagram_checks.patches_with_gid(fig, "forward")) == len(gradcam.FORWARD) == 5
    assert len(diagram_checks.patches_with_gid(fig, "gradcam")) == len(gradcam.GRADCAM) == 6
    assert diagram_checks.texts_with_gid(fig, "step") == ["1", "2", "3", "4", "5", "6"]
    # 4 along the forward row, 5 along the Grad-CAM row, 3 between the rows
    assert len(diagram_checks.patches_with_gid(fig, "arrow")) == 12
    texts = " ".join(t.get_text() for t in fig.axes[0].texts)
    for word in ("ReLU", "spatial mean", "maximum", "upsample", "backward pass", "layer_name"):
        assert word in texts
    assert "Grad-CAM" in fig.axes[0].get_title()


def test_heatmap_overlays_shows_each_image_and_its_overlay():
    rng = np.random.default_rng(0)
    images = rng.uniform(0, 255, size=(3, 10, 14, 3))
    heats = rng.uniform(0, 1, size=(3, 10, 14))
    fig = gradcam.heatmap_overlays(images, heats, ["a", "b", "c"])
    diagram_checks.renders(fig)
    image_axes = [ax for ax in fig.axes if ax.images]
    assert len(image_axes) == 6
    overlays = [im for ax in image_axes for im in ax.images if im.get_gid() == "heatmap"]
    assert len(overlays) == 3
    np.testing.assert_allclose(overlays[1].get_array(), heats[1])
    assert [image_axes[i].get_title() for i in range(3)] == ["a", "b", "c"]
    assert any("Grad-CAM" in ax.get_ylabel() for ax in fig.axes)


@pytest.mark.parametrize(
    "images, heats",
    [
        (np.zeros((0, 4, 4, 3)), np.zeros((0, 4, 4))),
        (np.zeros((2, 4, 4, 3)), np.zeros((1, 4, 4))),
        (np.zeros((1, 4, 4, 3)), np.zeros((1, 2, 2))),  # not upsampled
        (np.zeros((1, 4, 4)), np.zeros((1, 4, 4))),  # not RGB
        (np.zeros((1, 4, 4, 3)), np.full((1, 4, 4), 1.5)),  # outside [0, 1]
    ],
)
def test_heatmap_overlays_rejects_bad_input(images, heats):
    with pytest.raises(ValueError):
        gradcam.heatmap_overlays(images, heats)
