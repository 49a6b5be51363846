"""Pictures for notebook 09 (hybrid ML + DL), sections 4-6: three places to fuse two sources.

Each function draws one block diagram, information flowing left to right, one row per source:

* ``early_fusion_diagram(blocks)``: feature-level fusion. Every source gives an ``(n, d_i)``
  block, each block is standardised with the TRAINING split's statistics and divided by
  ``sqrt(d_i)``, the blocks are concatenated, and ONE classifier learns on the result.
* ``late_fusion_diagram(members)``: decision-level fusion. Every member (a feature source
  and its own classifier) outputs ``(n, c)`` probabilities; ``late_fusion`` combines them
  (mean, weighted mean or vote) and the class is the argmax.
* ``intermediate_fusion_diagram(inputs)``: fusion inside one network (section 6's
  two-branch Keras model). Each input has its own branch of layers, ONE ``Concatenate``
  (``"merge"``) joins the branch vectors, a shared head follows, and the whole model is
  trained end to end (a red arrow: the gradient reaches every branch).

Patches carry ``gid`` tags (``"source"``, ``"block"``, ``"scale"``, ``"merge"``,
``"classifier"``, ``"proba"``, ``"combiner"``, ``"input"``, ``"branch"``, ``"head"``,
``"output"``, ``"arrow"``, ``"gradient"``) so a test can count what was drawn; every box's
text has the gid ``"box_text"``.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch

from cnn_course_kit.plots import CourseFigure

COLOURS = {
    "source": "#eeeeee",  # where the numbers come from
    "input": "#eeeeee",
    "block": "#c6dbef",  # light blue: a feature array
    "scale": "#c7e9c0",  # green: statistics from the training split
    "merge": "#fdd0a2",  # light orange: where the sources meet
    "combiner": "#fdd0a2",
    "classifier": "#dadaeb",  # lilac: a model that learns
    "branch": "#dadaeb",
    "head": "#dadaeb",
    "proba": "#fff7bc",  # pale yellow: probabilities
    "output": "#ffffff",
}
LEGEND = {
    "block": "feature array",
    "scale": "statistics from the training split",
    "merge": "where the sources meet",
    "classifier": "learned from data",
    "proba": "class probabilities",
}
BOX_W, BOX_H, COL, ROW = 2.35, 0.78, 2.85, 1.25
METHODS = ("mean", "weighted", "vote")


def _box(ax, x, y, text, kind, *, w=BOX_W, h=BOX_H, size=8.0):
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2),
            w,
            h,
            boxstyle="round,pad=0.02,rounding_size=0.1",
            fc=COLOURS[kind],
            ec="0.3",
            lw=1.0,
            gid=kind,
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=size, color="black", gid="box_text")


def _arrow(ax, start, end, *, gid="arrow", color="0.3", lw=1.1):
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>",
            mutation_scale=10,
            lw=lw,
            color=color,
            shrinkA=0,
            shrinkB=0,
            gid=gid,
            zorder=3,
        )
    )


def _names(values, what, minimum=2):
    """``values`` as a list of strings, at least ``minimum`` of them (else a ValueError)."""
    if isinstance(values, str) or not isinstance(values, Sequence) or len(values) < minimum:
        raise ValueError(
            f"{what} must be a list of at least {minimum} entries. Received: {values!r}"
        )
    return list(values)


def _flow(
    rows,
    after,
    *,
    title,
    note=None,
    gradient=False,
    legend=("block", "merge", "classifier", "proba"),
):
    """Draw ``rows`` (one list of ``(text, kind)`` per source, all equally long) left to right,
    a tall merge box ``after[0]`` that every row's last box points into, then the rest of
    ``after`` in one line. Returns the figure."""
    n_rows, n_cols = len(rows), len(rows[0])
    ys = [-r * ROW for r in range(n_rows)]
    mid = sum(ys) / n_rows
    last_x = n_cols * COL + (len(after) - 1) * COL
    bottom = ys[-1] - BOX_H / 2 - 0.35
    x_span, y_span = last_x + BOX_W + 0.4, ys[0] - bottom + BOX_H / 2 + 1.0
    fig = CourseFigure(figsize=(0.74 * x_span, 0.74 * y_span + 0.8))  # one scale for x and y
    ax = fig.subplots()
    for y, row in zip(ys, rows):
        for c, (text, kind) in enumerate(row):
            _box(ax, c * COL, y, text, kind)
            if c:
                _arrow(ax, ((c - 1) * COL + BOX_W / 2, y), (c * COL - BOX_W / 2, y))
    merge_x = n_cols * COL
    merge_h = max(BOX_H, (n_rows - 1) * ROW + BOX_H)
    text, kind = after[0]
    _box(ax, merge_x, mid, text, kind, h=merge_h)
    for y in ys:
        _arrow(ax, ((n_cols - 1) * COL + BOX_W / 2, y), (merge_x - BOX_W / 2, y))
    for i, (text, kind) in enumerate(after[1:], start=1):
        _box(ax, merge_x + i * COL, mid, text, kind)
        _arrow(ax, (merge_x + (i - 1) * COL + BOX_W / 2, mid), (merge_x + i * COL - BOX_W / 2, mid))
    if gradient:  # from the loss back to the first layer of every branch
        _arrow(
            ax,
            (last_x, bottom - 0.05),
            (1 * COL - BOX_W / 2, bottom - 0.05),
            gid="gradient",
            color="#d62728",
            lw=1.8,
        )
        ax.text(
            (COL + last_x) / 2,
            bottom - 0.2,
            "trained end to end: the gradient of the loss reaches every branch",
            ha="center",
            va="top",
            fontsize=8,
            color="#d62728",
            gid="note",
        )
    elif note:
        ax.text(
            (last_x) / 2,
            bottom - 0.05,
            note,
            ha="center",
            va="top",
            fontsize=8,
            style="italic",
            gid="note",
        )
    ax.set_xlim(-BOX_W / 2 - 0.2, last_x + BOX_W / 2 + 0.2)
    ax.set_ylim(bottom - 0.75, ys[0] + BOX_H / 2 + 0.25)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=11, fontweight="bold")
    ax.legend(
        handles=[Patch(fc=COLOURS[k], ec="0.3", label=LEGEND[k]) for k in legend],
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        ncol=len(legend),
        fontsize=8,
        frameon=False,
    )
    fig.tight_layout()
    return fig


def early_fusion_diagram(
    blocks: Sequence = (
        ("CNN base:\npooled features", 512),
        ("hand-crafted:\nHOG + colour histogram", 924),
    ),
    *,
    classifier: str = "logistic regression",
    title: str | None = None,
):
    """Early (feature-level) fusion: ``blocks`` is a list of ``(source name, width d_i)``, at
    least two; each block is standardised with the training split's mean and standard
    deviation and divided by ``sqrt(d_i)``, the blocks are concatenated into one
    ``(n, sum d_i)`` array, and one ``classifier`` learns on it."""
    blocks = _names(blocks, "blocks")
    rows, total = [], 0
    for entry in blocks:
        if (
            isinstance(entry, str)
            or not isinstance(entry, Sequence)
            or len(entry) != 2
            or not isinstance(entry[1], numbers.Integral)
            or isinstance(entry[1], bool)
            or entry[1] < 1
        ):
            raise ValueError(
                f"each block must be a (name, width) pair with a whole width of at "
                f"least 1. Received: {entry!r}"
            )
        name, width = str(entry[0]), int(entry[1])
        total += width
        rows.append(
            [
                (name, "source"),
                (f"block (n, {width:,})", "block"),
                (
                    f"standardise with the\ntraining mean and std,\nthen divide by \u221a{width:,}",
                    "scale",
                ),
            ]
        )
    return _flow(
        rows,
        [
            (f"concatenate\n(n, {total:,})", "merge"),
            (classifier, "classifier"),
            ("probabilities\n-> class", "proba"),
        ],
        title=title or "Early fusion: concatenate the features, train one classifier",
        note="one model sees every feature; per-block scaling keeps one source from "
        "drowning the others",
        legend=("block", "scale", "merge", "classifier", "proba"),
    )


def late_fusion_diagram(
    members: Sequence = (
        ("CNN features", "logistic regression"),
        ("CNN features", "SVM (RBF)"),
        ("hand-crafted", "random forest"),
    ),
    *,
    method: str = "mean",
    weights: Sequence[float] | None = None,
    title: str | None = None,
):
    """Late (decision-level) fusion: ``members`` is a list of ``(feature source, classifier)``,
    at least two, each trained on its own; their ``(n, c)`` probabilities are combined by
    ``method`` (``"mean"``, ``"weighted"`` with one non-negative weight per member, or
    ``"vote"``) and the class is the argmax."""
    members = _names(members, "members")
    for entry in members:
        if isinstance(entry, str) or not isinstance(entry, Sequence) or len(entry) != 2:
            raise ValueError(
                f"each member must be a (feature source, classifier) pair. Received: {entry!r}"
            )
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}. Received: {method!r}")
    if method in ("weighted",):  # only a weighted average has weights to check
        if (
            weights is None
            or len(weights) != len(members)
            or any(w < 0 for w in weights)
            or sum(weights) <= 0
        ):
            raise ValueError(
                f"method='weighted' needs one non-negative weight per member "
                f"({len(members)}), not all zero. Received: {weights!r}"
            )
        total = float(sum(weights))
        combine = "weighted mean\n" + " + ".join(f"{w / total:.2g}" for w in weights)
    elif weights is not None:
        raise ValueError(f"weights are used only with method='weighted'. Received: {weights!r}")
    else:
        combine = {
            "mean": "mean of the\nprobabilities",
            "vote": "vote: share of\nthe argmax votes",
        }[method]
    rows = [
        [(str(source), "source"), (str(clf), "classifier"), ("probabilities (n, c)", "proba")]
        for source, clf in members
    ]
    return _flow(
        rows,
        [(f"late_fusion\n{combine}", "combiner"), ("argmax\n-> class", "output")],
        title=title or "Late fusion: one classifier per source, combine their probabilities",
        note="each member is trained on its own; only their outputs meet",
        legend=("merge", "classifier", "proba"),
    )


def intermediate_fusion_diagram(
    inputs: Sequence[str] = ("CNN feature map (h, w, c)", "cell histograms (h, w, bins)"),
    *,
    branch: Sequence[str] = ("Conv2D(32, 3, relu)", "GlobalAverage\nPooling2D"),
    merge: str = "Concatenate\nname='merge'",
    head: Sequence[str] = (
        "Dense(32, relu)\nname='shared'",
        "Dense(n_classes,\nsoftmax) name='head'",
    ),
    title: str | None = None,
):
    """Intermediate fusion, the two-branch model of section 6: each of ``inputs`` (at least
    two names) enters its own ``keras.Input`` and its own copy of the ``branch`` layers (own
    weights), ONE ``merge`` layer concatenates the branch outputs, the shared ``head`` layers
    follow, and one loss trains every layer at once."""
    inputs = [str(name) for name in _names(inputs, "inputs")]
    branch = [str(layer) for layer in _names(branch, "branch", minimum=1)]
    head = [str(layer) for layer in _names(head, "head", minimum=1)]
    rows = [
        [(f"Input\n{name}", "input")] + [(layer, "branch") for layer in branch] for name in inputs
    ]
    return _flow(
        rows,
        [(merge, "merge")] + [(layer, "head") for layer in head],
        title=title
        or "Intermediate fusion: one network, a branch per input, merged before a shared head",
        gradient=True,
        legend=("merge", "classifier"),
    )
