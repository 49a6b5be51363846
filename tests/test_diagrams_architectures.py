"""cnn_course_kit.diagrams.architectures (notebook 06, sections 8-9): each picture renders, draws what it
claims, and rejects bad input with a clear ValueError."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from cnn_course_kit.diagrams import architectures as arch
from tests.diagram_checks import renders


def _images(fig, gid):
    return [im for ax in fig.axes for im in ax.images if im.get_gid() == gid]


def _texts(fig, gid=None):
    return [t.get_text() for t in fig.findobj(plt.Text) if gid is None or t.get_gid() == gid]


def test_simple_cell_field_is_a_zero_mean_oriented_gabor():
    bar = arch.simple_cell_field(15, 0)
    assert bar.shape == (15, 15)
    np.testing.assert_allclose([bar.sum(), np.abs(bar).sum()], [0, 1], atol=1e-12)
    assert bar[7, 7] > 0 and bar[3, 7] < 0 and bar[11, 7] < 0  # excitatory centre, flanks
    np.testing.assert_allclose(arch.simple_cell_field(15, 90), bar.T, atol=1e-12)
    edge = arch.simple_cell_field(15, 0, phase=90)
    assert edge[5, 7] > 0 > edge[9, 7]  # bright above, dark below a horizontal edge
    np.testing.assert_allclose(arch.simple_cell_field(15, 180), bar, atol=1e-12)
    with pytest.raises(ValueError, match="size"):
        arch.simple_cell_field(1)
    with pytest.raises(ValueError):
        arch.simple_cell_field(9, sigma=0)


def test_filter_mosaic_tiles_each_filter_scaled_on_its_own():
    kernel = np.zeros((3, 3, 3, 10))
    kernel[..., 0] = np.arange(27).reshape(3, 3, 3)  # 0 ... 26 -> 0 ... 1
    kernel[0, 0, :, 9] = [5.0, -5.0, 0.0]
    mosaic = arch.filter_mosaic(kernel, ncols=4, gap=1)
    assert mosaic.shape == (3 * 4 - 1, 4 * 4 - 1, 3)
    np.testing.assert_allclose(mosaic[:3, :3], np.arange(27).reshape(3, 3, 3) / 26)
    np.testing.assert_allclose(mosaic[3, :], 1.0)  # a white gap between rows
    np.testing.assert_allclose(mosaic[8, 4, :], [1.0, 0.0, 0.5])  # filter 9: row 2, column 1
    np.testing.assert_allclose(mosaic[0:3, 4:7], 0.0)  # a constant filter: no division by 0
    assert arch.filter_mosaic(kernel, ncols=4, row_gap=2).shape == (3 * 5 - 2, 15, 3)
    with pytest.raises(ValueError, match=r"\(kh, kw, 3, n\)"):
        arch.filter_mosaic(np.zeros((3, 3, 1, 4)))
    with pytest.raises(ValueError):
        arch.filter_mosaic(kernel, ncols=0)


def test_learned_filters_draws_the_filters_the_fields_and_the_labels():
    rng = np.random.default_rng(0)
    kernel = rng.normal(size=(3, 3, 3, 64))
    fields = [arch.simple_cell_field(15, a) for a in (0, 45, 90, 135)]
    labels = [f"{i}°" if i % 8 == 0 else "" for i in range(64)]
    before = plt.get_fignums()
    fig = arch.learned_filters(
        kernel,
        fields,
        ["0°", "45°", "90°", "135°"],
        bgr=True,
        titles=labels,
        title="learned vs designed",
    )
    assert plt.get_fignums() == before, "the figure must not be registered with pyplot"
    renders(fig)
    (mosaic,) = _images(fig, "filters")
    assert mosaic.get_array().shape == (8 * 5 - 2, 8 * 4 - 1, 3)
    assert mosaic.get_interpolation() == "nearest"
    # bgr=True shows channel 2 as red
    np.testing.assert_allclose(
        mosaic.get_array()[:3, :3], arch.filter_mosaic(kernel[:, :, ::-1], row_gap=2)[:3, :3]
    )
    assert len(_images(fig, "field")) == 4
    assert sorted(t for t in _texts(fig, "filter-label")) == sorted(t for t in labels if t)
    assert "learned vs designed" in _texts(fig) and "135°" in _texts(fig)
    plain = arch.learned_filters(kernel[..., :5])
    renders(plain)
    assert _images(plain, "field") == [] and "5 learned 3 x 3 x 3 filters" in _texts(plain)


def test_learned_filters_rejects_bad_input():
    kernel = np.zeros((3, 3, 3, 4))
    with pytest.raises(ValueError, match="RGB"):
        arch.learned_filters(np.zeros((3, 3, 4)))
    with pytest.raises(ValueError, match="2-D"):
        arch.learned_filters(kernel, [np.zeros(5)])
    with pytest.raises(ValueError, match="field titles"):
        arch.learned_filters(kernel, [np.zeros((5, 5))], ["a", "b"])
    with pytest.raises(ValueError, match="titles"):
        arch.learned_filters(kernel, titles=["a"])


def test_feature_map_rows_one_row_per_map_most_active_channels_first():
    maps = {"block1_conv2": np.zeros((1, 16, 12, 8)), "block2_conv2": np.zeros((8, 6, 2))}
    maps["block1_conv2"][0, :, :, 5] = 3.0
    maps["block1_conv2"][0, :, :, 2] = 2.0
    fig = arch.feature_map_rows(maps, channels=3, image=np.full((16, 12, 3), 128.0))
    renders(fig)
    assert len(_images(fig, "map")) == 3 + 2  # block2 has only 2 channels
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[3:5] == ["channel 5", "channel 2"]
    labels = [ax.get_ylabel() for ax in fig.axes if ax.get_ylabel()]
    assert labels == ["block1_conv2\n16 x 12 x 8", "block2_conv2\n8 x 6 x 2"]
    assert "input" in titles
    with pytest.raises(ValueError, match="at least one"):
        arch.feature_map_rows({})
    with pytest.raises(ValueError, match=r"\(H, W, C\)"):
        arch.feature_map_rows({"x": np.zeros((4, 4))})
    with pytest.raises(ValueError, match="channels"):
        arch.feature_map_rows(maps, channels=0)


def test_cost_chart_one_labelled_point_per_model():
    rows = [
        {"name": "VGG16", "params": 138e6, "macs": 15.5e9, "seconds": 0.7},
        {"name": "MobileNet", "params": 4.2e6, "macs": 0.57e9, "seconds": 0.2},
    ]
    fig = arch.cost_chart(rows)
    renders(fig)
    ax = fig.axes[0]
    points = [c for c in ax.collections if c.get_gid() == "model"]
    assert len(points) == 2
    np.testing.assert_allclose(points[0].get_offsets()[0], [15.5, 138])
    assert {t.get_text() for t in ax.texts} == {"VGG16\n700 ms", "MobileNet\n200 ms"}
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert "multiply-adds" in ax.get_xlabel() and "parameters" in ax.get_ylabel()
    with pytest.raises(ValueError, match="at least one"):
        arch.cost_chart([])
    with pytest.raises(ValueError, match="positive"):
        arch.cost_chart([{"name": "x", "params": 0, "macs": 1, "seconds": 1}])
