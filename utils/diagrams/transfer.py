"""Pictures for notebook 07 (transfer learning), sections 1 and 4.

``transfer_vs_multitask(task_a, task_b)`` draws the two ways of learning two tasks with one
trunk side by side. Left, multi-task learning: one model, a shared trunk and one head per task,
trained once on the sum of the two losses. Right, transfer learning: two steps one after the
other, a source model trained on task A, then its trunk copied, frozen, and given a new head
that is trained on task B.

``answer_counts(panels, predicted_names)`` draws, for one or more targets, how often each true
class got each of the source network's answers: a table of counts whose rows (true classes) and
columns (answers) need not have the same names, which a confusion matrix cannot show.

Patches and texts carry ``gid`` tags (``"input"``, ``"trunk"``, ``"frozen"``, ``"head"``,
``"arrow"``, ``"copy"``, ``"count"``) so a test can count what was drawn; each panel's axes
has a label (``"multi-task"``, ``"transfer"``, or the panel's title).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Patch

from cnn_course_kit.plots import CourseFigure, readable_text_color

COLOURS = {"input": "#eeeeee", "trunk": "#9ecae1", "frozen": "#d0d0d0", "head": "#a1d99b"}
BOX_W, BOX_H = 2.3, 0.9


def _box(ax, x, y, text, kind, width=BOX_W):
    """A rounded box centred on (x, y); its patch's gid is ``kind``."""
    ax.add_patch(
        FancyBboxPatch(
            (x - width / 2, y - BOX_H / 2),
            width,
            BOX_H,
            boxstyle="round,pad=0.02,rounding_size=0.12",
            fc=COLOURS[kind],
            ec="0.25",
            lw=1.0,
            hatch="//" if kind == "frozen" else None,
            gid=kind,
        )
    )
    ax.text(
        x,
        y,
        text,
        ha="center",
        va="center",
        fontsize=8.5,
        color="black",
        bbox={"fc": COLOURS[kind], "ec": "none", "pad": 0.5} if kind == "frozen" else None,
        gid="box_text",
    )


def _arrow(ax, start, end, gid="arrow", **style):
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>",
            mutation_scale=12,
            lw=1.2,
            color=style.pop("color", "0.3"),
            gid=gid,
            zorder=5,
            **style,
        )
    )


def _task_name(value, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{what} must be a non-empty string. Received: {value!r}")
    return value.strip()


def transfer_vs_multitask(task_a: str = "task A", task_b: str = "task B"):
    """Multi-task learning (left) beside transfer learning (right) for two tasks; the figure."""
    task_a, task_b = _task_name(task_a, "task_a"), _task_name(task_b, "task_b")
    fig = CourseFigure(figsize=(13.0, 4.0))
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.0, 1.15]})
    for ax, label in ((left, "multi-task"), (right, "transfer")):
        ax.set_label(label)
        ax.set_xlim(-0.2, 9.6)
        ax.set_ylim(-0.3, 4.5)
        ax.set_aspect("equal")
        ax.axis("off")
    xs = (1.2, 4.4, 7.9)
    # multi-task: one model, two heads, one training run
    _box(left, xs[0], 2.0, "input image", "input")
    _box(left, xs[1], 2.0, "shared trunk\n(conv layers)", "trunk")
    for y, task in ((3.1, task_a), (0.9, task_b)):
        _box(left, xs[2], y, f"head\n{task}", "head")
        _arrow(left, (xs[1] + BOX_W / 2 + 0.05, 2.0), (xs[2] - BOX_W / 2 - 0.05, y))
    _arrow(left, (xs[0] + BOX_W / 2 + 0.05, 2.0), (xs[1] - BOX_W / 2 - 0.05, 2.0))
    left.text(
        4.7,
        -0.2,
        "ONE training run: loss = loss A + loss B;\nboth heads' gradients update the trunk",
        ha="center",
        va="bottom",
        fontsize=8.5,
    )
    left.set_title("Multi-task learning: one model, several tasks at once", fontsize=10)
    # transfer: step 1 then step 2
    for y, step, trunk_kind, trunk_text, head_text in (
        (3.5, "step 1", "trunk", "trunk\n(trained)", f"head\n{task_a}"),
        (1.0, "step 2", "frozen", "copied trunk\n(frozen)", f"NEW head\n{task_b}"),
    ):
        right.text(
            -0.15,
            y + BOX_H / 2 + 0.12,
            step,
            ha="left",
            va="bottom",
            fontsize=8.5,
            fontweight="bold",
        )
        _box(right, xs[0], y, "input image", "input")
        _box(right, xs[1], y, trunk_text, trunk_kind)
        _box(right, xs[2], y, head_text, "head")
        _arrow(right, (xs[0] + BOX_W / 2 + 0.05, y), (xs[1] - BOX_W / 2 - 0.05, y))
        _arrow(right, (xs[1] + BOX_W / 2 + 0.05, y), (xs[2] - BOX_W / 2 - 0.05, y))
    _arrow(
        right,
        (xs[1], 3.5 - BOX_H / 2 - 0.05),
        (xs[1], 1.0 + BOX_H / 2 + 0.05),
        gid="copy",
        color="#d94801",
        linestyle="--",
    )
    right.text(
        xs[1] + 0.15,
        2.25,
        "copy the weights",
        ha="left",
        va="center",
        fontsize=8.5,
        color="#a63603",
    )
    right.text(
        4.7,
        -0.2,
        "TWO runs, one after the other: the source task first,\n"
        "then only the new head learns the target task",
        ha="center",
        va="bottom",
        fontsize=8.5,
    )
    right.set_title("Transfer learning: a source task first, then the target", fontsize=10)
    fig.legend(
        handles=[
            Patch(fc=COLOURS["trunk"], ec="0.25", label="trainable trunk"),
            Patch(fc=COLOURS["frozen"], ec="0.25", hatch="//", label="frozen trunk"),
            Patch(fc=COLOURS["head"], ec="0.25", label="task head (trainable)"),
        ],
        loc="lower center",
        ncol=3,
        fontsize=8.5,
        frameon=False,
        bbox_to_anchor=(0.5, 0.0),
    )
    return fig


def answer_counts(panels: Sequence, predicted_names: Sequence[str]):
    """One table per ``(title, true_names, counts)`` panel: ``counts[i, j]`` images of true class
    ``true_names[i]`` got the answer ``predicted_names[j]``. Returns the figure."""
    predicted_names = [str(name) for name in predicted_names]
    if not predicted_names:
        raise ValueError("predicted_names must name at least one answer. Received: []")
    try:
        panels = [
            (str(title), [str(n) for n in names], np.asarray(counts))
            for title, names, counts in panels
        ]
    except (TypeError, ValueError):
        raise ValueError(
            f"panels must be (title, true_names, counts) triples. Received: {panels!r}"
        ) from None
    if not panels:
        raise ValueError("answer_counts needs at least one panel. Received: none")
    for title, names, counts in panels:
        if counts.shape != (len(names), len(predicted_names)):
            raise ValueError(
                f"panel {title!r}: counts must be {len(names)} x "
                f"{len(predicted_names)} (true classes x answers). "
                f"Received: shape {counts.shape}"
            )
        if not np.issubdtype(counts.dtype, np.number) or (counts < 0).any():
            raise ValueError(f"panel {title!r}: counts must be non-negative numbers.")
    fig = CourseFigure(figsize=((0.6 * len(predicted_names) + 1.4) * len(panels), 3.4))
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    for ax, (title, names, counts) in zip(axes, panels):
        ax.set_label(title)
        image = ax.imshow(counts, cmap="Blues", vmin=0, vmax=max(float(counts.max()), 1.0))
        for (r, c), value in np.ndenumerate(counts):
            ax.text(
                c,
                r,
                f"{value:g}",
                ha="center",
                va="center",
                fontsize=9,
                gid="count",
                color=readable_text_color(image.cmap(image.norm(value))),
            )
        ax.set_xticks(range(len(predicted_names)), predicted_names)
        ax.set_yticks(range(len(names)), names)
        ax.set_xlabel("the source network's answer")
        ax.set_ylabel("true class")
        ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return fig
