"""The ImageNet challenge (ILSVRC) in one picture, and AlexNet's layer table. Notebook 06.

``WINNERS`` is the table behind the picture: the winning classification entry of each year
from 2010 to 2015 (and VGG, second in 2014), with the top-5 test error of the submission and
the parameters of *one* of its networks. Every row names its sources; ``models`` says how many
networks were averaged to reach the error (most entries were ensembles, so the error belongs
to the ensemble and the parameters to a single member).

``error_chart(entries)`` draws top-5 error against year, each CNN as a bubble whose *area*
is proportional to its parameters, the entries without a CNN (2010, 2011) as grey diamonds,
and the human reference point as a dashed line. ``ALEXNET_LAYERS`` is AlexNet's layer table
(227 x 227 x 3 input) in the ``(name, description, shape)`` form that
``cnn_course_kit.diagrams.lenet.architecture`` draws.

Drawn artists carry ``gid`` tags (``"bubble"``, ``"no-cnn"``, ``"label"``, ``"human"``,
``"size-key"``) so a test can count what was drawn.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass

from cnn_course_kit.plots import CourseFigure


@dataclass(frozen=True)
class Entry:
    """One ILSVRC classification entry: what it scored and what one of its networks weighs."""

    year: int
    name: str
    team: str
    top5: float  # top-5 error of the submission on the test set, in %
    params_m: float | None  # millions of parameters of one network; None: no CNN
    models: int | None  # networks averaged in the submission (None: not a CNN ensemble)
    note: str
    source: str


WINNERS = (
    Entry(
        2010,
        "NEC-UIUC",
        "NEC Labs America and UIUC",
        28.2,
        None,
        None,
        "SIFT and LBP features, sparse coding, linear SVMs: no CNN",
        "ILSVRC 2010 results; Russakovsky et al. 2015 (IJCV 115), the winners' table",
    ),
    Entry(
        2011,
        "XRCE",
        "Xerox Research Centre Europe",
        25.8,
        None,
        None,
        "compressed Fisher vectors, linear SVMs: no CNN",
        "ILSVRC 2011 results; Russakovsky et al. 2015",
    ),
    Entry(
        2012,
        "AlexNet",
        "SuperVision (Krizhevsky, Sutskever, Hinton)",
        15.3,
        60.965224,
        7,
        "7 CNNs, 2 of them pre-trained on the larger Fall 2011 ImageNet; 16.4 % with 5 CNNs "
        "and only the challenge's data, 18.2 % for one CNN (validation); 60,965,224 parameters "
        "as trained on two GPUs (62,378,344 without the grouping, as Keras counts one GPU)",
        "Krizhevsky et al. 2012, NIPS, section 6 and Table 2; ILSVRC 2012 results (0.15315)",
    ),
    Entry(
        2013,
        "ZFNet",
        "Clarifai (Zeiler) / Zeiler and Fergus",
        11.2,
        62.357608,
        None,
        "Clarifai's best entry, with outside training data (11.7 % without); the ZFNet paper "
        "reports 14.8 % for its own 6-network ensemble. Parameters: the paper's architecture "
        "(AlexNet's, with a 7x7/2 first layer and no grouping), computed",
        "ILSVRC 2013 results; Zeiler and Fergus 2014, ECCV, Table 2",
    ),
    Entry(
        2014,
        "GoogLeNet",
        "GoogLeNet (Szegedy et al., Google)",
        6.67,
        6.8,
        7,
        "7 networks and 144 crops per image; 10.07 % for one network and one crop "
        "(validation). Parameters: the sum of the paper's Table 1, about 6.8 million",
        "Szegedy et al. 2015, CVPR, Tables 1-3",
    ),
    Entry(
        2014,
        "VGG",
        "VGG (Simonyan and Zisserman, Oxford), 2nd place",
        7.32,
        138.357544,
        7,
        "7 networks of several depths; after the challenge 6.8 % with the best 2 and 7.0 % "
        "with one. Parameters: VGG16 (configuration D), 138,357,544 in keras.applications",
        "Simonyan and Zisserman 2015, ICLR, Tables 6-7; ILSVRC 2014 results (0.07325)",
    ),
    Entry(
        2015,
        "ResNet",
        "MSRA (He, Zhang, Ren, Sun)",
        3.57,
        60.26852,
        6,
        "6 networks of different depths, two of them 152 layers deep; 4.49 % for one "
        "ResNet-152 (validation). Parameters: ResNet-152, 60,268,520 trainable in "
        "keras.applications (ResNet-50, the seeds' 25 million, has 25,636,712)",
        "He et al. 2016, CVPR, Tables 4-5",
    ),
)

HUMAN_TOP5 = 5.1  # Karpathy's own top-5 error on 1,500 test images (Russakovsky et al. 2015, 6.4)

# AlexNet for a 227 x 227 x 3 image: (name, what it does, output shape); every convolution and
# dense layer but the last has a ReLU; LRN is left out
ALEXNET_LAYERS = (
    ("input", "image", (227, 227, 3)),
    ("conv1", "conv 11x11/4", (55, 55, 96)),
    ("pool1", "max pool 3x3/2", (27, 27, 96)),
    ("conv2", "conv 5x5, pad 2", (27, 27, 256)),
    ("pool2", "max pool 3x3/2", (13, 13, 256)),
    ("conv3", "conv 3x3, pad 1", (13, 13, 384)),
    ("conv4", "conv 3x3, pad 1", (13, 13, 384)),
    ("conv5", "conv 3x3, pad 1", (13, 13, 256)),
    ("pool5", "max pool 3x3/2", (6, 6, 256)),
    ("fc6", "dense, dropout", (4096,)),
    ("fc7", "dense, dropout", (4096,)),
    ("predictions", "dense, softmax", (1000,)),
)

AREA_PER_MILLION = 12.0  # marker area (points squared) per million parameters


def _validate(entries) -> list[Entry]:
    if isinstance(entries, (str, bytes)) or not isinstance(entries, Sequence) or not entries:
        raise ValueError(f"entries must be a non-empty sequence of Entry. Received: {entries!r}")
    checked = []
    for e in entries:
        if not isinstance(e, Entry):
            raise ValueError(f"each entry must be an ilsvrc.Entry. Received: {e!r}")
        if not isinstance(e.year, numbers.Integral) or isinstance(e.year, bool):
            raise ValueError(f"{e.name}: the year must be an integer. Received: {e.year!r}")
        if not (isinstance(e.top5, numbers.Real) and 0 < e.top5 < 100):
            raise ValueError(
                f"{e.name}: the top-5 error is a percentage in (0, 100). Received: {e.top5!r}"
            )
        if e.params_m is not None and not (isinstance(e.params_m, numbers.Real) and e.params_m > 0):
            raise ValueError(
                f"{e.name}: parameters (millions) must be positive or None. "
                f"Received: {e.params_m!r}"
            )
        checked.append(e)
    return checked


def error_chart(
    entries: Sequence = WINNERS, *, human: float | None = HUMAN_TOP5, title: str | None = None
):
    """Top-5 error (%) against year: a bubble per CNN entry (area proportional to the
    parameters of one of its networks), a grey diamond per entry without a CNN, and a dashed
    line at ``human`` (None: no line). Entries of the same year are spread side by side.
    Returns the figure.
    """
    entries = _validate(entries)
    if human is not None and not (isinstance(human, numbers.Real) and 0 < human < 100):
        raise ValueError(f"human must be a percentage in (0, 100) or None. Received: {human!r}")
    fig = CourseFigure(figsize=(8.2, 4.8))
    ax = fig.subplots()
    same_year = {}
    for e in entries:
        same_year.setdefault(e.year, []).append(e)
    for year, group in same_year.items():
        for i, e in enumerate(group):
            x = year + 0.22 * (i - (len(group) - 1) / 2)
            if e.params_m is None:
                ax.scatter([x], [e.top5], marker="D", s=45, color="0.55", zorder=3, gid="no-cnn")
                text = f"{e.name}\n{e.top5:g} % (no CNN)"
            else:
                ax.scatter(
                    [x],
                    [e.top5],
                    s=AREA_PER_MILLION * e.params_m,
                    color="#4c92c3",
                    alpha=0.55,
                    edgecolor="#1f4e79",
                    lw=1.2,
                    zorder=3,
                    gid="bubble",
                )
                models = f", {e.models} nets" if e.models else ""
                text = f"{e.name}\n{e.top5:g} %{models}\n{e.params_m:.1f} M params"
            right = i == len(group) - 1  # the last of a year goes right
            radius = (AREA_PER_MILLION * (e.params_m or 3)) ** 0.5 / 1.77  # points
            ax.annotate(
                text,
                (x, e.top5),
                xytext=(radius + 6 if right else -radius - 6, 0),
                textcoords="offset points",
                ha="left" if right else "right",
                va="center",
                fontsize=7.5,
                gid="label",
                zorder=4,
            )
    if human is not None:
        ax.axhline(human, ls="--", color="#c0392b", lw=1.2, gid="human", zorder=2)
        ax.text(
            min(e.year for e in entries) - 0.4,
            human + 0.6,
            f"one trained human: {human:g} % (1,500 images)",
            color="#c0392b",
            fontsize=8,
            va="bottom",
        )
    for size in (10, 60, 140):  # a key for the bubble areas
        ax.scatter(
            [],
            [],
            s=AREA_PER_MILLION * size,
            color="#4c92c3",
            alpha=0.55,
            edgecolor="#1f4e79",
            label=f"{size} M",
            gid="size-key",
        )
    ax.legend(
        title="parameters of one network (area)",
        fontsize=7.5,
        title_fontsize=7.5,
        loc="upper right",
        labelspacing=3.2,
        borderpad=1.3,
        handletextpad=1.8,
        frameon=True,
    )
    years = [e.year for e in entries]
    ax.set_xlim(min(years) - 0.7, max(years) + 1.0)
    ax.set_ylim(0, max(e.top5 for e in entries) * 1.25)
    ax.set_xticks(sorted(set(years)))
    ax.set_xlabel("year of the challenge")
    ax.set_ylabel("top-5 error on the test set (%)")
    ax.grid(alpha=0.3)
    ax.set_title(title or "ILSVRC classification: the winning entries' top-5 error", fontsize=10)
    return fig
