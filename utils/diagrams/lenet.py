"""LeNet-5 (LeCun, Bottou, Bengio and Haffner 1998), drawn: its layers and C3's connections.

Taught in notebook 05 (training CNNs). ``architecture(layers)`` draws a network as the
paper's classic picture: each layer a stack of feature-map planes (a square per map, its
side growing with the map's height, at most ``max_planes`` drawn) or, for a vector, a bar,
with the layer's name, what it does and its output shape, and an arrow from each layer to
the next. ``c3_connections(table)`` draws the paper's Table I: which of the six S2 maps
each of the sixteen C3 maps reads (60 of the 96 possible pairs in the paper).

Patches and texts carry ``gid`` tags (``"plane"``, ``"bar"``, ``"arrow"``, ``"name"``,
``"shape"``, ``"link"``, ...) so a test can count what was drawn.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

from matplotlib.patches import FancyArrowPatch, Rectangle

from cnn_course_kit.plots import CourseFigure

# (name, what the layer does, output shape) for the 32 x 32 x 1 input of the paper
LENET5 = (
    ("input", "image", (32, 32, 1)),
    ("C1", "conv 5x5, tanh", (28, 28, 6)),
    ("S2", "avg pool 2x2", (14, 14, 6)),
    ("C3", "conv 5x5, tanh", (10, 10, 16)),
    ("S4", "avg pool 2x2", (5, 5, 16)),
    ("C5", "conv 5x5, tanh", (1, 1, 120)),
    ("F6", "dense, tanh", (84,)),
    ("output", "dense, softmax", (10,)),
)

# Table I of the paper: the S2 maps (0-5) that each C3 map (0-15) is connected to
C3_TABLE = (
    (0, 1, 2),
    (1, 2, 3),
    (2, 3, 4),
    (3, 4, 5),
    (0, 4, 5),
    (0, 1, 5),
    (0, 1, 2, 3),
    (1, 2, 3, 4),
    (2, 3, 4, 5),
    (0, 3, 4, 5),
    (0, 1, 4, 5),
    (0, 1, 2, 5),
    (0, 1, 3, 4),
    (1, 2, 4, 5),
    (0, 2, 3, 5),
    (0, 1, 2, 3, 4, 5),
)

KIND_COLOURS = {"conv": "#9ecae1", "pool": "#fdd0a2", "dense": "#a1d99b", "other": "#dddddd"}
MAX_LAYERS = 12
SLOT = 2.2  # the least horizontal room per layer (data units)
SIDE = 2.0  # the side of the largest plane (data units)


def _kind(description: str) -> str:
    text = description.lower()
    for kind in ("conv", "pool", "dense"):
        if kind in text:
            return kind
    return "other"


def _shape_text(shape: tuple[int, ...]) -> str:
    return "x".join(str(n) for n in shape)


def _validate(layers) -> list[tuple[str, str, tuple[int, ...]]]:
    try:
        layers = [(str(name), str(what), tuple(shape)) for name, what, shape in layers]
    except (TypeError, ValueError):
        raise ValueError(
            f"layers must be (name, description, shape) triples. Received: {layers!r}"
        ) from None
    if not 1 <= len(layers) <= MAX_LAYERS:
        raise ValueError(f"the diagram draws 1 to {MAX_LAYERS} layers. Received: {len(layers)}")
    for name, _, shape in layers:
        if len(shape) not in (1, 3) or not all(
            isinstance(n, numbers.Integral) and not isinstance(n, bool) and n >= 1 for n in shape
        ):
            raise ValueError(
                f"layer {name!r}: a shape is (height, width, maps) or (units,) of "
                f"positive integers. Received: {shape!r}"
            )
    return [(name, what, tuple(int(n) for n in shape)) for name, what, shape in layers]


def architecture(layers: Sequence = LENET5, *, max_planes: int = 8, title: str | None = None):
    """Draw a network as stacks of feature maps (3-D shapes) and bars (vectors), left to right.

    ``layers`` holds ``(name, description, shape)`` triples; a description containing
    "conv", "pool" or "dense" picks the layer's colour. At most ``max_planes`` planes are
    drawn per stack (the label says how many maps there are). Returns the figure.
    """
    layers = _validate(layers)
    if not isinstance(max_planes, int) or max_planes < 1:
        raise ValueError(f"max_planes must be a positive integer. Received: {max_planes!r}")
    tallest = (
        max(shape[0] for _, _, shape in layers if len(shape) == 3)
        if any(len(s) == 3 for _, _, s in layers)
        else 1
    )
    widest = (
        max(shape[0] for _, _, shape in layers if len(shape) == 1)
        if any(len(s) == 1 for _, _, s in layers)
        else 1
    )
    offset = 0.1  # the shift between stacked planes
    sizes = []  # (width, height, planes) drawn per layer
    for _, _, shape in layers:
        if len(shape) == 3:
            side = max(0.12, SIDE * shape[0] / tallest)
            planes = min(shape[2], max_planes)
            sizes.append((max(0.12, side * shape[1] / shape[0]), side, planes))
        else:
            sizes.append((0.35, max(0.3, SIDE * (shape[0] / widest) ** 0.5), 0))
    slots = [max(SLOT, w + (max(p, 1) - 1) * offset + 0.9) for w, _, p in sizes]
    starts = [sum(slots[:i]) for i in range(len(slots))]
    fig = CourseFigure(figsize=(0.62 * sum(slots) + 0.4, 3.9))
    ax = fig.subplots()
    ax.set_xlim(0, sum(slots))
    ax.set_ylim(-2.6, 3.0)
    ax.set_aspect("equal")
    ax.axis("off")
    right_edges, left_edges = [], []
    for i, ((name, what, shape), (width, height, planes)) in enumerate(zip(layers, sizes)):
        colour = KIND_COLOURS[_kind(what)]
        span = width + (max(planes, 1) - 1) * offset
        x0 = starts[i] + (slots[i] - span) / 2
        if len(shape) == 3:
            for k in range(planes):
                ax.add_patch(
                    Rectangle(
                        (x0 + k * offset, -height / 2 + k * offset),
                        width,
                        height,
                        facecolor=colour,
                        edgecolor="0.2",
                        lw=0.8,
                        gid="plane",
                    )
                )
            maps = f"{shape[2]} map{'s' if shape[2] > 1 else ''}"
            if planes < shape[2]:
                maps += f" ({planes} drawn)"
        else:
            ax.add_patch(
                Rectangle(
                    (x0, -height / 2),
                    width,
                    height,
                    facecolor=colour,
                    edgecolor="0.2",
                    lw=0.8,
                    gid="bar",
                )
            )
            maps = f"{shape[0]} units"
        left_edges.append(x0)
        right_edges.append(x0 + span)
        centre = starts[i] + slots[i] / 2
        ax.text(
            centre, 2.35, name, ha="center", va="bottom", fontsize=10, fontweight="bold", gid="name"
        )
        ax.text(centre, 1.9, what, ha="center", va="bottom", fontsize=7.5, gid="what")
        ax.text(centre, -1.55, _shape_text(shape), ha="center", va="top", fontsize=8.5, gid="shape")
        ax.text(centre, -2.0, maps, ha="center", va="top", fontsize=7, color="0.3", gid="maps")
    for i in range(len(layers) - 1):
        ax.add_patch(
            FancyArrowPatch(
                (right_edges[i] + 0.08, 0),
                (left_edges[i + 1] - 0.08, 0),
                arrowstyle="-|>",
                mutation_scale=11,
                lw=1.2,
                color="0.3",
                gid="arrow",
                zorder=5,
            )
        )
    ax.set_title(
        title or "The layers and their output shapes (height x width x maps, or units)", fontsize=10
    )
    return fig


def c3_connections(table: Sequence = C3_TABLE, *, inputs: int = 6):
    """Draw which input maps (rows) each output map (columns) is connected to, as a grid.

    ``table[j]`` lists the input maps that output map ``j`` reads (for LeNet-5's C3, the six
    S2 maps). The title counts the connected pairs. Returns the figure.
    """
    if not isinstance(inputs, int) or inputs < 1:
        raise ValueError(f"inputs must be a positive integer. Received: {inputs!r}")
    try:
        table = [tuple(int(i) for i in column) for column in table]
    except (TypeError, ValueError):
        raise ValueError(
            f"table must list, for each output map, the input maps it reads. Received: {table!r}"
        ) from None
    if not table:
        raise ValueError("table must have at least one output map. Received: an empty table")
    for j, column in enumerate(table):
        if (
            not column
            or len(set(column)) != len(column)
            or not all(0 <= i < inputs for i in column)
        ):
            raise ValueError(
                f"output map {j} must read distinct input maps 0..{inputs - 1}. "
                f"Received: {column!r}"
            )
    links = sum(len(column) for column in table)
    fig = CourseFigure(figsize=(0.42 * len(table) + 1.6, 0.42 * inputs + 1.4))
    ax = fig.subplots()
    for j, column in enumerate(table):
        for i in range(inputs):
            linked = i in column
            ax.add_patch(
                Rectangle(
                    (j, i),
                    1,
                    1,
                    facecolor="#3182bd" if linked else "white",
                    edgecolor="0.6",
                    lw=0.8,
                    gid="link" if linked else "gap",
                )
            )
            if linked:
                ax.text(
                    j + 0.5,
                    i + 0.5,
                    "X",
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white",
                    fontweight="bold",
                    gid="mark",
                )
    ax.set_xlim(0, len(table))
    ax.set_ylim(inputs, 0)
    ax.set_aspect("equal")
    ax.set_xticks(
        [j + 0.5 for j in range(len(table))], [str(j) for j in range(len(table))], fontsize=8
    )
    ax.set_yticks([i + 0.5 for i in range(inputs)], [str(i) for i in range(inputs)], fontsize=8)
    ax.tick_params(length=0)
    ax.set_xlabel("output map (C3)", fontsize=9)
    ax.set_ylabel("input map (S2)", fontsize=9)
    ax.set_title(
        f"Which maps each output map reads: {links} of {inputs * len(table)} pairs", fontsize=10
    )
    return fig
