"""Datasets for the course: digits and MNIST, cats vs dogs, and the tf.data pipelines.

Three families of data live here:

Digits and MNIST
    :func:`load_digits` (scikit-learn's bundled 8x8 digits, always offline),
    :func:`split_by_class` (e.g. digits 0-4 to pre-train, 5-9 to transfer to) and
    :func:`load_mnist`, which falls back to the digits when it cannot or should not download.

Cats vs dogs
    :func:`cats_vs_dogs` returns ready-to-train ``train``/``validation``/``test`` datasets.
    The real photos come from the archives in :data:`SOURCES` (downloaded once into the cache
    by :func:`prepare` or ``make data``, i.e. :func:`fetch_all`). Offline, in the smoke profile
    or when the download fails, a synthetic stand-in drawn by :func:`make_standin_pets` is
    used instead, in the same folder layout, and a banner says so loudly.

Pipelines
    :func:`from_folder` lists ``root/<class>/*.jpg`` as a ``(path, label)`` dataset and
    :func:`image_pipeline` decodes, resizes, caches, shuffles, batches, augments and
    prefetches it. Images come out as **float32 in [0, 255]**, shape
    ``(batch, height, width, 3)``, exactly like ``keras.utils.image_dataset_from_directory``,
    so ``keras.applications.<model>.preprocess_input`` can be applied as it is.

Every problem with the real data (no network, HTTP error, size or checksum mismatch,
corrupt archive, wrong layout or counts) raises one :class:`DatasetError` whose message says
what went wrong, with which file or URL, and what to do about it. With ``COURSE_OFFLINE=1``
no network access is attempted at all. TensorFlow is imported only by the functions that
need it, so the digits helpers stay fast to import.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import shutil
import tempfile
import textwrap
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .config import settings

if TYPE_CHECKING:  # pragma: no cover - only for type hints
    import tensorflow as tf
    from PIL import Image as PILImage

# --------------------------------------------------------------------------------------------
# Constants and the registry of real archives
# --------------------------------------------------------------------------------------------

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
        counts={"train/cats": 1000, "train/dogs": 1000,
                "validation/cats": 500, "validation/dogs": 500},
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
        description=("Microsoft's full 25,000-photo PetImages archive (about 790 MB; "
                     "contains corrupt JPEGs and non-image files, which are skipped)."),
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
        return (f"To fix it, run `make data` on a machine with internet (without "
                f"COURSE_OFFLINE=1), or copy the archive to {archive}; until then "
                f"cats_vs_dogs() falls back to the offline stand-in (standin='auto').")
    return (f"To fix it, run `make data` on a machine with internet, or copy the archive to "
            f"{archive}, or set COURSE_OFFLINE=1 to use the offline stand-in.")


def _fail(problem: str, archive: Path) -> DatasetError:
    """Build a :class:`DatasetError` for ``archive`` with the standard advice."""
    return DatasetError(problem, _hint(archive))


def _tf():
    """Import TensorFlow lazily (it takes seconds and the digits helpers don't need it)."""
    import tensorflow as tf

    return tf


# --------------------------------------------------------------------------------------------
# Digits and MNIST
# --------------------------------------------------------------------------------------------

def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's bundled 8x8 digits (1,797 images, no download).

    Returns ``(x, y)``: ``x`` float32 in [0, 1] shaped ``(n, 8, 8, 1)``, ``y`` int64 in 0..9.
    """
    from sklearn.datasets import load_digits as sklearn_digits

    bunch = sklearn_digits()
    x = (bunch.images / 16.0).astype("float32")[..., np.newaxis]
    return x, bunch.target.astype("int64")


def split_by_class(
    x: np.ndarray,
    y: np.ndarray,
    source: Sequence[int] = (0, 1, 2, 3, 4),
    target: Sequence[int] = (5, 6, 7, 8, 9),
    *,
    relabel: bool = True,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Split ``(x, y)`` into a *source* task and a *target* task by class.

    Returns ``((x_source, y_source), (x_target, y_target))``. With ``relabel=True`` each
    task's labels become positions in its class list, so the default target digits 5..9 are
    relabelled 0..4 and a fresh 5-way softmax head can be trained on them (the default source
    digits 0..4 keep their labels). With ``relabel=False`` the original labels are kept.
    """
    y = np.asarray(y)
    source, target = tuple(int(c) for c in source), tuple(int(c) for c in target)
    overlap = set(source) & set(target)
    if overlap:
        raise ValueError(f"source and target classes must not overlap. Both contain: "
                         f"{sorted(overlap)}")
    present = set(np.unique(y).tolist())
    missing = [c for c in source + target if c not in present]
    if missing:
        raise ValueError(f"classes {missing} do not occur in y (labels present: "
                         f"{sorted(present)}).")
    return _select(x, y, source, relabel), _select(x, y, target, relabel)


def _select(x, y, classes: tuple[int, ...], relabel: bool) -> tuple[np.ndarray, np.ndarray]:
    """The examples of ``classes``, with labels mapped to positions when ``relabel``."""
    mask = np.isin(y, classes)
    labels = y[mask]
    if relabel:
        lookup = {c: i for i, c in enumerate(classes)}
        labels = np.array([lookup[int(v)] for v in labels], dtype=y.dtype)
    return np.asarray(x)[mask], labels


def load_mnist(
    *, test_fraction: float = 0.2, seed: int | None = None, verbose: bool = True
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """MNIST as ``((x_train, y_train), (x_test, y_test))``, x float32 in [0, 1], ``(n, 28, 28, 1)``.

    Only in the full profile and online is ``keras.datasets.mnist.load_data()`` used (it
    caches under ``~/.keras/datasets``). Offline, in the smoke profile, or when that download
    fails, a one-line notice is printed and scikit-learn's 8x8 digits are returned instead
    (shape ``(n, 8, 8, 1)``, split stratified with ``test_fraction`` of each class for test).
    Labels are int64.
    """
    cfg = settings()
    reason = None
    if cfg.offline:
        reason = "COURSE_OFFLINE=1"
    elif cfg.smoke:
        reason = "COURSE_PROFILE=smoke"
    else:
        try:
            return _keras_mnist()
        except Exception as err:  # keras raises a bare Exception when the fetch fails
            reason = f"the MNIST download failed: {type(err).__name__}: {err}".replace("\n", " ")
    x, y = load_digits()
    if verbose:
        print(f"[data] MNIST not loaded ({reason}); using scikit-learn's 8x8 digits instead "
              f"({len(x):,} images of shape (8, 8, 1)).")
    seed = cfg.seed if seed is None else seed
    train_idx, test_idx = _stratified_indices(y, test_fraction, seed)
    return (x[train_idx], y[train_idx]), (x[test_idx], y[test_idx])


def _keras_mnist():
    """Download (or read Keras' cache of) MNIST, normalised and with a channel axis."""
    import keras

    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()

    def norm(x):
        """uint8 (n, 28, 28) -> float32 (n, 28, 28, 1) in [0, 1]."""
        return (x.astype("float32") / 255.0)[..., np.newaxis]

    return (norm(x_train), y_train.astype("int64")), (norm(x_test), y_test.astype("int64"))


def _stratified_indices(labels, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices ``(keep, held_out)`` holding out ``fraction`` of each class, reproducibly.

    Every class keeps at least one example, and gives at least one when ``fraction > 0`` and
    it has two or more.
    """
    if not 0.0 <= fraction < 1.0:
        raise ValueError(f"the held-out fraction must be in [0, 1). Received: {fraction!r}")
    labels = np.asarray(labels)
    rng = np.random.default_rng(seed)
    keep, held = [], []
    for cls in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == cls))
        k = int(round(len(idx) * fraction))
        if fraction > 0 and len(idx) >= 2:
            k = min(max(k, 1), len(idx) - 1)
        held.append(idx[:k])
        keep.append(idx[k:])
    return np.sort(np.concatenate(keep)), np.sort(np.concatenate(held))


# --------------------------------------------------------------------------------------------
# Downloading and verifying archives
# --------------------------------------------------------------------------------------------

def download(
    name_or_url: str,
    dest_dir: str | os.PathLike,
    *,
    sha256: str | None = None,
    expected_size: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    filename: str | None = None,
) -> Path:
    """Download a registry entry (``"filtered"``, ``"petimages"``) or a URL into ``dest_dir``.

    The file is streamed into a temporary ``.part`` file next to its destination, its size and
    sha256 are checked when known (for registry entries they come from :data:`SOURCES`
    unless given here), a ``.zip`` is checked for integrity, and only then is it renamed
    into place, so the cache never holds a half-written file. An existing file that passes
    the same checks is reused without any network access. With ``COURSE_OFFLINE=1`` nothing
    is downloaded. Every failure raises :class:`DatasetError`. Returns the file's path.
    """
    if name_or_url in SOURCES:
        src = SOURCES[name_or_url]
        url, filename = src.url, filename or src.filename
        sha256 = sha256 or src.sha256
        expected_size = expected_size if expected_size is not None else src.size
    else:
        url = name_or_url
        filename = filename or Path(urllib.parse.urlsplit(url).path).name
        if not filename:
            raise ValueError(f"cannot tell a file name from {url!r}; pass filename=...")
    path, _ = _download(url, Path(dest_dir) / filename, sha256=sha256,
                        expected_size=expected_size, timeout=timeout)
    return path


def _download(
    url: str,
    dest: Path,
    *,
    sha256: str | None,
    expected_size: int | None,
    timeout: float = DEFAULT_TIMEOUT,
    hash_origin: str = "expected",
) -> tuple[Path, str]:
    """Make sure a verified copy of ``url`` is at ``dest``; return it and its sha256."""
    is_zip = dest.suffix.lower() == ".zip"
    if dest.exists():
        digest = _sha256_of(dest)
        problem = _verify(dest, dest.stat().st_size, digest, sha256, expected_size, hash_origin,
                          is_zip=is_zip)
        if problem is None:
            return dest, digest
        if settings().offline:
            raise _fail(f"The cached file {dest} {problem}, and COURSE_OFFLINE=1 forbids "
                        f"downloading it again from {url}.", dest)
        rejected = _set_aside(dest)
        print(f"[data] the cached file {dest.name} {problem}; moved it to {rejected.name} "
              f"and downloading it again.")
    if settings().offline:
        raise _fail(f"{dest.name} is not in the cache ({dest}) and COURSE_OFFLINE=1 forbids "
                    f"downloading it from {url}.", dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            digest, size = _stream(url, out, dest, timeout)
        problem = _verify(tmp, size, digest, sha256, expected_size, hash_origin, is_zip=is_zip)
        if problem is not None:
            raise _fail(f"The file downloaded from {url} {problem}; nothing was kept in the "
                        f"cache (the download may have been corrupted or the file changed "
                        f"upstream).", dest)
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest, digest


def _stream(url: str, out, dest: Path, timeout: float) -> tuple[str, int]:
    """Copy ``url`` into the open file ``out``; return its sha256 and size in bytes."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    digest, size, total = hashlib.sha256(), 0, None
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            print(f"[data] downloading {url}" + (f" ({total / 1e6:.1f} MB)" if total else ""))
            next_report = 0.1
            while chunk := response.read(1 << 20):
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
                if total and total > 5_000_000 and size / total >= next_report:
                    print(f"[data]   {size / total:4.0%} of {total / 1e6:.1f} MB")
                    next_report += 0.1
    except urllib.error.HTTPError as err:
        raise _fail(f"The server answered HTTP {err.code} ({err.reason}) for {url}.",
                    dest) from err
    except (OSError, http.client.HTTPException) as err:
        reason = getattr(err, "reason", None) or f"{type(err).__name__}: {err}"
        raise _fail(f"Could not download {url}: {reason}. There may be no network, a "
                    f"firewall or proxy in the way, or the server may be down.", dest) from err
    if total is not None and size != total:
        raise _fail(f"The download of {url} stopped early: {size:,} of {total:,} bytes "
                    f"arrived; nothing was kept in the cache.", dest)
    return digest.hexdigest(), size


def _verify(path: Path, size: int, digest: str, sha256: str | None,
            expected_size: int | None, hash_origin: str, *, is_zip: bool) -> str | None:
    """Why the file at ``path`` is unacceptable (completing '<file> ...'), or None if fine."""
    if expected_size is not None and size != expected_size:
        return f"has {size:,} bytes instead of the expected {expected_size:,} (size mismatch)"
    if sha256 is not None and digest != sha256.lower():
        return (f"has sha256 {digest}, not the {hash_origin} {sha256.lower()} "
                f"(checksum mismatch)")
    if is_zip:
        return _zip_problem(path)
    return None


def _zip_problem(path: Path) -> str | None:
    """Why ``path`` is not a sound zip archive, or None (every member's CRC is checked)."""
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as err:
        return f"is not a readable zip archive (truncated or corrupt: {err})"
    if bad is not None:
        return f"is a corrupt zip archive (member {bad!r} fails its CRC check)"
    return None


def _sha256_of(path: Path) -> str:
    """The sha256 hex digest of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _set_aside(path: Path) -> Path:
    """Rename a rejected cache file to ``<name>.rejected`` (replacing an older one)."""
    rejected = path.with_name(path.name + ".rejected")
    os.replace(path, rejected)
    return rejected


# --------------------------------------------------------------------------------------------
# Preparing (download + verify + extract + scan) a registry source
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CachePaths:
    """Where a source lives in the cache.

    ``archive``: the downloaded zip; ``record``: the JSON holding its verified sha256;
    ``extracted``: the folder the zip is unpacked into; ``dataset``: the archive's top folder
    inside it; ``quarantine``: where corrupt images are moved.
    """

    archive: Path
    record: Path
    extracted: Path
    dataset: Path
    quarantine: Path

    @classmethod
    def of(cls, name: str, source: Source, data_dir: Path) -> CachePaths:
        """The cache paths of registry entry ``name`` under ``data_dir``."""
        archive = data_dir / "downloads" / source.filename
        extracted = data_dir / name
        return cls(archive=archive, record=archive.with_name(archive.name + ".json"),
                   extracted=extracted, dataset=extracted / source.top,
                   quarantine=extracted / "quarantine")


def _resolve_source(source: str | Source, url: str | None) -> tuple[str, Source]:
    """``(name, Source)`` for a registry name or a :class:`Source`, with ``url`` applied."""
    if isinstance(source, Source):
        name, src = Path(source.filename).stem, source
    elif source in SOURCES:
        name, src = source, SOURCES[source]
    else:
        raise ValueError(f"source must be one of {sorted(SOURCES)} or a Source. "
                         f"Received: {source!r}")
    return name, (replace(src, url=url) if url else src)


def prepare(
    source: str | Source = "filtered",
    *,
    url: str | None = None,
    data_dir: str | os.PathLike | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Path:
    """Download, verify, extract and scan a real archive once; return its dataset folder.

    A completely prepared cache is reused without touching the network or the zip. Else
    the zip is downloaded (or a cached copy verified against the registry's sha256 or the
    one recorded on its first verified download), unpacked into a temporary folder, checked
    against the expected layout and counts, scanned for images TensorFlow cannot decode
    (moved to ``quarantine/``), and only then renamed into place. Raises
    :class:`DatasetError` on any problem; an archive with the wrong content is set aside as
    ``<name>.rejected``.
    """
    name, src = _resolve_source(source, url)
    paths = CachePaths.of(name, src, Path(data_dir) if data_dir else settings().data_dir)
    if _read_json(paths.extracted / READY_MARKER) is not None and paths.dataset.is_dir():
        return paths.dataset
    record = _read_json(paths.record) if src.sha256 is None else None
    sha256 = src.sha256 or (record or {}).get("sha256")
    origin = "expected" if src.sha256 else (
        f"one recorded in {paths.record} on its first verified download (delete that record "
        f"if the archive changed upstream on purpose)")
    archive, digest = _download(src.url, paths.archive, sha256=sha256,
                                expected_size=src.size or (record or {}).get("size"),
                                timeout=timeout, hash_origin=origin)
    try:
        _extract(archive, src, paths)
    except DatasetError as err:
        rejected = _set_aside(archive)
        raise DatasetError(f"{err.problem} The archive was set aside as {rejected}.",
                           err.hint) from err
    if src.sha256 is None and record is None:
        _write_json(paths.record, {"url": src.url, "sha256": digest,
                                   "size": archive.stat().st_size})
    return paths.dataset


def _extract(archive: Path, src: Source, paths: CachePaths) -> None:
    """Unpack, check and scan ``archive`` in a temporary folder, then move it into place."""
    paths.extracted.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{paths.extracted.name}.", suffix=".part",
                                dir=paths.extracted.parent))
    try:
        _safe_unzip(archive, tmp)
        dataset = tmp / src.top
        check_layout(dataset, src, archive=archive)
        print(f"[data] checking every image in {archive.name} (once) ...")
        report = scan_images(dataset, quarantine=tmp / paths.quarantine.name, verbose=False)
        report.quarantine = paths.quarantine if report.corrupt else None
        _print_report(report)
        counts = _folder_counts(dataset, src.counts)
        skipped = [str(p.relative_to(tmp / paths.quarantine.name)) for p, _ in report.corrupt]
        _write_json(tmp / READY_MARKER, {"url": src.url, "counts": counts,
                                         "total": report.total, "skipped": skipped})
        if paths.extracted.exists():  # an earlier, incomplete attempt (no READY marker)
            shutil.rmtree(paths.extracted)
        os.replace(tmp, paths.extracted)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _safe_unzip(archive: Path, dest: Path) -> None:
    """Extract ``archive`` into ``dest``, refusing members that would land outside it."""
    root = dest.resolve()
    try:
        with zipfile.ZipFile(archive) as zf:
            for member in zf.namelist():
                target = (dest / member).resolve()
                if target != root and root not in target.parents:
                    raise _fail(f"The archive {archive} contains an unsafe path {member!r}.",
                                archive)
            zf.extractall(dest)
    except (zipfile.BadZipFile, zlib.error, EOFError) as err:
        raise _fail(f"The archive {archive} could not be unpacked ({err}).", archive) from err


def check_layout(dataset: Path, source: Source, *,
                 archive: Path | None = None) -> dict[str, int]:
    """Check that ``dataset`` holds the folders and image counts ``source`` expects.

    Returns ``{folder: count}``; raises :class:`DatasetError` naming every problem.
    """
    where = archive or dataset
    expected = f"expected {source.layout()} with {_format_counts(source.counts)}"
    if not dataset.is_dir():
        found = sorted(p.name for p in dataset.parent.iterdir()) if dataset.parent.is_dir() else []
        raise _fail(f"{where} does not have the expected layout: there is no top folder "
                    f"{source.top!r} (found {found[:5]}); {expected}.", where)
    counts = _folder_counts(dataset, source.counts)
    problems = []
    for folder, want in source.counts.items():
        got = counts[folder]
        if got < 0:
            problems.append(f"{folder}/ is missing")
        elif source.exact_counts and got != want:
            problems.append(f"{folder}/ has {got:,} images instead of {want:,}")
        elif not source.exact_counts and got < 0.9 * want:
            problems.append(f"{folder}/ has only {got:,} images (about {want:,} expected)")
    if problems:
        raise _fail(f"{where} does not have the expected layout or counts: "
                    f"{'; '.join(problems)} ({expected}).", where)
    return counts


def _folder_counts(dataset: Path, folders) -> dict[str, int]:
    """Images per folder (``-1`` for a missing folder)."""
    return {f: (len(_image_files(dataset / f)) if (dataset / f).is_dir() else -1)
            for f in folders}


def _format_counts(counts: Mapping[str, int]) -> str:
    """'train/cats: 1,000, ...' for messages."""
    return ", ".join(f"{k}: {v:,}" for k, v in counts.items())


def _image_files(folder: Path) -> list[Path]:
    """The image files directly inside ``folder``, sorted by name."""
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.suffix.lower() in IMAGE_EXTENSIONS)


def _read_json(path: Path) -> dict | None:
    """The JSON object in ``path``, or None if it is missing or unreadable."""
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _write_json(path: Path, data: dict) -> None:
    """Write ``data`` to ``path`` atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, path)


def fetch_all(
    *,
    petimages: bool = False,
    mnist: bool = True,
    data_dir: str | os.PathLike | None = None,
) -> dict[str, Path]:
    """Download and prepare everything the full profile needs (``make data``).

    Fetches the filtered cats-vs-dogs archive (and the ~790 MB PetImages archive with
    ``petimages=True``) into the cache, verifies and unpacks it, and warms Keras' MNIST cache.
    Prints what it does. Returns ``{name: dataset folder}``; raises :class:`DatasetError`.
    """
    names = ["filtered"] + (["petimages"] if petimages else [])
    done = {}
    for name in names:
        print(f"[data] {name}: {SOURCES[name].description}")
        done[name] = prepare(name, data_dir=data_dir)
        print(f"[data] {name}: ready in {done[name]}")
    if mnist and settings().offline:
        print("[data] mnist: skipped (COURSE_OFFLINE=1)")
    elif mnist:
        print("[data] mnist: warming Keras' cache (~/.keras/datasets/mnist.npz)")
        try:
            _keras_mnist()
        except Exception as err:  # keras raises a bare Exception when the fetch fails
            raise DatasetError(f"MNIST could not be downloaded by Keras: {err}.",
                               "Check the network and run `make data` again.") from err
    return done


# --------------------------------------------------------------------------------------------
# Scanning images for files TensorFlow cannot read
# --------------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------------
# The offline stand-in: procedurally drawn "cats" and "dogs"
# --------------------------------------------------------------------------------------------

_FUR = np.array([(205, 140, 70), (120, 80, 45), (55, 48, 44), (150, 150, 150),
                 (232, 222, 200), (90, 92, 100), (175, 125, 85)], dtype=float)
_CAT_FUR_WEIGHTS = np.array([3, 1, 2, 3, 2, 3, 1], dtype=float)
_DOG_FUR_WEIGHTS = np.array([1, 3, 2, 1, 2, 1, 3], dtype=float)
_SPLIT_IDS = {"train": 0, "validation": 1}


def make_standin_pets(
    root: str | os.PathLike,
    n_per_class: int | Mapping[str, int] = 200,
    size: int = STANDIN_SIZE,
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
    learns it well above chance but not perfectly.

    Deterministic: the same arguments give byte-identical JPEGs. Idempotent: a complete
    stand-in with the same arguments is reused; otherwise it is redrawn in a temporary
    folder and moved into place. Returns the ``cats_and_dogs_filtered`` folder.
    """
    counts = _standin_counts(n_per_class)
    root = Path(root)
    dataset = root / SOURCES["filtered"].top
    meta = {"version": STANDIN_VERSION, "counts": counts, "size": int(size), "seed": int(seed)}
    if _read_json(dataset / STANDIN_MARKER) == meta and _standin_complete(dataset, counts):
        return dataset
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".standin.", suffix=".part", dir=root))
    try:
        for split, n in counts.items():
            _draw_split(tmp, split, n, int(size), int(seed))
        _write_json(tmp / STANDIN_MARKER, meta)
        if dataset.exists():
            shutil.rmtree(dataset)
        os.replace(tmp, dataset)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dataset


def _standin_counts(n_per_class: int | Mapping[str, int]) -> dict[str, int]:
    """``{"train": n, "validation": m}`` from an int or a mapping, validated."""
    if isinstance(n_per_class, Mapping):
        counts = {s: int(n_per_class[s]) for s in _SPLIT_IDS}
    else:
        counts = {"train": int(n_per_class), "validation": max(1, int(n_per_class) // 2)}
    if min(counts.values()) < 1:
        raise ValueError(f"the stand-in needs at least one image per class and split. "
                         f"Received: {n_per_class!r}")
    return counts


def _standin_complete(dataset: Path, counts: Mapping[str, int]) -> bool:
    """True if every stand-in folder holds the expected number of JPEGs."""
    return all((dataset / s / c).is_dir() and len(_image_files(dataset / s / c)) == n
               for s, n in counts.items() for c in CLASS_NAMES)


def _draw_split(dataset: Path, split: str, n: int, size: int, seed: int) -> None:
    """Draw and save ``n`` cats and ``n`` dogs of one split."""
    offset = 0 if split == "train" else 2000  # like the real archive: cat.2000.jpg onwards
    for label, cls in enumerate(CLASS_NAMES):
        folder = dataset / split / cls
        folder.mkdir(parents=True, exist_ok=True)
        for i in range(n):
            rng = np.random.default_rng([seed, _SPLIT_IDS[split], label, i])
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
        yy * rng.uniform(2, 9) + rng.uniform(0, 6))
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
            draw.ellipse([x - r, y - r * rng.uniform(0.5, 1.5), x + r,
                          y + r * rng.uniform(0.5, 1.5)], fill=fill)
        elif kind == 1:
            draw.rectangle([x - r, y - r, x + r * rng.uniform(0.5, 2), y + r], fill=fill)
        elif kind == 2:
            x2, y2 = rng.uniform(0, s, 2)
            draw.line([x, y, x2, y2], fill=fill, width=int(rng.integers(1, max(2, s // 40))))
        else:
            pts = [(x + r * np.cos(a), y + r * np.sin(a))
                   for a in rng.uniform(0, 2 * np.pi) + np.array([0, 2.1, 4.2])]
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
        return cls(cx=rng.uniform(0.3, 0.7) * s, cy=rng.uniform(0.35, 0.7) * s,
                   r=rng.uniform(0.15, 0.26) * s,
                   aspect=rng.uniform(0.95, 1.25) if dog else rng.uniform(0.85, 1.1),
                   tilt=rng.uniform(-0.35, 0.35),
                   fur=tuple(int(v) for v in fur), dark=tuple(int(v * 0.5) for v in fur))

    def pts(self, local) -> list[tuple[float, float]]:
        """Map local (x, y) points, in head radii, to tilted image coordinates."""
        c, s = np.cos(self.tilt), np.sin(self.tilt)
        return [(self.cx + self.r * (x * c - y * s), self.cy + self.r * (x * s + y * c))
                for x, y in local]

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
    _texture(rng, draw, head, stripes=rng.random() < (0.15 if dog else 0.45),
             spots=rng.random() < (0.35 if dog else 0.1))
    _eyes(rng, draw, head, dog)
    if rng.random() < (0.8 if dog else 0.2):
        draw.polygon(head.ellipse(0, 0.5, rng.uniform(0.35, 0.5), rng.uniform(0.25, 0.38)),
                     fill=tuple(min(255, v + 60) for v in head.fur))
        draw.polygon(head.ellipse(0, 0.32, rng.uniform(0.11, 0.17), 0.09), fill=(25, 20, 20))
    else:
        draw.polygon(head.pts([(-0.09, 0.2), (0.09, 0.2), (0, 0.32)]),
                     fill=(230, 140, 150) if rng.random() < 0.6 else (40, 30, 30))
    if rng.random() < (0.15 if dog else 0.7):
        shade = (240, 240, 240) if rng.random() < 0.5 else (30, 30, 30)
        width = max(1, int(head.r / 25))
        for side in (-1, 1):
            for k in range(3):
                draw.line(head.pts([(side * 0.15, 0.35), (side * 1.15, 0.2 + 0.15 * k)]),
                          fill=shade, width=width)


def _pointy_ears(rng: np.random.Generator, draw, head: _Head) -> None:
    """Two triangles standing on top of the head, sometimes with a pink inside."""
    height, spread = rng.uniform(0.55, 0.95), rng.uniform(-0.1, 0.15)
    inner = rng.random() < 0.6
    for side in (-1, 1):
        base = [(side * 0.2, -0.75), (side * 0.95, -0.35)]
        tip = (side * (0.65 + spread), -(0.95 + height))
        draw.polygon(head.pts(base + [tip]), fill=head.fur)
        if inner:
            mid = [(side * 0.4, -0.7), (side * 0.8, -0.5),
                   (side * (0.62 + spread * 0.8), -(0.9 + height * 0.7))]
            draw.polygon(head.pts(mid), fill=(225, 150, 155))


def _floppy_ears(rng: np.random.Generator, draw, head: _Head) -> None:
    """Two long rounded lobes hanging down the sides of the head."""
    length, width = rng.uniform(0.6, 0.9), rng.uniform(0.25, 0.38)
    fill = head.dark if rng.random() < 0.7 else head.fur
    for side in (-1, 1):
        draw.polygon(head.ellipse(side * 0.9, 0.05, width, length, side * rng.uniform(0.1, 0.5)),
                     fill=fill)


def _texture(rng: np.random.Generator, draw, head: _Head, *, stripes: bool, spots: bool) -> None:
    """Tabby-like stripes on the forehead and/or irregular dark patches."""
    width = max(1, int(head.r / 10))
    if stripes:
        for x in np.linspace(-0.45, 0.45, int(rng.integers(3, 6))):
            draw.line(head.pts([(x, -0.95), (x * 0.7, -0.45)]), fill=head.dark, width=width)
    if spots:
        for _ in range(int(rng.integers(1, 4))):
            x, y = rng.uniform(-0.6, 0.6), rng.uniform(-0.7, 0.3)
            draw.polygon(head.ellipse(x, y, rng.uniform(0.15, 0.35), rng.uniform(0.12, 0.3)),
                         fill=head.dark)


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
        *textwrap.wrap("These are procedurally drawn cartoon 'cats' and 'dogs' in the real "
                       "folder layout. Every cell runs as it would on the photos, but "
                       "accuracies, losses and plots are NOT representative of the real "
                       "dataset.", width),
        "",
        *textwrap.wrap("For the real data: run `make data` on a machine with internet, then "
                       "run with COURSE_PROFILE=full and without COURSE_OFFLINE=1.", width),
    ]
    edge = "+" + "=" * (width + 2) + "+"
    return "\n".join([edge, *(f"| {line:<{width}} |" for line in body), edge])


# --------------------------------------------------------------------------------------------
# tf.data: folders -> (path, label) -> decoded, batched images
# --------------------------------------------------------------------------------------------

def list_images(
    root: str | os.PathLike, class_names: Sequence[str] | None = None
) -> tuple[list[str], np.ndarray]:
    """Image paths under ``root/<class>/`` and their int32 labels (class order = labels).

    ``class_names=None`` uses the sorted sub-folder names. Raises :class:`DatasetError`
    if a class folder is missing or holds no images.
    """
    root = Path(root)
    if class_names is None:
        class_names = sorted(p.name for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
    paths, labels = [], []
    for label, name in enumerate(class_names):
        folder = root / name
        files = _image_files(folder) if folder.is_dir() else []
        if not files:
            raise DatasetError(f"No images found in {folder} (expected {root}/<class>/*.jpg "
                               f"for classes {list(class_names)}).",
                               "Check the path, or prepare the data with `make data`.")
        paths += [str(p) for p in files]
        labels += [label] * len(files)
    return paths, np.array(labels, dtype=np.int32)


def paths_dataset(
    paths: Sequence[str], labels, *, shuffle: bool = True, seed: int | None = None
) -> tf.data.Dataset:
    """A ``(path, label)`` dataset; ``shuffle`` permutes the list once, reproducibly.

    Shuffling the file list here interleaves the classes so that the pipeline's bounded
    shuffle buffer never sees one class only.
    """
    tf = _tf()
    paths, labels = np.asarray(paths, dtype=str), np.asarray(labels, dtype=np.int32)
    if shuffle:
        order = np.random.default_rng(settings().seed if seed is None else seed).permutation(
            len(paths))
        paths, labels = paths[order], labels[order]
    return tf.data.Dataset.from_tensor_slices((tf.constant(paths, tf.string),
                                               tf.constant(labels, tf.int32)))


def from_folder(
    root: str | os.PathLike,
    class_names: Sequence[str] | None = None,
    *,
    shuffle: bool = True,
    seed: int | None = None,
) -> tf.data.Dataset:
    """A ``(path, label)`` dataset of ``root/<class_name>/*`` images, for :func:`image_pipeline`.

    Labels are positions in ``class_names`` (sorted sub-folders when ``None``).
    """
    paths, labels = list_images(root, class_names)
    return paths_dataset(paths, labels, shuffle=shuffle, seed=seed)


def _image_size(image_size) -> tuple[int, int]:
    """Validate ``(height, width)``."""
    try:
        height, width = (int(v) for v in image_size)
    except (TypeError, ValueError):
        raise ValueError(f"image_size must be (height, width). Received: {image_size!r}") from None
    if height < 1 or width < 1:
        raise ValueError(f"image_size must be positive. Received: {image_size!r}")
    return height, width


def decode_resize(path, image_size) -> tf.Tensor:
    """Read, decode (JPEG/PNG/GIF/BMP, 3 channels) and resize one image to uint8."""
    tf = _tf()
    image = tf.io.decode_image(tf.io.read_file(path), channels=3, expand_animations=False)
    image = tf.image.resize(image, image_size)  # bilinear, float32
    return tf.saturate_cast(tf.round(image), tf.uint8)


def augmenter(seed: int | None = None):
    """Random horizontal flip, small rotation (about +-11 degrees) and zoom (+-10 %)."""
    import keras

    seeds = [None] * 3 if seed is None else [seed, seed + 1, seed + 2]
    return keras.Sequential([
        keras.layers.RandomFlip("horizontal", seed=seeds[0]),
        keras.layers.RandomRotation(0.03, fill_mode="reflect", seed=seeds[1]),
        keras.layers.RandomZoom(0.1, fill_mode="reflect", seed=seeds[2]),
    ], name="augment")


def image_pipeline(
    ds: tf.data.Dataset,
    image_size: Sequence[int] = (160, 160),
    batch_size: int = 32,
    *,
    augment: bool = False,
    cache: bool | str = True,
    shuffle: bool | int = True,
    seed: int | None = None,
) -> tf.data.Dataset:
    """Turn a ``(path, label)`` dataset into batches of ``(images, labels)`` for training.

    Steps: parallel decode + resize (AUTOTUNE) -> cache (in memory, or in a file when
    ``cache`` is a path; stored as uint8 to use 4x less memory) -> shuffle (``True``: buffer
    of up to 1,000 images, or an int buffer size; reshuffled every epoch) -> batch ->
    float32 -> augment (``augment=True``: :func:`augmenter`, after the cache so every epoch
    sees new variations) -> prefetch. Images are **float32 in [0, 255]** shaped
    ``(batch, height, width, 3)``, labels int32, as ``keras.utils.image_dataset_from_directory``
    gives them, so ``keras.applications.*.preprocess_input`` applies unchanged.
    """
    tf = _tf()
    size = _image_size(image_size)
    if int(batch_size) < 1:
        raise ValueError(f"batch_size must be at least 1. Received: {batch_size!r}")
    seed = settings().seed if seed is None else seed
    autotune = tf.data.AUTOTUNE
    n = int(ds.cardinality())
    ds = ds.map(lambda path, label: (decode_resize(path, size), label),
                num_parallel_calls=autotune, deterministic=True)
    if cache:
        ds = ds.cache(cache if isinstance(cache, str) else "")
    if shuffle is not False and shuffle is not None:
        buffer = (min(n, 1000) if n > 0 else 1000) if shuffle is True else int(shuffle)
        ds = ds.shuffle(max(buffer, 1), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(int(batch_size))
    ds = ds.map(lambda x, y: (tf.cast(x, tf.float32), y), num_parallel_calls=autotune)
    if augment:
        layers = augmenter(seed)
        ds = ds.map(lambda x, y: (layers(x, training=True), y), num_parallel_calls=autotune)
    return ds.prefetch(autotune)


# --------------------------------------------------------------------------------------------
# Cats vs dogs, ready to train
# --------------------------------------------------------------------------------------------

@dataclass
class PetsData:
    """What :func:`cats_vs_dogs` returns.

    ``train``/``validation``/``test``: batched tf.data datasets of float32 [0, 255] images and
    int32 labels (0 = cats, 1 = dogs); ``class_names``; ``counts[split][class]``: images per
    split and class; ``is_standin``: True for the synthetic offline stand-in; ``root``: the
    dataset folder; ``skipped``: corrupt images left out.
    """

    train: tf.data.Dataset
    validation: tf.data.Dataset
    test: tf.data.Dataset
    class_names: list[str]
    counts: dict[str, dict[str, int]]
    is_standin: bool
    root: Path
    skipped: int = 0

    def summary(self) -> str:
        """One line such as 'cats vs dogs (real): train 2,000 | validation 800 | test 200'."""
        kind = "SYNTHETIC STAND-IN" if self.is_standin else "real photos"
        parts = [f"{split} {sum(c.values()):,}" for split, c in self.counts.items()]
        return f"cats vs dogs ({kind}): " + " | ".join(parts) + f" | from {self.root}"


def cats_vs_dogs(
    image_size: Sequence[int] = (160, 160),
    batch_size: int = 32,
    *,
    source: str | Source = "filtered",
    test_fraction: float = 0.2,
    standin: str = "auto",
    url: str | None = None,
    seed: int | None = None,
    augment: bool = False,
    verbose: bool = True,
) -> PetsData:
    """Cats vs dogs as batched ``train``/``validation``/``test`` datasets (see :class:`PetsData`).

    ``source``: a :data:`SOURCES` name (``"filtered"``: 2,000 train / 1,000 validation;
    ``"petimages"``: ~25,000 photos, 20 % per class for validation) or a :class:`Source`.
    The test split is ``test_fraction`` of each validation class, carved off reproducibly
    with ``seed`` (default: the course seed). ``augment`` adds :func:`augmenter` to train.

    ``standin``: ``"auto"`` uses the synthetic stand-in in the smoke profile, or when the real
    data are unavailable (offline and not cached, or the download failed), with a boxed
    banner saying so; ``"never"`` raises :class:`DatasetError` instead; ``"always"`` forces
    the stand-in. ``url`` overrides the source's URL (e.g. a mirror or a test server).
    """
    if standin not in ("auto", "never", "always"):
        raise ValueError(f"standin must be 'auto', 'never' or 'always'. Received: {standin!r}")
    if not 0.0 <= test_fraction < 1.0:
        raise ValueError(f"test_fraction must be in [0, 1). Received: {test_fraction!r}")
    _image_size(image_size)  # fail fast, before any download
    cfg = settings()
    seed = cfg.seed if seed is None else int(seed)
    name, src = _resolve_source(source, url)
    reason = {"always": "standin='always' was requested.",
              "auto": "COURSE_PROFILE=smoke (quick runs use the stand-in)." if cfg.smoke else None,
              "never": None}[standin]
    dataset = None
    if reason is None:
        try:
            dataset = prepare(src if isinstance(source, Source) else name, url=url,
                              data_dir=cfg.data_dir)
        except DatasetError as err:
            if standin == "never":
                raise
            reason = err.problem
    if reason is not None:
        n = STANDIN_PER_CLASS[cfg.profile]
        dataset = make_standin_pets(cfg.data_dir / f"standin-{n}-{STANDIN_SIZE}", n,
                                    STANDIN_SIZE, STANDIN_SEED)
        src = SOURCES["filtered"]
        if verbose:
            print(standin_banner(reason))
    data = _build(dataset, src, image_size, batch_size, test_fraction, seed, augment)
    data.is_standin = reason is not None
    if verbose:
        if data.skipped:
            print(f"[data] skipped {data.skipped:,} corrupt images (listed in "
                  f"{dataset.parent / READY_MARKER})")
        print("[data] " + data.summary())
    return data


def _build(dataset: Path, src: Source, image_size, batch_size, test_fraction: float,
           seed: int, augment: bool) -> PetsData:
    """Split the files of a prepared dataset folder and wrap them in pipelines."""
    if src.splits:
        train = list_images(dataset / src.splits[0], src.class_dirs)
        val = list_images(dataset / src.splits[1], src.class_dirs)
    else:
        train, val = _split_lists(list_images(dataset, src.class_dirs),
                                  PETIMAGES_VALIDATION_FRACTION, seed)
    val, test = _split_lists(val, test_fraction, seed + 1)
    splits = {"train": train, "validation": val, "test": test}
    counts = {split: {c: int(np.sum(labels == i)) for i, c in enumerate(CLASS_NAMES)}
              for split, (_, labels) in splits.items()}

    def pipe(split: str, training: bool):
        """The batched pipeline of one split (shuffled and maybe augmented when training)."""
        paths, labels = splits[split]
        ds = paths_dataset(paths, labels, shuffle=training, seed=seed)
        return image_pipeline(ds, image_size, batch_size, augment=augment and training,
                              shuffle=training, seed=seed)

    marker = _read_json(dataset.parent / READY_MARKER) or {}
    return PetsData(train=pipe("train", True), validation=pipe("validation", False),
                    test=pipe("test", False), class_names=list(CLASS_NAMES), counts=counts,
                    is_standin=False, root=dataset, skipped=len(marker.get("skipped", [])))


def _split_lists(files: tuple[list[str], np.ndarray], fraction: float,
                 seed: int) -> tuple[tuple[list[str], np.ndarray], tuple[list[str], np.ndarray]]:
    """Split ``(paths, labels)`` into two, holding out ``fraction`` of each class."""
    paths, labels = files
    keep, held = _stratified_indices(labels, fraction, seed)
    return ([paths[i] for i in keep], labels[keep]), ([paths[i] for i in held], labels[held])


# --------------------------------------------------------------------------------------------
# Command line: python -m utils.datasets [--petimages] (what `make data` runs)
# --------------------------------------------------------------------------------------------

def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point for ``make data``; returns the exit status."""
    parser = argparse.ArgumentParser(description="Download and verify the course data.")
    parser.add_argument("--petimages", action="store_true",
                        help="also fetch the full ~790 MB PetImages archive")
    parser.add_argument("--no-mnist", action="store_true", help="skip MNIST")
    args = parser.parse_args(argv)
    try:
        fetch_all(petimages=args.petimages, mnist=not args.no_mnist)
    except DatasetError as err:
        print(f"[data] ERROR: {err}")
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
