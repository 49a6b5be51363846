"""Printed characters in the format of scikit-learn's 8x8 digits: new domains for transfer.

Notebook 07 pre-trains on scikit-learn's handwritten digits 0-4 and then transfers to
targets that differ in domain, in task, or in both. This module draws two of them:
*printed* digits (a new domain, the same task: they stand in for number-plate digits) and
printed capital letters (a new domain and a new task). The glyphs come from the DejaVu fonts
that ship with matplotlib, so nothing is downloaded.

Each image follows the recipe scikit-learn's data came from (32x32 bitmaps, each 4x4 block
summed into one of 8x8 pixels), on grey levels instead of binary pixels, so the result has
the same format as :func:`~cnn_course_kit.datasets.load_digits`: float32 in [0, 1], shape
``(n, 8, 8, 1)``. Everything is drawn from ``np.random.default_rng(seed)``: the same
arguments give identical arrays. Only NumPy and Pillow are needed (no TensorFlow).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

import numpy as np

# What the bundled handwritten digits 0-4 look like (measured on load_digits(), 901 images):
# mean intensity 0.305 (per-class means 0.300..0.310, spread between images 0.034); on
# average 32.4 of the 64 pixels are non-zero and 25.0 are above 0.25; every image touches the
# top and the bottom row (the source bitmaps were scaled to fill the height), and 76 % span
# exactly 6 of the 8 columns (mean 5.8). So a glyph's box is made 27-32 px tall at 32x32 and
# no wider than 30 px. Printed strokes are thinner than pen strokes: with the defaults the
# printed digits 0-4 have a mean intensity of about 0.26 (0.262-0.265 over seeds 0-4; the letters
# about 0.30), and ~24 of their 64 pixels are above 0.25, which is part of the domain gap.
SIZE = 32  # the bitmap side before the 4x4 reduction, as in scikit-learn
BLOCK = 4  # 32 / 4 = 8 pixels a side
HEIGHT_RANGE = (27, 32)  # the glyph's box height in px at 32x32, drawn uniformly
MAX_WIDTH = 30  # wide glyphs (H, K, ...) are shrunk to fit this width
LETTERS = "CEHKX"


def default_fonts() -> list[str]:
    """The DejaVu TrueType files bundled with matplotlib, sorted, without the *Display* ones
    (those carry only a handful of glyphs)."""
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return sorted(str(p) for p in folder.glob("DejaVu*.ttf") if "Display" not in p.name)


@functools.lru_cache(maxsize=2048)
def _font(path: str, size: int):
    """A Pillow font, loaded once per (path, size)."""
    from PIL import ImageFont

    return ImageFont.truetype(path, size)


@functools.lru_cache(maxsize=64)
def _codepoints(path: str) -> frozenset[int]:
    """The code points the font at ``path`` maps to a glyph (its cmap table, read with
    fontTools, which matplotlib depends on)."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap() or ())


@functools.lru_cache(maxsize=1024)
def _glyph_box(path: str, char: str) -> tuple[float, float] | None:
    """The ink box ``(height, width)`` of ``char`` per point of font size, or None when the
    font has no glyph for it (Pillow would draw the font's placeholder box instead) or its
    glyph leaves no ink (a space)."""
    from PIL import Image, ImageDraw

    if ord(char) not in _codepoints(path):
        return None
    ref = 100
    canvas = Image.new("L", (3 * ref, 3 * ref), 0)
    ImageDraw.Draw(canvas).text((ref, ref), char, fill=255, font=_font(path, ref))
    box = canvas.getbbox()
    if box is None:
        return None
    left, top, right, bottom = box
    return (bottom - top) / ref, (right - left) / ref


def _draw(
    char: str, path: str, rng: np.random.Generator, max_rotation: float, blur: float
) -> np.ndarray:
    """One 32x32 grey image (float in [0, 1]) of ``char``: sized, placed, rotated, blurred."""
    from PIL import Image, ImageDraw, ImageFilter

    per_pt_h, per_pt_w = _glyph_box(path, char)
    height = rng.uniform(*HEIGHT_RANGE)
    points = height / per_pt_h
    if per_pt_w * points > MAX_WIDTH:
        points = MAX_WIDTH / per_pt_w
    font = _font(path, max(int(round(points)), 4))
    # Draw on a larger canvas, then cut the ink box and place it on the 32x32 one.
    size = int(font.size)
    big = Image.new("L", (3 * size, 3 * size), 0)
    ImageDraw.Draw(big).text((size, size), char, fill=255, font=font)
    glyph = big.crop(big.getbbox())
    w, h = glyph.size
    w, h = min(w, SIZE), min(h, SIZE)
    glyph = glyph.crop((0, 0, w, h))
    x0 = int(rng.integers(0, SIZE - w + 1))
    y0 = int(rng.integers(0, SIZE - h + 1))
    img = Image.new("L", (SIZE, SIZE), 0)
    img.paste(glyph, (x0, y0))
    angle = rng.uniform(-max_rotation, max_rotation) if max_rotation > 0 else 0.0
    if angle:
        img = img.rotate(angle, resample=Image.BILINEAR, center=(x0 + w / 2, y0 + h / 2))
    if blur > 0:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    return np.asarray(img, dtype=np.float32) / 255.0


def printed_glyphs(
    chars: str | Sequence[str],
    n_per_class: int,
    *,
    seed: int = 0,
    max_rotation: float = 10.0,
    noise: float = 0.05,
    blur: float = 0.6,
    fonts: Sequence[str | Path] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``n_per_class`` printed images of each character in ``chars``, as 8x8 grey images.

    ``chars`` is a string or a sequence of one-character strings, not empty and without
    repeats. Each image picks a font at random (from ``fonts``, by default
    :func:`default_fonts`: the DejaVu files bundled with matplotlib), draws the character
    white on black at 32x32 with a random size and position (its box 27-32 px tall, like
    the handwritten digits), rotates it by a uniform random angle in
    ``[-max_rotation, max_rotation]`` degrees, blurs it with a Gaussian of ``blur`` pixels
    (0 for none), averages each 4x4 block into one pixel (scikit-learn's recipe), adds
    Gaussian noise of standard deviation ``noise`` and clips to [0, 1].

    Returns ``(x, y)``: ``x`` float32 in [0, 1] shaped ``(n, 8, 8, 1)``, ``y`` int64, the
    position of each image's character in ``chars``; the images come class by class (all of
    class 0 first). The same arguments give identical arrays; another ``seed`` gives other
    images. Raises ValueError for bad arguments, a font file that does not exist, or a
    character that none of the fonts can draw.
    """
    chars = _check_chars(chars)
    if (
        isinstance(n_per_class, bool)
        or not isinstance(n_per_class, (int, np.integer))
        or n_per_class < 1
    ):
        raise ValueError(f"n_per_class must be a positive integer. Received: {n_per_class!r}")
    for name, value in (("max_rotation", max_rotation), ("noise", noise), ("blur", blur)):
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be a finite number >= 0. Received: {value!r}")
    fonts = _check_fonts(fonts)
    usable = {}
    for char in chars:
        usable[char] = [f for f in fonts if _glyph_box(f, char) is not None]
        if not usable[char]:
            raise ValueError(
                f"none of the fonts can draw the character {char!r} "
                f"(U+{ord(char):04X}). Received fonts: {[Path(f).name for f in fonts]}"
            )
    rng = np.random.default_rng(seed)
    n = len(chars) * int(n_per_class)
    big = np.empty((n, SIZE, SIZE), dtype=np.float32)
    for label, char in enumerate(chars):
        choices = usable[char]
        for i in range(int(n_per_class)):
            path = choices[int(rng.integers(len(choices)))]
            big[label * n_per_class + i] = _draw(char, path, rng, max_rotation, blur)
    small = big.reshape(n, SIZE // BLOCK, BLOCK, SIZE // BLOCK, BLOCK).mean(axis=(2, 4))
    if noise > 0:
        small = small + rng.normal(0.0, noise, size=small.shape)
    x = np.clip(small, 0.0, 1.0).astype(np.float32)[..., np.newaxis]
    y = np.repeat(np.arange(len(chars), dtype=np.int64), int(n_per_class))
    return x, y


def printed_digits(
    digits: Sequence[int] = (0, 1, 2, 3, 4),
    n_per_class: int = 100,
    *,
    seed: int = 0,
    **options,
) -> tuple[np.ndarray, np.ndarray]:
    """Printed digits in the handwritten digits' format: a new domain, the same task.

    ``digits`` are ints 0-9; the labels are their positions in ``digits``, so the default
    0-4 keeps the labels of the source task (digits 0-4 of :func:`load_digits`). The other
    keyword ``options`` (``max_rotation``, ``noise``, ``blur``, ``fonts``) and the return
    value are those of :func:`printed_glyphs`.
    """
    chars = []
    for d in digits:
        if isinstance(d, bool) or not isinstance(d, (int, np.integer)) or not 0 <= d <= 9:
            raise ValueError(f"digits must be integers 0-9. Received: {list(digits)!r}")
        chars.append(str(int(d)))
    return printed_glyphs(chars, n_per_class, seed=seed, **options)


def printed_letters(
    letters: str | Sequence[str] = LETTERS,
    n_per_class: int = 100,
    *,
    seed: int = 0,
    **options,
) -> tuple[np.ndarray, np.ndarray]:
    """Printed capital letters in the handwritten digits' format: a new domain and a new task.

    The default ``"CEHKX"`` keeps away from letters that pass for the source digits 0-4 at
    8x8: O, D, Q and U read as 0; I, J, L and T as 1; Z as 2; B and S as 3; A and Y as 4.
    The choice was checked on the images themselves: of all 26 capitals, the mean 8x8 image
    of each of C, E, H, K and X lies at least 1.4 (Euclidean, on [0, 1] pixels) from the
    mean image of every printed digit 0-4, about as far as those digits lie from one another
    (0.8-1.8), whereas I is 0.55 from 1, Q 0.94 from 0 and A 1.2 from 4 (which is why A,
    the first idea, was dropped). C is round, the others straight, so the task is not only
    "curves versus lines". Labels are positions in ``letters`` (0-4 by default). The keyword
    ``options`` and the return value are those of :func:`printed_glyphs`.
    """
    return printed_glyphs(letters, n_per_class, seed=seed, **options)


def _check_chars(chars) -> list[str]:
    """``chars`` as a list of distinct one-character strings, or a ValueError."""
    if isinstance(chars, str):
        items = list(chars)
    else:
        try:
            items = list(chars)
        except TypeError:
            raise ValueError(
                f"chars must be a string or a sequence of one-character strings. "
                f"Received: {chars!r}"
            ) from None
    if not items:
        raise ValueError(f"chars must name at least one character. Received: {chars!r}")
    bad = [c for c in items if not isinstance(c, str) or len(c) != 1 or not c.strip()]
    if bad:
        raise ValueError(
            f"each character must be a one-character, non-blank string. Received: {chars!r}"
        )
    repeats = sorted({c for c in items if items.count(c) > 1})
    if repeats:
        raise ValueError(
            f"chars must not repeat a character (labels would be ambiguous); "
            f"repeated: {repeats}. Received: {chars!r}"
        )
    return items


def _check_fonts(fonts) -> list[str]:
    """The font paths to use, each an existing file, or a ValueError."""
    if fonts is None:
        paths = default_fonts()
        if not paths:
            raise ValueError(
                "no DejaVu fonts found in matplotlib's data folder. Received: fonts=None"
            )
        return paths
    if isinstance(fonts, (str, Path)):
        fonts = [fonts]
    paths = [str(f) for f in fonts]
    if not paths:
        raise ValueError(f"fonts must list at least one font file. Received: {fonts!r}")
    missing = [p for p in paths if not Path(p).is_file()]
    if missing:
        raise ValueError(f"font files not found: {missing}. Received: {list(fonts)!r}")
    for p in paths:
        try:
            _font(p, 12)
        except OSError as err:
            raise ValueError(
                f"cannot read {p!r} as a TrueType/OpenType font ({err}). Received: {list(fonts)!r}"
            ) from None
    return paths
