"""Pictures for notebook 08 (cats vs dogs), sections 6 and 7: the cases compared, and Grad-CAM.

* ``case_bars(case_results)``: the cases side by side in three panels (validation accuracy,
  training time, trainable parameters), one bar per case with its value written on it. Time and
  parameters span several factors of ten, so those two panels are logarithmic. Bars carry the
  ``gid`` ``"bar"``.
* ``recipe()``: Grad-CAM (Selvaraju et al., 2017) as a flow chart. The top row is the forward
  pass (image -> layers up to the chosen convolution -> its activation maps A -> the rest of the
  network -> the class score), the bottom row what Grad-CAM computes from it (the gradient of the
  score with respect to A, its spatial mean per channel, the weighted sum of the maps, ReLU,
  division by the maximum, upsampling onto the image). Boxes have the ``gid`` ``"forward"`` or
  ``"gradcam"``, arrows ``"arrow"``, and each Grad-CAM step carries its number.
* ``heatmap_overlays(images, heatmaps)``: each image above itself with its heatmap laid over it
  (the heatmap already upsampled to the image's size, values in [0, 1]).
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from cnn_course_kit.plots import CourseFigure

CASE_KEYS = ("val_accuracy", "seconds", "trainable")
PANELS = (
    ("val_accuracy", "validation accuracy (%)", False),
    ("seconds", "training time (s, log scale)", True),
    ("trainable", "trainable parameters (log scale)", True),
)

FORWARD = (
    "image\n(h, w, 3)",
    "layers up to\nlayer_name",
    "activations A\n(k maps of h' x w')",
    "rest of the\nnetwork",
    "class score $y^c$\n(the logit)",
)
GRADCAM = (
    "gradient\n$\\partial y^c / \\partial A^k$",
    "spatial mean:\nweights $\\alpha_k$",
    "$\\sum_k \\alpha_k A^k$",
    "ReLU",
    "divide by\nthe maximum",
    "upsample,\noverlay",
)
COLOURS = {"forward": "#c6dbef", "gradcam": "#fdd0a2", "score": "#c7e9c0"}


def _number(value, name: str, case: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ValueError(f"case {case!r}: {name} must be a finite number. Received: {value!r}")
    return float(value)


def case_bars(case_results: Mapping, *, title: str = "The cases side by side"):
    """Three panels of bars, one bar per case: ``case_results`` is ``{case label: {"val_accuracy":
    float in [0, 1], "seconds": float > 0, "trainable": int > 0}}``. Returns the figure."""
    if not isinstance(case_results, Mapping) or not case_results:
        raise ValueError(
            "case_results must be a non-empty dict {case: {'val_accuracy', 'seconds', "
            f"'trainable'}}. Received: {case_results!r}"
        )
    labels = [str(case) for case in case_results]
    values = {key: [] for key in CASE_KEYS}
    for case, row in case_results.items():
        if not isinstance(row, Mapping) or not set(CASE_KEYS) <= set(row):
            raise ValueError(f"case {case!r} needs the keys {list(CASE_KEYS)}. Received: {row!r}")
        for key in CASE_KEYS:
            values[key].append(_number(row[key], key, case))
    if not all(0.0 <= v <= 1.0 for v in values["val_accuracy"]):
        raise ValueError(f"val_accuracy must lie in [0, 1]. Received: {values['val_accuracy']}")
    for key in ("seconds", "trainable"):
        if not all(v > 0 for v in values[key]):
            raise ValueError(f"{key} must be positive (logarithmic axis). Received: {values[key]}")

    import matplotlib
    from matplotlib import ticker

    colours = matplotlib.colormaps["tab10"].colors
    fig = CourseFigure(figsize=(4.0 + 1.6 * len(labels), 4.2))
    axes = fig.subplots(1, 3)
    for ax, (key, ylabel, log) in zip(axes, PANELS):
        shown = [100 * v for v in values[key]] if key == "val_accuracy" else values[key]
        bars = ax.bar(
            range(len(labels)), shown, color=[colours[i % 10] for i in range(len(labels))]
        )
        for bar, value in zip(bars, shown):
            bar.set_gid("bar")
            text = (
                f"{value:.1f}"
                if key == "val_accuracy"
                else (f"{value:.3g}" if key == "seconds" else f"{int(value):,}")
            )
            ax.text(
                bar.get_x() + bar.get_width() / 2,
                value * (1.15 if log else 1.0) + (0 if log else 1.0),
                text,
                ha="center",
                va="bottom",
                fontsize=8,
            )
        if log:
            ax.set_yscale("log")
            ax.set_ylim(min(shown) / 3, max(shown) * 6)
            ax.yaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:,.10g}"))
            ax.yaxis.set_minor_formatter(ticker.NullFormatter())
        else:
            ax.set_ylim(0, 112)
            ax.axhline(50, color="grey", lw=0.8, ls="--")
            ax.text(
                1.01,
                50,
                "chance",
                transform=ax.get_yaxis_transform(),
                ha="left",
                va="center",
                fontsize=8,
                color="grey",
            )  # beside the axes, clear of the bars
        ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right", fontsize=8)
        ax.set_ylabel(ylabel)
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def _box(ax, x, y, text, kind, w=1.6, h=0.9):
    ax.add_patch(
        FancyBboxPatch(
            (x - w / 2, y - h / 2),
            w,
            h,
            boxstyle="round,pad=0.04",
            facecolor=COLOURS[kind],
            edgecolor="black",
            lw=1.0,
            gid="forward" if kind == "score" else kind,
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=8.5)


def _arrow(ax, start, end, colour="black", text=None):
    ax.add_patch(
        FancyArrowPatch(
            start, end, arrowstyle="-|>", mutation_scale=11, lw=1.2, color=colour, gid="arrow"
        )
    )
    if text:
        ax.text(
            (start[0] + end[0]) / 2 + 0.1,
            (start[1] + end[1]) / 2,
            text,
            fontsize=8,
            color=colour,
            ha="left",
            va="center",
        )


def recipe(*, title: str = "Grad-CAM: where the class score looks in the chosen layer"):
    """The Grad-CAM recipe as a flow chart: the forward pass on top, the six Grad-CAM steps below
    (numbered 1-6). Returns the figure."""
    fig = CourseFigure(figsize=(12.5, 4.4))
    ax = fig.subplots()
    step = 2.1
    top, bottom = 2.6, 0.6
    for i, text in enumerate(FORWARD):
        _box(ax, i * step, top, text, "score" if i == len(FORWARD) - 1 else "forward")
        if i:
            _arrow(ax, ((i - 1) * step + 0.8, top), (i * step - 0.8, top))
    xs = [4 * step - 1.9 * j for j in range(len(GRADCAM))]  # right to left, under the score
    for number, (x, text) in enumerate(zip(xs, GRADCAM), start=1):
        _box(ax, x, bottom, text, "gradcam")
        ax.text(
            x - 0.78,
            bottom + 0.47,
            str(number),
            fontsize=9,
            fontweight="bold",
            ha="left",
            va="bottom",
            gid="step",
            color="#a63603",
        )
        if number > 1:
            _arrow(ax, (xs[number - 2] - 0.8, bottom), (x + 0.8, bottom), "#a63603")
    # the score is differentiated with respect to A: the one arrow that leaves the forward row
    _arrow(ax, (4 * step, top - 0.45), (xs[0], bottom + 0.45), "#a63603", "backward pass")
    _arrow(ax, (2 * step, top - 0.45), (xs[2] + 0.2, bottom + 0.45), "#08519c", "A")
    _arrow(ax, (0, top - 0.45), (xs[5] + 0.3, bottom + 0.45), "#08519c", "image")
    ax.text(-0.8, top + 0.75, "forward pass (the model as it is)", fontsize=9, color="#08519c")
    ax.text(
        -1.9, bottom - 0.85, "Grad-CAM: one backward pass, no training", fontsize=9, color="#a63603"
    )
    ax.set_xlim(xs[-1] - 1.0, 4 * step + 1.0)
    ax.set_ylim(-0.5, top + 1.0)
    ax.axis("off")
    ax.set_title(title)
    fig.tight_layout()
    return fig


def heatmap_overlays(
    images: Sequence,
    heatmaps: Sequence,
    titles: Sequence[str] | None = None,
    *,
    alpha: float = 0.5,
    cmap: str = "jet",
):
    """Each image (h, w, 3; floats in [0, 255] or [0, 1]) above itself with its heatmap (h, w,
    values in [0, 1]) laid over it. Returns the figure."""
    images, heatmaps = list(images), list(heatmaps)
    if not images or len(images) != len(heatmaps):
        raise ValueError(
            f"need as many heatmaps as images, at least one. Received: {len(images)} "
            f"images and {len(heatmaps)} heatmaps"
        )
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"Got {len(images)} images but {len(titles)} titles.")
    if not 0.0 <= alpha <= 1.0:
        raise ValueError(f"alpha must lie in [0, 1]. Received: {alpha!r}")
    shown = []
    for i, (image, heat) in enumerate(zip(images, heatmaps)):
        image, heat = np.asarray(image, dtype=float), np.asarray(heat, dtype=float)
        if image.shape[-1:] != (3,) or image.ndim != 3:
            raise ValueError(f"image {i} must be (h, w, 3). Received the shape {image.shape}")
        if heat.shape != image.shape[:2]:
            raise ValueError(
                f"heatmap {i} must have its image's size {image.shape[:2]} (upsample it "
                f"first). Received the shape {heat.shape}"
            )
        if not np.isfinite(heat).all() or heat.min() < 0 or heat.max() > 1:
            raise ValueError(f"heatmap {i} must hold values in [0, 1]")
        shown.append((np.clip(image / 255.0 if image.max() > 1.0 else image, 0, 1), heat))
    fig = CourseFigure(figsize=(2.2 * len(shown) + 1.2, 4.6), layout="constrained")
    axes = fig.subplots(2, len(shown), squeeze=False)
    for j, (image, heat) in enumerate(shown):
        axes[0, j].imshow(image)
        axes[1, j].imshow(image)
        overlay = axes[1, j].imshow(heat, cmap=cmap, alpha=alpha, vmin=0.0, vmax=1.0)
        overlay.set_gid("heatmap")
        if titles is not None:
            axes[0, j].set_title(str(titles[j]), fontsize=9)
        for ax in axes[:, j]:
            ax.set_xticks([])
            ax.set_yticks([])
    axes[0, 0].set_ylabel("image")
    axes[1, 0].set_ylabel("Grad-CAM overlay")
    fig.colorbar(overlay, ax=list(axes.flat), shrink=0.8, label="Grad-CAM (0 to 1)")
    return fig
