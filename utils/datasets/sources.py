"""The registry of real cats-vs-dogs archives, the shared constants and :class:`DatasetError`.

Every other module of :mod:`cnn_course_kit.datasets` builds on this one: :data:`SOURCES` says where each
archive lives and what it must contain, and :class:`DatasetError` (made by :func:`_fail` with
the standard, ``COURSE_OFFLINE``-aware advice) is the one error every data problem raises.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..config import settings

FILTERED_URL = "https://storage.googleapis.com/mledu-datasets/cats_and_dogs_filtered.zip"
PETIMAGES_URL = (
    "https://download.microsoft.com/download/3/E/1/3E1C3F21-ECDB-4869-8368-6DEBA77B919F/"
    "kagglecatsanddogs_5340.zip"
)
CLASS_NAMES = ("cats", "dogs")
"""The class names every cats-vs-dogs loader reports, in label order (0 = cats, 1 = dogs)."""

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".gif", ".bmp")
"""File name endings treated as images; anything else (e.g. ``Thumbs.db``) is ignored."""

DEFAULT_TIMEOUT = 30.0
"""Seconds without any progress after which a download is abandoned."""

PETIMAGES_VALIDATION_FRACTION = 0.2
"""Share of each PetImages class kept for validation (that archive has no split of its own)."""

STANDIN_PER_CLASS = {"full": 500, "smoke": 40}
"""Training images per class of the stand-in used by :func:`cats_vs_dogs`, per profile."""

STANDIN_SIZE = 128
"""Side in pixels of the stand-in JPEGs (the pipeline resizes them like real photos)."""

STANDIN_SEED = 0
"""The stand-in is the same picture set whatever the course seed is."""

STANDIN_VERSION = 1
"""Bumped whenever the drawing code changes, so that old stand-ins are redrawn."""

READY_MARKER = "READY.json"
STANDIN_MARKER = ".standin.json"
USER_AGENT = "cnn-course-kit/0.1 (+https://github.com/cnn-course-kit/cnn-course-kit)"


@dataclass(frozen=True)
class Source:
    """One downloadable cats-vs-dogs archive and what it must contain.

    ``counts`` maps each image folder, relative to ``top`` (the archive's top folder), to the
    number of images it must hold: exactly when ``exact_counts`` is true, at least 90 % of it
    otherwise. ``splits`` names the split folders (empty when the archive has no split).
    ``sha256`` and ``size`` are checked when known; when ``sha256`` is ``None`` the archive is
    checked for zip integrity and layout instead, and the hash computed on the first good
    download is recorded next to the cached zip so later runs are verified against it.
    """

    url: str
    filename: str
    top: str
    class_dirs: tuple[str, str]
    counts: Mapping[str, int]
    splits: tuple[str, ...] = ("train", "validation")
    sha256: str | None = None
    size: int | None = None
    exact_counts: bool = True
    description: str = ""

    def layout(self) -> str:
        """A human-readable description of the expected folder layout."""
        classes = ",".join(self.class_dirs)
        if self.splits:
            return f"{self.top}/{{{','.join(self.splits)}}}/{{{classes}}}/*.jpg"
        return f"{self.top}/{{{classes}}}/*.jpg"


SOURCES: dict[str, Source] = {
    "filtered": Source(
        url=FILTERED_URL,
        filename="cats_and_dogs_filtered.zip",
        top="cats_and_dogs_filtered",
        class_dirs=("cats", "dogs"),
        counts={
            "train/cats": 1000,
            "train/dogs": 1000,
            "validation/cats": 500,
            "validation/dogs": 500,
        },
        description="Google's 3,000-image subset of Kaggle's cats vs dogs (about 68 MB).",
    ),
    "petimages": Source(
        url=PETIMAGES_URL,
        filename="kagglecatsanddogs_5340.zip",
        top="PetImages",
        class_dirs=("Cat", "Dog"),
        counts={"Cat": 12500, "Dog": 12500},
        splits=(),
        exact_counts=False,
        description=(
            "Microsoft's full 25,000-photo PetImages archive (about 790 MB; "
            "contains corrupt JPEGs and non-image files, which are skipped)."
        ),
    ),
}
"""Registry of real archives: name -> :class:`Source` (url, sha256, layout, counts)."""


class DatasetError(RuntimeError):
    """Data could not be downloaded, verified or loaded.

    ``problem`` is what went wrong (naming the file or URL); ``hint`` says what to do.
    ``str(error)`` is both, as one paragraph.
    """

    def __init__(self, problem: str, hint: str = "") -> None:
        self.problem = problem.strip()
        self.hint = hint.strip()
        super().__init__(f"{self.problem} {self.hint}".strip())


def _hint(archive: Path) -> str:
    """The standard advice attached to every download problem (aware of COURSE_OFFLINE)."""
    if settings().offline:
        return (
            f"To fix it, run `make data` on a machine with internet (without "
            f"COURSE_OFFLINE=1), or copy the archive to {archive}; until then "
            f"cats_vs_dogs() falls back to the offline stand-in (standin='auto')."
        )
    return (
        f"To fix it, run `make data` on a machine with internet, or copy the archive to "
        f"{archive}, or set COURSE_OFFLINE=1 to use the offline stand-in."
    )


def _fail(problem: str, archive: Path) -> DatasetError:
    """Build a :class:`DatasetError` for ``archive`` with the standard advice."""
    return DatasetError(problem, _hint(archive))


def _tf():
    """Import TensorFlow lazily (it takes seconds and the digits helpers don't need it)."""
    import tensorflow as tf

    return tf
