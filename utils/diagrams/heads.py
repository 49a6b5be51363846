"""Pictures for notebook 07 (transfer learning), sections 6 and 7: the two ways to reuse a base.

``two_routes()`` draws them side by side. Left, the bottleneck route (Case 1): the frozen base
runs once over every image, its ``features`` are kept as an array (``extract_features``), and a
shallow scikit-learn classifier is trained on that array; no gradient reaches the base. Right,
the end-to-end route: the base up to ``features`` with a new head on top (``build_head``),
trained as one Keras model, in three columns that say which parts learn in Cases 2, 3 and 4
(frozen with the source's weights, fine-tuned at a small learning rate with batch
normalisation kept frozen, or trained from random weights). A red arrow beside each column
spans the layers the gradient updates.

Patches carry ``gid`` tags (``"io"``, ``"frozen"``, ``"finetuned"``, ``"scratch"``,
``"flatten"``, ``"head"``, ``"cache"``, ``"classifier"``, ``"arrow"``, ``"gradient"``) so a
test can count what was drawn.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch

from cnn_course_kit.plots import CourseFigure

COLOURS = {
    "io": "#eeeeee",
    "frozen": "#c6dbef",  # light blue: the source's weights, not updated
    "finetuned": "#fdae6b",  # orange: the source's weights, updated at a small learning rate
    "scratch": "#f4c2d7",  # pink: random weights, trained
    "flatten": "#ffffff",
    "head": "#fdd0a2",  # light orange: new layers, trained
    "cache": "#c7e9c0",  # green: features stored as an array
    "classifier": "#fdd0a2",
}
STATE_TEXT = {
    "frozen": "frozen\n(source weights)",
    "finetuned": "fine-tuned, small LR\n(BN stays frozen)",
    "scratch": "random init,\ntrained",
}
BOX_W, BOX_H, STEP, COL = 2.9, 0.72, 1.05, 3.55


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


def _arrow(ax, start, end, *, gid="arrow", color="0.3", lw=1.1, style="-|>", **kw):
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle=style,
            mutation_scale=10,
            lw=lw,
            color=color,
            shrinkA=0,
            shrinkB=0,
            gid=gid,
            zorder=3,
            **kw,
        )
    )


def _stack(ax, x, rows):
    """Draw ``rows`` of ``(text, kind)`` top to bottom at ``x``, joined by arrows; their ys."""
    ys = []
    for i, (text, kind) in enumerate(rows):
        y = -i * STEP
        _box(ax, x, y, text, kind, h=BOX_H * (0.62 if kind in ("io", "flatten") else 1.0))
        if ys:
            _arrow(ax, (x, ys[-1] - BOX_H / 2), (x, y + BOX_H / 2))
        ys.append(y)
    return ys


def two_routes(
    blocks: Sequence[str] = ("block 1", "block 2"), *, case2_top: int = 1, title: str | None = None
):
    """The bottleneck route (Case 1) beside the end-to-end route (Cases 2, 3 and 4).

    ``blocks`` names the base's convolution blocks, bottom first; Case 2 fine-tunes the top
    ``case2_top`` of them (1 to all) and keeps the others frozen.
    """
    if isinstance(blocks, str) or not isinstance(blocks, Sequence) or not blocks:
        raise ValueError(f"blocks must be a non-empty list of block names. Received: {blocks!r}")
    blocks = [str(b) for b in blocks]
    if (
        not isinstance(case2_top, numbers.Integral)
        or isinstance(case2_top, bool)
        or not 1 <= case2_top <= len(blocks)
    ):
        raise ValueError(
            f"case2_top must be a whole number from 1 to {len(blocks)} (the blocks "
            f"Case 2 fine-tunes). Received: {case2_top!r}"
        )
    n = len(blocks)
    fig = CourseFigure(figsize=(13.0, 1.2 + 0.92 * (n + 4)))
    # widths in proportion to the data ranges, so both panels share one scale
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [3.5, 2 * COL + 3.7]})

    # Route 1: the base runs once, its features are stored, a shallow classifier learns.
    rows = (
        [("image", "io")]
        + [(f"{b}\n{STATE_TEXT['frozen']}", "frozen") for b in blocks]
        + [
            ("features: an (n, d) array,\ncomputed once (extract_features)", "cache"),
            ("shallow classifier\nlogistic regression / SVM", "classifier"),
            ("class", "io"),
        ]
    )
    ys = _stack(left, 0.0, rows)
    left.text(
        0,
        ys[-1] - 0.75,
        "scikit-learn trains on the array;\nno gradient reaches the base",
        ha="center",
        va="top",
        fontsize=8,
        style="italic",
        gid="note",
    )
    left.set_title("Case 1: bottleneck features + a shallow classifier", fontsize=10, pad=18)

    # Route 2: base + new head, one Keras model trained end to end.
    plans = {
        "Case 2: fine-tune the top": ["frozen"] * (n - case2_top) + ["finetuned"] * case2_top,
        "Case 3: fine-tune everything": ["finetuned"] * n,
        "Case 4: from scratch": ["scratch"] * n,
    }
    heads = {
        "Case 2: fine-tune the top": "new head (build_head)\nwarmed up, then trained",
        "Case 3: fine-tune everything": "new head (build_head)\nwarmed up, then trained",
        "Case 4: from scratch": "head of the same\narchitecture, random init",
    }
    for col, (case, states) in enumerate(plans.items()):
        x = col * COL
        rows = (
            [("image", "io")]
            + [(f"{b}\n{STATE_TEXT[s]}", s) for b, s in zip(blocks, states)]
            + [
                ("features (Flatten, no weights)", "flatten"),
                (heads[case], "head"),
                ("softmax: class", "io"),
            ]
        )
        ys = _stack(right, x, rows)
        first = next(i for i, s in enumerate(states) if s != "frozen")
        top, bottom = ys[1 + first] + BOX_H / 2, ys[-2] - BOX_H / 2
        _arrow(
            right,
            (x + BOX_W / 2 + 0.14, bottom),
            (x + BOX_W / 2 + 0.14, top),
            gid="gradient",
            color="#d62728",
            lw=1.8,
        )
        right.text(
            x,
            ys[0] + 0.62,
            case,
            ha="center",
            va="bottom",
            fontsize=9.5,
            fontweight="bold",
            gid="case_title",
        )
    right.text(
        COL,
        -(n + 4) * STEP + 0.2,
        "red arrows: the layers the gradient updates (transfer.train moves only trainable layers)",
        ha="center",
        va="top",
        fontsize=8,
        color="#d62728",
        gid="note",
    )
    right.set_title(
        "Cases 2, 3, 4: the base and a new head trained end to end (one Keras model)",
        fontsize=10,
        pad=18,
    )
    for ax, (x0, x1) in ((left, (-1.75, 1.75)), (right, (-1.75, 2 * COL + 1.95))):
        ax.set_xlim(x0, x1)
        ax.set_ylim(-(n + 4) * STEP - 0.5, 0.9)
        ax.set_aspect("equal")
        ax.axis("off")
    fig.legend(
        handles=[
            Patch(fc=COLOURS[k], ec="0.3", label=label)
            for k, label in (
                ("frozen", "frozen: source weights, not updated"),
                ("finetuned", "source weights, fine-tuned"),
                ("scratch", "random weights, trained"),
                ("head", "new layers, trained"),
                ("cache", "stored features"),
            )
        ],
        loc="lower center",
        ncol=5,
        fontsize=8,
        frameon=False,
    )
    fig.suptitle(title or "Two ways to reuse a trained base", fontsize=12, fontweight="bold")
    fig.tight_layout(rect=(0, 0.04, 1, 0.97))
    return fig
