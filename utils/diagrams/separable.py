"""Depthwise-separable convolution and a dense block's connections, drawn.

Taught in notebook 06 (classic architectures). ``depthwise_pointwise(c_in, c_out, k)`` draws
MobileNet's factorised convolution: each input channel goes through its own k x k filter
(depthwise; with ``depth_multiplier`` m, m filters per channel), then every output channel is
a 1 x 1 filter that mixes all the depthwise maps (pointwise), with the multiplications of each
stage. ``dense_block_connections(num_layers)`` draws a DenseNet block (Huang et al. 2017): an
arc from every feature map to every later layer of the block, L(L+1)/2 of them for L layers,
and dashed arrows for the block's output concatenation that the transition layer reads.

Patches and texts carry ``gid`` tags (``"input_map"``, ``"depthwise_filter"``,
``"depthwise_map"``, ``"pointwise_filter"``, ``"output_map"``, ``"link"``, ``"mix"``,
``"stage"``, ``"cost"``; ``"feature_map"``, ``"layer"``, ``"connection"``,
``"output_connection"``, ``"block_output"``, ``"channels"``) so a test can count what was drawn.
"""

from __future__ import annotations

import numbers

import matplotlib as mpl
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from cnn_course_kit.plots import CourseFigure, readable_text_color

MAX_MAPS = 8  # the most maps drawn in one column (depthwise maps, output maps)
MAX_LAYERS = 8  # the most layers of a dense block drawn (36 connections)
_PALETTE = mpl.colormaps["tab10"].colors


def _positive_int(value, what: str, largest: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValueError(f"{what} must be a positive integer. Received: {what}={value!r}")
    if largest is not None and value > largest:
        raise ValueError(
            f"{what} is at most {largest} in this diagram (it draws every map). "
            f"Received: {what}={value!r}"
        )
    return int(value)


def _column(n: int, gap: float = 1.25) -> list[float]:
    """The centre heights of n stacked maps, centred on 0."""
    return [((n - 1) / 2 - i) * gap for i in range(n)]


def depthwise_pointwise(
    c_in: int = 3,
    c_out: int = 4,
    k: int = 3,
    *,
    depth_multiplier: int = 1,
    title: str | None = None,
):
    """Draw a depthwise k x k convolution followed by a pointwise 1 x 1 convolution.

    Columns, left to right: the ``c_in`` input maps; the depthwise filters (``depth_multiplier``
    per input channel, each reading only its own channel); the ``c_in * depth_multiplier``
    depthwise maps; the ``c_out`` pointwise filters, each a 1 x 1 column over all depthwise maps;
    the ``c_out`` output maps. Returns the figure.
    """
    c_in = _positive_int(c_in, "c_in", MAX_MAPS)
    c_out = _positive_int(c_out, "c_out", MAX_MAPS)
    k = _positive_int(k, "k", 7)
    m = _positive_int(depth_multiplier, "depth_multiplier")
    mid = c_in * m
    if mid > MAX_MAPS:
        raise ValueError(
            f"c_in * depth_multiplier is at most {MAX_MAPS} in this diagram. "
            f"Received: c_in={c_in}, depth_multiplier={m}"
        )
    tallest = max(c_in, mid, c_out)
    fig = CourseFigure(figsize=(12.5, 1.0 + 0.62 * tallest + 1.6))
    ax = fig.subplots()
    half = (tallest - 1) / 2 * 1.25 + 0.7
    ax.set_xlim(-1.6, 14.6)
    ax.set_ylim(-half - 1.7, half + 1.1)
    ax.set_aspect("equal")
    ax.axis("off")
    side = 0.9
    xs = {"input": 0.0, "dw_filter": 2.7, "dw_map": 5.4, "pw_filter": 8.6, "output": 11.8}

    def square(x, y, colour, gid, s=side):
        ax.add_patch(
            Rectangle(
                (x - s / 2, y - s / 2), s, s, facecolor=colour, edgecolor="0.2", lw=0.8, gid=gid
            )
        )

    def link(start, end, gid, colour="0.35", lw=1.0):
        ax.add_patch(
            FancyArrowPatch(
                start,
                end,
                arrowstyle="-|>",
                mutation_scale=8,
                lw=lw,
                color=colour,
                gid=gid,
                zorder=1,
                shrinkA=0,
                shrinkB=0,
            )
        )

    input_ys, mid_ys, out_ys = _column(c_in), _column(mid), _column(c_out)
    colours = [_PALETTE[i % len(_PALETTE)] for i in range(c_in)]
    for i, y in enumerate(input_ys):
        square(xs["input"], y, colours[i], "input_map")
        ax.text(
            xs["input"],
            y,
            f"{i + 1}",
            ha="center",
            va="center",
            fontsize=8,
            color=readable_text_color(colours[i]),
        )
    cell = 0.62 / k
    for j, y in enumerate(mid_ys):
        channel = j // m
        colour = colours[channel]
        # the k x k filter, drawn as a small grid in the channel's colour
        fx, fy = xs["dw_filter"] - k * cell / 2, y - k * cell / 2
        for r in range(k):
            for c in range(k):
                ax.add_patch(
                    Rectangle(
                        (fx + c * cell, fy + r * cell),
                        cell,
                        cell,
                        facecolor=colour,
                        edgecolor="white",
                        lw=0.5,
                        gid="depthwise_cell",
                    )
                )
        ax.add_patch(
            Rectangle(
                (fx, fy),
                k * cell,
                k * cell,
                fill=False,
                edgecolor="0.2",
                lw=0.8,
                gid="depthwise_filter",
            )
        )
        link((xs["input"] + side / 2, input_ys[channel]), (fx - 0.05, y), "link", colour, 1.3)
        link((fx + k * cell + 0.05, y), (xs["dw_map"] - side / 2, y), "link", colour, 1.3)
        square(xs["dw_map"], y, colour, "depthwise_map")
    stripe = 0.8 / mid
    for o, y in enumerate(out_ys):
        # a 1 x 1 filter over all depthwise maps: one weight per map, in that map's colour
        top = y + 0.4
        for j in range(mid):
            ax.add_patch(
                Rectangle(
                    (xs["pw_filter"] - 0.14, top - (j + 1) * stripe),
                    0.28,
                    stripe,
                    facecolor=colours[j // m],
                    edgecolor="white",
                    lw=0.4,
                    gid="pointwise_cell",
                )
            )
        ax.add_patch(
            Rectangle(
                (xs["pw_filter"] - 0.14, y - 0.4),
                0.28,
                0.8,
                fill=False,
                edgecolor="0.2",
                lw=0.8,
                gid="pointwise_filter",
            )
        )
        for yj in mid_ys:
            link((xs["dw_map"] + side / 2, yj), (xs["pw_filter"] - 0.2, y), "mix", "0.6", 0.6)
        link((xs["pw_filter"] + 0.2, y), (xs["output"] - side / 2, y), "link", "0.35", 1.0)
        square(xs["output"], y, "#bdbdbd", "output_map")
        ax.text(xs["output"], y, f"{o + 1}", ha="center", va="center", fontsize=8, color="black")
    top_y = half + 0.45
    stages = [
        (xs["input"], f"input\n{c_in} channel{'s' if c_in > 1 else ''}"),
        (
            xs["dw_filter"],
            f"depthwise {k}x{k}\n{mid} filter{'s' if mid > 1 else ''}, each on 1 channel",
        ),
        (xs["dw_map"], f"{mid} map{'s' if mid > 1 else ''}"),
        (xs["pw_filter"], f"pointwise 1x1\n{c_out} filter{'s' if c_out > 1 else ''} of 1x1x{mid}"),
        (xs["output"], f"output\n{c_out} channel{'s' if c_out > 1 else ''}"),
    ]
    for x, text in stages:
        ax.text(x, top_y, text, ha="center", va="bottom", fontsize=8.5, gid="stage")
    in_factor, in_symbol = (f"{c_in}·{m}", "c_in·m") if m > 1 else (f"{c_in}", "c_in")
    ax.text(
        xs["dw_filter"],
        -half - 0.3,
        f"depthwise: h·w·{in_symbol}·k²\n= h·w·{in_factor}·{k}² = {mid * k * k}·h·w "
        "multiplications\n(each filter reads one channel)",
        ha="center",
        va="top",
        fontsize=8.5,
        color="0.15",
        gid="cost",
    )
    ax.text(
        xs["pw_filter"],
        -half - 0.3,
        f"pointwise: h·w·{in_symbol}·c_out\n= h·w·{in_factor}·{c_out} = {mid * c_out}·h·w "
        "multiplications\n(each filter mixes all the maps)",
        ha="center",
        va="top",
        fontsize=8.5,
        color="0.15",
        gid="cost",
    )
    ax.set_title(
        title
        or f"Depthwise-separable convolution: {k}x{k} per channel, then 1x1 "
        f"across channels ({c_in} -> {c_out} channels)",
        fontsize=10,
    )
    return fig


def dense_block_connections(
    num_layers: int = 4,
    *,
    input_channels: int | None = None,
    growth_rate: int | None = None,
    title: str | None = None,
):
    """Draw the connections of a dense block with ``num_layers`` layers.

    Boxes, left to right: the block input x0 and the layers H1 ... HL (layer l outputs the
    feature map x_l). An arc joins every feature map x_j to every later layer H_l (j < l):
    layer l receives l feature maps, L(L+1)/2 arcs in all. Dashed arrows carry all L + 1
    feature maps into the block's output (the concatenation the transition reads). With
    ``input_channels`` c0 and ``growth_rate`` k, each box says how many channels it receives
    (c0 + (l - 1) k) and the output box c0 + L k. Returns the figure.
    """
    num_layers = _positive_int(num_layers, "num_layers", MAX_LAYERS)
    if (input_channels is None) != (growth_rate is None):
        raise ValueError(
            "give both input_channels and growth_rate, or neither. Received: "
            f"input_channels={input_channels!r}, growth_rate={growth_rate!r}"
        )
    if input_channels is not None:
        input_channels = _positive_int(input_channels, "input_channels")
        growth_rate = _positive_int(growth_rate, "growth_rate")
    L = num_layers
    gap = 1.6
    xs = [i * gap for i in range(L + 2)]  # x0, H1..HL, the block output
    fig = CourseFigure(figsize=(1.25 * (L + 2) + 0.8, 1.6 + 0.5 * L))
    ax = fig.subplots()
    below = 0.3 + 0.09 * gap * (L + 1) + 0.3  # the deepest dashed arc, and some room
    ax.set_xlim(-0.8, xs[-1] + 0.8)
    ax.set_ylim(-below - 0.35, 0.3 + 0.165 * gap * L + 0.35)
    ax.set_aspect("equal")
    ax.axis("off")
    w, h = 0.9, 0.6
    colours = [_PALETTE[j % len(_PALETTE)] for j in range(L + 1)]

    def box(x, label, colour, gid):
        ax.add_patch(
            FancyBboxPatch(
                (x - w / 2, -h / 2),
                w,
                h,
                boxstyle="round,pad=0.04",
                facecolor=colour,
                edgecolor="0.2",
                lw=0.9,
                gid=gid,
                zorder=3,
            )
        )
        ax.text(
            x,
            0,
            label,
            ha="center",
            va="center",
            fontsize=9,
            zorder=4,
            color=readable_text_color(mpl.colors.to_rgba(colour)),
        )

    box(xs[0], "x0\ninput", colours[0], "feature_map")
    for layer in range(1, L + 1):
        box(xs[layer], f"H{layer}", colours[layer], "layer")
    box(xs[-1], "concat", "#d9d9d9", "block_output")
    for layer in range(1, L + 1):
        for j in range(layer):
            # an arc above the row from x_j (box j) to layer H_l; longer arcs rise higher
            ax.add_patch(
                FancyArrowPatch(
                    (xs[j] + 0.1, h / 2),
                    (xs[layer] - 0.1, h / 2),
                    connectionstyle="arc3,rad=-0.33",
                    arrowstyle="-|>",
                    mutation_scale=8,
                    lw=1.1,
                    color=colours[j],
                    alpha=0.9,
                    gid="connection",
                    zorder=2,
                )
            )
    for j in range(L + 1):
        ax.add_patch(
            FancyArrowPatch(
                (xs[j], -h / 2),
                (xs[-1], -h / 2 - 0.02),
                connectionstyle="arc3,rad=0.18" if j < L else "arc3,rad=0.0",
                arrowstyle="-|>",
                mutation_scale=8,
                lw=0.9,
                ls="--",
                color=colours[j],
                alpha=0.8,
                gid="output_connection",
                zorder=1,
            )
        )
    if input_channels is not None:
        for layer in range(1, L + 1):
            ax.text(
                xs[layer],
                -h / 2 - 0.12,
                f"{input_channels + (layer - 1) * growth_rate} in",
                ha="center",
                va="top",
                fontsize=7.5,
                color="0.2",
                gid="channels",
            )
        ax.text(
            xs[-1],
            -h / 2 - 0.12,
            f"{input_channels + L * growth_rate} out",
            ha="center",
            va="top",
            fontsize=7.5,
            color="0.2",
            gid="channels",
        )
        ax.text(
            xs[0],
            -h / 2 - 0.12,
            f"{input_channels} ch.",
            ha="center",
            va="top",
            fontsize=7.5,
            color="0.2",
            gid="channels",
        )
    connections = L * (L + 1) // 2
    ax.text(
        xs[-1] / 2,
        -below,
        "solid arcs: the feature maps each layer receives (concatenated); "
        "dashed: the block's output, read by the transition layer",
        ha="center",
        va="top",
        fontsize=8,
        color="0.25",
        gid="legend",
    )
    layers_text = f"{L} layer{'s' if L > 1 else ''}"
    connections_text = f"{connections} connection{'s' if connections > 1 else ''}"
    ax.set_title(
        title
        or f"A dense block of L = {layers_text}: {connections_text} into its "
        f"layers, L(L+1)/2 (+{L + 1} into the block's output)",
        fontsize=10,
    )
    return fig
