"""The Inception module (Szegedy et al. 2015, GoogLeNet), drawn: four branches side by side.

Taught in notebook 06 (classic architectures). ``module(...)`` draws the module the way the
GoogLeNet paper does, from the input at the bottom to the concatenation at the top: a 1x1
convolution; a 1x1 "reduce" then a 3x3; a 1x1 "reduce" then a 5x5; a 3x3 max pool (stride 1,
"same") then a 1x1 "projection". Each box carries its output shape. The concatenation is a
bar split into four segments, one per branch, as wide as the branch's channels and labelled
with the channel numbers it fills, so the picture shows the order of the output channels.

Patches and texts carry ``gid`` tags (``"input"``, ``"conv"``, ``"reduce"``, ``"pool"``,
``"segment"``, ``"arrow"``, ``"label"``, ``"role"``, ``"shape"``, ``"channels"``, ``"concat"``)
so a test can count what was drawn.
"""

from __future__ import annotations

import numbers

from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from cnn_course_kit.plots import CourseFigure, readable_text_color

# GoogLeNet's inception (3a): 1x1, 3x3 reduce, 3x3, 5x5 reduce, 5x5, pool projection
INCEPTION_3A = {"f1": 64, "f3_reduce": 96, "f3": 128, "f5_reduce": 16, "f5": 32, "pool_proj": 32}

COLOURS = {
    "input": "#d9d9d9",
    "conv": "#6baed6",
    "reduce": "#fee391",
    "pool": "#fc9272",
    "segment": ("#6baed6", "#3182bd", "#08519c", "#de2d26"),
}
BOX_W, BOX_H = 2.4, 1.05  # a box's width and height (data units)
COLUMN = 2.8  # the distance between the branches' centres
ROWS = (0.0, 1.75, 3.3, 5.0)  # the y of the input, the first and second row, the bar


def _positive_int(value, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{label} must be a positive integer. Received: {label}={value!r}")
    return int(value)


def _shape(h: int, w: int, c: int) -> str:
    return f"{h}x{w}x{c}"


def _box(ax, centre, label, role, shape, kind) -> tuple[float, float]:
    """A rounded box: a bold label, its role in smaller type, the output shape; returns its
    (bottom, top) y."""
    x, y = centre
    colour = COLOURS[kind]
    ax.add_patch(
        FancyBboxPatch(
            (x - BOX_W / 2, y - BOX_H / 2),
            BOX_W,
            BOX_H,
            boxstyle="round,pad=0.04,rounding_size=0.12",
            fc=colour,
            ec="0.25",
            lw=0.9,
            gid=kind,
        )
    )
    ink = readable_text_color(_rgb(colour))
    ax.text(
        x,
        y + 0.27,
        label,
        ha="center",
        va="center",
        fontsize=8.5,
        fontweight="bold",
        color=ink,
        gid="label",
    )
    ax.text(
        x,
        y - 0.02,
        role,
        ha="center",
        va="center",
        fontsize=7.5,
        style="italic",
        color=ink,
        gid="role",
    )
    ax.text(x, y - 0.3, shape, ha="center", va="center", fontsize=8, color=ink, gid="shape")
    return y - BOX_H / 2, y + BOX_H / 2


def _rgb(hex_colour: str) -> tuple[float, float, float]:
    return tuple(int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))


def _arrow(ax, start, end) -> None:
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>",
            mutation_scale=10,
            lw=1.1,
            color="0.3",
            shrinkA=0,
            shrinkB=0,
            gid="arrow",
            zorder=1,
        )
    )


def module(
    f1: int = 64,
    f3_reduce: int = 96,
    f3: int = 128,
    f5_reduce: int = 16,
    f5: int = 32,
    pool_proj: int = 32,
    *,
    input_shape=(28, 28, 192),
    name: str = "inception (3a)",
    title: str | None = None,
):
    """Draw an Inception module with these filter numbers on an input of ``input_shape``
    (height, width, channels), every branch "same" and stride 1. Returns the figure.

    The defaults are GoogLeNet's inception (3a): 28x28x192 in, 28x28x256 out.
    """
    filters = {
        "f1": f1,
        "f3_reduce": f3_reduce,
        "f3": f3,
        "f5_reduce": f5_reduce,
        "f5": f5,
        "pool_proj": pool_proj,
    }
    filters = {label: _positive_int(value, label) for label, value in filters.items()}
    try:
        h, w, c = input_shape
    except (TypeError, ValueError):
        raise ValueError(
            f"input_shape must be (height, width, channels). Received: input_shape={input_shape!r}"
        ) from None
    h, w, c = (_positive_int(v, f"input_shape[{i}]") for i, v in enumerate((h, w, c)))

    branches = [  # (first box, second box or None, the branch's output channels); a box is
        # (label, role, maps, kind)
        (("1x1 conv, {}", "ReLU", filters["f1"], "conv"), None, filters["f1"]),
        (
            ("1x1 conv, {}", "reduce, ReLU", filters["f3_reduce"], "reduce"),
            ("3x3 conv, {}", "ReLU", filters["f3"], "conv"),
            filters["f3"],
        ),
        (
            ("1x1 conv, {}", "reduce, ReLU", filters["f5_reduce"], "reduce"),
            ("5x5 conv, {}", "ReLU", filters["f5"], "conv"),
            filters["f5"],
        ),
        (
            ("3x3 max pool", "stride 1, 'same'", c, "pool"),
            ("1x1 conv, {}", "projection, ReLU", filters["pool_proj"], "conv"),
            filters["pool_proj"],
        ),
    ]
    total = sum(out for *_, out in branches)
    xs = [COLUMN * (i - 1.5) for i in range(4)]
    fig = CourseFigure(figsize=(9.0, 5.4))
    ax = fig.subplots()
    ax.set_xlim(-6.0, 6.0)
    ax.set_ylim(-0.7, 6.2)
    ax.axis("off")

    _, input_top = _box(ax, (0.0, ROWS[0]), "input", "the previous layer", _shape(h, w, c), "input")
    bar_w, bar_h = 4 * COLUMN, 0.55
    bar_left, bar_bottom = -bar_w / 2, ROWS[3] - bar_h / 2
    start = 0
    for i, (x, (first, second, out)) in enumerate(zip(xs, branches)):
        label, role, maps, kind = first
        bottom, top = _box(ax, (x, ROWS[1]), label.format(maps), role, _shape(h, w, maps), kind)
        _arrow(ax, (0.0, input_top), (x, bottom))
        if second is not None:
            label, role, maps, kind = second
            bottom2, top = _box(
                ax, (x, ROWS[2]), label.format(maps), role, _shape(h, w, maps), kind
            )
            _arrow(ax, (x, ROWS[1] + BOX_H / 2), (x, bottom2))
        width = bar_w * out / total
        left = bar_left + bar_w * start / total
        _arrow(ax, (x, top), (left + width / 2, bar_bottom))
        colour = COLOURS["segment"][i]
        ax.add_patch(
            Rectangle((left, bar_bottom), width, bar_h, fc=colour, ec="0.25", lw=0.9, gid="segment")
        )
        text = f"{start}-{start + out - 1}" if out > 1 else f"{start}"
        ax.text(
            left + width / 2,
            ROWS[3],
            text,
            ha="center",
            va="center",
            fontsize=7.5,
            color=readable_text_color(_rgb(colour)),
            gid="channels",
            rotation=0 if width > 0.9 else 90,
        )
        start += out
    ax.text(
        0.0,
        ROWS[3] + bar_h / 2 + 0.12,
        f"concatenate along the channels: {_shape(h, w, total)} (channel numbers in each segment)",
        ha="center",
        va="bottom",
        fontsize=8.5,
        fontweight="bold",
        gid="concat",
    )
    ax.set_title(
        title
        or f"The Inception module, {name}: four branches, 'same' padding, ReLU after "
        "every convolution",
        fontsize=10,
    )
    return fig
