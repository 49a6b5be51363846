"""Pictures for notebook 04 (pooling): how max pooling's backward pass routes gradients.

``max_pool_routing(x, dout, size, stride)`` draws three panels side by side: the input map
with its pooling windows outlined, the pooled output with the gradient ``dout`` that arrives
at each output, and the input gradient, with one arrow per window from its output to the
input that wins it. Where windows overlap, one input can win several windows: several
arrows then end on it and its gradient is their sum.

The routing is TensorFlow's (``cnn_course_kit.reference.max_pool_gradient_tf``: the first maximum
in reading order on a tie), so the picture shows what a framework does, not a second
hand-written implementation.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import ConnectionPatch, Rectangle

from cnn_course_kit.plots import CourseFigure

MAX_SIDE = 10  # larger maps leave no room for the numbers in the cells
MAX_WINDOWS = 10  # one colour per window, from matplotlib's tab10


def _number(v: float) -> str:
    return f"{v:g}" if float(v).is_integer() else f"{v:.2f}"


def _sum(parts) -> str:
    """'1+2', '3-1': the contributions that add up in one input's gradient."""
    return _number(parts[0]) + "".join(("+" if p >= 0 else "") + _number(p) for p in parts[1:])


def _grid(ax, shape, title: str) -> None:
    ax.set_xlim(-0.5, shape[1] - 0.5)
    ax.set_ylim(shape[0] - 0.5, -0.5)
    ax.set_aspect("equal")
    ax.set_xticks(range(shape[1]))
    ax.set_yticks(range(shape[0]))
    ax.set_xticks(np.arange(shape[1] + 1) - 0.5, minor=True)
    ax.set_yticks(np.arange(shape[0] + 1) - 0.5, minor=True)
    ax.grid(which="minor", color="0.75", lw=0.8)
    ax.tick_params(which="both", length=0, labelsize=8)
    ax.set_xlabel("column", fontsize=8)
    ax.set_ylabel("row", fontsize=8)
    ax.set_title(title, fontsize=9)


def _routes(x, dout, size, stride):
    """(row, column) of the input that each output's gradient reaches, by TensorFlow."""
    from cnn_course_kit.reference import max_pool_gradient_tf

    routes = {}
    for r, c in np.ndindex(dout.shape):
        one = np.zeros(dout.shape)
        one[r, c] = 1.0
        grad = max_pool_gradient_tf(x, one, size, stride)
        routes[r, c] = tuple(int(i) for i in np.argwhere(grad == 1.0)[0])
    return routes


def max_pool_routing(x, dout, size: int, stride: int | None = None):
    """Draw max pooling's backward pass on a small 2-D map: windows, outputs with their
    ``dout``, and one arrow per window to the input that receives the gradient.

    ``x`` is the forward pass's input (at most 10 x 10), ``dout`` the gradient of the
    pooled output (its shape must be the pooled shape), ``stride=None`` means ``size``.
    Returns the figure.
    """
    x = np.asarray(x, dtype=float)
    dout = np.asarray(dout, dtype=float)
    stride = size if stride is None else stride
    if x.ndim != 2 or dout.ndim != 2:
        raise ValueError(
            f"x and dout must be 2-D maps. Received: shapes {x.shape} and {dout.shape}"
        )
    if min(size, stride) <= 0 or size > min(x.shape):
        raise ValueError(
            "the diagram needs a window (size >= 1, stride >= 1) that fits the map. "
            f"Received: size={size}, stride={stride}, map {x.shape}"
        )
    if max(x.shape) > MAX_SIDE:
        raise ValueError(
            f"the map is too large to label: at most {MAX_SIDE} x {MAX_SIDE}. "
            f"Received: shape {x.shape}"
        )
    pooled = ((x.shape[0] - size) // stride + 1, (x.shape[1] - size) // stride + 1)
    if dout.shape != pooled:
        raise ValueError(f"dout must have the pooled shape {pooled}. Received: {dout.shape}")
    if dout.size > MAX_WINDOWS:
        raise ValueError(
            f"at most {MAX_WINDOWS} windows can be told apart by colour. "
            f"Received: {dout.size} windows"
        )

    routes = _routes(x, dout, size, stride)
    dx = np.zeros(x.shape)
    received: dict[tuple[int, int], list[float]] = {}
    for (r, c), (i, j) in routes.items():
        dx[i, j] += dout[r, c]
        received.setdefault((i, j), []).append(dout[r, c])

    import matplotlib

    colours = [matplotlib.colormaps["tab10"](k) for k in range(MAX_WINDOWS)]
    widths = [x.shape[1], dout.shape[1], x.shape[1]]
    fig = CourseFigure(figsize=(2.4 + 0.75 * sum(widths), 0.75 * x.shape[0] + 1.0))
    ax_x, ax_y, ax_dx = fig.subplots(1, 3, gridspec_kw={"width_ratios": widths, "wspace": 0.45})
    fig.subplots_adjust(left=0.05, right=0.98, bottom=0.12, top=0.8)
    _grid(ax_x, x.shape, f"forward: input x, {size}x{size} windows, stride {stride}")
    _grid(ax_y, dout.shape, "output y = max of each window\nand the gradient dout it receives")
    _grid(ax_dx, x.shape, "backward: dx, each dout sent to\nits window's (first) maximum")

    winners = set(routes.values())
    for (i, j), v in np.ndenumerate(x):
        ax_x.text(
            j,
            i,
            _number(v),
            ha="center",
            va="center",
            fontsize=10,
            fontweight="bold" if (i, j) in winners else "normal",
        )
    for k, ((r, c), (i, j)) in enumerate(routes.items()):
        colour = colours[k]
        inset = 0.06 + 0.05 * k  # nested outlines stay visible where windows overlap
        top, left = r * stride, c * stride
        ax_x.add_patch(
            Rectangle(
                (left - 0.5 + inset, top - 0.5 + inset),
                size - 2 * inset,
                size - 2 * inset,
                fill=False,
                ec=colour,
                lw=2.2,
            )
        )
        ax_y.add_patch(Rectangle((c - 0.5, r - 0.5), 1, 1, fc=colour, alpha=0.3, ec="none"))
        ax_y.text(
            c,
            r,
            f"y={_number(x[i, j])}\ndout={_number(dout[r, c])}",
            ha="center",
            va="center",
            fontsize=8,
        )
        fig.add_artist(
            ConnectionPatch(
                xyA=(c + 0.45, r + 0.3),
                coordsA="data",
                axesA=ax_y,
                xyB=(j - 0.45, i),
                coordsB="data",
                axesB=ax_dx,
                arrowstyle="-|>",
                color=colour,
                lw=1.6,
                shrinkA=2,
                shrinkB=2,
                mutation_scale=12,
            )
        )
    for (i, j), v in np.ndenumerate(dx):
        parts = received.get((i, j), [])
        if parts:
            ax_dx.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fc="#ffe08a", ec="none"))
        label = _number(v) if len(parts) < 2 else _sum(parts) + f"\n={_number(v)}"
        ax_dx.text(
            j,
            i,
            label,
            ha="center",
            va="center",
            fontsize=9 if len(parts) < 2 else 8,
            color="black" if parts else "0.55",
        )
    fig.suptitle(
        "Max pooling's backward pass: each window's gradient goes to one input; "
        "overlapping windows add up",
        fontsize=10,
    )
    return fig
