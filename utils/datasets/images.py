"""Scanning images for files that PIL or TensorFlow cannot read, and quarantining them.

:func:`check_image` checks one file, :func:`scan_images` a whole tree (in threads) and returns
a :class:`ScanReport`. Nothing is ever deleted.
"""

from __future__ import annotations

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .sources import IMAGE_EXTENSIONS, _tf


@dataclass
class ScanReport:
    """The result of :func:`scan_images`.

    ``total``: image files checked; ``corrupt``: ``(path, reason)`` of those that failed
    (their path after quarantine, if they were moved); ``ignored``: non-image files.
    """

    root: Path
    total: int
    corrupt: list[tuple[Path, str]] = field(default_factory=list)
    ignored: list[Path] = field(default_factory=list)
    quarantine: Path | None = None

    @property
    def good(self) -> int:
        """How many images decode fine."""
        return self.total - len(self.corrupt)

    def message(self) -> str:
        """One line such as 'skipped 2 corrupt images of 25,000'."""
        text = f"skipped {len(self.corrupt):,} corrupt images of {self.total:,}"
        if self.corrupt and self.quarantine is not None:
            text += f" (moved to {self.quarantine})"
        return text


def check_image(path: str | os.PathLike) -> str | None:
    """Why the image at ``path`` cannot be used, or None if it is fine.

    Both checks are needed: PIL's ``verify`` catches broken files, and TensorFlow's decoder
    (the one the pipeline uses) rejects some files PIL accepts (e.g. TIFF data in a ``.jpg``).
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.verify()
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError) as err:
        return f"PIL: {err}"
    tf = _tf()
    try:
        tf.io.decode_image(tf.io.read_file(str(path)), channels=3, expand_animations=False)
    except (tf.errors.OpError, ValueError) as err:
        return "TensorFlow: " + str(getattr(err, "message", err)).splitlines()[0]
    return None


def scan_images(
    root: str | os.PathLike,
    *,
    quarantine: str | os.PathLike | None = None,
    workers: int = 8,
    verbose: bool = True,
) -> ScanReport:
    """Check every image under ``root`` with PIL *and* TensorFlow; report the corrupt ones.

    Nothing is deleted: with ``quarantine=None`` corrupt files are only listed, otherwise
    they are moved under ``quarantine`` (keeping their relative paths) so that loaders no
    longer see them. Non-image files (e.g. ``Thumbs.db``) are listed in ``ignored``. Prints
    e.g. "skipped 2 corrupt images of 25,000" when ``verbose``.
    """
    root = Path(root)
    files = sorted(p for p in root.rglob("*") if p.is_file())
    images = [p for p in files if p.suffix.lower() in IMAGE_EXTENSIONS]
    ignored = [p for p in files if p.suffix.lower() not in IMAGE_EXTENSIONS]
    _tf()  # import once here, not concurrently in the worker threads
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        reasons = list(pool.map(check_image, images))
    corrupt = [(p, r) for p, r in zip(images, reasons, strict=True) if r is not None]
    qdir = Path(quarantine) if quarantine is not None else None
    if qdir is not None:
        corrupt = [(_move_into(p, root, qdir), r) for p, r in corrupt]
    report = ScanReport(root, len(images), corrupt, ignored, qdir if corrupt else None)
    if verbose:
        _print_report(report)
    return report


def _print_report(report: ScanReport, limit: int = 5) -> None:
    """Print the report's summary line and the first few corrupt files with their reasons."""
    print(f"[data] {report.message()}")
    for path, reason in report.corrupt[:limit]:
        print(f"[data]   {path.name}: {reason}")
    if len(report.corrupt) > limit:
        print(f"[data]   ... and {len(report.corrupt) - limit:,} more")


def _move_into(path: Path, root: Path, quarantine: Path) -> Path:
    """Move ``path`` (under ``root``) to the same relative place under ``quarantine``."""
    target = quarantine / path.relative_to(root)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(path), str(target))
    return target
