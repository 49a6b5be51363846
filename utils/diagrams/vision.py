"""Pictures for notebook 01 (the visual cortex): the tasks of computer vision on one scene,
Hubel and Wiesel's experiment as a tuning sketch, and the routes through the visual areas.

Each function returns a new ``CourseFigure``; nothing is shown or saved. Parts a test needs
to find carry a matplotlib ``gid``: ``"box"`` (a bounding box), ``"bar"`` (a bar of light),
``"area:<name>"`` (a visual area) and ``"arrow"`` (a connection between areas).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib import patheffects
from matplotlib.colors import ListedColormap
from matplotlib.patches import (
    Circle,
    Ellipse,
    FancyArrowPatch,
    FancyBboxPatch,
    Patch,
    Polygon,
    Rectangle,
)

from ..plots import CourseFigure

TASKS = ("classification", "localisation", "detection", "segmentation")
_TASK_TITLES = {
    "classification": ("image classification", 'output: one label, "cat"'),
    "localisation": ("classification + localisation", 'output: "cat" and one box'),
    "detection": ("object detection", "output: a box and a label per object"),
    "segmentation": ("semantic segmentation", "output: a class for every pixel"),
}
_CLASSES = ("sky", "grass", "cat", "ball")
_CLASS_COLOURS = ("#bcdcf5", "#8cc97a", "#e8892b", "#7b3fa8")
_SCENE_W, _SCENE_H, _HORIZON = 16.0, 10.0, 3.5


def _scene_shapes():
    """(class, patch) for every object of the scene, in drawing order (data coordinates)."""
    fur, line = "#e8892b", "#5a3410"
    cat = [
        Ellipse((6.0, 4.2), 5.6, 2.6, facecolor=fur, edgecolor=line),
        Circle((9.0, 5.9), 1.35, facecolor=fur, edgecolor=line),
        Polygon([(8.0, 6.7), (8.3, 8.1), (9.0, 7.1)], facecolor=fur, edgecolor=line),
        Polygon([(9.2, 7.1), (9.9, 8.1), (10.1, 6.6)], facecolor=fur, edgecolor=line),
        Polygon([(3.4, 4.6), (1.6, 6.6), (2.1, 6.9), (3.8, 5.2)], facecolor=fur, edgecolor=line),
    ]
    cat += [
        Rectangle((x, 2.3), 0.6, 1.2, facecolor=fur, edgecolor=line) for x in (4.0, 5.2, 6.8, 7.8)
    ]
    balls = [
        Circle((12.3, 2.4), 1.0, facecolor="#c0392b", edgecolor="#5b1a12"),
        Circle((14.6, 1.6), 0.75, facecolor="#2e6fd1", edgecolor="#14305c"),
    ]
    return [("cat", p) for p in cat] + [("ball", p) for p in balls]


# One box per object: (label, x0, y0, x1, y1), drawn around the shapes above.
_OBJECTS = (
    ("cat", 1.4, 2.1, 10.5, 8.4),
    ("ball", 11.1, 1.2, 13.5, 3.6),
    ("ball", 13.65, 0.65, 15.55, 2.55),
)


def _label_map(pixel: float = 0.25) -> np.ndarray:
    """The scene's class index per pixel (rows from the top), pixel units of ``pixel``."""
    rows, cols = int(_SCENE_H / pixel), int(_SCENE_W / pixel)
    xs = (np.arange(cols) + 0.5) * pixel
    ys = _SCENE_H - (np.arange(rows) + 0.5) * pixel
    x, y = np.meshgrid(xs, ys)
    labels = np.where(y < _HORIZON, _CLASSES.index("grass"), _CLASSES.index("sky"))
    points = np.column_stack([x.ravel(), y.ravel()])
    for name, patch in _scene_shapes():
        path = patch.get_path().transformed(patch.get_patch_transform())
        inside = path.contains_points(points).reshape(x.shape)
        labels[inside] = _CLASSES.index(name)
    return labels


def _draw_scene(ax) -> None:
    ax.add_patch(Rectangle((0, _HORIZON), _SCENE_W, _SCENE_H - _HORIZON, color=_CLASS_COLOURS[0]))
    ax.add_patch(Rectangle((0, 0), _SCENE_W, _HORIZON, color=_CLASS_COLOURS[1]))
    for _, patch in _scene_shapes():
        ax.add_patch(patch)
    for x in (8.5, 9.5):  # the cat's eyes
        ax.add_patch(Circle((x, 6.1), 0.15, color="black"))


def _tag(ax, x, y, text, colour) -> None:
    ax.text(
        x,
        y,
        text,
        color="white",
        fontsize=9,
        fontweight="bold",
        va="bottom",
        bbox={"facecolor": colour, "edgecolor": "none", "pad": 1.5},
    )


def vision_tasks(tasks: Sequence[str] = TASKS):
    """Draw the same synthetic scene (a cat and two balls) once per task in ``tasks`` (any of
    ``TASKS``, in the order given), each with the output that task asks a model for."""
    tasks = list(tasks)
    unknown = [t for t in tasks if t not in TASKS]
    if not tasks or unknown or len(set(tasks)) != len(tasks):
        raise ValueError(
            f"tasks must be distinct names from {TASKS}, at least one. Received: {tasks!r}"
        )
    fig = CourseFigure(figsize=(3.3 * len(tasks), 3.0))
    axes = fig.subplots(1, len(tasks), squeeze=False).ravel()
    box_colours = {"cat": "#b03a2e", "ball": "#1a4f8b"}
    for ax, task in zip(axes, tasks):
        title, output = _TASK_TITLES[task]
        if task == "segmentation":
            ax.imshow(
                _label_map(),
                cmap=ListedColormap(_CLASS_COLOURS),
                vmin=-0.5,
                vmax=len(_CLASSES) - 0.5,
                extent=(0, _SCENE_W, 0, _SCENE_H),
                interpolation="nearest",
            )
            ax.legend(
                handles=[Patch(color=c, label=n) for n, c in zip(_CLASSES, _CLASS_COLOURS)],
                loc="upper right",
                fontsize=7,
                ncols=2,
                framealpha=0.9,
            )
        else:
            _draw_scene(ax)
        if task == "classification":
            ax.text(
                _SCENE_W / 2,
                _SCENE_H - 0.4,
                "cat",
                ha="center",
                va="top",
                fontsize=12,
                fontweight="bold",
                bbox={"facecolor": "white", "edgecolor": "black"},
            )
        objects = {"localisation": _OBJECTS[:1], "detection": _OBJECTS}.get(task, ())
        for label, x0, y0, x1, y1 in objects:
            ax.add_patch(
                Rectangle(
                    (x0, y0),
                    x1 - x0,
                    y1 - y0,
                    fill=False,
                    lw=2.5,
                    gid="box",
                    edgecolor=box_colours[label],
                )
            )
            _tag(ax, x0, y1, label, box_colours[label])
        ax.set_xlim(0, _SCENE_W)
        ax.set_ylim(0, _SCENE_H)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(output, fontsize=9)
    fig.suptitle("One scene, four tasks: what changes is the output", fontsize=11)
    fig.tight_layout()
    return fig


def spike_counts(
    angles, preferred: float = 60.0, width: float = 20.0, peak: float = 30.0, baseline: float = 2.0
) -> np.ndarray:
    """Spikes a model V1 cell fires in one second for a bar at each angle (degrees): a
    Gaussian bump of standard deviation ``width`` degrees around ``preferred``, on top of a
    ``baseline`` rate, rounded to whole spikes. Orientation repeats every 180 degrees.
    An illustrative sketch of a tuning curve, not a recording."""
    angles = np.asarray(angles, dtype=float)
    if angles.ndim != 1 or angles.size == 0 or not np.all(np.isfinite(angles)):
        raise ValueError(
            f"angles must be a non-empty 1-D list of finite degrees. Received: {angles.tolist()!r}"
        )
    if not (np.isfinite(preferred) and width > 0 and 0 <= baseline <= peak):
        raise ValueError(
            f"Need a finite preferred angle, width > 0 and 0 <= baseline <= peak. "
            f"Received: preferred={preferred}, width={width}, baseline={baseline}, "
            f"peak={peak}"
        )
    return np.rint(_rate(angles, preferred, width, peak, baseline)).astype(int)


def _rate(angles, preferred, width, peak, baseline):
    offset = (np.asarray(angles, dtype=float) - preferred + 90.0) % 180.0 - 90.0
    return baseline + (peak - baseline) * np.exp(-(offset**2) / (2 * width**2))


def _outlined(colour: str):
    return {
        "color": colour,
        "path_effects": [patheffects.withStroke(linewidth=2.5, foreground="black")],
    }


def _draw_screen(ax, angle: float, preferred: float) -> None:
    """A dark screen, the cell's receptive field (+ excitatory band, - inhibitory flanks)
    and a bar of light at ``angle``."""
    ax.set_facecolor("black")
    field = Ellipse(
        (0, 0), 1.5, 1.0, angle=preferred, fill=False, edgecolor="white", lw=1.2, ls="--", zorder=3
    )
    ax.add_patch(field)
    t = np.deg2rad(preferred)
    across = np.array([-np.sin(t), np.cos(t)])
    # red excitatory, blue inhibitory: the colours of plots.kernels in the notebook
    for offset, half, colour in (
        (0.0, 0.14, "#d62728"),
        (0.3, 0.16, "#1f77b4"),
        (-0.3, 0.16, "#1f77b4"),
    ):
        cx, cy = offset * across
        band = Rectangle(
            (cx - 1.5, cy - half),
            3.0,
            2 * half,
            angle=preferred,
            rotation_point="center",
            color=colour,
            alpha=0.55,
            zorder=1,
        )
        ax.add_patch(band)
        band.set_clip_path(field)
    ax.add_patch(
        Rectangle(
            (-1.5, -0.09),
            3.0,
            0.18,
            angle=angle,
            rotation_point="center",
            color="#ffe45c",
            alpha=0.8,
            gid="bar",
            zorder=2,
        )
    )
    for sign, offset in (("+", 0.0), ("−", 0.3), ("−", -0.3)):
        x, y = offset * across
        ax.text(
            x,
            y,
            sign,
            ha="center",
            va="center",
            fontsize=12,
            fontweight="bold",
            zorder=4,
            **_outlined("#ffc2c2" if sign == "+" else "#bfe0ff"),
        )
    ax.set_xlim(-1, 1)
    ax.set_ylim(-1, 1)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])


def orientation_tuning(
    angles: Sequence[float] = (0, 30, 60, 90, 120, 150),
    *,
    preferred: float = 60.0,
    width: float = 20.0,
    peak: float = 30.0,
    baseline: float = 2.0,
    seed: int = 0,
):
    """Hubel and Wiesel's experiment as a sketch: a bar of light at each angle over one simple
    cell's receptive field, the spikes it fires (``spike_counts``) and its tuning curve."""
    counts = spike_counts(angles, preferred, width, peak, baseline)
    angles = [float(a) for a in angles]
    n = len(angles)
    fig = CourseFigure(figsize=(max(8.0, 1.5 * n), 5.6))
    outer = fig.add_gridspec(2, 1, height_ratios=[1.7, 2.0], hspace=0.3)
    grid = outer[0].subgridspec(2, n, height_ratios=[1.25, 0.4], hspace=0.08)
    rng = np.random.default_rng(seed)
    for i, (angle, count) in enumerate(zip(angles, counts)):
        screen = fig.add_subplot(grid[0, i])
        _draw_screen(screen, angle, preferred)
        screen.set_title(f"bar at {angle:g}°", fontsize=9)
        spikes = fig.add_subplot(grid[1, i])
        spikes.vlines(np.sort(rng.uniform(0, 1, count)), 0, 1, color="black", lw=0.8)
        spikes.set_xlim(0, 1)
        spikes.set_ylim(0, 1)
        spikes.set_xticks([])
        spikes.set_yticks([])
        spikes.set_xlabel(f"{count} spikes", fontsize=9)
        if i == 0:
            screen.set_ylabel("screen and\nreceptive field", fontsize=8)
            spikes.set_ylabel("spikes\nin 1 s", fontsize=8, rotation=0, ha="right", va="center")
    curve = fig.add_subplot(outer[1])
    smooth = np.linspace(0, 180, 361)
    curve.plot(
        smooth,
        _rate(smooth, preferred, width, peak, baseline),
        color="0.6",
        ls="--",
        label="the cell's tuning (model)",
    )
    curve.plot(angles, counts, "o", color="tab:orange", ms=8, label="the bars above")
    curve.axvline(
        preferred % 180,
        color="tab:green",
        ls=":",
        lw=1.5,
        label=f"preferred orientation, {preferred % 180:g}°",
    )
    curve.set_xlim(0, 180)
    curve.set_xticks(range(0, 181, 30))
    curve.set_ylim(0, peak * 1.15)
    curve.set_xlabel("bar angle (degrees, counter-clockwise from horizontal)")
    curve.set_ylabel("spikes in 1 s")
    curve.set_title("The tuning curve: spike count against bar angle", fontsize=10)
    curve.legend(fontsize=8, loc="upper right")
    curve.grid(alpha=0.3)
    fig.suptitle(
        "Hubel and Wiesel's experiment, sketched: one cell, a bar of light at "
        f"{n} angles\n(+ excitatory, − inhibitory parts of its receptive field)",
        fontsize=11,
    )
    return fig


# name: (label in the picture, x, y) on a 13 x 7.6 canvas
AREAS = {
    "eyes": ("eyes", 0.7, 4.3),
    "V1": ("V1", 2.2, 4.3),
    "V2": ("V2", 3.7, 4.3),
    "V4": ("V4", 5.6, 6.2),
    "IT": ("inferotemporal\ncortex", 8.0, 6.2),
    "V3": ("V3", 5.3, 2.9),
    "MT": ("MT (V5)", 6.75, 2.9),
    "MST": ("MST", 8.2, 2.9),
    "parietal": ("parietal\ncortex", 10.0, 2.9),
    "V3a": ("V3a", 6.4, 1.35),
    "V3b": ("V3b", 7.6, 1.35),
    "V7": ("V7", 8.8, 1.35),
    "prefrontal": ("prefrontal\ncortex", 11.9, 4.6),
}
# (from, to); "dorsal group" is the dashed frame around V3a, V3b and V7
EDGES = (
    ("eyes", "V1"),
    ("V1", "V2"),
    ("V2", "V4"),
    ("V4", "IT"),
    ("V2", "V3"),
    ("V3", "MT"),
    ("MT", "MST"),
    ("MST", "parietal"),
    ("V3", "dorsal group"),
    ("dorsal group", "parietal"),
    ("IT", "prefrontal"),
    ("parietal", "prefrontal"),
)


def visual_areas(highlight: Sequence[str] = ()):
    """The two routes through the visual areas that notebook 01 names (ventral: what, dorsal:
    where and how), as boxes and arrows, areas only: what each area does is the reader's to
    match. ``highlight`` names areas (keys of ``AREAS``) to mark, e.g. ``["V1"]``."""
    highlight = list(highlight)
    unknown = [a for a in highlight if a not in AREAS]
    if unknown:
        raise ValueError(
            f"Unknown area(s) {unknown}; choose from {list(AREAS)}. Received: {highlight!r}"
        )
    fig = CourseFigure(figsize=(11.5, 6.0))
    ax = fig.subplots()
    ax.set_xlim(0, 13)
    ax.set_ylim(-0.6, 7.6)
    ax.axis("off")
    ax.add_patch(
        FancyBboxPatch(
            (4.6, 5.45), 4.7, 1.5, boxstyle="round,pad=0.1", facecolor="#fde9d4", edgecolor="none"
        )
    )
    ax.text(4.7, 7.2, "ventral route: WHAT we see", fontsize=10, color="#8a4a0b", fontweight="bold")
    ax.add_patch(
        FancyBboxPatch(
            (4.6, 0.6), 6.9, 3.1, boxstyle="round,pad=0.1", facecolor="#dceaf7", edgecolor="none"
        )
    )
    ax.text(
        4.7,
        3.85,
        "dorsal route: WHERE things are, HOW they move",
        fontsize=10,
        color="#16406e",
        fontweight="bold",
    )
    group = FancyBboxPatch(
        (5.8, 0.85),
        3.6,
        1.0,
        boxstyle="round,pad=0.08",
        fill=False,
        edgecolor="#16406e",
        ls="--",
        lw=1.2,
        gid="dorsal group",
    )
    ax.add_patch(group)
    boxes = {"dorsal group": group}
    for name, (label, x, y) in AREAS.items():
        marked = name in highlight
        w = 1.6 if "\n" in label else 0.9 if name in ("V3a", "V3b", "V7") else 1.0
        box = FancyBboxPatch(
            (x - w / 2, y - 0.38),
            w,
            0.76,
            boxstyle="round,pad=0.06",
            facecolor="#fff3a0" if marked else "white",
            edgecolor="black",
            lw=2.6 if marked else 1.2,
            gid=f"area:{name}",
        )
        ax.add_patch(box)
        ax.text(
            x,
            y,
            label,
            ha="center",
            va="center",
            fontsize=9.5 if "\n" in label else 11,
            fontweight="bold" if marked else "normal",
        )
        boxes[name] = box
    for start, end in EDGES:
        ax.add_patch(
            FancyArrowPatch(
                patchA=boxes[start],
                patchB=boxes[end],
                arrowstyle="-|>",
                mutation_scale=14,
                lw=1.3,
                color="0.2",
                gid="arrow",
                posA=_centre(boxes[start]),
                posB=_centre(boxes[end]),
            )
        )
    ax.text(1.45, 3.75, "(via the\nthalamus)", ha="center", va="top", fontsize=7.5, color="0.3")
    ax.add_patch(
        FancyArrowPatch(
            (1.2, -0.25), (12.4, -0.25), arrowstyle="-|>", mutation_scale=18, lw=2, color="0.45"
        )
    )
    ax.text(
        6.8,
        -0.05,
        "early areas: simple, local features  ·····  later areas: larger, more abstract features",
        ha="center",
        va="bottom",
        fontsize=9,
        color="0.25",
    )
    if highlight:
        ax.text(0.1, 7.2, "highlighted: " + ", ".join(highlight), fontsize=9, color="0.2")
    ax.set_title(
        "The visual areas of notebook 01 and the two routes through them (a simplification)",
        fontsize=11,
    )
    fig.tight_layout()
    return fig


def _centre(box) -> tuple[float, float]:
    return (box.get_x() + box.get_width() / 2, box.get_y() + box.get_height() / 2)
