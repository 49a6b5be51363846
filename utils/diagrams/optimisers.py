"""Pictures for notebook 05 (training CNNs, section 6): how optimisers move.

``loss_paths(loss, paths, xlim, ylim)`` draws the contour lines of a two-parameter loss and,
on top, the path each optimiser took: one coloured line per optimiser, a circle where it
started, a square where it stopped, and (``minimum=``) a star at the minimum.
``loss_curves(curves)`` draws the loss of several training runs against the step, one line
each, on one axis (logarithmic by default), so optimisers can be compared run for run.

Lines carry ``gid`` tags (``"path"``, ``"start"``, ``"end"``, ``"minimum"``, ``"curve"``) so
a test can count what was drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from cnn_course_kit.plots import CourseFigure

MAX_LINES = 10  # one colour each, from matplotlib's tab10


def _limits(lim, name: str) -> tuple[float, float]:
    try:
        low, high = (float(v) for v in lim)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a pair (low, high). Received: {lim!r}") from None
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"{name} must be two finite numbers, low < high. Received: {lim!r}")
    return low, high


def _check_count(items: Mapping, what: str) -> None:
    if not isinstance(items, Mapping) or not items:
        raise ValueError(f"{what} must be a non-empty dict {{label: values}}. Received: {items!r}")
    if len(items) > MAX_LINES:
        raise ValueError(
            f"at most {MAX_LINES} {what} can be told apart by colour. Received: {len(items)}"
        )


def loss_paths(
    loss: Callable,
    paths: Mapping,
    xlim,
    ylim,
    *,
    minimum=None,
    levels: int = 14,
    title: str = "Optimiser paths on a loss surface",
    xlabel: str = "parameter 1",
    ylabel: str = "parameter 2",
    resolution: int = 200,
):
    """Contours of ``loss(X, Y)`` (it must accept NumPy grids) over ``xlim`` x ``ylim``, and one
    path per entry of ``paths`` ({label: array of shape (steps + 1, 2)}, the first row being
    the start). Levels are spaced logarithmically when the loss is positive. Returns the figure.
    """
    if not callable(loss):
        raise ValueError(f"loss must be a function loss(X, Y). Received: {type(loss).__name__}")
    _check_count(paths, "paths")
    (x0, x1), (y0, y1) = _limits(xlim, "xlim"), _limits(ylim, "ylim")
    if levels < 2 or resolution < 10:
        raise ValueError(
            f"need levels >= 2 and resolution >= 10. Received: levels={levels}, "
            f"resolution={resolution}"
        )
    arrays = {}
    for label, path in paths.items():
        arr = np.asarray(path, dtype=float)
        if arr.ndim != 2 or arr.shape[1] != 2 or len(arr) < 1:
            raise ValueError(
                f"path {label!r} must have shape (steps + 1, 2). Received: {arr.shape}"
            )
        if not np.isfinite(arr).all():
            raise ValueError(f"path {label!r} has values that are not finite: did it diverge?")
        arrays[str(label)] = arr
    grid_x, grid_y = np.meshgrid(np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution))
    surface = np.asarray(loss(grid_x, grid_y), dtype=float)
    if surface.shape != grid_x.shape or not np.isfinite(surface).all():
        raise ValueError(
            "loss(X, Y) must return finite values with the shape of its inputs. "
            f"Received: shape {surface.shape}"
        )

    import matplotlib

    fig = CourseFigure(figsize=(9.6, 5.6))
    ax = fig.subplots()
    if surface.min() > 0:
        steps = np.geomspace(surface.min(), surface.max(), levels)
        norm = matplotlib.colors.LogNorm(steps[0], steps[-1])
    else:
        steps = np.linspace(surface.min(), surface.max(), levels)
        norm = None
    ax.contourf(
        grid_x, grid_y, surface, levels=steps, cmap="Greys_r", norm=norm, alpha=0.35, extend="both"
    )
    contours = ax.contour(grid_x, grid_y, surface, levels=steps, colors="0.35", linewidths=0.7)
    ax.clabel(contours, contours.levels[::3], fontsize=7, fmt="%.2g", colors="black")
    colours = [matplotlib.colormaps["tab10"](k) for k in range(MAX_LINES)]
    for k, (label, arr) in enumerate(arrays.items()):
        colour = colours[k]
        ax.plot(
            arr[:, 0],
            arr[:, 1],
            "-",
            color=colour,
            lw=1.6,
            marker=".",
            ms=3,
            label=label,
            gid="path",
            zorder=3,
        )
        ax.plot(*arr[0], "o", color=colour, ms=9, mfc="white", mew=2, gid="start", zorder=4)
        ax.plot(*arr[-1], "s", color=colour, ms=8, mec="black", gid="end", zorder=5)
    ax.plot([], [], "o", color="0.3", mfc="white", mew=2, label="start")
    ax.plot([], [], "s", color="0.3", mec="black", label="end")
    if minimum is not None:
        mx, my = (float(v) for v in minimum)
        ax.plot(
            mx, my, "*", color="gold", mec="black", ms=16, label="minimum", gid="minimum", zorder=2
        )
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0)
    fig.tight_layout()
    return fig


def loss_curves(
    curves: Mapping,
    *,
    steps=None,
    log: bool = True,
    xlabel: str = "step",
    ylabel: str = "training loss",
    title: str = "Training loss by optimiser",
):
    """One line per run: ``curves`` is {label: 1-D array of losses}; ``steps`` (optional) gives
    the step number of each value (default 1, 2, ...). Returns the figure."""
    _check_count(curves, "curves")
    values = {}
    for label, curve in curves.items():
        arr = np.asarray(curve, dtype=float)
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(
                f"curve {label!r} must be a non-empty 1-D sequence. Received: shape {arr.shape}"
            )
        if log and (arr <= 0).any():
            raise ValueError(
                f"curve {label!r} has values <= 0, which a log scale cannot show: pass log=False"
            )
        values[str(label)] = arr
    fig = CourseFigure(figsize=(6.8, 4.0))
    ax = fig.subplots()
    for label, arr in values.items():
        xs = np.arange(1, arr.size + 1) if steps is None else np.asarray(steps, dtype=float)
        if xs.shape != arr.shape:
            raise ValueError(f"steps has shape {xs.shape} but curve {label!r} has {arr.shape}")
        ax.plot(xs, arr, "-", lw=1.8, label=label, gid="curve")
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig
