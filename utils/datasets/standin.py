"""The offline stand-in: procedurally drawn "cats" and "dogs" in the filtered archive's layout.

:func:`make_standin_pets` draws (deterministically, and only once) the synthetic set that
:func:`~.pets.cats_vs_dogs` uses offline or in the smoke profile, and :func:`standin_banner`
is the boxed warning printed whenever it does.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..config import writable_folder
from .files import _image_files, _read_json, _write_json
from .sources import CLASS_NAMES, SOURCES, STANDIN_MARKER, STANDIN_SIZE, STANDIN_VERSION

if TYPE_CHECKING:  # pragma: no cover - only for type hints
    from PIL import Image as PILImage


_FUR = np.array(
    [
        (205, 140, 70),
        (120, 80, 45),
        (55, 48, 44),
        (150, 150, 150),
        (232, 222, 200),
        (90, 92, 100),
        (175, 125, 85),
    ],
    dtype=float,
)
_CAT_FUR_WEIGHTS = np.array([3, 1, 2, 3, 2, 3, 1], dtype=float)
_DOG_FUR_WEIGHTS = np.array([1, 3, 2, 1, 2, 1, 3], dtype=float)
_SPLIT_IDS = {"train": 0, "validation": 1}


def make_standin_pets(
    root: str | os.PathLike,
    n_per_class: int | Mapping[str, int] = 200,
    size: int | tuple[int, int] = STANDIN_SIZE,
    seed: int = 0,
) -> Path:
    """Write a small synthetic cats-vs-dogs set in the filtered archive's layout.

    Files go to ``root/cats_and_dogs_filtered/{train,validation}/{cats,dogs}/`` named like
    the real ones (``cat.0.jpg``, ``dog.0.jpg``, ...). ``n_per_class`` is the number of
    training images per class (validation gets half as many, like the real 1,000/500) or a
    mapping ``{"train": n, "validation": m}``. The pictures are cartoon animal heads whose
    class shows in *statistics*, not in one giveaway pixel: cats mostly have pointy ears,
    small noses and whiskers; dogs mostly floppy ears and a big muzzle; fur colours, textures,
    backgrounds, distractor shapes, position, scale and tilt overlap heavily. A small CNN
    learns it well above chance but not perfectly. ``size`` is the side of every (square)
    image, or ``(low, high)``: each image then gets its own width and height in that range,
    as the real photos have (about 150 to 500 pixels a side), e.g. for timing a pipeline.

    Deterministic: the same arguments give byte-identical JPEGs. Idempotent: a complete
    stand-in with the same arguments is reused; otherwise it is redrawn in a temporary
    folder and moved into place. Returns the ``cats_and_dogs_filtered`` folder.
    """
    counts = _standin_counts(n_per_class)
    root = Path(root)
    dataset = root / SOURCES["filtered"].top
    size = _standin_size(size)
    meta = {"version": STANDIN_VERSION, "counts": counts, "size": size, "seed": int(seed)}
    if _read_json(dataset / STANDIN_MARKER) == meta and _standin_complete(dataset, counts):
        return dataset
    root = writable_folder(root)  # a read-only cache: drawn in a private one instead
    dataset = root / SOURCES["filtered"].top
    if _read_json(dataset / STANDIN_MARKER) == meta and _standin_complete(dataset, counts):
        return dataset
    tmp = Path(tempfile.mkdtemp(prefix=".standin.", suffix=".part", dir=root))
    try:
        for split, n in counts.items():
            _draw_split(tmp, split, n, size, int(seed))
        _write_json(tmp / STANDIN_MARKER, meta)
        if dataset.exists():
            shutil.rmtree(dataset)
        os.replace(tmp, dataset)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dataset


def _standin_size(size) -> int | list[int]:
    """An int side, or ``[low, high]`` for random sizes, validated."""
    if isinstance(size, (int, np.integer)):
        sides = [int(size)]
    else:
        sides = [int(v) for v in size]
        if len(sides) != 2 or sides[0] > sides[1]:
            raise ValueError(f"size must be a side or (low, high). Received: {size!r}")
    if min(sides) < 8:
        raise ValueError(f"the stand-in's images need at least 8 pixels a side. Received: {size!r}")
    return sides[0] if len(sides) == 1 else sides


def _standin_counts(n_per_class: int | Mapping[str, int]) -> dict[str, int]:
    """``{"train": n, "validation": m}`` from an int or a mapping, validated."""
    if isinstance(n_per_class, Mapping):
        counts = {s: int(n_per_class[s]) for s in _SPLIT_IDS}
    else:
        counts = {"train": int(n_per_class), "validation": max(1, int(n_per_class) // 2)}
    if min(counts.values()) < 1:
        raise ValueError(
            f"the stand-in needs at least one image per class and split. Received: {n_per_class!r}"
        )
    return counts


def _standin_complete(dataset: Path, counts: Mapping[str, int]) -> bool:
    """True if every stand-in folder holds the expected number of JPEGs."""
    return all(
        (dataset / s / c).is_dir() and len(_image_files(dataset / s / c)) == n
        for s, n in counts.items()
        for c in CLASS_NAMES
    )


def _draw_split(dataset: Path, split: str, n: int, size, seed: int) -> None:
    """Draw and save ``n`` cats and ``n`` dogs of one split (``size``: see _standin_size)."""
    from PIL import Image

    offset = 0 if split == "train" else 2000  # like the real archive: cat.2000.jpg onwards
    for label, cls in enumerate(CLASS_NAMES):
        folder = dataset / split / cls
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(n):
            rng = np.random.default_rng([seed, _SPLIT_IDS[split], label, i])
            if isinstance(size, list):  # its own width and height, drawn square, then stretched
                width, height = (int(v) for v in rng.integers(size[0], size[1] + 1, 2))
                image = _draw_pet(rng, max(width, height), dog=bool(label))
                image = image.resize((width, height), Image.Resampling.BILINEAR)
            else:
                image = _draw_pet(rng, size, dog=bool(label))
            image.save(folder / f"{cls[:-1]}.{offset + i}.jpg", "JPEG", quality=90)


def _draw_pet(rng: np.random.Generator, size: int, *, dog: bool) -> PILImage.Image:
    """One procedural animal head on a cluttered background (drawn at 2x, then reduced)."""
    from PIL import Image, ImageDraw, ImageFilter

    s = 2 * size
    image = _background(rng, s)
    draw = ImageDraw.Draw(image)
    _distractors(rng, draw, s)
    head = _Head.sample(rng, s, dog)
    _draw_head(rng, draw, head, dog)
    image = image.resize((size, size), Image.Resampling.LANCZOS)
    image = image.filter(ImageFilter.GaussianBlur(radius=float(rng.uniform(0.0, 0.7))))
    pixels = np.asarray(image, dtype=float)
    pixels += rng.normal(0.0, rng.uniform(1.0, 8.0), pixels.shape)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8))


def _background(rng: np.random.Generator, s: int) -> PILImage.Image:
    """A random two-colour gradient with soft blotches (computed small, then enlarged)."""
    from PIL import Image

    low = max(8, s // 8)
    c1, c2 = rng.uniform(0, 255, (2, 3))
    angle = rng.uniform(0, 2 * np.pi)
    yy, xx = np.mgrid[0:low, 0:low] / low
    t = np.clip(0.5 + (xx - 0.5) * np.cos(angle) + (yy - 0.5) * np.sin(angle), 0, 1)
    arr = c1 * (1 - t[..., None]) + c2 * t[..., None]
    blotch = np.sin(xx * rng.uniform(2, 9) + rng.uniform(0, 6)) * np.sin(
        yy * rng.uniform(2, 9) + rng.uniform(0, 6)
    )
    arr += blotch[..., None] * rng.uniform(0, 40)
    small = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    return small.resize((s, s), Image.Resampling.BILINEAR)


def _colour(rng: np.random.Generator, low: int = 0, high: int = 256) -> tuple[int, int, int]:
    """A random RGB colour."""
    return tuple(int(v) for v in rng.integers(low, high, 3))


def _distractors(rng: np.random.Generator, draw, s: int) -> None:
    """Clutter shared by both classes: blobs, boxes, lines and small triangles."""
    for _ in range(int(rng.integers(2, 7))):
        kind = rng.integers(0, 4)
        x, y = rng.uniform(0, s, 2)
        r = rng.uniform(0.03, 0.12) * s
        fill = _colour(rng)
        if kind == 0:
            draw.ellipse(
                [x - r, y - r * rng.uniform(0.5, 1.5), x + r, y + r * rng.uniform(0.5, 1.5)],
                fill=fill,
            )
        elif kind == 1:
            draw.rectangle([x - r, y - r, x + r * rng.uniform(0.5, 2), y + r], fill=fill)
        elif kind == 2:
            x2, y2 = rng.uniform(0, s, 2)
            draw.line([x, y, x2, y2], fill=fill, width=int(rng.integers(1, max(2, s // 40))))
        else:
            pts = [
                (x + r * np.cos(a), y + r * np.sin(a))
                for a in rng.uniform(0, 2 * np.pi) + np.array([0, 2.1, 4.2])
            ]
            draw.polygon(pts, fill=fill)


@dataclass
class _Head:
    """Where and how a stand-in head is drawn (local coordinates are in head radii)."""

    cx: float
    cy: float
    r: float
    aspect: float
    tilt: float
    fur: tuple[int, int, int]
    dark: tuple[int, int, int]

    @classmethod
    def sample(cls, rng: np.random.Generator, s: int, dog: bool) -> _Head:
        """Random placement, scale, tilt and a class-leaning (heavily overlapping) fur."""
        weights = _DOG_FUR_WEIGHTS if dog else _CAT_FUR_WEIGHTS
        base = _FUR[rng.choice(len(_FUR), p=weights / weights.sum())]
        fur = np.clip(base * rng.uniform(0.8, 1.2) + rng.normal(0, 8, 3), 0, 255)
        return cls(
            cx=rng.uniform(0.3, 0.7) * s,
            cy=rng.uniform(0.35, 0.7) * s,
            r=rng.uniform(0.15, 0.26) * s,
            aspect=rng.uniform(0.95, 1.25) if dog else rng.uniform(0.85, 1.1),
            tilt=rng.uniform(-0.35, 0.35),
            fur=tuple(int(v) for v in fur),
            dark=tuple(int(v * 0.5) for v in fur),
        )

    def pts(self, local) -> list[tuple[float, float]]:
        """Map local (x, y) points, in head radii, to tilted image coordinates."""
        c, s = np.cos(self.tilt), np.sin(self.tilt)
        return [
            (self.cx + self.r * (x * c - y * s), self.cy + self.r * (x * s + y * c))
            for x, y in local
        ]

    def ellipse(self, x: float, y: float, rx: float, ry: float, angle: float = 0.0):
        """A tilted ellipse centred at local (x, y), as a polygon."""
        a = np.linspace(0, 2 * np.pi, 28, endpoint=False)
        ex, ey = rx * np.cos(a), ry * np.sin(a)
        c, s = np.cos(angle), np.sin(angle)
        return self.pts(zip(x + ex * c - ey * s, y + ex * s + ey * c, strict=True))


def _draw_head(rng: np.random.Generator, draw, head: _Head, dog: bool) -> None:
    """Ears, face, texture, eyes, nose/muzzle and whiskers; each cue only *leans* by class."""
    pointy = rng.random() < (0.12 if dog else 0.88)
    if pointy:
        _pointy_ears(rng, draw, head)
    draw.polygon(head.ellipse(0, 0, 1.0, head.aspect), fill=head.fur)
    if not pointy:
        _floppy_ears(rng, draw, head)
    _texture(
        rng,
        draw,
        head,
        stripes=rng.random() < (0.15 if dog else 0.45),
        spots=rng.random() < (0.35 if dog else 0.1),
    )
    _eyes(rng, draw, head, dog)
    if rng.random() < (0.8 if dog else 0.2):
        draw.polygon(
            head.ellipse(0, 0.5, rng.uniform(0.35, 0.5), rng.uniform(0.25, 0.38)),
            fill=tuple(min(255, v + 60) for v in head.fur),
        )
        draw.polygon(head.ellipse(0, 0.32, rng.uniform(0.11, 0.17), 0.09), fill=(25, 20, 20))
    else:
        draw.polygon(
            head.pts([(-0.09, 0.2), (0.09, 0.2), (0, 0.32)]),
            fill=(230, 140, 150) if rng.random() < 0.6 else (40, 30, 30),
        )
    if rng.random() < (0.15 if dog else 0.7):
        shade = (240, 240, 240) if rng.random() < 0.5 else (30, 30, 30)
        width = max(1, int(head.r / 25))
        for side in (-1, 1):
            for k in range(3):
                draw.line(
                    head.pts([(side * 0.15, 0.35), (side * 1.15, 0.2 + 0.15 * k)]),
                    fill=shade,
                    width=width,
                )


def _pointy_ears(rng: np.random.Generator, draw, head: _Head) -> None:
    """Two triangles standing on top of the head, sometimes with a pink inside."""
    height, spread = rng.uniform(0.55, 0.95), rng.uniform(-0.1, 0.15)
    inner = rng.random() < 0.6
    for side in (-1, 1):
        base = [(side * 0.2, -0.75), (side * 0.95, -0.35)]
        tip = (side * (0.65 + spread), -(0.95 + height))
        draw.polygon(head.pts(base + [tip]), fill=head.fur)
        if inner:
            mid = [
                (side * 0.4, -0.7),
                (side * 0.8, -0.5),
                (side * (0.62 + spread * 0.8), -(0.9 + height * 0.7)),
            ]
            draw.polygon(head.pts(mid), fill=(225, 150, 155))


def _floppy_ears(rng: np.random.Generator, draw, head: _Head) -> None:
    """Two long rounded lobes hanging down the sides of the head."""
    length, width = rng.uniform(0.6, 0.9), rng.uniform(0.25, 0.38)
    fill = head.dark if rng.random() < 0.7 else head.fur
    for side in (-1, 1):
        draw.polygon(
            head.ellipse(side * 0.9, 0.05, width, length, side * rng.uniform(0.1, 0.5)), fill=fill
        )


def _texture(rng: np.random.Generator, draw, head: _Head, *, stripes: bool, spots: bool) -> None:
    """Tabby-like stripes on the forehead and/or irregular dark patches."""
    width = max(1, int(head.r / 10))
    if stripes:
        for x in np.linspace(-0.45, 0.45, int(rng.integers(3, 6))):
            draw.line(head.pts([(x, -0.95), (x * 0.7, -0.45)]), fill=head.dark, width=width)
    if spots:
        for _ in range(int(rng.integers(1, 4))):
            x, y = rng.uniform(-0.6, 0.6), rng.uniform(-0.7, 0.3)
            draw.polygon(
                head.ellipse(x, y, rng.uniform(0.15, 0.35), rng.uniform(0.12, 0.3)), fill=head.dark
            )


def _eyes(rng: np.random.Generator, draw, head: _Head, dog: bool) -> None:
    """Round dark eyes (mostly dogs) or almond coloured eyes with slit pupils (mostly cats)."""
    almond = rng.random() < (0.2 if dog else 0.7)
    iris = _colour(rng, 120, 256) if almond else (50, 30, 20)
    for side in (-1, 1):
        x, y = side * 0.38, -0.12
        if almond:
            draw.polygon(head.ellipse(x, y, 0.17, 0.1), fill=iris)
            draw.polygon(head.ellipse(x, y, 0.03, 0.09), fill=(10, 10, 10))
        else:
            draw.polygon(head.ellipse(x, y, 0.12, 0.12), fill=iris)
            draw.polygon(head.ellipse(x + 0.03, y - 0.03, 0.035, 0.035), fill=(240, 240, 240))


def standin_banner(reason: str) -> str:
    """The boxed warning printed whenever the synthetic stand-in replaces real photos."""
    width = 74
    body = [
        "SYNTHETIC OFFLINE STAND-IN - NOT THE REAL CATS VS DOGS PHOTOS",
        "",
        *textwrap.wrap(f"Why: {reason}", width),
        "",
        *textwrap.wrap(
            "These are procedurally drawn cartoon 'cats' and 'dogs' in the real "
            "folder layout. Every cell runs as it would on the photos, but "
            "accuracies, losses and plots are NOT representative of the real "
            "dataset.",
            width,
        ),
        "",
        *textwrap.wrap(
            "For the real data: run `make data` on a machine with internet, then "
            "run with COURSE_PROFILE=full and without COURSE_OFFLINE=1.",
            width,
        ),
    ]
    edge = "+" + "=" * (width + 2) + "+"
    return "\n".join([edge, *(f"| {line:<{width}} |" for line in body), edge])
