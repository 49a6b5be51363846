"""Figures used across the notebooks. Every helper returns the matplotlib ``Figure``;
none calls ``plt.show()``, so a notebook shows the figure by leaving it as the last
expression of a cell, and a test can inspect or save it.

The figures are built with ``matplotlib.figure.Figure`` rather than ``pyplot``: they are
not registered with pyplot, so a notebook shows each one exactly once (when returned)
and a loop that makes hundreds of them leaks no memory.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure


class CourseFigure(Figure):
    """A matplotlib Figure that displays itself as a PNG in any Jupyter front end.

    Figures made without pyplot are invisible to the inline backend; ``_repr_png_``
    lets IPython (JupyterLab, Colab, VS Code, nbconvert) render the returned figure.
    """

    def _repr_png_(self) -> bytes:
        import io

        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=self.dpi, bbox_inches="tight")
        return buffer.getvalue()


def _grid(n: int, ncols: int | None, cell: float = 2.0):
    ncols = max(1, min(n, ncols or math.ceil(math.sqrt(n))))
    nrows = max(1, math.ceil(n / ncols))
    fig = CourseFigure(figsize=(cell * ncols, cell * nrows))
    axes = fig.subplots(nrows, ncols, squeeze=False)
    for ax in axes.flat[n:]:
        ax.axis("off")
    return fig, axes.flat


def _as_image(img) -> np.ndarray:
    arr = np.asarray(img)
    if arr.ndim == 3 and arr.shape[-1] == 1:
        arr = arr[..., 0]
    if arr.ndim == 3 and arr.dtype.kind == "f" and arr.max(initial=0) > 1.0:
        arr = np.clip(arr / 255.0, 0, 1)  # float RGB in [0, 255] (Keras loaders) -> [0, 1]
    return arr


def image_grid(
    images: Sequence,
    titles: Sequence[str] | None = None,
    *,
    ncols: int | None = None,
    cmap: str = "gray",
    suptitle: str | None = None,
    cell: float = 2.0,
):
    """Show images (H x W, H x W x 1 or H x W x 3) in a grid, one optional title each."""
    images = list(images)
    if not images:
        raise ValueError("image_grid needs at least one image. Received: an empty sequence.")
    if titles is not None and len(titles) != len(images):
        raise ValueError(f"Got {len(images)} images but {len(titles)} titles.")
    fig, axes = _grid(len(images), ncols, cell)
    for i, (ax, img) in enumerate(zip(axes, images)):
        arr = _as_image(img)
        ax.imshow(arr, cmap=cmap if arr.ndim == 2 else None)
        ax.set_xticks([])
        ax.set_yticks([])
        if titles is not None:
            ax.set_title(str(titles[i]), fontsize=9)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def readable_text_color(rgba) -> str:
    """``"white"`` or ``"black"``, whichever contrasts more with the colour ``rgba`` (an RGB
    or RGBA tuple in [0, 1]): black on colours whose WCAG relative luminance is above 0.179,
    the point where both contrast ratios are equal."""
    channels = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
        for c in (float(v) for v in tuple(rgba)[:3])
    ]
    luminance = 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
    return "black" if luminance > 0.179 else "white"


def kernels(
    weights,
    *,
    titles: Sequence[str] | None = None,
    ncols: int | None = None,
    annotate: bool | None = None,
    suptitle: str | None = None,
):
    """Show convolution kernels with a diverging colour map centred on zero.

    ``weights`` is one 2-D kernel, a list of them, or a Keras ``Conv2D`` weight tensor of
    shape (kh, kw, in_channels, out_channels) (the first input channel is shown). Small
    kernels are annotated with their values unless ``annotate=False``.
    """
    w = weights
    if isinstance(w, np.ndarray) and w.ndim == 4:
        w = [w[:, :, 0, i] for i in range(w.shape[-1])]
    elif isinstance(w, np.ndarray) and w.ndim == 2:
        w = [w]
    w = [np.asarray(k, dtype=float) for k in w]
    fig, axes = _grid(len(w), ncols, 2.2)
    for i, (ax, k) in enumerate(zip(axes, w)):
        lim = float(np.abs(k).max()) or 1.0
        shown = ax.imshow(k, cmap="RdBu_r", vmin=-lim, vmax=lim)
        ax.set_xticks([])
        ax.set_yticks([])
        if annotate if annotate is not None else k.size <= 49:
            for (r, c), v in np.ndenumerate(k):  # light text on dark cells, dark on light
                ax.text(
                    c,
                    r,
                    f"{v:g}",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color=readable_text_color(shown.cmap(shown.norm(v))),
                )
        if titles is not None:
            ax.set_title(str(titles[i]), fontsize=9)
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


def feature_maps(maps, *, max_maps: int = 16, ncols: int | None = None, title: str | None = None):
    """Show the channels of one feature map tensor (H x W x C, or 1 x H x W x C)."""
    arr = np.asarray(maps)
    if arr.ndim == 4:
        if arr.shape[0] != 1:
            raise ValueError(
                f"feature_maps shows one example at a time. Received a batch of "
                f"{arr.shape[0]}; pass maps[0:1] or maps[0]."
            )
        arr = arr[0]
    if arr.ndim != 3:
        raise ValueError(f"feature_maps expects H x W x C. Received shape {arr.shape}.")
    n = min(arr.shape[-1], max_maps)
    fig, axes = _grid(n, ncols, 1.8)
    for i, ax in zip(range(n), axes):
        ax.imshow(arr[..., i], cmap="viridis")
        ax.set_title(f"channel {i}", fontsize=8)
        ax.axis("off")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def training_curves(history, metrics: Sequence[str] | None = None):
    """Plot loss and metrics per epoch, training vs validation, from a Keras ``History``
    (or its ``.history`` dict)."""
    hist: Mapping = history.history if hasattr(history, "history") else history
    if not hist:
        raise ValueError("The history is empty: was the model trained for at least one epoch?")
    names = (
        list(metrics)
        if metrics
        else [k for k in hist if not k.startswith("val_") and k not in ("learning_rate", "lr")]
    )
    fig = CourseFigure(figsize=(4.5 * len(names), 3.2))
    axes = fig.subplots(1, len(names), squeeze=False)
    for ax, name in zip(axes.flat, names):
        epochs = np.arange(1, len(hist[name]) + 1)
        ax.plot(epochs, hist[name], "o-", label="training")
        if f"val_{name}" in hist:
            ax.plot(epochs, hist[f"val_{name}"], "s--", label="validation")
        ax.set_xlabel("epoch")
        ax.set_title(name)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    return fig


def confusion_matrix(
    y_true, y_pred, class_names: Sequence[str] | None = None, *, normalize: bool = False
):
    """Plot a confusion matrix (rows: true class, columns: predicted class)."""
    y_true = np.asarray(y_true).astype(int).ravel()
    y_pred = np.asarray(y_pred).astype(int).ravel()
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred differ in length: {y_true.size} vs {y_pred.size}.")
    n = int(max(y_true.max(initial=0), y_pred.max(initial=0)) + 1)
    if class_names is not None:
        n = max(n, len(class_names))
    cm = np.zeros((n, n), dtype=float)
    np.add.at(cm, (y_true, y_pred), 1)
    if normalize:
        cm = cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
    names = list(class_names) if class_names is not None else [str(i) for i in range(n)]
    fig = CourseFigure(figsize=(1.0 + 0.6 * n, 0.8 + 0.6 * n))
    ax = fig.subplots()
    ax.imshow(cm, cmap="Blues")
    for (r, c), v in np.ndenumerate(cm):
        ax.text(
            c,
            r,
            f"{v:.2f}" if normalize else f"{int(v)}",
            ha="center",
            va="center",
            color="white" if v > cm.max() / 2 else "black",
            fontsize=9,
        )
    ax.set_xticks(range(n), names, rotation=45, ha="right")
    ax.set_yticks(range(n), names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    fig.tight_layout()
    return fig


def learning_curves(
    rows: Sequence[Mapping],
    *,
    case_names: Mapping[str, str] | None = None,
    target_names: Mapping[str, str] | None = None,
    title: str | None = None,
    chance: float | None = None,
):
    """Test accuracy against labelled examples per class, one panel per target, one line per
    case: the mean over seeds, with a band from the lowest to the highest seed.

    ``rows`` are dicts with ``target``, ``case``, ``k``, ``seed`` and ``accuracy`` (what
    :meth:`cnn_course_kit.transfer_cases.TransferExperiment.learning_curves` returns). The x axis is
    logarithmic. ``chance`` draws a dotted line at that accuracy.
    """
    rows = list(rows)
    if not rows:
        raise ValueError("learning_curves needs at least one row. Received: an empty sequence.")
    missing = {"target", "case", "k", "accuracy"} - set(rows[0])
    if missing:
        raise ValueError(f"each row needs target, case, k and accuracy. Missing: {sorted(missing)}")
    targets = list(dict.fromkeys(r["target"] for r in rows))
    cases = sorted(dict.fromkeys(r["case"] for r in rows))
    fig = CourseFigure(figsize=(4.2 * len(targets), 4.2))
    axes = fig.subplots(1, len(targets), squeeze=False, sharey=True).flat
    colours = dict(zip(cases, ["#1b9e77", "#7570b3", "#d95f02", "#e7298a", "#66a61e", "#a6761d"]))
    styles = dict(zip(cases, ["o-", "s--", "^-", "v:", "D-", "x-"]))
    for ax, target in zip(axes, targets):
        for case in cases:
            ks = sorted({r["k"] for r in rows if r["target"] == target and r["case"] == case})
            if not ks:
                continue
            acc = [
                [
                    r["accuracy"]
                    for r in rows
                    if (r["target"], r["case"], r["k"]) == (target, case, k)
                ]
                for k in ks
            ]
            mean = [float(np.mean(a)) for a in acc]
            label = (case_names or {}).get(case, f"case {case}")
            ax.plot(ks, mean, styles[case], color=colours[case], label=label)
            ax.fill_between(
                ks,
                [min(a) for a in acc],
                [max(a) for a in acc],
                color=colours[case],
                alpha=0.18,
                linewidth=0,
            )
        if chance is not None:
            ax.axhline(chance, color="grey", linestyle=":", linewidth=1)
        ax.set_xscale("log")
        all_k = sorted({r["k"] for r in rows if r["target"] == target})
        ax.set_xticks(all_k, [str(k) for k in all_k])
        ax.minorticks_off()
        ax.set_xlabel("labelled examples per class")
        ax.set_title((target_names or {}).get(target, target), fontsize=10)
        ax.grid(alpha=0.3, which="both")
    axes[0].set_ylabel("test accuracy")
    if chance is not None:
        axes[0].set_ylim(max(0.0, chance - 0.05), 1.01)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(
        handles, labels, loc="lower center", ncol=min(3, len(labels)), fontsize=8, frameon=False
    )
    if title:
        fig.suptitle(title)
    fig.tight_layout(rect=(0, 0.06 * math.ceil(len(labels) / 3) + 0.02, 1, 1))
    return fig
