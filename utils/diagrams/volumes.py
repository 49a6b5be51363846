"""Volumes: a colour convolution summed over its channels, and im2col's windows as columns.

Taught in notebook 03 (padding, stride and channels). ``colour_convolution`` draws one
output number of a multi-channel convolution: the input volume as stacked channel grids,
the kernel as deep as the input, one sum of products per channel, the bias, the total.
``im2col_product`` draws a 2-D convolution as one matrix product: every window unrolled
into a column, the kernel flattened into a row, their product reshaped into the output.

Every number sits on a pale cell (or a white one) in black, so it stays readable; the
patches and texts carry ``gid`` tags (e.g. ``"input-0"``, ``"column-2"``, ``"result"``) so
a test can find what was drawn.
"""

from __future__ import annotations

import numpy as np
from matplotlib.patches import Circle, FancyArrowPatch, Rectangle

from cnn_course_kit.plots import CourseFigure

CHANNEL_TINTS = ("#f8c9c4", "#c8ebc3", "#c6d7f2", "#e4d3ee")  # pale red, green, blue, purple
CHANNEL_EDGES = ("#c0392b", "#2e8b3a", "#2c5fa8", "#7d4ea0")
WINDOW_COLOURS = (
    "#d95f02",
    "#1b9e77",
    "#7570b3",
    "#e7298a",
    "#66a61e",
    "#e6ab02",
    "#a6761d",
    "#1f78b4",
    "#b2182b",
    "#4d4d4d",
    "#8c510a",
    "#01665e",
)
PAD_FILL, PAD_TEXT = "#ececec", "#555555"
MAX_DRAWN_SIDE = 12  # a padded side larger than this cannot show readable numbers
MAX_WINDOWS, MAX_WINDOW_SIZE = 12, 16
UNIT = 0.42  # inches per grid cell


def _fmt(value: float) -> str:
    value = float(value)
    if not np.isfinite(value):
        return ""
    if value == int(value) and abs(value) < 1e6:
        return str(int(value))
    return f"{value:.3g}"


def _pale(colour: str, amount: float = 0.72) -> tuple[float, float, float]:
    """``colour`` mixed with white (``amount`` of white), a fill that black text reads on."""
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255.0
    return tuple(rgb + (1.0 - rgb) * amount)


def _font(values) -> float:
    longest = max((len(_fmt(v)) for v in np.ravel(values)), default=1)
    longest = max(longest, 1)
    return 9.5 if longest <= 3 else 8.5 if longest == 4 else 7.5


def _cells(
    ax,
    values,
    x0,
    y0,
    *,
    fill="white",
    gid,
    edge="0.45",
    text_colours=None,
    fontsize=None,
    fills=None,
    size=1.0,
    numbers=True,
):
    """A grid of squares, top-left corner at (x0, y0), y growing downwards, one number each
    (none for NaN). ``fills``/``text_colours``: per-cell colours (lists of rows)."""
    values = np.atleast_2d(values)
    fontsize = fontsize or _font(values)
    for (r, c), v in np.ndenumerate(values):
        face = fills[r][c] if fills is not None else fill
        ax.add_patch(
            Rectangle(
                (x0 + c * size, y0 + r * size),
                size,
                size,
                facecolor=face,
                edgecolor=edge,
                lw=0.8,
                gid=gid,
            )
        )
        if numbers and np.isfinite(v):
            ax.text(
                x0 + (c + 0.5) * size,
                y0 + (r + 0.5) * size,
                _fmt(v),
                ha="center",
                va="center",
                fontsize=fontsize,
                gid=f"{gid}-text",
                color=text_colours[r][c] if text_colours is not None else "black",
            )


def _outline(ax, x, y, w, h, colour, *, lw=2.6, inset=0.0, gid=None, ls="-"):
    ax.add_patch(
        Rectangle(
            (x + inset, y + inset),
            w - 2 * inset,
            h - 2 * inset,
            fill=False,
            edgecolor=colour,
            lw=lw,
            ls=ls,
            gid=gid,
            zorder=5,
        )
    )


def _arrow(ax, start, end, colour="0.3", gid="arrow", rad=0.0):
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle="-|>",
            mutation_scale=14,
            lw=1.4,
            color=colour,
            gid=gid,
            zorder=4,
            connectionstyle=f"arc3,rad={rad}",
        )
    )


def _figure(width_units, height_units, title):
    fig = CourseFigure(figsize=(width_units * UNIT, height_units * UNIT), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(-0.6, width_units - 0.6)
    ax.set_ylim(height_units - 0.6, -0.6)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title, fontsize=12, pad=6)
    return fig, ax


def _as_int(value, name: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not float(value).is_integer():
        raise ValueError(f"{name} must be a whole number. Received: {value!r}")
    return int(value)


def colour_convolution(
    volume,
    kernel,
    bias=0.0,
    position=(0, 0),
    *,
    padding=0,
    stride=1,
    channel_names=None,
    title=None,
):
    """One output number of a multi-channel convolution, drawn step by step.

    ``volume`` is ``(H, W, C)`` and ``kernel`` is ``(kh, kw, C)``: one kernel as deep as the
    input (1 to 4 channels). The volume is zero-padded by ``padding`` pixels on each side
    (channels are never padded) and the window for output ``position = (row, col)`` starts at
    ``(row * stride, col * stride)`` of the padded volume. Drawn: the stacked channel grids and
    the kernel's stacked slices; per channel the window, the kernel slice and their products
    with their sum; the sums plus ``bias`` into one number; and where that number lands in the
    one-channel output. Returns the figure; its ``"result"`` text is the output number.
    """
    vol = np.asarray(volume, dtype=float)
    ker = np.asarray(kernel, dtype=float)
    if vol.ndim != 3:
        raise ValueError(f"volume must be (H, W, C). Received shape {vol.shape}.")
    if ker.ndim != 3:
        raise ValueError(
            f"kernel must be (kh, kw, C), one kernel as deep as the volume. "
            f"Received shape {ker.shape}."
        )
    n_ch = vol.shape[2]
    if ker.shape[2] != n_ch:
        raise ValueError(
            f"the kernel has {ker.shape[2]} channels but the volume has {n_ch} "
            "channels: a kernel must be as deep as its input."
        )
    if not 1 <= n_ch <= len(CHANNEL_TINTS):
        raise ValueError(
            f"colour_convolution draws 1 to {len(CHANNEL_TINTS)} channels. Received {n_ch}."
        )
    if not np.isscalar(bias) and np.ndim(bias) != 0:
        raise ValueError(f"bias must be one number (one kernel). Received {bias!r}.")
    padding, stride = _as_int(padding, "padding"), _as_int(stride, "stride")
    if padding < 0 or stride < 1:
        raise ValueError(
            f"padding must be >= 0 and stride >= 1. Received padding={padding}, stride={stride}."
        )
    x = np.pad(vol, ((padding, padding), (padding, padding), (0, 0)))
    (hp, wp), (kh, kw) = x.shape[:2], ker.shape[:2]
    if kh > hp or kw > wp:
        raise ValueError(f"the {kh}x{kw} kernel does not fit in the padded {hp}x{wp} input.")
    if max(hp, wp) > MAX_DRAWN_SIDE:
        raise ValueError(
            f"the padded input is {hp}x{wp}: too large to draw readably (at most "
            f"{MAX_DRAWN_SIDE} per side). Pass a crop, e.g. volume[:5, :5]."
        )
    oh, ow = (hp - kh) // stride + 1, (wp - kw) // stride + 1
    r, c = (_as_int(v, "position") for v in position)
    if not (0 <= r < oh and 0 <= c < ow):
        raise ValueError(f"position {(r, c)} is outside the {oh}x{ow} output.")
    if channel_names is None:
        channel_names = (
            ("red", "green", "blue") if n_ch == 3 else [f"channel {i}" for i in range(n_ch)]
        )
    if len(channel_names) != n_ch:
        raise ValueError(f"{len(channel_names)} channel names for {n_ch} channels.")

    r0, c0 = r * stride, c * stride
    window = x[r0 : r0 + kh, c0 : c0 + kw, :]
    products = window * ker
    sums = products.sum(axis=(0, 1))
    value = float(sums.sum() + float(bias))

    row_h = hp + 2.2  # one band per channel
    x_ker, x_prod = wp + 1.6, wp + kw + 3.2
    x_sum = x_prod + kw + 0.9
    x_right = x_sum + 4.6
    stack_off = 0.7
    width = (
        x_right
        + max(
            wp * 0.55 + (n_ch - 1) * stack_off + 1.6 + kw * 0.55 + (n_ch - 1) * stack_off, ow + 2.5
        )
        + 1.0
    )
    height = max(n_ch * row_h - 0.4, 15.5)
    fig, ax = _figure(
        width,
        height,
        title
        or (
            f"A {kh}x{kw}x{n_ch} kernel on a {vol.shape[0]}x{vol.shape[1]}x{n_ch} volume: "
            f"one sum over all {n_ch} channels, plus the bias, gives ONE output number"
        ),
    )

    pad_mask = np.ones((hp, wp), dtype=bool)
    pad_mask[padding : padding + vol.shape[0], padding : padding + vol.shape[1]] = False
    sum_anchors = []
    for ch in range(n_ch):
        y0 = 1.2 + ch * row_h
        name, tint, edge = channel_names[ch], CHANNEL_TINTS[ch], CHANNEL_EDGES[ch]
        fills = [[PAD_FILL if pad_mask[i, j] else tint for j in range(wp)] for i in range(hp)]
        inks = [[PAD_TEXT if pad_mask[i, j] else "black" for j in range(wp)] for i in range(hp)]
        _cells(ax, x[:, :, ch], 0, y0, fills=fills, text_colours=inks, gid=f"input-{ch}")
        _outline(ax, c0, y0 + r0, kw, kh, "black", gid=f"window-{ch}")
        pad_note = f", padded by {padding}" if padding else ""
        ax.text(
            0,
            y0 - 0.35,
            f"input, {name} channel{pad_note}",
            fontsize=9.5,
            color=edge,
            fontweight="bold",
            va="bottom",
            gid="label",
        )
        ky = y0 + r0
        ax.text(wp + 0.8, ky + kh / 2, "×", fontsize=15, ha="center", va="center")
        _cells(ax, ker[:, :, ch], x_ker, ky, gid=f"kernel-{ch}")
        _outline(ax, x_ker, ky, kw, kh, edge, lw=2.0)
        ax.text(x_ker, ky - 0.35, f"kernel, {name} slice", fontsize=9, va="bottom", gid="label")
        ax.text(x_ker + kw + 0.8, ky + kh / 2, "=", fontsize=15, ha="center", va="center")
        _cells(ax, products[:, :, ch], x_prod, ky, gid=f"products-{ch}")
        ax.text(x_prod, ky - 0.35, "products", fontsize=9, va="bottom", gid="label")
        sy = ky + kh / 2
        ax.text(
            x_sum,
            sy,
            f"sum = {_fmt(sums[ch])}",
            fontsize=11,
            va="center",
            ha="left",
            gid=f"sum-{ch}",
            bbox=dict(boxstyle="round,pad=0.35", fc=tint, ec=edge),
        )
        sum_anchors.append((x_sum + 2.7, sy))

    # the channel sums and the bias meet in one node, which gives one output number
    node_x = x_right + 0.8
    node_y = float(np.mean([a[1] for a in sum_anchors]))
    ax.add_patch(
        Circle(
            (node_x, node_y), 0.55, facecolor="white", edgecolor="0.2", lw=1.5, gid="node", zorder=5
        )
    )
    ax.text(node_x, node_y, "+", fontsize=16, ha="center", va="center", zorder=6)
    for anchor in sum_anchors:
        _arrow(ax, anchor, (node_x - 0.55, node_y), gid="arrow-sum")
    ax.text(
        node_x,
        node_y - 0.8,
        f"+ bias {_fmt(bias)}",
        fontsize=10,
        ha="center",
        va="bottom",
        gid="bias",
    )
    terms = " + ".join(_fmt(s) if s >= 0 or i == 0 else f"({_fmt(s)})" for i, s in enumerate(sums))
    ax.text(
        node_x + 0.8,
        node_y,
        f"{terms} + {_fmt(bias)} = {_fmt(value)}",
        fontsize=10.5,
        ha="left",
        va="center",
        gid="equation",
    )

    # where it lands: the one-channel output, this position filled, the others still empty
    out_x = node_x + 1.4
    out_y = node_y + 2.4
    empty = np.full((oh, ow), np.nan)
    fills = [["white"] * ow for _ in range(oh)]
    fills[r][c] = "#ffd966"
    _cells(ax, empty, out_x, out_y, fills=fills, gid="output")
    ax.text(
        out_x + c + 0.5,
        out_y + r + 0.5,
        _fmt(value),
        ha="center",
        va="center",
        fontsize=_font([value]),
        fontweight="bold",
        gid="result",
        zorder=6,
    )
    ax.text(
        out_x + ow + 0.3,
        out_y + 0.2,
        f"output {oh}x{ow}x1:\nposition ({r}, {c})",
        fontsize=9.5,
        va="top",
        gid="label",
    )
    _arrow(
        ax,
        (node_x + 0.3, node_y + 0.6),
        (out_x + c + 0.3, out_y + r + 0.2),
        colour="#b8860b",
        gid="arrow-result",
        rad=0.3,
    )

    # the same numbers as volumes: channels stacked, the kernel exactly as deep
    _stack(ax, x, x_right, 1.4, stack_off, (r0, c0, kh, kw), gid="stack-input")
    kx = x_right + wp * 0.55 + (n_ch - 1) * stack_off + 1.6
    _stack(ax, ker, kx, 1.4 + (hp - kh) * 0.55, stack_off, None, gid="stack-kernel")
    ax.text(
        x_right,
        1.4 + hp * 0.55 + 0.5,
        f"input volume\n{hp}x{wp}x{n_ch}",
        fontsize=9.5,
        va="top",
        gid="label",
    )
    ax.text(
        kx,
        1.4 + hp * 0.55 + 0.5,
        f"kernel {kh}x{kw}x{n_ch}:\nas deep as the input",
        fontsize=9.5,
        va="top",
        gid="label",
    )
    return fig


def _stack(ax, values, x0, y0, offset, window, *, gid):
    """Channel grids drawn as cards stacked one behind the other (first channel in front)."""
    size = 0.55
    rows, cols, n_ch = values.shape
    for ch in reversed(range(n_ch)):
        cx, cy = x0 + ch * offset, y0 - ch * offset
        fills = [[CHANNEL_TINTS[ch]] * cols for _ in range(rows)]
        _cells(
            ax,
            values[:, :, ch],
            cx,
            cy,
            fills=fills,
            gid=f"{gid}-{ch}",
            size=size,
            numbers=False,
            edge=CHANNEL_EDGES[ch],
        )
        if window is not None:
            r0, c0, kh, kw = window
            _outline(ax, cx + c0 * size, cy + r0 * size, kw * size, kh * size, "black", lw=1.8)


def _windows(image, kh, kw, stride):
    oh, ow = (image.shape[0] - kh) // stride + 1, (image.shape[1] - kw) // stride + 1
    return oh, ow, [(r * stride, c * stride) for r in range(oh) for c in range(ow)]


def im2col_product(image, kernel, stride=1, *, title=None):
    """A 2-D convolution (cross-correlation, no padding) as one matrix product.

    Every ``kernel``-sized window of the 2-D ``image`` (windows start every ``stride``
    pixels, in row-major order) is flattened row by row into one COLUMN of a matrix; the
    kernel is flattened the same way into a ROW; ``row @ matrix`` is the output, one number
    per window, reshaped to ``(H', W')``. Each window, its column, its thumbnail above the
    column and its output number share one colour. At most 12 windows of at most 16 pixels.
    """
    img = np.asarray(image, dtype=float)
    ker = np.asarray(kernel, dtype=float)
    if img.ndim != 2 or ker.ndim != 2:
        raise ValueError(
            f"im2col_product draws a 2-D image and a 2-D kernel. Received shapes "
            f"{img.shape} and {ker.shape}."
        )
    stride = _as_int(stride, "stride")
    if stride < 1:
        raise ValueError(f"stride must be at least 1. Received {stride}.")
    (h, w), (kh, kw) = img.shape, ker.shape
    if kh > h or kw > w:
        raise ValueError(f"the {kh}x{kw} kernel does not fit in the {h}x{w} image.")
    oh, ow, starts = _windows(img, kh, kw, stride)
    if len(starts) > MAX_WINDOWS or kh * kw > MAX_WINDOW_SIZE or max(h, w) > MAX_DRAWN_SIDE:
        raise ValueError(
            f"{len(starts)} windows of {kh * kw} pixels on a {h}x{w} image: too "
            f"many to draw readably (at most {MAX_WINDOWS} windows of "
            f"{MAX_WINDOW_SIZE} pixels). Pass a smaller crop or a larger stride."
        )
    columns = np.stack([img[r : r + kh, c : c + kw].reshape(-1) for r, c in starts], axis=1)
    row = ker.reshape(1, -1)
    out = row @ columns  # (1, number of windows)
    n_rows, n_cols = columns.shape
    colours = [WINDOW_COLOURS[j % len(WINDOW_COLOURS)] for j in range(n_cols)]

    x_mat = n_rows + 1.6  # the kernel row is n_rows wide
    x_eq = x_mat + n_cols + 0.4
    x_out = x_eq + 1.2
    x_grid = x_out + n_cols + 2.6
    y_top = 1.0
    y_thumb = y_top + max(h, kh) + 2.6
    y_mat = y_thumb + 1.6
    y_mid = y_mat + n_rows / 2 - 0.5
    width = x_grid + ow + 1.0
    height = y_mat + n_rows + 2.6
    fig, ax = _figure(
        width,
        height,
        title
        or (
            f"im2col: each {kh}x{kw} window of the {h}x{w} image becomes one column; "
            f"kernel row @ matrix = the {oh}x{ow} output"
        ),
    )

    # top: the image (numbers) above the matrix, the kernel above its flattened row
    img_x = x_mat + max(0.0, (n_cols - w) / 2)
    _cells(ax, img, img_x, y_top, fill="#f2f2f2", gid="image")
    for j, (r, c) in enumerate(starts[:2]):  # the first step; thumbnails show all
        _outline(
            ax,
            img_x + c,
            y_top + r,
            kw,
            kh,
            colours[j],
            lw=2.4,
            inset=0.05 + 0.1 * j,
            gid=f"window-{j}",
            ls="-" if j == 0 else "--",
        )
    ax.text(
        img_x,
        y_top - 0.35,
        f"image {h}x{w}, stride {stride}",
        fontsize=9.5,
        va="bottom",
        gid="label",
    )
    ker_x = (n_rows - kw) / 2
    _cells(ax, ker, ker_x, y_top, fill="white", gid="kernel")
    ax.text(ker_x, y_top - 0.35, f"kernel {kh}x{kw}", fontsize=9.5, va="bottom", gid="label")
    _arrow(
        ax, (ker_x + kw / 2, y_top + kh + 0.2), (ker_x + kw / 2, y_mid - 0.2), gid="arrow-flatten"
    )
    ax.text(
        ker_x + kw / 2 + 0.3,
        (y_top + kh + y_mid) / 2,
        "flatten\nrow by row",
        fontsize=9,
        va="center",
        gid="label",
    )
    _arrow(
        ax, (img_x + w / 2, y_top + h + 0.2), (img_x + w / 2, y_thumb - 0.25), gid="arrow-unroll"
    )
    ax.text(
        img_x + w / 2 + 0.3,
        y_top + h + 1.2,
        "each window -> one column\n(thumbnails: where each one sits)",
        fontsize=9,
        va="center",
        gid="label",
    )

    # thumbnails: column j's window, filled in its colour, on a miniature of the image
    t = 0.9 / max(h, w)
    for j, (r, c) in enumerate(starts):
        tx, ty = x_mat + j + 0.05, y_thumb + 0.05
        for i_r in range(h):
            for i_c in range(w):
                inside = r <= i_r < r + kh and c <= i_c < c + kw
                ax.add_patch(
                    Rectangle(
                        (tx + i_c * t, ty + i_r * t),
                        t,
                        t,
                        lw=0.3,
                        facecolor=colours[j] if inside else "white",
                        edgecolor="0.6",
                        gid=f"thumb-{j}",
                    )
                )
        ax.text(
            x_mat + j + 0.5,
            y_thumb + 1.25,
            f"({r},{c})",
            fontsize=7,
            ha="center",
            va="center",
            color=colours[j],
            fontweight="bold",
            gid="label",
        )

    # the product: kernel row @ column matrix = output row
    _cells(ax, row, 0, y_mid, fill="white", gid="row")
    _outline(ax, 0, y_mid, n_rows, 1, "0.2", lw=2.0)
    ax.text(
        0,
        y_mid + 1.35,
        f"kernel row (1 x {n_rows}) = kernel.reshape(1, -1)",
        fontsize=9.5,
        va="top",
        gid="label",
    )
    ax.text(n_rows + 0.8, y_mid + 0.5, "@", fontsize=15, ha="center", va="center")
    fills = [[_pale(colours[j]) for j in range(n_cols)] for _ in range(n_rows)]
    _cells(ax, columns, x_mat, y_mat, fills=fills, gid="matrix")
    for j in range(n_cols):
        _outline(ax, x_mat + j, y_mat, 1, n_rows, colours[j], lw=2.0, inset=0.04, gid=f"column-{j}")
    ax.text(
        x_mat,
        y_mat + n_rows + 0.35,
        f"columns ({n_rows} x {n_cols}): column j =\n"
        "window j .reshape(-1), windows in row-major order",
        fontsize=9.5,
        va="top",
        gid="label",
    )
    ax.text(x_eq + 0.2, y_mid + 0.5, "=", fontsize=15, ha="center", va="center")
    _cells(ax, out, x_out, y_mid, fills=[[_pale(col) for col in colours]], gid="out-row")
    for j in range(n_cols):
        _outline(ax, x_out + j, y_mid, 1, 1, colours[j], lw=2.0, inset=0.04)
    ax.text(x_out, y_mid + 1.35, f"output row (1 x {n_cols})", fontsize=9.5, va="top", gid="label")
    _arrow(
        ax, (x_out + n_cols + 0.2, y_mid + 0.5), (x_grid - 0.2, y_mid + 0.5), gid="arrow-reshape"
    )
    ax.text(
        (x_out + n_cols + x_grid) / 2,
        y_mid - 0.1,
        f"reshape\n({oh}, {ow})",
        fontsize=9,
        ha="center",
        va="bottom",
        gid="label",
    )
    grid_fills = [[_pale(colours[i * ow + j]) for j in range(ow)] for i in range(oh)]
    gy = y_mid + 0.5 - oh / 2
    _cells(ax, out.reshape(oh, ow), x_grid, gy, fills=grid_fills, gid="output")
    for j, colour in enumerate(colours):
        _outline(ax, x_grid + j % ow, gy + j // ow, 1, 1, colour, lw=2.0, inset=0.04)
    ax.text(x_grid, gy - 0.35, f"output {oh}x{ow}", fontsize=9.5, va="bottom", gid="label")
    return fig
