"""Pictures for notebook 05 (training CNNs): which values of an (N, H, W, C) tensor share
one mean and one variance under batch, layer and instance normalisation.

``shared_statistics(kinds)`` draws one panel per kind: the tensor as a block of cells with
the channels C across, the batch N in depth and the positions H x W (flattened) down,
and shades the cells that are averaged together for ONE statistic. Batch normalisation
shades one channel through every image and position; layer normalisation one image
through every channel and position; instance normalisation one channel of one image.
"""

from __future__ import annotations

from matplotlib.patches import FancyArrowPatch, Polygon

from cnn_course_kit.plots import CourseFigure

KINDS = {
    "batch": ("batch norm", "one channel, every image and position"),
    "layer": ("layer norm", "one image, every channel and position"),
    "instance": ("instance norm", "one channel of one image"),
}
MAX_SIDE = 10  # more cells per side leave no room to see them
SHARED, OTHER = "#f4a259", "#e4ebf2"
DEPTH = (0.55, 0.45)  # how far one step along N moves up and to the right


def _shared(kind: str, n: int, c: int, channel: int, image: int) -> bool:
    if kind == "batch":
        return c == channel
    if kind == "layer":
        return n == image
    return c == channel and n == image


def _cell(ax, corners, shared: bool) -> None:
    patch = Polygon(corners, closed=True, fc=SHARED if shared else OTHER, ec="0.35", lw=0.7)
    patch.set_gid("shared" if shared else "other")
    ax.add_patch(patch)


def _block(ax, kind, n_images, n_channels, n_positions, channel, image) -> str:
    """Draw the visible faces of the block; return how many values one statistic averages."""
    dx, dy = DEPTH
    for ch in range(n_channels):  # front face: image 0, every channel and position
        for k in range(n_positions):
            _cell(
                ax,
                [(ch, -k), (ch + 1, -k), (ch + 1, -k - 1), (ch, -k - 1)],
                _shared(kind, 0, ch, channel, image),
            )
    for nn in range(n_images):  # top face: position 0 of every image and channel
        for ch in range(n_channels):
            _cell(
                ax,
                [
                    (ch + nn * dx, nn * dy),
                    (ch + 1 + nn * dx, nn * dy),
                    (ch + 1 + (nn + 1) * dx, (nn + 1) * dy),
                    (ch + (nn + 1) * dx, (nn + 1) * dy),
                ],
                _shared(kind, nn, ch, channel, image),
            )
    right = n_channels  # right face: the last channel of every image
    for nn in range(n_images):
        for k in range(n_positions):
            _cell(
                ax,
                [
                    (right + nn * dx, -k + nn * dy),
                    (right + (nn + 1) * dx, -k + (nn + 1) * dy),
                    (right + (nn + 1) * dx, -k - 1 + (nn + 1) * dy),
                    (right + nn * dx, -k - 1 + nn * dy),
                ],
                _shared(kind, nn, n_channels - 1, channel, image),
            )
    counts = {
        "batch": f"N x HW = {n_images} x {n_positions} = {n_images * n_positions}",
        "layer": f"C x HW = {n_channels} x {n_positions} = {n_channels * n_positions}",
        "instance": f"HW = {n_positions}",
    }
    return counts[kind]


def _axis_labels(ax, n_images, n_channels, n_positions) -> None:
    dx, dy = DEPTH
    style = {"arrowstyle": "-|>", "mutation_scale": 10, "color": "0.2", "lw": 1.0}
    ax.add_patch(
        FancyArrowPatch((0, -n_positions - 0.5), (n_channels, -n_positions - 0.5), **style)
    )
    ax.text(n_channels / 2, -n_positions - 0.8, "C (channels)", ha="center", va="top", fontsize=9)
    ax.add_patch(FancyArrowPatch((-0.5, 0), (-0.5, -n_positions), **style))
    ax.text(
        -0.8, -n_positions / 2, "H, W (positions)", ha="right", va="center", rotation=90, fontsize=9
    )
    start, end = (
        (n_channels + 0.3, -n_positions - 0.2),
        (n_channels + 0.3 + n_images * dx, -n_positions - 0.2 + n_images * dy),
    )
    ax.add_patch(FancyArrowPatch(start, end, **style))
    ax.text(end[0] + 0.15, end[1] - 0.1, "N (batch)", ha="left", va="top", fontsize=9)


def shared_statistics(
    kinds=("batch", "layer"),
    *,
    n: int = 3,
    c: int = 4,
    hw: int = 5,
    channel: int = 1,
    image: int = 0,
):
    """One panel per normalisation in ``kinds`` ("batch", "layer", "instance"): a block of
    ``n`` images x ``c`` channels x ``hw`` positions (each side at most 10) with the values
    that share one mean and variance shaded, for channel ``channel`` and image ``image``.
    Returns the figure.
    """
    kinds = [kinds] if isinstance(kinds, str) else list(kinds)
    if not kinds:
        raise ValueError("kinds must name at least one normalisation. Received: an empty sequence")
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise ValueError(
            f"unknown normalisation {unknown[0]!r}: use one of {', '.join(KINDS)}. "
            f"Received: kinds={kinds}"
        )
    sizes = {"n": n, "c": c, "hw": hw}
    for label, size in sizes.items():
        if not 1 <= size <= MAX_SIDE:
            raise ValueError(
                f"{label} must be between 1 and {MAX_SIDE} cells. Received: {label}={size}"
            )
    if not 0 <= channel < c:
        raise ValueError(f"channel must index one of the {c} channels. Received: channel={channel}")
    if not 0 <= image < n:
        raise ValueError(f"image must index one of the {n} images. Received: image={image}")

    dx, dy = DEPTH
    width, height = c + n * dx + 2.6, hw + n * dy + 2.4
    fig = CourseFigure(figsize=(0.5 * width * len(kinds) + 0.4, 0.5 * height + 0.9))
    axes = fig.subplots(1, len(kinds), squeeze=False)[0]
    for ax, kind in zip(axes, kinds):
        averaged = _block(ax, kind, n, c, hw, channel, image)
        _axis_labels(ax, n, c, hw)
        ax.set_xlim(-1.8, c + n * dx + 1.6)
        ax.set_ylim(-hw - 1.8, n * dy + 0.4)
        ax.set_aspect("equal")
        ax.axis("off")
        name, what = KINDS[kind]
        ax.set_title(f"{name}: {what}\n{averaged} values share one mean", fontsize=9)
    fig.suptitle("Which values of an (N, H, W, C) tensor share one mean and variance", fontsize=10)
    fig.subplots_adjust(left=0.02, right=0.98, bottom=0.02, top=0.84, wspace=0.1)
    return fig
