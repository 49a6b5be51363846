"""Pictures for notebook 09 (hybrid fusion), section 3: the HOG recipe (Dalal & Triggs, 2005).

Both functions draw arrays the notebook has already computed (the student's own cell histograms
and normalised blocks); nothing here computes a histogram.

* ``recipe(image, cells, blocks, cell=..., at=(r, c))``: three panels. (1) the grey image with
  its grid of ``cell x cell`` pixel cells, the block whose top-left cell is ``at`` outlined and
  its cells filled, one colour each; (2) the top-left cell's orientation histogram, one bar per
  bin, each labelled with the angles it covers; (3) the block's vector: its cells' histograms one
  after the other in row-major order, divided by the block's L2 norm, in the colours of panel 1.
  Patches carry the ``gid`` ``"cell"`` (the block's cells), ``"block"`` (the block's outline),
  ``"bin"`` (panel 2's bars) and ``"block_value"`` (panel 3's bars); the grid lines are one
  ``LineCollection`` with the ``gid`` ``"grid"``.
* ``glyphs(image, cell_sets, cell=...)``: one panel per set of cell histograms, on black; in
  every cell a line per bin along the EDGE (at right angles to the bin's middle gradient
  orientation), brighter the larger the bin (opacity: the square root of the bin's share of the
  panel's largest bin, so strong edges stand out and flat regions stay dark), the picture
  skimage's ``hog(..., visualize=True)`` draws. Each panel's lines are one ``LineCollection``
  with the ``gid`` ``"glyphs"``; ``image`` gives the size and is checked against the cells.

Image coordinates: x grows to the right (columns), y grows DOWN (rows), so an orientation of
90 degrees is a gradient pointing down, as in notebook 02.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.patches import Rectangle

from cnn_course_kit.plots import CourseFigure

CELL_COLOURS = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
)


def _grey(image) -> np.ndarray:
    image = np.asarray(image, dtype=float)
    if image.ndim != 2:
        raise ValueError(f"image must be a grey (H, W) array. Received the shape {image.shape}")
    return image


def _check_cells(image, cells, cell, name="cells") -> np.ndarray:
    cells = np.asarray(cells, dtype=float)
    if isinstance(cell, bool) or not isinstance(cell, (int, np.integer)) or cell < 1:
        raise ValueError(f"cell must be a positive whole number of pixels. Received: {cell!r}")
    expected = (image.shape[0] // cell, image.shape[1] // cell)
    if cells.ndim != 3 or cells.shape[:2] != expected or cells.shape[2] < 1:
        raise ValueError(
            f"{name} must have the shape (H // cell, W // cell, bins) = {expected + ('bins',)} "
            f"for an image of {image.shape} and cell={cell}. Received the shape {cells.shape}"
        )
    if not np.isfinite(cells).all() or (cells < 0).any():
        raise ValueError(f"{name} must hold finite, non-negative sums of gradient magnitude")
    return cells


def _bin_labels(bins: int) -> list[str]:
    width = 180 / bins
    return [f"{b * width:g}-{(b + 1) * width:g}" for b in range(bins)]


def recipe(
    image,
    cells,
    blocks,
    *,
    cell: int = 8,
    at: tuple[int, int] = (0, 0),
    title: str = "HOG in three steps: cells, one cell's histogram, one normalised block",
):
    """The HOG recipe on an image: its cell grid, one cell's histogram and the normalised block
    whose top-left cell is ``at`` (see the module docstring). Returns the figure."""
    image = _grey(image)
    cells = _check_cells(image, cells, cell)
    (ny, nx), bins = cells.shape[:2], cells.shape[2]
    blocks = np.asarray(blocks, dtype=float)
    if blocks.ndim != 3 or blocks.shape[2] % bins or blocks.shape[2] < bins:
        raise ValueError(
            f"blocks must be (ny - block + 1, nx - block + 1, block * block * {bins}). "
            f"Received the shape {blocks.shape}"
        )
    block = int(round(np.sqrt(blocks.shape[2] // bins)))
    if block * block * bins != blocks.shape[2] or blocks.shape[:2] != (
        ny - block + 1,
        nx - block + 1,
    ):
        raise ValueError(
            f"blocks of shape {blocks.shape} do not fit {ny} x {nx} cells of {bins} bins "
            "(expected (ny - block + 1, nx - block + 1, block * block * bins))"
        )
    r, c = (int(v) for v in at)
    if not (0 <= r < blocks.shape[0] and 0 <= c < blocks.shape[1]):
        raise ValueError(
            f"at must be a block position, (0, 0) to {(blocks.shape[0] - 1, blocks.shape[1] - 1)}. "
            f"Received: {at!r}"
        )

    fig = CourseFigure(figsize=(14.0, 4.8))
    grid_ax, cell_ax, block_ax = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1.25, 1.2, 2.0]})
    grid_ax.imshow(image, cmap="gray")
    h, w = ny * cell, nx * cell
    segments = [[(x - 0.5, -0.5), (x - 0.5, h - 0.5)] for x in range(0, w + 1, cell)] + [
        [(-0.5, y - 0.5), (w - 0.5, y - 0.5)] for y in range(0, h + 1, cell)
    ]
    grid_ax.add_collection(
        LineCollection(segments, colors="#ffff66", linewidths=0.5, alpha=0.8, gid="grid")
    )
    grid_ax.add_patch(
        Rectangle(
            (c * cell - 0.5, r * cell - 0.5),
            block * cell,
            block * cell,
            facecolor="none",
            edgecolor="#ff3333",
            lw=2.0,
            zorder=3,
            gid="block",
        )
    )
    grid_ax.set_title(
        f"1. {ny} x {nx} cells of {cell} x {cell} pixels;\nred: the {block} x {block} "
        f"block at cell ({r}, {c}), its cells coloured",
        fontsize=9,
    )
    grid_ax.set_xlabel("x (columns)")
    grid_ax.set_ylabel("y (rows, growing down)")

    for which in range(block * block):
        i, j = r + which // block, c + which % block
        grid_ax.add_patch(
            Rectangle(
                (j * cell - 0.5, i * cell - 0.5),
                cell,
                cell,
                alpha=0.55,
                facecolor=CELL_COLOURS[which % len(CELL_COLOURS)],
                edgecolor="none",
                gid="cell",
            )
        )
    for b, value in enumerate(cells[r, c]):
        cell_ax.bar(b, value, color=CELL_COLOURS[0], edgecolor="black", lw=0.5, gid="bin")
    cell_ax.set_xticks(range(bins), _bin_labels(bins), rotation=45, ha="right", fontsize=7)
    cell_ax.set_xlabel("unsigned gradient orientation (degrees, bin range)")
    cell_ax.set_ylabel("sum of gradient magnitudes")
    cell_ax.set_title(
        f"2. cell ({r}, {c}): each pixel adds its magnitude\nto the bin of its orientation",
        fontsize=9,
    )
    cell_ax.grid(axis="y", alpha=0.3)

    vector = blocks[r, c]
    for k, value in enumerate(vector):
        which = k // bins
        block_ax.bar(
            k, value, color=CELL_COLOURS[which % len(CELL_COLOURS)], width=0.85, gid="block_value"
        )
    top = max(float(vector.max()), 1e-12)
    for which in range(block * block):
        block_ax.text(
            which * bins + (bins - 1) / 2,
            top * 1.08,
            f"cell ({r + which // block}, {c + which % block})",
            ha="center",
            va="bottom",
            fontsize=8,
            color=CELL_COLOURS[which % len(CELL_COLOURS)],
        )
        if which:
            block_ax.axvline(which * bins - 0.5, color="grey", lw=0.6, ls=":")
    block_ax.set_ylim(0, top * 1.25)
    block_ax.set_xlim(-0.7, block * block * bins - 0.3)
    block_ax.set_xlabel(
        f"position in the block's vector ({block} x {block} cells x {bins} bins, row-major)"
    )
    block_ax.set_ylabel("value / L2 norm of the block")
    block_ax.set_title(
        f"3. the block's {block * block} histograms, concatenated and divided by their "
        f"L2 norm\n(length of this vector: {np.sqrt(np.sum(vector**2)):.3f})",
        fontsize=9,
    )
    block_ax.grid(axis="y", alpha=0.3)
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def glyphs(
    image,
    cell_sets: Mapping,
    *,
    cell: int = 8,
    title: str = "Cell histograms as glyphs: one line per bin, along the edge",
):
    """One panel per ``{label: cells}`` entry: in every cell one line per bin at right angles to the
    bin's middle orientation, brighter the larger the bin (see the module docstring). Returns the
    figure."""
    image = _grey(image)
    if not isinstance(cell_sets, Mapping) or not cell_sets:
        raise ValueError(
            f"cell_sets must be a non-empty dict {{label: cells}}. Received: {type(cell_sets).__name__}"
        )
    checked = {
        str(label): _check_cells(image, cells, cell, name=f"cells {label!r}")
        for label, cells in cell_sets.items()
    }
    fig = CourseFigure(figsize=(3.6 * len(checked) + 0.4, 4.6))
    axes = np.atleast_1d(fig.subplots(1, len(checked)))
    for ax, (label, cells) in zip(axes, checked.items()):
        (ny, nx), bins = cells.shape[:2], cells.shape[2]
        middle = (
            np.radians((np.arange(bins) + 0.5) * 180 / bins) + np.pi / 2
        )  # the edge's direction
        share = cells / cells.max() if cells.max() > 0 else cells
        segments, colours = [], []
        for (i, j, b), value in np.ndenumerate(share):
            if value <= 0:
                continue
            cy, cx = i * cell + (cell - 1) / 2, j * cell + (cell - 1) / 2
            dx, dy = 0.45 * cell * np.cos(middle[b]), 0.45 * cell * np.sin(middle[b])
            segments.append([(cx - dx, cy - dy), (cx + dx, cy + dy)])
            colours.append((1.0, 0.85, 0.3, float(np.sqrt(value))))  # brighter for a larger bin
        ax.set_facecolor("black")
        ax.add_collection(LineCollection(segments, colors=colours, linewidths=1.2, gid="glyphs"))
        ax.set_xlim(-0.5, nx * cell - 0.5)
        ax.set_ylim(ny * cell - 0.5, -0.5)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(label, fontsize=9)
    fig.suptitle(title)
    fig.tight_layout()
    return fig
