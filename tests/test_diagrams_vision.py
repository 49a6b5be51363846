"""cnn_course_kit.diagrams.vision (notebook 01): each picture renders, draws what it claims, keeps
Exercise 1's answers out, and rejects bad input with a clear ValueError."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from cnn_course_kit.diagrams import vision


def _renders(fig) -> None:
    png = fig._repr_png_()
    assert png.startswith(b"\x89PNG") and len(png) > 5000


def _gids(ax, gid: str) -> list:
    return [p for p in ax.patches if p.get_gid() == gid]


def _texts(fig) -> str:
    return " ".join(t.get_text() for t in fig.findobj(plt.Text)).lower()


def test_vision_tasks_draws_one_panel_per_task_with_its_output():
    before = plt.get_fignums()
    fig = vision.vision_tasks()
    assert plt.get_fignums() == before, "the figure must not be registered with pyplot"
    _renders(fig)
    assert [ax.get_title() for ax in fig.axes] == [
        "image classification",
        "classification + localisation",
        "object detection",
        "semantic segmentation",
    ]
    boxes = [len(_gids(ax, "box")) for ax in fig.axes]
    assert boxes == [0, 1, 3, 0], "localisation boxes the cat, detection boxes all 3 objects"
    assert all(ax.get_xlabel().startswith("output:") for ax in fig.axes)
    segmentation = fig.axes[3]
    assert len(segmentation.images) == 1
    legend = [t.get_text() for t in segmentation.get_legend().get_texts()]
    assert legend == ["sky", "grass", "cat", "ball"]


def test_segmentation_labels_every_pixel_and_the_balls_alike():
    labels = vision._label_map()
    assert labels.shape == (40, 64)
    assert set(np.unique(labels)) == {0, 1, 2, 3}  # sky, grass, cat, ball

    def at(x, y):  # the label of the pixel at scene point (x, y); 0.25 units per pixel
        return labels[int((10 - y) / 0.25), int(x / 0.25)]

    # two separate balls with grass between them, one class: semantic, not instance
    assert (at(12.3, 2.4), at(13.6, 2.0), at(14.6, 1.6)) == (3, 1, 3)
    assert (at(9.0, 5.9), at(1, 9), at(1, 1)) == (2, 0, 1)  # the cat's head, sky, grass


def test_vision_tasks_subset_and_errors():
    fig = vision.vision_tasks(["detection"])
    assert len(fig.axes) == 1 and len(_gids(fig.axes[0], "box")) == 3
    for bad in ([], ["tracking"], ["detection", "detection"]):
        with pytest.raises(ValueError, match="Received"):
            vision.vision_tasks(bad)


def test_spike_counts_peak_at_the_preferred_angle_and_repeat_every_180_degrees():
    counts = vision.spike_counts([0, 30, 60, 90, 120, 150])
    assert counts.tolist() == [2, 11, 30, 11, 2, 2]
    assert counts.dtype.kind == "i"
    np.testing.assert_array_equal(vision.spike_counts([10, 190, -170], preferred=10), [30, 30, 30])
    for kwargs in ({"width": 0}, {"baseline": 40}, {"baseline": -1}, {"preferred": np.nan}):
        with pytest.raises(ValueError, match="Received"):
            vision.spike_counts([0, 90], **kwargs)
    for angles in ([], [[0, 1]], [np.inf]):
        with pytest.raises(ValueError, match="Received"):
            vision.spike_counts(angles)


def test_orientation_tuning_draws_a_bar_and_a_spike_train_per_angle_and_the_curve():
    angles = (0, 45, 90, 135)
    fig = vision.orientation_tuning(angles, preferred=90)
    _renders(fig)
    screens, spikes, curve = fig.axes[0:8:2], fig.axes[1:8:2], fig.axes[8]
    assert len(fig.axes) == 9
    assert [ax.get_title() for ax in screens] == [f"bar at {a}°" for a in angles]
    bars = [_gids(ax, "bar") for ax in screens]
    assert [len(b) for b in bars] == [1] * 4
    assert [b[0].get_angle() for b in bars] == list(angles)
    counts = vision.spike_counts(angles, preferred=90)
    assert [ax.get_xlabel() for ax in spikes] == [f"{c} spikes" for c in counts]
    assert [len(ax.collections[0].get_segments()) for ax in spikes] == counts.tolist()
    assert curve.get_xlabel().startswith("bar angle") and curve.get_ylabel() == "spikes in 1 s"
    points = curve.lines[1]
    np.testing.assert_array_equal(points.get_ydata(), counts)
    with pytest.raises(ValueError, match="Received"):
        vision.orientation_tuning([])


EXERCISE_1_AREAS = ["V1", "V2", "V3", "V3a", "V3b", "V4", "V7", "MT", "MST"]
# words of Exercise 1's roles: the picture must not pair any area with its role
ROLE_WORDS = [
    "edge",
    "orientation",
    "contour",
    "texture",
    "colour",
    "color",
    "curve",
    "stereo",
    "depth",
    "disparity",
    "motion",
    "moving",
    "direction",
    "speed",
    "optic",
    "flow",
    "attention",
    "face",
    "memory",
    "background",
    "figure",
]


def test_visual_areas_draws_every_area_of_exercise_1_and_the_routes():
    fig = vision.visual_areas()
    _renders(fig)
    ax = fig.axes[0]
    drawn = {
        p.get_gid().split(":", 1)[1] for p in ax.patches if (p.get_gid() or "").startswith("area:")
    }
    assert drawn == set(vision.AREAS)
    assert set(EXERCISE_1_AREAS) <= drawn
    assert len(_gids(ax, "arrow")) == len(vision.EDGES)
    words = _texts(fig)
    assert "ventral" in words and "dorsal" in words and "what" in words and "where" in words
    assert "mt (v5)" in words


def test_visual_areas_keeps_exercise_1_answers_out():
    words = _texts(vision.visual_areas(highlight=["V1"]))
    assert [w for w in ROLE_WORDS if w in words] == []


def test_visual_areas_highlight():
    ax = vision.visual_areas(highlight=["V1"]).axes[0]
    width = {p.get_gid(): p.get_linewidth() for p in ax.patches if p.get_gid()}
    assert width["area:V1"] > width["area:V2"]
    with pytest.raises(ValueError, match="V6"):
        vision.visual_areas(highlight=["V6"])
