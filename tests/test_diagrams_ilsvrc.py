"""cnn_course_kit.diagrams.ilsvrc: the error-vs-year chart renders, draws a bubble per CNN entry with an
area proportional to its parameters, a diamond per entry without a CNN and the human line;
the table's parameter counts agree with Keras and the layer formulas; bad input is refused."""

from __future__ import annotations

import dataclasses
import math

import matplotlib.pyplot as plt
import pytest

from cnn_course_kit.diagrams import ilsvrc, lenet
from tests import diagram_checks


def _collections(fig, gid):
    return [c for c in fig.axes[0].collections if c.get_gid() == gid]


def _lines(fig, gid):
    return [line for line in fig.axes[0].lines if line.get_gid() == gid]


def test_error_chart_draws_every_winner():
    before = plt.get_fignums()
    fig = ilsvrc.error_chart()
    assert plt.get_fignums() == before, "the figure must not be registered with pyplot"
    cnns = [e for e in ilsvrc.WINNERS if e.params_m is not None]
    bubbles = _collections(fig, "bubble")
    assert len(bubbles) == len(cnns) == 5
    assert len(_collections(fig, "no-cnn")) == 2
    assert [b.get_sizes()[0] for b in bubbles] == pytest.approx(
        [ilsvrc.AREA_PER_MILLION * e.params_m for e in cnns]
    ), "area proportional to parameters"
    assert [tuple(b.get_offsets()[0])[1] for b in bubbles] == pytest.approx([e.top5 for e in cnns])
    labels = diagram_checks.texts_with_gid(fig, "label")
    assert len(labels) == 7 and labels[2].startswith("AlexNet\n15.3 %")
    (human,) = _lines(fig, "human")
    assert human.get_ydata()[0] == pytest.approx(5.1)
    assert len(_collections(fig, "size-key")) == 3
    ax = fig.axes[0]
    assert ax.get_xlabel() == "year of the challenge" and "top-5" in ax.get_ylabel()
    assert ax.get_title()
    diagram_checks.renders(fig, 5000)


def test_same_year_entries_sit_side_by_side_and_human_line_is_optional():
    fig = ilsvrc.error_chart(
        [e for e in ilsvrc.WINNERS if e.year == 2014], human=None, title="2014"
    )
    xs = [b.get_offsets()[0][0] for b in _collections(fig, "bubble")]
    assert len(xs) == 2 and xs[0] < 2014 < xs[1]
    assert not _lines(fig, "human")
    assert fig.axes[0].get_title() == "2014"


def test_the_table_is_as_the_papers_say():
    by_name = {e.name: e for e in ilsvrc.WINNERS}
    assert [e.year for e in ilsvrc.WINNERS] == [2010, 2011, 2012, 2013, 2014, 2014, 2015]
    assert [by_name[n].top5 for n in ["AlexNet", "GoogLeNet", "VGG", "ResNet"]] == [
        15.3,
        6.67,
        7.32,
        3.57,
    ]
    assert all(e.source for e in ilsvrc.WINNERS)
    # AlexNet: the layer formulas, with conv2, conv4 and conv5 split in two groups (two GPUs)
    convs = [(11, 3, 96, 1), (5, 96, 256, 2), (3, 256, 384, 1), (3, 384, 384, 2), (3, 384, 256, 2)]
    dense = [(6 * 6 * 256, 4096), (4096, 4096), (4096, 1000)]
    grouped = sum(k * k * c_in // g * c_out + c_out for k, c_in, c_out, g in convs) + sum(
        (n_in + 1) * n_out for n_in, n_out in dense
    )
    assert by_name["AlexNet"].params_m * 1e6 == pytest.approx(grouped) and grouped == 60_965_224
    # ZFNet: AlexNet's layout with a 7x7 first layer and no groups
    zf = (
        7 * 7 * 3 * 96
        + 96
        + sum(k * k * c_in * c_out + c_out for k, c_in, c_out, _ in convs[1:])
        + sum((n_in + 1) * n_out for n_in, n_out in dense)
    )
    assert by_name["ZFNet"].params_m * 1e6 == pytest.approx(zf)
    assert ilsvrc.HUMAN_TOP5 == 5.1


def test_vgg16_and_resnet152_counts_match_keras():
    keras = pytest.importorskip("keras")
    by_name = {e.name: e for e in ilsvrc.WINNERS}
    vgg = keras.applications.VGG16(weights=None)
    assert by_name["VGG"].params_m * 1e6 == pytest.approx(vgg.count_params())
    del vgg
    resnet = keras.applications.ResNet152(weights=None)
    trainable = sum(math.prod(w.shape) for w in resnet.trainable_weights)
    assert by_name["ResNet"].params_m * 1e6 == pytest.approx(trainable)


def test_alexnet_layer_table_draws_with_the_lenet_diagram():
    fig = lenet.architecture(ilsvrc.ALEXNET_LAYERS, title="AlexNet")
    assert diagram_checks.texts_with_gid(fig, "shape")[:3] == ["227x227x3", "55x55x96", "27x27x96"]
    assert diagram_checks.texts_with_gid(fig, "shape")[-4:] == ["6x6x256", "4096", "4096", "1000"]
    assert len(diagram_checks.patches_with_gid(fig, "bar")) == 3
    diagram_checks.renders(fig, 5000)


@pytest.mark.parametrize(
    "change, match",
    [
        ({"year": 2012.5}, "year"),
        ({"top5": 0}, "percentage"),
        ({"top5": 120.0}, "percentage"),
        ({"params_m": -1.0}, "positive"),
    ],
)
def test_error_chart_rejects_bad_entries(change, match):
    bad = dataclasses.replace(ilsvrc.WINNERS[2], **change)
    with pytest.raises(ValueError, match=match):
        ilsvrc.error_chart([bad])


@pytest.mark.parametrize(
    "entries, kwargs, match",
    [
        ([], {}, "non-empty"),
        ("AlexNet", {}, "non-empty"),
        ([("AlexNet", 2012, 15.3)], {}, "Entry"),
        (ilsvrc.WINNERS, {"human": -5}, "human"),
    ],
)
def test_error_chart_rejects_bad_arguments(entries, kwargs, match):
    with pytest.raises(ValueError, match=match):
        ilsvrc.error_chart(entries, **kwargs)
