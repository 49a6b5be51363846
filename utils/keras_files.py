"""Keras' own cache of ImageNet files (``~/.keras/models``): which files, from where, with what hash.

``keras.applications`` downloads its ImageNet weights the first time a network is built with
``weights="imagenet"`` and keeps them in Keras' cache. :func:`weights_file` names the file a
base (``include_top=False``) or a whole classifier (``top=True``) needs; :func:`cached` finds it.
:func:`prefetch` (what ``make data`` runs) downloads the files notebook 08 uses through Keras'
own ``get_file``, so that the notebook then runs without waiting, or offline.

Hashes: Keras checks its own MD5 for VGG16's files and the ImageNet class index; it publishes
none for MobileNetV2's. :func:`prefetch` therefore records every file's SHA-256 in
:data:`MANIFEST` beside the files the first time it sees them, and checks each file against that
record on every later run, so a truncated or swapped file is reported instead of used.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

KERAS_APPLICATIONS = "https://storage.googleapis.com/tensorflow/keras-applications/"
MOBILENET_SIZES = (96, 128, 160, 192, 224)
"""The input sizes Keras publishes MobileNetV2 ImageNet weights for."""
MANIFEST = "cnn-course-kit-sha256.json"
"""The file in Keras' models folder where :func:`prefetch` records each file's SHA-256."""


@dataclass(frozen=True)
class KerasFile:
    """One file of Keras' cache: its name there, where Keras downloads it, Keras' own MD5."""

    name: str
    url: str
    md5: str | None = None  # the hash keras.applications itself checks, where it has one


CLASS_INDEX = KerasFile(
    "imagenet_class_index.json",
    "https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json",
    "c2c37ea517e94d9795004a39431a14cb",
)
"""The class index ``decode_predictions`` reads (WordNet id and name of each output)."""


def weights_file(name: str, image_size: Sequence[int], *, top: bool = False) -> KerasFile:
    """The ImageNet weights file of ``name`` ("vgg16" or "mobilenet_v2") at ``image_size``.

    ``top=False``: the base without its classifier (``include_top=False``); MobileNetV2 uses
    the weights of the nearest published size Keras picks (the size itself if published, else
    224). ``top=True``: the whole 1,000-class classifier (MobileNetV2 publishes one per size).
    """
    rows = int(image_size[0])
    if name == "vgg16":
        stem = "vgg16_weights_tf_dim_ordering_tf_kernels" + ("" if top else "_notop")
        return KerasFile(
            f"{stem}.h5",
            f"{KERAS_APPLICATIONS}vgg16/{stem}.h5",
            "64373286793e3c8b2b4e3219cbf3544b" if top else "6d6bbae143d832006294945121d1f1fc",
        )
    if name == "mobilenet_v2":
        rows = rows if rows in MOBILENET_SIZES else 224
        stem = f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_{rows}" + (
            "" if top else "_no_top"
        )
        return KerasFile(f"{stem}.h5", f"{KERAS_APPLICATIONS}mobilenet_v2/{stem}.h5")
    raise ValueError(f"unknown network {name!r}; known: vgg16, mobilenet_v2")


NOTEBOOK_FILES = (
    weights_file("mobilenet_v2", (160, 160)),
    weights_file("mobilenet_v2", (160, 160), top=True),
    weights_file("vgg16", (160, 160)),
    CLASS_INDEX,
)
"""What notebook 08 reads in the full profile: MobileNetV2 at 160 px without and with its top
(Cases 1-3 and Case 0 on a CPU), VGG16 without its top (the base on a GPU, as in the notes) and
the class index (section 3 checks the class ranges against it)."""


def models_dirs() -> list[Path]:
    """Where Keras keeps these files: ``$KERAS_HOME/models`` (default ``~/.keras/models``), and
    the ``/tmp/.keras/models`` Keras falls back to when its home is not writable."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    fallback = os.path.join("/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir(), ".keras")
    return [Path(home) / "models", Path(fallback) / "models"]


def cached(file: KerasFile | str) -> Path | None:
    """The cached copy of ``file`` (a :class:`KerasFile` or a file name), or None."""
    name = file.name if isinstance(file, KerasFile) else file
    return next((d / name for d in models_dirs() if (d / name).is_file()), None)


def sha256(path: Path) -> str:
    """The SHA-256 of a file, read in 1 MiB pieces."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for piece in iter(lambda: handle.read(1 << 20), b""):
            digest.update(piece)
    return digest.hexdigest()


def prefetch(files: Sequence[KerasFile] = NOTEBOOK_FILES, *, mirror: str | None = None) -> int:
    """Put ``files`` into Keras' cache and check them; print one line per file; 0 if all are there.

    A file already cached is checked against the SHA-256 recorded in :data:`MANIFEST` (or
    recorded, the first time). A missing one is downloaded with ``keras.utils.get_file``, which
    checks Keras' MD5 where it has one; never with ``COURSE_OFFLINE=1``. ``mirror``: a base URL
    to download from instead of Google's storage (a local server in the tests).
    """
    from .config import settings

    status = 0
    for file in files:
        path = cached(file)
        if path is None and settings().offline:
            print(f"[keras] {file.name}: not cached, and COURSE_OFFLINE=1 forbids downloading it")
            status = 1
            continue
        if path is None:
            path = download(file, mirror)
            if path is None:
                status = 1
                continue
        status = max(status, _check_recorded(path, file.md5))
    return status


def download(file: KerasFile, mirror: str | None = None, *, verbose: bool = True) -> Path | None:
    """``keras.utils.get_file`` of one file into ``models`` (checking Keras' MD5 where it has
    one); None on failure, with the reason printed when ``verbose``."""
    import keras

    url = f"{mirror.rstrip('/')}/{file.name}" if mirror else file.url
    try:
        models_dirs()[0].mkdir(parents=True, exist_ok=True)  # else Keras falls back to /tmp/.keras
        return Path(
            keras.utils.get_file(
                file.name,
                url,
                cache_dir=str(models_dirs()[0].parent),
                cache_subdir="models",
                file_hash=file.md5,
            )
        )
    except Exception as err:  # noqa: BLE001 - Keras raises bare Exceptions for failed fetches
        for folder in models_dirs():  # Keras keeps a file that failed its hash: never leave one
            (folder / file.name).unlink(missing_ok=True)
        if verbose:
            print(
                f"[keras] {file.name}: ERROR, could not be downloaded from {url} "
                f"({type(err).__name__}: {str(err)[:200]}). Check the network and run `make "
                "data` again; notebook 08 falls back to the offline weights meanwhile."
            )
        return None


def _check_recorded(path: Path, md5: str | None = None) -> int:
    """Compare ``path`` with Keras' MD5 (if any) and its recorded SHA-256 (recorded the first
    time); 0 when both agree."""
    if md5 is not None and hashlib.md5(path.read_bytes()).hexdigest() != md5:
        print(
            f"[keras] {path.name}: ERROR, it does not match Keras' own MD5 ({md5}): the file is "
            f"damaged. Delete {path} and run `make data` again."
        )
        return 1
    manifest = path.parent / MANIFEST
    try:
        record = json.loads(manifest.read_text()) if manifest.is_file() else {}
    except (OSError, ValueError):
        record = {}
    digest, size = sha256(path), path.stat().st_size
    known = record.get(path.name)
    if known is not None and known != digest:
        print(
            f"[keras] {path.name}: ERROR, its SHA-256 {digest[:16]}... differs from the one "
            f"recorded when it was first fetched ({known[:16]}...): the file changed or is "
            f"damaged. Delete {path} and run `make data` again."
        )
        return 1
    if known is None:
        record[path.name] = digest
        manifest.write_text(json.dumps(record, indent=1, sort_keys=True) + "\n")
    print(
        f"[keras] {path.name}: ready in {path.parent} ({size:,} bytes, sha256 {digest[:16]}..."
        f"{', recorded now' if known is None else ', as recorded'})"
    )
    return 0
