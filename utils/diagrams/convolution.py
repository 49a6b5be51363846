"""Pictures for notebook 02 (convolution and edge detection): the sliding window, the kernel
flip, separable kernels and the convolution written as a matrix.

Every cell of a drawn grid carries its number, in white or black, whichever reads better on
the cell's colour. Each function returns a :class:`~cnn_course_kit.plots.CourseFigure`; its axes are
labelled (``ax.get_label()``: ``"image"``, ``"kernel"``, ...) so a test can find what was drawn.
The arithmetic here is plain NumPy on small grids (a 180-degree turn is ``np.rot90(k, 2)``,
one library call); the notebook's exercises are written by the student, not drawn from here.
"""

from __future__ import annotations

import numpy as np
from matplotlib import patheffects
from matplotlib.patches import Rectangle

from cnn_course_kit.plots import CourseFigure, readable_text_color
from cnn_course_kit.reference import correlate2d_valid

_CELL = 0.55  # inches per grid cell
_MAX_SIDE = 12  # larger grids have too many numbers to read
_MAX_KERNEL = 7
_OUTLINE = dict(
    fill=False,
    edgecolor="gold",
    linewidth=3,
    path_effects=[patheffects.withStroke(linewidth=5.5, foreground="black")],
)


def _grid_values(values, what: str, *, ndim: int = 2, max_side: int = _MAX_SIDE) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != ndim or arr.size == 0:
        raise ValueError(f"{what} must be a non-empty {ndim}-D array. Received: shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{what} must hold finite numbers. Received: {arr!r}")
    if max(arr.shape) > max_side:
        raise ValueError(
            f"{what} is drawn with every number in it, so it may be at most "
            f"{max_side} cells along each side. Received: shape {arr.shape}"
        )
    return arr


def _fits(img: np.ndarray, ker: np.ndarray, position) -> tuple[int, int]:
    if ker.shape[0] > img.shape[0] or ker.shape[1] > img.shape[1]:
        raise ValueError(
            f"The kernel must fit inside the image. Received: kernel {ker.shape}, image {img.shape}"
        )
    try:
        r, c = (int(p) for p in position)
    except (TypeError, ValueError):
        raise ValueError(f"position must be a pair (row, column). Received: {position!r}") from None
    last_r, last_c = img.shape[0] - ker.shape[0], img.shape[1] - ker.shape[1]
    if not (0 <= r <= last_r and 0 <= c <= last_c):
        raise ValueError(
            f"position must lie in rows 0..{last_r} and columns 0..{last_c}, where "
            f"the kernel fits. Received: {position!r}"
        )
    return r, c


def _number(v: float) -> str:
    v = float(v) + 0.0  # no "-0"
    return f"{int(v)}" if v.is_integer() and abs(v) < 1e6 else f"{v:.3g}"


def _signed_limits(*arrays) -> tuple[float, float]:
    lim = max(float(np.abs(a).max()) for a in arrays) or 1.0
    return -lim, lim


def _draw_grid(
    ax,
    values,
    *,
    cmap="RdBu_r",
    limits=None,
    hidden=None,
    fontsize=9,
    label: str = "",
    title: str = "",
    sublabels=None,
):
    """Coloured cells with their numbers; ``hidden`` cells stay white and empty."""
    values = np.asarray(values, dtype=float)
    if limits is None:
        limits = (0.0, float(values.max()) or 1.0) if values.min() >= 0 else _signed_limits(values)
        cmap = "gray" if values.min() >= 0 else cmap
    shown = ax.imshow(
        np.ma.masked_array(values, mask=hidden), cmap=cmap, vmin=limits[0], vmax=limits[1]
    )
    for (r, c), v in np.ndenumerate(values):
        if hidden is not None and hidden[r, c]:
            continue
        colour = readable_text_color(shown.cmap(shown.norm(v)))
        if sublabels is None:
            ax.text(c, r, _number(v), ha="center", va="center", fontsize=fontsize, color=colour)
        else:
            ax.text(
                c, r - 0.12, _number(v), ha="center", va="center", fontsize=fontsize, color=colour
            )
            ax.text(c, r + 0.3, sublabels[r][c], ha="center", va="center", fontsize=6, color=colour)
    h, w = values.shape
    ax.set_xticks(range(w))
    ax.set_yticks(range(h))
    ax.tick_params(labelsize=7, length=0)
    ax.set_xticks(np.arange(-0.5, w), minor=True)
    ax.set_yticks(np.arange(-0.5, h), minor=True)
    ax.grid(which="minor", color="0.55", linewidth=0.8)
    ax.tick_params(which="minor", length=0)
    ax.set_label(label)
    ax.set_title(title, fontsize=9)
    return shown


def _symbol(ax, text: str, fontsize: int = 18) -> None:
    ax.axis("off")
    ax.set_label("symbol")
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=fontsize, transform=ax.transAxes)


def _outline(ax, row: int, col: int, height: int, width: int, label: str) -> None:
    ax.add_patch(Rectangle((col - 0.5, row - 0.5), width, height, label=label, **_OUTLINE))


def sliding_window(image, kernel, position=(0, 0), *, title: str | None = None):
    """One step of the sliding window: the image with the kernel's window outlined at
    ``position`` (the output's row and column), the kernel, their element-wise products,
    and the output with the cell this step fills (cells still to come are left empty).
    Taught in notebook 02, section 1."""
    img = _grid_values(image, "image")
    ker = _grid_values(kernel, "kernel", max_side=_MAX_KERNEL)
    r, c = _fits(img, ker, position)
    kh, kw = ker.shape
    window = img[r : r + kh, c : c + kw]
    products = window * ker
    value = float(products.sum())
    out_shape = (img.shape[0] - kh + 1, img.shape[1] - kw + 1)
    output = correlate2d_valid(img, ker)
    todo = np.arange(output.size).reshape(out_shape) > r * out_shape[1] + c

    widths = [img.shape[1], 1.0, kw, 1.0, kw, 1.2, out_shape[1]]
    fig = CourseFigure(
        figsize=(_CELL * sum(widths) + 0.8, _CELL * img.shape[0] + 1.3), layout="constrained"
    )
    axes = fig.subplots(1, 7, gridspec_kw={"width_ratios": widths})
    _draw_grid(axes[0], img, label="image", title="image I")
    axes[0].set_xlabel("column", fontsize=8)
    axes[0].set_ylabel("row", fontsize=8)
    _outline(axes[0], r, c, kh, kw, "window")
    _symbol(axes[1], "×")
    _draw_grid(axes[2], ker, limits=_signed_limits(ker), label="kernel", title="kernel K")
    _symbol(axes[3], "=")
    _draw_grid(
        axes[4],
        products,
        limits=_signed_limits(products, ker),
        label="products",
        title=f"window × K\nsum = {_number(value)}",
    )
    _symbol(axes[5], "sum\n→", fontsize=13)
    _draw_grid(
        axes[6],
        output,
        hidden=todo,
        limits=_signed_limits(output),
        label="output",
        title=f"output R\nR[{r}, {c}] = {_number(value)}",
    )
    _outline(axes[6], r, c, 1, 1, "output cell")
    fig.suptitle(
        title
        or f"R[{r}, {c}]: multiply the window of I (rows {r}-{r + kh - 1}, "
        f"columns {c}-{c + kw - 1}) by K, element by element, and add up",
        fontsize=10,
    )
    return fig


def kernel_flip(image, kernel, position=(0, 0), *, title: str | None = None):
    """The kernel, the kernel turned by 180 degrees, and what each computes on the image's
    window at ``position``: cross-correlation (what Conv2D does) multiplies by K, true
    convolution by the turned kernel. Taught in notebook 02, section 2."""
    img = _grid_values(image, "image")
    ker = _grid_values(kernel, "kernel", max_side=_MAX_KERNEL)
    r, c = _fits(img, ker, position)
    kh, kw = ker.shape
    turned = np.rot90(ker, 2)
    window = img[r : r + kh, c : c + kw]
    names = [[f"K[{i},{j}]" for j in range(kw)] for i in range(kh)]
    turned_names = [[f"K[{kh - 1 - i},{kw - 1 - j}]" for j in range(kw)] for i in range(kh)]
    limits = _signed_limits(window * ker, ker)

    fig = CourseFigure(
        figsize=(_CELL * 3 * max(kw, 3) + 2.4, 2 * _CELL * kh + 2.2), layout="constrained"
    )
    axes = fig.subplots(2, 3)
    _draw_grid(axes[0, 0], ker, limits=limits, label="kernel", title="kernel K", sublabels=names)
    _symbol(axes[0, 1], "turn by 180°\n(flip up-down\nand left-right)\n→", fontsize=10)
    _draw_grid(
        axes[0, 2],
        turned,
        limits=limits,
        label="turned kernel",
        title="K turned by 180°",
        sublabels=turned_names,
    )
    _draw_grid(axes[1, 0], window, label="window", title=f"window of I under R[{r}, {c}]")
    for ax, weights, label, what in [
        (axes[1, 1], ker, "cross-correlation", "K"),
        (axes[1, 2], turned, "convolution", "turned K"),
    ]:
        terms = [
            [f"{_number(window[i, j])}×{_number(weights[i, j])}" for j in range(kw)]
            for i in range(kh)
        ]
        _draw_grid(
            ax,
            window * weights,
            limits=limits,
            label=label,
            sublabels=terms,
            title=(
                "cross-correlation (Conv2D):"
                if label == "cross-correlation"
                else "true convolution:"
            )
            + f"\nsum of window × {what} = {_number(np.sum(window * weights))}",
        )
        for i, j in np.argwhere(weights != 0):
            _outline(ax, int(i), int(j), 1, 1, "non-zero weight")
    fig.suptitle(
        title or "Cross-correlation and convolution differ only by the turn of the kernel",
        fontsize=10,
    )
    return fig


def separability(column, row, image=None, *, title: str | None = None):
    """A separable kernel as the outer product ``column x row``; with ``image``, also the
    two passes (the column down, then the row across) that give the same result as one
    pass with the full kernel. Taught in notebook 02, section 6."""
    col = _grid_values(column, "column", ndim=1, max_side=_MAX_KERNEL)
    rw = _grid_values(row, "row", ndim=1, max_side=_MAX_KERNEL)
    full = np.outer(col, rw)
    img = None if image is None else _grid_values(image, "image")
    if img is not None and (len(col) > img.shape[0] or len(rw) > img.shape[1]):
        raise ValueError(
            f"The kernel must fit inside the image. Received: kernel {full.shape}, "
            f"image {img.shape}"
        )

    top_widths = [1.0, 0.8, len(rw), 0.8, len(rw)]
    width = _CELL * (sum(top_widths) if img is None else 3 * img.shape[1] + 3.2) + 1.0
    height = _CELL * len(col) + 1.4 + (0 if img is None else _CELL * img.shape[0] + 1.6)
    fig = CourseFigure(figsize=(max(width, 5.0), height), layout="constrained")
    top, bottom = (
        (fig, None)
        if img is None
        else fig.subfigures(2, 1, height_ratios=[len(col) + 2.5, img.shape[0] + 3.0])
    )
    if img is not None:  # pad the top row so that its cells are as large as the bottom row's
        side = max(0.0, (2 * img.shape[1] + 3.2 + img.shape[1] - len(rw) + 1 - sum(top_widths)) / 2)
        top_widths = [side, *top_widths, side]
    axes = top.subplots(1, len(top_widths), gridspec_kw={"width_ratios": top_widths})
    if img is not None:
        for ax in (axes[0], axes[-1]):
            ax.remove()
        axes = axes[1:-1]
    limits = _signed_limits(full, col, rw)
    _draw_grid(
        axes[0], col[:, None], limits=limits, label="column", title=f"column\n({len(col)} x 1)"
    )
    _symbol(axes[1], "×")
    _draw_grid(axes[2], rw[None, :], limits=limits, label="row", title=f"row (1 x {len(rw)})")
    _symbol(axes[3], "=")
    _draw_grid(
        axes[4], full, limits=limits, label="kernel", title=f"kernel ({len(col)} x {len(rw)})"
    )
    if img is not None:
        down = sum(w * img[i : i + img.shape[0] - len(col) + 1, :] for i, w in enumerate(col))
        across = sum(w * down[:, j : j + down.shape[1] - len(rw) + 1] for j, w in enumerate(rw))
        ax = bottom.subplots(
            1,
            5,
            gridspec_kw={"width_ratios": [img.shape[1], 1.6, img.shape[1], 1.6, across.shape[1]]},
        )
        _draw_grid(ax[0], img, label="image", title=f"image ({img.shape[0]} x {img.shape[1]})")
        _symbol(ax[1], f"pass 1:\ncolumn\n({len(col)} x 1)\n→", fontsize=9)
        _draw_grid(
            ax[2],
            down,
            limits=_signed_limits(down),
            label="after the column",
            title=f"after pass 1\n({down.shape[0]} x {down.shape[1]})",
        )
        _symbol(ax[3], f"pass 2:\nrow\n(1 x {len(rw)})\n→", fontsize=9)
        _draw_grid(
            ax[4],
            across,
            limits=_signed_limits(across),
            label="after the row",
            title=f"after pass 2 ({across.shape[0]} x {across.shape[1]})\n"
            "= one pass with the kernel",
        )
        bottom.suptitle(
            f"two passes: {len(col)} + {len(rw)} = {len(col) + len(rw)} "
            f"multiplications per output instead of {full.size}",
            fontsize=10,
        )
    top.suptitle(title or "a separable kernel is a column times a row", fontsize=10)
    return fig


def weight_matrix(matrix, *, title: str | None = None):
    """A convolution written as a matrix W (one row per output pixel, one column per input
    pixel), on a colour scale centred on zero, with a colour bar. Taught in notebook 02,
    section 7."""
    w = np.asarray(matrix, dtype=float)
    if w.ndim != 2 or w.size == 0:
        raise ValueError(f"matrix must be a non-empty 2-D array. Received: shape {w.shape}")
    if not np.all(np.isfinite(w)):
        raise ValueError("matrix must hold finite numbers. Received: an array with NaN or inf")
    fig = CourseFigure(figsize=(7.5, 1.6 + 5.0 * w.shape[0] / max(w.shape)), layout="constrained")
    ax = fig.subplots()
    lo, hi = _signed_limits(w)
    shown = ax.imshow(w, cmap="RdBu_r", vmin=lo, vmax=hi, interpolation="nearest")
    ax.set_xlabel("input pixel index (r * width + c): one column of W per pixel")
    ax.set_ylabel("output pixel index\n(one row of W per neuron)")
    ax.set_label("matrix")
    fig.colorbar(shown, ax=ax, label="weight", shrink=0.85)
    ax.set_title(title or f"W: {w.shape[0]} x {w.shape[1]}", fontsize=10)
    return fig
