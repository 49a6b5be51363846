"""Preparing a registry source in the cache: download, verify, extract, check and scan once.

:func:`prepare` turns an entry of :data:`~.sources.SOURCES` into a ready dataset folder
(marked by ``READY.json``); :func:`check_layout` checks folders and counts; :func:`fetch_all`
is what ``make data`` runs.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from ..config import settings
from .digits import _keras_mnist
from .downloads import _download, _set_aside
from .files import _image_files, _read_json, _write_json
from .images import _print_report, scan_images
from .sources import DEFAULT_TIMEOUT, READY_MARKER, SOURCES, DatasetError, Source, _fail


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
        return cls(
            archive=archive,
            record=archive.with_name(archive.name + ".json"),
            extracted=extracted,
            dataset=extracted / source.top,
            quarantine=extracted / "quarantine",
        )


def _resolve_source(source: str | Source, url: str | None) -> tuple[str, Source]:
    """``(name, Source)`` for a registry name or a :class:`Source`, with ``url`` applied."""
    if isinstance(source, Source):
        name, src = Path(source.filename).stem, source
    elif source in SOURCES:
        name, src = source, SOURCES[source]
    else:
        raise ValueError(
            f"source must be one of {sorted(SOURCES)} or a Source. Received: {source!r}"
        )
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
    origin = (
        "expected"
        if src.sha256
        else (
            f"one recorded in {paths.record} on its first verified download (delete that record "
            f"if the archive changed upstream on purpose)"
        )
    )
    archive, digest = _download(
        src.url,
        paths.archive,
        sha256=sha256,
        expected_size=src.size or (record or {}).get("size"),
        timeout=timeout,
        hash_origin=origin,
    )
    try:
        _extract(archive, src, paths)
    except DatasetError as err:
        rejected = _set_aside(archive)
        raise DatasetError(
            f"{err.problem} The archive was set aside as {rejected}.", err.hint
        ) from err
    if src.sha256 is None and record is None:
        _write_json(
            paths.record, {"url": src.url, "sha256": digest, "size": archive.stat().st_size}
        )
    return paths.dataset


def _extract(archive: Path, src: Source, paths: CachePaths) -> None:
    """Unpack, check and scan ``archive`` in a temporary folder, then move it into place."""
    paths.extracted.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(
        tempfile.mkdtemp(
            prefix=f".{paths.extracted.name}.", suffix=".part", dir=paths.extracted.parent
        )
    )
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
        _write_json(
            tmp / READY_MARKER,
            {"url": src.url, "counts": counts, "total": report.total, "skipped": skipped},
        )
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
                    raise _fail(
                        f"The archive {archive} contains an unsafe path {member!r}.", archive
                    )
            zf.extractall(dest)
    except (zipfile.BadZipFile, zlib.error, EOFError) as err:
        raise _fail(f"The archive {archive} could not be unpacked ({err}).", archive) from err


def check_layout(dataset: Path, source: Source, *, archive: Path | None = None) -> dict[str, int]:
    """Check that ``dataset`` holds the folders and image counts ``source`` expects.

    Returns ``{folder: count}``; raises :class:`DatasetError` naming every problem.
    """
    where = archive or dataset
    expected = f"expected {source.layout()} with {_format_counts(source.counts)}"
    if not dataset.is_dir():
        found = sorted(p.name for p in dataset.parent.iterdir()) if dataset.parent.is_dir() else []
        raise _fail(
            f"{where} does not have the expected layout: there is no top folder "
            f"{source.top!r} (found {found[:5]}); {expected}.",
            where,
        )
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
        raise _fail(
            f"{where} does not have the expected layout or counts: "
            f"{'; '.join(problems)} ({expected}).",
            where,
        )
    return counts


def _folder_counts(dataset: Path, folders) -> dict[str, int]:
    """Images per folder (``-1`` for a missing folder)."""
    return {f: (len(_image_files(dataset / f)) if (dataset / f).is_dir() else -1) for f in folders}


def _format_counts(counts: Mapping[str, int]) -> str:
    """'train/cats: 1,000, ...' for messages."""
    return ", ".join(f"{k}: {v:,}" for k, v in counts.items())


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
            raise DatasetError(
                f"MNIST could not be downloaded by Keras: {err}.",
                "Check the network and run `make data` again.",
            ) from err
    return done
