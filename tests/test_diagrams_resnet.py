"""cnn_course_kit.diagrams.resnet: the plain-vs-residual picture and the bottleneck blocks render, draw
the boxes, the addition and the shortcut they claim (an identity arrow, or a projection box
with the stride), carry Keras' layer-name suffixes, and reject bad input with a ValueError."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from cnn_course_kit.diagrams import resnet
from tests import diagram_checks


def _patches(ax, gid):
    return [p for p in ax.patches if p.get_gid() == gid]


def _texts(ax, gid):
    return [t.get_text() for t in ax.texts if t.get_gid() == gid]


def test_plain_vs_residual_draws_a_shortcut_only_on_the_right():
    before = plt.get_fignums()
    fig = resnet.plain_vs_residual()
    assert plt.get_fignums() == before, "the figure must not be registered with pyplot"
    plain, residual = fig.axes
    assert len(_patches(plain, "layer")) == 4, "weight layer, ReLU, weight layer, ReLU"
    assert _patches(plain, "add") == [] and _patches(plain, "shortcut") == []
    assert len(_patches(residual, "layer")) == 4, (
        "weight layer, ReLU, weight layer, then ReLU after the add"
    )
    assert len(_patches(residual, "add")) == 1 and len(_patches(residual, "shortcut")) == 1
    assert _texts(residual, "box_text") == ["weight layer", "ReLU", "weight layer", "ReLU"]
    assert _texts(residual, "io") == ["x", "ReLU(F(x) + x)"]
    assert _texts(plain, "io") == ["x", "H(x)"]
    assert "F(x)" in residual.get_title() and "H(x)" in plain.get_title()
    assert "Figure 2" in fig._suptitle.get_text()
    diagram_checks.renders(fig, 5000)


def test_the_relu_comes_after_the_addition():
    residual = resnet.plain_vs_residual().axes[1]
    add_y = _patches(residual, "add")[0].center[1]
    boxes = _patches(residual, "layer")
    last = boxes[-1]
    assert last.get_y() + last.get_height() < add_y, "the last box (ReLU) lies below the +"
    assert all(b.get_y() > add_y for b in boxes[:-1]), "the weight layers lie above the +"


def test_bottleneck_identity_and_convolution_blocks():
    fig = resnet.bottleneck(128, strides=2)
    identity, conv = fig.axes
    for ax in (identity, conv):
        assert len(_patches(ax, "layer")) == 4, "three convolutions and the ReLU after the add"
        assert len(_patches(ax, "add")) == 1
        boxes = _texts(ax, "box_text")
        assert boxes[:3] == [
            "1x1 conv, 128" + (", stride 2" if ax is conv else "") + "\nBN, ReLU",
            "3x3 conv, 128, same\nBN, ReLU",
            "1x1 conv, 512\nBN (no ReLU)",
        ]
        assert {"_1_conv/bn/relu", "_2_conv/bn/relu", "_3_conv/bn", "_add", "_out"} <= set(
            _texts(ax, "suffix")
        )
    assert _patches(identity, "projection") == [] and len(_patches(identity, "shortcut")) == 1
    assert len(_patches(conv, "projection")) == 1, "the convolution block's 1x1 projection"
    assert "1x1 conv, 512, stride 2\nBN" in _texts(conv, "box_text")
    assert "_0_conv/bn" in _texts(conv, "suffix")
    assert _texts(identity, "io") == ["x: H x W x 512", "H x W x 512"]
    assert _texts(conv, "io") == ["x: H x W x 256", "H/2 x W/2 x 512"], (
        "conv3_block1 reads 256 channels"
    )
    assert "stride 2" in conv.get_title()
    diagram_checks.renders(fig, 5000)


def test_bottleneck_with_stride_one_and_other_sizes():
    fig = resnet.bottleneck(64, strides=1, kernel_size=5, title="conv2_block1")
    conv = fig.axes[1]
    assert _texts(conv, "io") == ["x: H x W x 64", "H x W x 256"], (
        "conv2_block1 reads the stem's 64 channels"
    )
    assert "1x1 conv, 64\nBN, ReLU" in _texts(conv, "box_text"), "no stride is written when it is 1"
    assert "5x5 conv, 64, same\nBN, ReLU" in _texts(conv, "box_text")
    assert fig._suptitle.get_text() == "conv2_block1"
    fig = resnet.bottleneck(8, strides=3, in_channels=20)
    assert _texts(fig.axes[1], "io") == ["x: H x W x 20", "H/3 x W/3 x 32"]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"filters": 0}, "filters"),
        ({"filters": 2.5}, "filters"),
        ({"filters": True}, "filters"),
        ({"strides": 0}, "strides"),
        ({"kernel_size": -3}, "kernel_size"),
        ({"in_channels": 0}, "in_channels"),
    ],
)
def test_bottleneck_rejects_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        resnet.bottleneck(**kwargs)
