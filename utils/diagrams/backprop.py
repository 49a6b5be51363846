"""Pictures for notebook 05 (training CNNs): the backward pass of a valid, stride-1
cross-correlation ``out = correlate2d_valid(x, w)``, one gradient entry at a time.

* ``weight_gradient(x, dout, weight)``: the gradient of one kernel weight ``w[i, j]`` collects
  ``dout[r, c] * x[r + i, c + j]`` over every window position ``(r, c)``. Those inputs form a
  block of ``x`` as large as ``dout``, so ``dout`` slides over ``x`` like a kernel:
  ``dL/dw = correlate2d_valid(x, dout)``.
* ``input_gradient(dout, w, pixel)``: the gradient of one input pixel ``x[p, q]`` collects
  ``dout[r, c] * w[p - r, q - c]`` from every window that covers it. Padding ``dout`` with
  ``k - 1`` zeros on each side and sliding the kernel turned by 180 degrees finds exactly those
  windows (the "full" convolution of ``dout`` with ``w``).

The grids are drawn with notebook 02's helpers (``cnn_course_kit.diagrams.convolution``): every cell
carries its number, in a colour that reads on the cell; each axes has a label (``"x"``,
``"dout"``, ``"products"``, ``"dw"``, ``"padded dout"``, ``"turned kernel"``, ``"dx"``) so a
test can find it. Each function returns a :class:`~cnn_course_kit.plots.CourseFigure`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Rectangle

from cnn_course_kit.diagrams.convolution import (
    _CELL,
    _MAX_KERNEL,
    _draw_grid,
    _grid_values,
    _number,
    _outline,
    _signed_limits,
    _symbol,
)
from cnn_course_kit.plots import CourseFigure
from cnn_course_kit.reference import correlate2d_valid

_MAX_SIDE = 8  # every cell carries a number and a sub-label
_MAX_PADDED = 12  # dout with k - 1 zeros on each side


def _position(position, limits, what: str) -> tuple[int, int]:
    try:
        r, c = (int(p) for p in position)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be a pair (row, column). Received: {position!r}") from None
    if not (0 <= r < limits[0] and 0 <= c < limits[1]):
        raise ValueError(
            f"{what} must lie in rows 0..{limits[0] - 1} and columns "
            f"0..{limits[1] - 1}. Received: {position!r}"
        )
    return r, c


def weight_gradient(x, dout, weight=(0, 0), *, title: str | None = None):
    """How the gradient of one kernel weight ``w[i, j]`` (``weight=(i, j)``) adds up
    ``dout[r, c] * x[r + i, c + j]`` over every window position ``(r, c)``: the input ``x``
    with that block outlined, ``dout``, their products (one per window position) and the
    whole ``dw = correlate2d_valid(x, dout)`` with the entry outlined.

    The kernel's shape follows from the shapes: ``x.shape - dout.shape + 1``.
    Taught in notebook 05, section 1."""
    img = _grid_values(x, "x", max_side=_MAX_SIDE)
    grad = _grid_values(dout, "dout", max_side=_MAX_SIDE)
    kh, kw = img.shape[0] - grad.shape[0] + 1, img.shape[1] - grad.shape[1] + 1
    if kh < 1 or kw < 1:
        raise ValueError(
            f"dout must be at most as large as x (a valid correlation's output). "
            f"Received: x {img.shape}, dout {grad.shape}"
        )
    if max(kh, kw) > _MAX_KERNEL:
        raise ValueError(
            f"the kernel x.shape - dout.shape + 1 = {(kh, kw)} is too large to draw: "
            f"at most {_MAX_KERNEL} x {_MAX_KERNEL}"
        )
    i, j = _position(weight, (kh, kw), "weight")
    oh, ow = grad.shape
    block = img[i : i + oh, j : j + ow]
    products = block * grad
    dw = correlate2d_valid(img, grad)
    windows = [[f"window {r},{c}" for c in range(ow)] for r in range(oh)]

    widths = [img.shape[1], 0.9, ow, 0.9, ow, 1.2, kw]
    fig = CourseFigure(
        figsize=(_CELL * 1.25 * sum(widths) + 0.8, _CELL * 1.25 * img.shape[0] + 1.6),
        layout="constrained",
    )
    axes = fig.subplots(1, 7, gridspec_kw={"width_ratios": widths})
    _draw_grid(
        axes[0],
        img,
        limits=_signed_limits(img),
        label="x",
        title=f"input x\nw[{i}, {j}] meets x[{i}:{i + oh}, {j}:{j + ow}]",
    )
    axes[0].set_xlabel("column", fontsize=8)
    axes[0].set_ylabel("row", fontsize=8)
    _outline(axes[0], i, j, oh, ow, "block")
    _symbol(axes[1], "×")
    _draw_grid(
        axes[2],
        grad,
        limits=_signed_limits(grad),
        label="dout",
        title="dout = dL/d(out)\none per window",
    )
    _symbol(axes[3], "=")
    _draw_grid(
        axes[4],
        products,
        limits=_signed_limits(products),
        label="products",
        sublabels=windows,
        title=f"dout · x[r+{i}, c+{j}]\nsum = {_number(products.sum())}",
    )
    _symbol(axes[5], "sum\n→", fontsize=13)
    _draw_grid(
        axes[6],
        dw,
        limits=_signed_limits(dw),
        label="dw",
        title=f"dL/dw\ndw[{i}, {j}] = {_number(dw[i, j])}",
    )
    _outline(axes[6], i, j, 1, 1, "entry")
    fig.suptitle(
        title
        or f"dL/dw[{i}, {j}] = Σ over the {grad.size} window positions (r, c) of "
        f"dout[r, c] · x[r + {i}, c + {j}]: dout slides over x like a kernel",
        fontsize=10,
    )
    return fig


def input_gradient(dout, w, pixel=(0, 0), *, title: str | None = None):
    """How the gradient of one input pixel ``x[p, q]`` (``pixel=(p, q)``) adds up
    ``dout[r, c] * w[p - r, q - c]`` over the windows that cover it: ``dout`` padded with
    ``k - 1`` zeros on each side (the padding hatched), the kernel turned by 180 degrees
    outlined where it lands for that pixel, the products (each real cell is one covering
    window, named by its position), and the whole ``dx`` with the pixel outlined.

    The input's shape follows from the shapes: ``dout.shape + w.shape - 1``.
    Taught in notebook 05, section 1."""
    grad = _grid_values(dout, "dout", max_side=_MAX_SIDE)
    ker = _grid_values(w, "w", max_side=_MAX_KERNEL)
    kh, kw = ker.shape
    oh, ow = grad.shape
    h, wd = oh + kh - 1, ow + kw - 1
    if max(h + kh - 1, wd + kw - 1) > _MAX_PADDED:
        raise ValueError(
            f"the padded dout {(h + kh - 1, wd + kw - 1)} is too large to draw: "
            f"at most {_MAX_PADDED} x {_MAX_PADDED}. Received: dout {grad.shape}, "
            f"w {ker.shape}"
        )
    p, q = _position(pixel, (h, wd), "pixel")
    padded = np.pad(grad, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
    turned = np.rot90(ker, 2)
    window = padded[p : p + kh, q : q + kw]
    products = window * turned
    dx = correlate2d_valid(padded, turned)
    real = np.zeros(padded.shape, dtype=bool)
    real[kh - 1 : kh - 1 + oh, kw - 1 : kw - 1 + ow] = True
    names = [
        [
            (f"window {p + a - kh + 1},{q + b - kw + 1}" if real[p + a, q + b] else "padding")
            for b in range(kw)
        ]
        for a in range(kh)
    ]
    covering = int(real[p : p + kh, q : q + kw].sum())

    widths = [padded.shape[1], 0.9, kw, 0.9, kw, 1.2, wd]
    fig = CourseFigure(
        figsize=(_CELL * 1.25 * sum(widths) + 0.8, _CELL * 1.25 * padded.shape[0] + 1.6),
        layout="constrained",
    )
    axes = fig.subplots(1, 7, gridspec_kw={"width_ratios": widths})
    _draw_grid(
        axes[0],
        padded,
        limits=_signed_limits(grad),
        label="padded dout",
        title=f"dout padded with {kh - 1} x {kw - 1} zeros\n(hatched: padding)",
    )
    for (r, c), is_real in np.ndenumerate(real):
        if not is_real:
            axes[0].add_patch(
                Rectangle(
                    (c - 0.5, r - 0.5),
                    1,
                    1,
                    fill=False,
                    hatch="///",
                    edgecolor="0.6",
                    linewidth=0,
                    label="padding",
                )
            )
    axes[0].set_xlabel("column", fontsize=8)
    axes[0].set_ylabel("row", fontsize=8)
    _outline(axes[0], p, q, kh, kw, "window")
    _symbol(axes[1], "×")
    _draw_grid(
        axes[2],
        turned,
        limits=_signed_limits(ker),
        label="turned kernel",
        title="w turned\nby 180°",
    )
    _symbol(axes[3], "=")
    _draw_grid(
        axes[4],
        products,
        limits=_signed_limits(products, ker),
        label="products",
        sublabels=names,
        title=f"{covering} covering window{'s' * (covering != 1)}\nsum = {_number(products.sum())}",
    )
    _symbol(axes[5], "sum\n→", fontsize=13)
    _draw_grid(
        axes[6],
        dx,
        limits=_signed_limits(dx),
        label="dx",
        title=f"dL/dx\ndx[{p}, {q}] = {_number(dx[p, q])}",
    )
    _outline(axes[6], p, q, 1, 1, "pixel")
    fig.suptitle(
        title
        or f"dL/dx[{p}, {q}]: every window that covers x[{p}, {q}] sends back "
        f"dout · w; pad dout with k - 1 zeros and slide w turned by 180° to "
        f"find them all",
        fontsize=10,
    )
    return fig
