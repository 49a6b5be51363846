"""cnn_course_kit.diagrams.normalisation: the shared-statistics picture renders, shades exactly the
visible cells that share one mean for each kind of normalisation, labels its axes, and
rejects bad input."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
from matplotlib.patches import Polygon

from cnn_course_kit.diagrams import normalisation


def _cells(ax, gid=None):
    return [p for p in ax.patches if isinstance(p, Polygon) and (gid is None or p.get_gid() == gid)]


def _texts(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def test_one_panel_per_kind_with_every_visible_cell():
    before = plt.get_fignums()
    fig = normalisation.shared_statistics(("batch", "layer", "instance"), n=3, c=4, hw=5)
    assert plt.get_fignums() == before, "the figure must not be registered with pyplot"
    assert len(fig.axes) == 3
    for ax in fig.axes:
        # front face C x HW, top face C x N, right face N x HW
        assert len(_cells(ax)) == 4 * 5 + 4 * 3 + 3 * 5
        assert {"C (channels)", "N (batch)", "H, W (positions)"} <= set(_texts(ax))
    assert [ax.get_title().split(":")[0] for ax in fig.axes] == [
        "batch norm",
        "layer norm",
        "instance norm",
    ]
    assert "(N, H, W, C)" in fig._suptitle.get_text()
    png = fig._repr_png_()
    assert png.startswith(b"\x89PNG") and len(png) > 500


def test_shaded_cells_are_the_values_that_share_one_mean():
    fig = normalisation.shared_statistics(
        ("batch", "layer", "instance"), n=3, c=4, hw=5, channel=1, image=0
    )
    batch, layer, instance = (len(_cells(ax, "shared")) for ax in fig.axes)
    assert batch == 5 + 3, "batch norm: channel 1 down the front face and back along the top"
    assert layer == 4 * 5 + 4 + 5, "layer norm: image 0 is the whole front slab"
    assert instance == 5 + 1, "instance norm: one column of the front face and its top cell"
    assert "N x HW = 3 x 5 = 15" in fig.axes[0].get_title()
    assert "C x HW = 4 x 5 = 20" in fig.axes[1].get_title()


def test_the_last_channel_shows_on_the_right_face():
    fig = normalisation.shared_statistics("batch", n=2, c=3, hw=4, channel=2)
    assert len(fig.axes) == 1
    assert len(_cells(fig.axes[0], "shared")) == 4 + 2 + 2 * 4


def test_layer_norm_of_a_later_image_hides_behind_the_front_face():
    fig = normalisation.shared_statistics("layer", n=3, c=2, hw=2, image=2)
    assert len(_cells(fig.axes[0], "shared")) == 2 + 2, (
        "only its top row and right column are visible"
    )


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"kinds": ()}, "at least one"),
        ({"kinds": ("batch", "group")}, "unknown normalisation 'group'"),
        ({"n": 0}, "n must be between 1 and 10"),
        ({"c": 11}, "c must be between 1 and 10"),
        ({"hw": -1}, "hw must be between 1 and 10"),
        ({"c": 3, "channel": 3}, "channel must index one of the 3 channels"),
        ({"n": 2, "image": -1}, "image must index one of the 2 images"),
    ],
)
def test_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        normalisation.shared_statistics(**kwargs)
