"""Pictures for notebook 07 (transfer learning, section 8): how far fine-tuning moves the weights.

``weight_change_bars(changes)`` draws, for each fine-tuning run (a learning rate, a grouping of
rates), one bar per block of the network: the relative change of that block's weights from the
source network, ``||W - W_source|| / ||W_source||``, on a logarithmic axis (the runs differ by
factors of ten). Each bar carries its value; bars have the ``gid`` ``"bar"`` so a test can count
them, and each block keeps one colour across the runs.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from cnn_course_kit.plots import CourseFigure

MAX_BLOCKS = 10  # one colour each, from matplotlib's tab10


def weight_change_bars(
    changes: Mapping,
    *,
    title: str = "How far fine-tuning moved the weights",
    ylabel: str = "relative change  ||W - W_source|| / ||W_source||",
):
    """Grouped bars: ``changes`` is ``{run label: {block name: relative change}}``, every run
    with the same blocks in the same order, every value finite and positive (the axis is
    logarithmic). Returns the figure."""
    if not isinstance(changes, Mapping) or not changes:
        raise ValueError(
            f"changes must be a non-empty dict {{run: {{block: change}}}}. Received: {changes!r}"
        )
    runs = [str(run) for run in changes]
    first = next(iter(changes.values()))
    if not isinstance(first, Mapping) or not first:
        raise ValueError(f"each run needs a non-empty dict {{block: change}}. Received: {first!r}")
    blocks = [str(b) for b in first]
    if len(blocks) > MAX_BLOCKS:
        raise ValueError(
            f"at most {MAX_BLOCKS} blocks can be told apart by colour. Received: {len(blocks)}"
        )
    values = np.empty((len(runs), len(blocks)))
    for i, (run, per_block) in enumerate(changes.items()):
        if not isinstance(per_block, Mapping) or [str(b) for b in per_block] != blocks:
            raise ValueError(
                f"run {run!r} must have the blocks {blocks} in this order. Received: {per_block!r}"
            )
        values[i] = [float(v) for v in per_block.values()]
    if not (np.isfinite(values).all() and (values > 0).all()):
        raise ValueError(
            f"every change must be finite and positive (logarithmic axis). "
            f"Received: {values.tolist()}"
        )

    import matplotlib

    colours = matplotlib.colormaps["tab10"].colors
    fig = CourseFigure(figsize=(1.9 * len(runs) + 2.5, 4.6))
    ax = fig.subplots()
    width = 0.8 / len(blocks)
    centres = np.arange(len(runs))
    for j, block in enumerate(blocks):
        xs = centres - 0.4 + width * (j + 0.5)
        bars = ax.bar(xs, values[:, j], width * 0.92, color=colours[j], label=block)
        for bar, value in zip(bars, values[:, j]):
            bar.set_gid("bar")
            ax.text(
                bar.get_x() + bar.get_width() / 2,
                value * 1.12,
                f"{value:.3g}",
                ha="center",
                va="bottom",
                fontsize=8,
            )
    ax.set_yscale("log")
    low, high = values.min(), values.max()
    ax.set_ylim(low / 2.5, high * 3.0)
    ax.set_xticks(centres, runs)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(title="block", loc="upper left", fontsize=8)
    ax.grid(axis="y", which="major", alpha=0.3)
    fig.tight_layout()
    return fig
