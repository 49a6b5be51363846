"""Pictures for notebook 06 (classic architectures), section 6: ResNet (He et al. 2015).

``plain_vs_residual()`` draws the paper's Figure 2 beside the plain block it changes: two
weight layers with a ReLU between them, once as a plain stack (the layers must learn the
whole mapping H(x)) and once with the identity shortcut that adds the block's input to its
output before the last ReLU (the layers learn only the residual F(x) = H(x) - x).

``bottleneck(filters)`` draws ResNet50's two bottleneck blocks as Keras builds them
(``keras.applications.ResNet50``, v1): 1x1 (filters) -> 3x3 (filters) -> 1x1 (4 x filters),
each followed by batch norm and all but the last by a ReLU; the identity block adds its
input unchanged, the convolution block first passes it through a 1x1 projection with the
stride (and batch norm). Each box carries the suffix of its Keras layer names
(``_1_conv``, ``_0_bn``, ``_add``, ``_out``).

Patches and texts carry ``gid`` tags (``"layer"``, ``"add"``, ``"arrow"``, ``"shortcut"``,
``"projection"``, ``"suffix"``, ``"io"``) so a test can count what was drawn.
"""

from __future__ import annotations

import numbers

from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path

from cnn_course_kit.plots import CourseFigure

COLOURS = {"weight": "#9ecae1", "relu": "#fdd0a2", "projection": "#c7e9c0", "io": "#eeeeee"}
BOX_W, BOX_H = 2.6, 0.62  # a layer box (data units)
STEP = 1.0  # vertical distance between consecutive boxes
RADIUS = 0.22  # the circle of the addition
SHORTCUT_X = 2.15  # where the shortcut runs, right of the main path
SUFFIX_ROOM = 1.75  # room left of the boxes for the layer-name suffixes


def _positive_int(value, what: str) -> int:
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{what} must be a positive integer. Received: {value!r}")
    return int(value)


def _box(ax, y, text, kind, suffix=None, x=0.0, gid="layer"):
    ax.add_patch(
        FancyBboxPatch(
            (x - BOX_W / 2, y - BOX_H / 2),
            BOX_W,
            BOX_H,
            boxstyle="round,pad=0.02,rounding_size=0.12",
            fc=COLOURS[kind],
            ec="0.25",
            lw=1.0,
            gid=gid,
        )
    )
    ax.text(x, y, text, ha="center", va="center", fontsize=8.5, color="black", gid="box_text")
    if suffix:
        ax.text(
            x - BOX_W / 2 - 0.12,
            y,
            suffix,
            ha="right",
            va="center",
            fontsize=7.5,
            family="monospace",
            color="0.35",
            gid="suffix",
        )


def _arrow(ax, start, end, gid="arrow", **style):
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>",
            mutation_scale=11,
            lw=style.pop("lw", 1.2),
            color=style.pop("color", "0.25"),
            shrinkA=0,
            shrinkB=0,
            gid=gid,
            zorder=3,
            **style,
        )
    )


def _column(
    ax,
    top_text,
    main,
    *,
    shortcut=None,
    add=True,
    tail=None,
    bottom_text=None,
    side_label=None,
    add_suffix=None,
):
    """Draw one block top to bottom and return the lowest y used.

    ``main`` is a list of ``(text, kind, suffix)`` boxes on the main path. ``shortcut`` is
    ``None`` (no shortcut), ``"identity"`` or a ``(text, suffix)`` projection box drawn on the
    shortcut. With ``add`` an addition circle follows the main path; ``tail`` boxes follow it.
    """
    y = 0.0
    ax.text(
        0,
        y,
        top_text,
        ha="center",
        va="center",
        fontsize=8.5,
        gid="io",
        bbox={"boxstyle": "round,pad=0.3", "fc": COLOURS["io"], "ec": "0.6"},
    )
    y_input = y
    y_prev = y - 0.25
    ys = []
    for text, kind, suffix in main:
        y -= STEP
        _arrow(ax, (0, y_prev), (0, y + BOX_H / 2))
        _box(ax, y, text, kind, suffix)
        ys.append(y)
        y_prev = y - BOX_H / 2
    if add:
        y -= STEP * 0.85
        _arrow(ax, (0, y_prev), (0, y + RADIUS))
        ax.add_patch(Circle((0, y), RADIUS, fc="white", ec="0.15", lw=1.3, gid="add", zorder=4))
        ax.text(
            0,
            y,
            "+",
            ha="center",
            va="center",
            fontsize=12,
            fontweight="bold",
            zorder=5,
            gid="plus",
        )
        if add_suffix:
            ax.text(
                -RADIUS - 0.12,
                y,
                add_suffix,
                ha="right",
                va="center",
                fontsize=7.5,
                family="monospace",
                color="0.35",
                gid="suffix",
            )
        y_add = y
        y_prev = y - RADIUS
    if shortcut is not None:
        right = SHORTCUT_X
        y_branch = y_input - 0.42  # where the shortcut leaves the main path
        ax.add_patch(Circle((0, y_branch), 0.05, fc="0.25", ec="0.25", gid="branch", zorder=4))
        if shortcut == "identity":
            path = Path(
                [(0, y_branch), (right, y_branch), (right, y_add), (RADIUS, y_add)],
                [Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO],
            )
            ax.add_patch(
                FancyArrowPatch(
                    path=path,
                    arrowstyle="-|>",
                    mutation_scale=12,
                    lw=2.0,
                    color="#d62728",
                    gid="shortcut",
                    zorder=3,
                )
            )
            ax.text(
                right + 0.1,
                (y_branch + y_add) / 2,
                "identity:\nx passes\nunchanged",
                ha="left",
                va="center",
                fontsize=8,
                color="#d62728",
                gid="shortcut_text",
            )
        else:
            text, suffix = shortcut
            y_proj = (y_branch + y_add) / 2
            width = BOX_W * 0.72
            ax.add_patch(
                FancyBboxPatch(
                    (right - width / 2, y_proj - BOX_H / 2),
                    width,
                    BOX_H,
                    boxstyle="round,pad=0.02,rounding_size=0.12",
                    fc=COLOURS["projection"],
                    ec="0.25",
                    lw=1.0,
                    gid="projection",
                )
            )
            ax.text(right, y_proj, text, ha="center", va="center", fontsize=8, gid="box_text")
            ax.text(
                right,
                y_proj - BOX_H / 2 - 0.08,
                suffix,
                ha="center",
                va="top",
                fontsize=7.5,
                family="monospace",
                color="0.35",
                gid="suffix",
            )
            upper = Path(
                [(0, y_branch), (right, y_branch), (right, y_proj + BOX_H / 2)],
                [Path.MOVETO, Path.LINETO, Path.LINETO],
            )
            lower = Path(
                [(right, y_proj - BOX_H / 2 - 0.3), (right, y_add), (RADIUS, y_add)],
                [Path.MOVETO, Path.LINETO, Path.LINETO],
            )
            for part in (upper, lower):
                ax.add_patch(
                    FancyArrowPatch(
                        path=part,
                        arrowstyle="-|>",
                        mutation_scale=12,
                        lw=2.0,
                        color="#2ca02c",
                        gid="shortcut",
                        zorder=3,
                    )
                )
    for text, kind, suffix in tail or ():
        y -= STEP * 0.85
        _arrow(ax, (0, y_prev), (0, y + BOX_H / 2))
        _box(ax, y, text, kind, suffix)
        y_prev = y - BOX_H / 2
    if bottom_text:
        y -= STEP * 0.85
        _arrow(ax, (0, y_prev), (0, y + 0.22))
        ax.text(
            0,
            y,
            bottom_text,
            ha="center",
            va="center",
            fontsize=8.5,
            gid="io",
            bbox={"boxstyle": "round,pad=0.3", "fc": COLOURS["io"], "ec": "0.6"},
        )
    if side_label:
        top, bottom = ys[0] + BOX_H / 2, ys[-1] - BOX_H / 2
        bar = -BOX_W / 2 - (SUFFIX_ROOM if any(suffix for *_, suffix in main) else 0.2)
        ax.plot([bar, bar], [top, bottom], color="0.3", lw=1.0)
        ax.text(
            bar - 0.1,
            (top + bottom) / 2,
            side_label,
            ha="right",
            va="center",
            fontsize=10,
            fontstyle="italic",
            gid="side_label",
        )
    return y


def _frame(ax, lowest, left=-3.1):
    ax.set_xlim(left, 3.7)
    ax.set_ylim(lowest - 0.6, 0.6)
    ax.set_aspect("equal")
    ax.axis("off")


def plain_vs_residual(*, title: str | None = None):
    """Two panels: a plain block (two weight layers, each followed by a ReLU) and the same
    block with an identity shortcut, y = ReLU(F(x) + x), as in He et al. (2015), Figure 2."""
    fig = CourseFigure(figsize=(9.0, 5.0))
    axes = fig.subplots(1, 2)
    main = [
        ("weight layer", "weight", None),
        ("ReLU", "relu", None),
        ("weight layer", "weight", None),
    ]
    low_plain = _column(
        axes[0],
        "x",
        [*main, ("ReLU", "relu", None)],
        add=False,
        bottom_text="H(x)",
        side_label="H(x)",
    )
    low = min(
        low_plain,
        _column(
            axes[1],
            "x",
            main,
            shortcut="identity",
            tail=[("ReLU", "relu", None)],
            bottom_text="ReLU(F(x) + x)",
            side_label="F(x)",
        ),
    )
    for ax in axes:
        _frame(ax, low)
    axes[0].set_title("plain: the layers must learn H(x)", fontsize=10)
    axes[1].set_title("residual: they learn F(x) = H(x) - x", fontsize=10)
    fig.suptitle(
        title or "A plain block and a residual block (He et al. 2015, Figure 2)", fontsize=11
    )
    fig.tight_layout()
    return fig


def bottleneck(
    filters: int = 128,
    *,
    strides: int = 2,
    kernel_size: int = 3,
    in_channels: int | None = None,
    title: str | None = None,
):
    """Two panels: ResNet50's identity block and convolution block for ``filters``.

    The identity block reads ``4 * filters`` channels and returns as many; the convolution
    block reads ``in_channels`` and applies ``strides`` in its first 1x1 convolution and in
    the projection, as Keras' ResNet50 (v1) does. ``in_channels`` defaults to what ResNet50
    feeds such a block: the previous stage's ``2 * filters`` channels when it downsamples
    (the default, 128 filters, is conv3_block1: 256 channels in), the stem's ``filters``
    (64) when ``strides`` is 1 (conv2_block1). The boxes carry the suffixes of the Keras
    layer names.
    """
    filters = _positive_int(filters, "filters")
    strides = _positive_int(strides, "strides")
    kernel_size = _positive_int(kernel_size, "kernel_size")
    if in_channels is None:
        in_channels = filters if strides == 1 else 2 * filters
    in_channels = _positive_int(in_channels, "in_channels")
    wide = 4 * filters
    k = f"{kernel_size}x{kernel_size}"
    stride_text = f", stride {strides}" if strides != 1 else ""
    fig = CourseFigure(figsize=(11.5, 6.6))
    axes = fig.subplots(1, 2)

    def main(first_stride: str):
        return [
            (f"1x1 conv, {filters}{first_stride}\nBN, ReLU", "weight", "_1_conv/bn/relu"),
            (f"{k} conv, {filters}, same\nBN, ReLU", "weight", "_2_conv/bn/relu"),
            (f"1x1 conv, {wide}\nBN (no ReLU)", "weight", "_3_conv/bn"),
        ]

    tail = [("ReLU", "relu", "_out")]
    low = _column(
        axes[0],
        f"x: H x W x {wide}",
        main(""),
        shortcut="identity",
        tail=tail,
        bottom_text=f"H x W x {wide}",
        side_label="F(x)",
        add_suffix="_add",
    )
    _frame(axes[0], low, left=-4.0)
    axes[0].set_title(f"identity block: {wide} channels in and out", fontsize=10)
    low = _column(
        axes[1],
        f"x: H x W x {in_channels}",
        main(stride_text),
        shortcut=(f"1x1 conv, {wide}{stride_text}\nBN", "_0_conv/bn"),
        tail=tail,
        bottom_text=(f"H/{strides} x W/{strides} x {wide}" if strides != 1 else f"H x W x {wide}"),
        side_label="F(x)",
        add_suffix="_add",
    )
    _frame(axes[1], low, left=-4.0)
    axes[1].set_title(
        f"convolution block: {in_channels} -> {wide} channels"
        + (f", stride {strides}" if strides != 1 else ""),
        fontsize=10,
    )
    fig.suptitle(
        title
        or f"ResNet50's bottleneck blocks, filters = {filters} "
        "(grey: the Keras layer-name suffixes)",
        fontsize=11,
    )
    fig.tight_layout()
    return fig
