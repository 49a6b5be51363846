"""Pictures for notebook 06's sections 8 and 9: what a trained VGG16 learned, and what the
classic architectures cost.

- :func:`simple_cell_field`: a model V1 simple-cell receptive field (a Gabor function), the
  model notebook 01 builds, for comparison with learned filters.
- :func:`filter_mosaic`: a layer's RGB filters tiled into one image.
- :func:`learned_filters`: the first-layer filters of a network as colour patches, beside
  simple-cell receptive fields.
- :func:`feature_map_rows`: a few channels of each block's feature map, one row per block.
- :func:`cost_chart`: multiply-adds against parameters, one labelled point per model.

Each function returns a new ``CourseFigure``; nothing is shown or saved. What a test needs to
find carries a matplotlib ``gid``: ``"filters"`` (the mosaic image), ``"filter-label"``,
``"field"``, ``"map"`` and ``"model"`` (the points of the cost chart).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ..plots import CourseFigure


def simple_cell_field(
    size: int = 15,
    angle: float = 0.0,
    *,
    wavelength: float = 8.0,
    sigma: float = 2.5,
    aspect: float = 2.0,
    phase: float = 0.0,
) -> np.ndarray:
    """A Gabor receptive field of ``size`` x ``size`` pixels preferring lines at ``angle``
    degrees (counter-clockwise from horizontal): stripes across that orientation in an
    elliptical Gaussian window ``aspect`` times longer along it. ``phase=0`` gives a bar
    detector (an excitatory centre between inhibitory flanks, as in notebook 01), ``phase=90``
    an edge detector (excitatory on one side, inhibitory on the other). Zero mean, absolute
    values summing to 1."""
    if size < 2 or sigma <= 0 or wavelength <= 0 or aspect <= 0:
        raise ValueError(
            f"Need size >= 2 and positive sigma, wavelength and aspect. Received: "
            f"size={size}, sigma={sigma}, wavelength={wavelength}, aspect={aspect}"
        )
    half = (size - 1) / 2
    rows, cols = np.mgrid[0:size, 0:size]
    x, y = cols - half, half - rows
    t = np.deg2rad(angle)
    along, across = x * np.cos(t) + y * np.sin(t), y * np.cos(t) - x * np.sin(t)
    window = np.exp(-0.5 * ((along / (aspect * sigma)) ** 2 + (across / sigma) ** 2))
    field = window * np.cos(2 * np.pi * across / wavelength - np.deg2rad(phase))
    field = field - field.mean()
    return field / np.abs(field).sum()


def _normalised(kernel: np.ndarray) -> np.ndarray:
    """Each filter (last axis) scaled to [0, 1] on its own: its min to 0, its max to 1."""
    low = kernel.min(axis=(0, 1, 2), keepdims=True)
    span = kernel.max(axis=(0, 1, 2), keepdims=True) - low
    return (kernel - low) / np.where(span > 0, span, 1.0)


def filter_mosaic(
    kernel, *, ncols: int = 8, gap: int = 1, row_gap: int | None = None
) -> np.ndarray:
    """The filters of ``kernel`` (``(kh, kw, 3, n)``) scaled on their own to [0, 1] and tiled
    into one RGB image, ``ncols`` per row, ``gap`` white pixels between them (``row_gap``
    between rows, default ``gap``)."""
    k = np.asarray(kernel, dtype=float)
    if k.ndim != 4 or k.shape[2] != 3 or k.shape[3] < 1:
        raise ValueError(
            f"kernel must have shape (kh, kw, 3, n) (RGB input). Received: shape {k.shape}"
        )
    row_gap = gap if row_gap is None else row_gap
    if ncols < 1 or gap < 0 or row_gap < 0:
        raise ValueError(
            f"Need ncols >= 1 and gaps >= 0. Received: ncols={ncols}, gap={gap}, row_gap={row_gap}"
        )
    kh, kw, _, n = k.shape
    rows = -(-n // ncols)
    dy, dx = kh + row_gap, kw + gap
    mosaic = np.ones((rows * dy - row_gap, min(n, ncols) * dx - gap, 3))
    patches = _normalised(k)
    for i in range(n):
        r, c = divmod(i, ncols)
        mosaic[r * dy : r * dy + kh, c * dx : c * dx + kw] = patches[..., i]
    return mosaic


def learned_filters(
    kernel,
    fields: Sequence = (),
    field_titles: Sequence[str] | None = None,
    *,
    bgr: bool = False,
    ncols: int = 8,
    title: str | None = None,
    titles: Sequence[str] | None = None,
):
    """A first convolution layer's filters as colour patches, beside model receptive fields.

    ``kernel``: shape ``(kh, kw, 3, n)`` (a Keras ``Conv2D`` kernel on RGB input; ``bgr=True``
    if the network reads BGR, as Caffe-trained VGG16s do). Each filter is scaled to [0, 1] on
    its own (its most negative weight black, its most positive full colour) and drawn without
    smoothing, so a 3 x 3 filter shows as 3 x 3 squares (:func:`filter_mosaic`). ``fields``:
    2-D receptive fields (e.g. :func:`simple_cell_field`) drawn red (excitatory) and blue
    (inhibitory) on the right. ``titles``: a short label per filter, written above it.
    """
    k = np.asarray(kernel, dtype=float)
    row_gap = 2 if titles is not None else 1  # room for the labels
    mosaic = filter_mosaic(
        k[:, :, ::-1] if bgr and k.ndim == 4 else k, ncols=ncols, row_gap=row_gap
    )
    fields = [np.asarray(f, dtype=float) for f in fields]
    if any(f.ndim != 2 for f in fields):
        raise ValueError(f"fields must be 2-D arrays. Received: shapes {[f.shape for f in fields]}")
    if field_titles is not None and len(field_titles) != len(fields):
        raise ValueError(f"Got {len(fields)} fields but {len(field_titles)} field titles.")
    kh, kw, _, n = k.shape
    if titles is not None and len(titles) != n:
        raise ValueError(f"Got {n} filters but {len(titles)} titles.")
    rows, cols = -(-n // ncols), min(n, ncols)
    side = 2 if fields else 0
    per_column = -(-len(fields) // side) if fields else 0
    height = max(3.2, 0.62 * rows * (kh + row_gap) / (kw + 1))
    fig = CourseFigure(figsize=(0.62 * cols + 1.5 * side + 0.4, height + 0.7))
    grid = fig.add_gridspec(
        max(per_column, 1),
        1 + side,
        width_ratios=[0.62 * cols] + [1.4] * side,
        wspace=0.12,
        hspace=0.35,
    )
    ax = fig.add_subplot(grid[:, 0])
    ax.imshow(mosaic, interpolation="nearest", gid="filters")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel(f"{n} filters, each scaled to its own range", fontsize=8)
    for i, label in enumerate(titles or []):
        if label:
            r, c = divmod(i, ncols)
            ax.text(
                c * (kw + 1) + (kw - 1) / 2,
                r * (kh + row_gap) - 0.5 - row_gap / 2,
                str(label),
                ha="center",
                va="center",
                fontsize=6.5,
                gid="filter-label",
            )
    for j, field in enumerate(fields):
        fax = fig.add_subplot(grid[j % per_column, 1 + j // per_column])
        lim = float(np.abs(field).max()) or 1.0
        fax.imshow(field, cmap="RdBu_r", vmin=-lim, vmax=lim, gid="field")
        fax.set_xticks([])
        fax.set_yticks([])
        fax.set_title(field_titles[j] if field_titles else f"field {j + 1}", fontsize=8)
    fig.suptitle(
        title
        or f"{n} learned {kh} x {kw} x 3 filters"
        + (" (left) and model simple-cell receptive fields (right)" if fields else ""),
        fontsize=10,
    )
    return fig


def feature_map_rows(
    maps: Mapping[str, np.ndarray], *, channels: int = 4, image=None, title: str | None = None
):
    """One row per feature map in ``maps`` (``{layer name: (H, W, C)}``, or with a batch axis
    of 1): the ``channels`` channels with the largest mean activation, each on its own colour
    scale, titled with the channel number; the row is labelled with the layer name and the
    map's size. ``image``, when given, is drawn first in its own row."""
    if not maps:
        raise ValueError("feature_map_rows needs at least one feature map. Received: {}")
    if channels < 1:
        raise ValueError(f"channels must be at least 1. Received: {channels}")
    arrays = {}
    for name, m in maps.items():
        a = np.asarray(m, dtype=float)
        a = a[0] if a.ndim == 4 and a.shape[0] == 1 else a
        if a.ndim != 3:
            raise ValueError(
                f"each feature map must be (H, W, C) or (1, H, W, C). Received: "
                f"{name!r} with shape {np.shape(m)}"
            )
        arrays[name] = a
    rows = len(arrays) + (image is not None)
    cols = min(channels, max(a.shape[-1] for a in arrays.values()))
    fig = CourseFigure(figsize=(1.9 * cols + 1.2, 1.75 * rows + 0.5))
    axes = fig.subplots(rows, cols, squeeze=False)
    start = 0
    if image is not None:
        axes[0, 0].imshow(np.clip(np.asarray(image) / 255.0, 0, 1))
        axes[0, 0].set_title("input", fontsize=8)
        for ax in axes[0]:
            ax.axis("off")
        start = 1
    for row, (name, a) in zip(axes[start:], arrays.items()):
        best = np.argsort(a.mean(axis=(0, 1)))[::-1][:cols]
        for ax, c in zip(row, best):
            ax.imshow(a[..., c], cmap="viridis", gid="map")
            ax.set_title(f"channel {c}", fontsize=8)
            ax.set_xticks([])
            ax.set_yticks([])
        for ax in row[len(best) :]:
            ax.axis("off")
        h, w, ch = a.shape
        row[0].set_ylabel(f"{name}\n{h} x {w} x {ch}", fontsize=8)
    fig.suptitle(title or "Feature maps, block by block (most active channels)", fontsize=11)
    fig.tight_layout()
    return fig


def cost_chart(rows: Sequence[Mapping], *, title: str | None = None):
    """Multiply-adds per image (x, log scale) against parameters (y, log scale), one labelled
    point per model; the label adds the measured time. ``rows``: dicts with ``name``,
    ``params``, ``macs`` and ``seconds`` (as :func:`cnn_course_kit.modelstats.compare_models` makes)."""
    rows = list(rows)
    if not rows:
        raise ValueError("cost_chart needs at least one model. Received: an empty sequence.")
    for r in rows:
        if not (r["params"] > 0 and r["macs"] > 0):
            raise ValueError(f"params and macs must be positive. Received: {dict(r)}")
    fig = CourseFigure(figsize=(7.5, 4.6))
    ax = fig.subplots()

    def crowded(r):  # another model just to the right: put this label on the left
        return any(
            1 < o["macs"] / r["macs"] < 1.6 and 1 / 1.6 < o["params"] / r["params"] < 1.6
            for o in rows
        )

    for r in rows:
        ax.scatter(r["macs"] / 1e9, r["params"] / 1e6, s=60, gid="model", zorder=3)
        label = r["name"] + (f"\n{r['seconds'] * 1e3:.0f} ms" if r.get("seconds") else "")
        left = crowded(r)
        ax.annotate(
            label,
            (r["macs"] / 1e9, r["params"] / 1e6),
            textcoords="offset points",
            xytext=(-7 if left else 7, 4),
            ha="right" if left else "left",
            fontsize=8,
        )
    ax.set_xscale("log")
    ax.set_yscale("log")
    xs = [r["macs"] / 1e9 for r in rows]
    ys = [r["params"] / 1e6 for r in rows]
    ax.set_xlim(min(xs) / 1.6, max(xs) * 2.2)
    ax.set_ylim(min(ys) / 1.6, max(ys) * 2.0)
    ax.set_xlabel("multiply-adds per image (billions, log scale)")
    ax.set_ylabel("parameters (millions, log scale)")
    ax.grid(alpha=0.3, which="both")
    ax.set_title(
        title or "What each architecture costs: compute vs memory (time measured here)", fontsize=10
    )
    fig.tight_layout()
    return fig
