"""Real photographs that ship with the installed packages, for the image-processing notebooks.

Edge detectors and pooling are best seen on a real photo, and a course that must run
offline cannot download one. Matplotlib's wheel carries a photograph of Grace Hopper
(``mpl-data/sample_data/grace_hopper.jpg``, 600 x 512, colour), so it is always there.
Taught in 02-convolution-edge-detection.
"""

from __future__ import annotations

import numpy as np

PHOTOS = {"grace_hopper": "grace_hopper.jpg"}


def sample_photo(
    name: str = "grace_hopper", *, gray: bool = True, width: int | None = None
) -> np.ndarray:
    """A bundled photograph as float64 values in [0, 255]: shape (H, W) when ``gray``,
    else (H, W, 3); ``width`` resizes it, keeping the aspect ratio."""
    if name not in PHOTOS:
        raise ValueError(
            f"Unknown photo {name!r}. Received: {name!r}; available: {', '.join(sorted(PHOTOS))}."
        )
    if width is not None and width < 1:
        raise ValueError(f"width must be a positive number of pixels. Received: {width}")
    from matplotlib import cbook
    from PIL import Image

    with Image.open(cbook.get_sample_data(PHOTOS[name], asfileobj=False)) as img:
        img = img.convert("L" if gray else "RGB")
        if width is not None:
            height = max(1, round(img.height * width / img.width))
            img = img.resize((width, height), Image.Resampling.LANCZOS)
        return np.asarray(img, dtype=np.float64)
