"""ImageNet's 1,000 outputs folded into two: cat or dog (Case 0 of notebook 08, section 3).

An ImageNet classifier answers with 1,000 probabilities. Four neighbouring stretches of its
output matter for a photo of a pet (indices inclusive, checked in the notebook on the class
names): the dog breeds 151-268, the wolves, wild dogs and foxes 269-280, the domestic cats
281-285 and the wild cats 286-293. ``folding(probs, folded)`` draws one image's 1,000
probabilities as a strip with those stretches marked, a zoom on indices 145-300 with one bar
per class, and the two bars ``folded = [P(cat), P(dog)]`` the notebook computed from them (the
figure does not compute the fold: that is the notebook's exercise). Patches carry ``gid`` tags
(``"range"``, ``"output"``, ``"folded"``) and the three axes are labelled ``"strip"``,
``"zoom"`` and ``"folded"`` so a test can check what was drawn.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Patch

from cnn_course_kit.plots import CourseFigure

N_OUTPUTS = 1000
RANGES = (
    ("dog breeds", 151, 268, "#e6550d"),
    ("wolves, wild dogs, foxes", 269, 280, "#fdae6b"),
    ("domestic cats", 281, 285, "#3182bd"),
    ("wild cats", 286, 293, "#9ecae1"),
)
"""(name, first index, last index, colour) of each marked stretch of ImageNet's outputs."""
COUNTED = ("dog breeds", "domestic cats")
"""The two stretches whose probability the fold counts."""
OTHER = "#bdbdbd"
ZOOM = (145, 300)


def class_colours() -> list[str]:
    """The colour of each of the 1,000 outputs: its stretch's, or grey."""
    colours = [OTHER] * N_OUTPUTS
    for _, first, last, colour in RANGES:
        colours[first : last + 1] = [colour] * (last - first + 1)
    return colours


def _checked(probs, folded):
    probs = np.asarray(probs, dtype=float)
    if probs.shape != (N_OUTPUTS,):
        raise ValueError(
            f"probs must be one image's {N_OUTPUTS} ImageNet probabilities, shape "
            f"({N_OUTPUTS},). Received: shape {probs.shape}"
        )
    if not np.all(np.isfinite(probs)) or probs.min() < 0 or abs(probs.sum() - 1) > 1e-3:
        raise ValueError(
            "probs must be a softmax output: finite, non-negative, summing to 1. "
            f"Received: sum {probs.sum():.6g}, minimum {probs.min():.6g}"
        )
    folded = np.asarray(folded, dtype=float)
    if folded.shape != (2,):
        raise ValueError(
            f"folded must be [P(cat), P(dog)], shape (2,). Received: shape {folded.shape}"
        )
    if not np.all(np.isfinite(folded)) or folded.min() < 0 or abs(folded.sum() - 1) > 1e-6:
        raise ValueError(
            f"folded must hold two probabilities summing to 1. Received: {folded.tolist()}"
        )
    return probs, folded


def folding(probs, folded, *, title: str | None = None):
    """Draw ``probs`` (1,000 ImageNet probabilities) and ``folded`` ([P(cat), P(dog)]).

    Returns the figure (three axes: the whole strip, the zoom on 145-300, the folded bars).
    """
    probs, folded = _checked(probs, folded)
    colours = class_colours()
    fig = CourseFigure(figsize=(11, 5.4))
    grid = fig.add_gridspec(2, 3, width_ratios=(1, 1, 0.55), hspace=0.55, wspace=0.35)
    strip = fig.add_subplot(grid[0, :2], label="strip")
    zoom = fig.add_subplot(grid[1, :2], label="zoom")
    bars = fig.add_subplot(grid[:, 2], label="folded")
    top = max(float(probs.max()) * 1.25, 1e-3)

    index = np.arange(N_OUTPUTS)
    for _name, first, last, colour in RANGES:
        strip.axvspan(first - 0.5, last + 0.5, color=colour, alpha=0.35, lw=0, gid="range")
    strip.bar(index, probs, width=1.0, color=colours, gid="output")
    strip.set_xlim(-0.5, N_OUTPUTS - 0.5)
    strip.set_ylim(0, top)
    strip.set_xlabel("ImageNet output index (0-999)")
    strip.set_ylabel("probability")
    strip.set_title("All 1,000 outputs: the pets sit in one narrow stretch", fontsize=10)
    strip.axvspan(*[z - 0.5 for z in ZOOM], facecolor="none", edgecolor="0.3", ls="--", lw=0.8)

    low, high = ZOOM
    zoom.bar(
        index[low : high + 1],
        probs[low : high + 1],
        width=0.9,
        color=colours[low : high + 1],
        edgecolor="0.4",
        lw=0.2,
    )
    for _name, first, last, colour in RANGES:
        zoom.axvspan(first - 0.5, last + 0.5, color=colour, alpha=0.25, lw=0)
    zoom.set_xlim(low - 0.5, high + 0.5)
    zoom.set_ylim(0, top)
    zoom.set_xticks([151, 268, 281, 293])
    zoom.set_xlabel("output index, zoomed on 145-300")
    zoom.set_ylabel("probability")
    zoom.set_title("The zoom: what is counted (dark) and what is left out (light)", fontsize=10)
    handles = [
        Patch(facecolor=c, label=f"{n} {a}-{b}" + (" (counted)" if n in COUNTED else " (left out)"))
        for n, a, b, c in RANGES
    ]
    zoom.legend(handles=handles, loc="upper center", fontsize=7.5, frameon=True)

    bar_colours = [RANGES[2][3], RANGES[0][3]]
    bars.bar([0, 1], folded, color=bar_colours, width=0.6, gid="folded")
    for i, value in enumerate(folded):
        bars.text(i, value + 0.02, f"{value:.3f}", ha="center", va="bottom", fontsize=10)
    bars.set_xticks([0, 1], ["P(cat)", "P(dog)"])
    bars.set_ylim(0, 1.12)
    bars.set_ylabel("probability, renormalised")
    bars.set_title("Folded into two", fontsize=10)
    fig.suptitle(title or "Case 0: ImageNet's 1,000 outputs folded into cat and dog", fontsize=11)
    return fig
