"""cnn_course_kit.plots: each helper returns a Figure (never shows it), renders, and rejects bad input."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from cnn_course_kit import plots


def _renders(fig) -> bytes:
    png = fig._repr_png_()
    assert png.startswith(b"\x89PNG") and len(png) > 500
    return png


def test_figures_are_not_registered_with_pyplot():
    before = plt.get_fignums()
    fig = plots.image_grid([np.zeros((4, 4))])
    assert plt.get_fignums() == before
    _renders(fig)


def test_image_grid_handles_gray_rgb_and_keras_ranges():
    imgs = [np.random.rand(8, 8), np.random.rand(8, 8, 1), np.random.rand(8, 8, 3) * 255]
    fig = plots.image_grid(imgs, titles=["a", "b", "c"], ncols=2)
    assert len([ax for ax in fig.axes if ax.images]) == 3
    assert fig.axes[0].get_title() == "a"
    _renders(fig)


def test_image_grid_input_errors():
    with pytest.raises(ValueError, match="at least one"):
        plots.image_grid([])
    with pytest.raises(ValueError, match="titles"):
        plots.image_grid([np.zeros((2, 2))], titles=["a", "b"])


def test_kernels_from_list_and_conv_weights():
    sobel = np.array([[1, 2, 1], [0, 0, 0], [-1, -2, -1]])
    fig = plots.kernels([sobel, sobel.T], titles=["Gy", "Gx"])
    assert len(fig.axes[0].texts) == 9  # small kernels are annotated with their values
    conv_w = np.random.randn(3, 3, 1, 5)
    assert len(plots.kernels(conv_w).axes) >= 5
    _renders(fig)


def test_kernel_numbers_are_light_on_strong_cells_and_dark_near_zero():
    from matplotlib.colors import to_rgb

    fig = plots.kernels(np.array([[4.0, -4.0, 0.1]]))
    colours = [to_rgb(t.get_color()) for t in fig.axes[0].texts]
    assert colours == [(1.0, 1.0, 1.0), (1.0, 1.0, 1.0), (0.0, 0.0, 0.0)]
    assert plots.readable_text_color((0.05, 0.05, 0.3)) == "white"
    assert plots.readable_text_color((1.0, 0.95, 0.6, 1.0)) == "black"


def test_feature_maps_accepts_batch_of_one_only():
    fig = plots.feature_maps(np.random.rand(1, 6, 6, 4))
    assert len([ax for ax in fig.axes if ax.images]) == 4
    with pytest.raises(ValueError, match="one example"):
        plots.feature_maps(np.random.rand(2, 6, 6, 4))


def test_training_curves_from_history_dict():
    hist = {
        "loss": [1.0, 0.5],
        "val_loss": [1.1, 0.7],
        "accuracy": [0.5, 0.8],
        "val_accuracy": [0.4, 0.7],
        "learning_rate": [0.1, 0.1],
    }
    fig = plots.training_curves(hist)
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy"]
    assert len(fig.axes[0].lines) == 2
    with pytest.raises(ValueError, match="empty"):
        plots.training_curves({})


def test_confusion_matrix_counts():
    fig = plots.confusion_matrix([0, 0, 1, 1], [0, 1, 1, 1], ["cat", "dog"])
    texts = sorted(t.get_text() for t in fig.axes[0].texts)
    assert texts == ["0", "1", "1", "2"]
    with pytest.raises(ValueError, match="differ in length"):
        plots.confusion_matrix([0, 1], [0])
