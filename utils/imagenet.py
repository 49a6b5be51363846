"""ImageNet's 1,000 classes, offline: their WordNet ids and names, from a wheel on PyPI.

A Keras model trained on ImageNet answers with 1,000 probabilities, and
``keras.applications.imagenet_utils.decode_predictions`` names them from a JSON file it
downloads from Google's storage: a grading machine or CI cannot reach it. The same list (the
ILSVRC-2012 classes, in the standard order: sorted by WordNet id) ships inside the wheel of
``timm`` (Apache 2.0), which pip *downloads* (``pip download --no-deps``, never installed), its
size and sha256 checked, and kept in the kit's cache beside the other weights
(:func:`cnn_course_kit.pretrained.fetch_weights`). Taught in notebook 08.

- :func:`classes`: the 1,000 :class:`ImageNetClass` entries (index, WordNet id, names), or
  None with a notice when they cannot be had;
- :func:`search`: the classes whose names contain a word;
- :func:`keras_wnids`: the WordNet ids in Keras' own class index, when Keras has it cached
  (or may download it), to check the two lists against each other.
"""

from __future__ import annotations

import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .datasets.sources import DatasetError
from .pretrained import WeightsSource, fetch_weights, weights_dir

TIMM = WeightsSource(
    requirement="timm==1.0.31",
    filename="timm-1.0.31-py3-none-any.whl",
    size=2_798_714,
    sha256="5bd50f7d0fe6d09bf9285ac2523234a1b7e6bf075c0be3e7aed09139fcb617c7",
    member="timm/data/_info/imagenet_synsets.txt",
    description="ImageNet-1k's classes (WordNet ids and names) from timm 1.0.31; Apache 2.0 "
    "(PyPI: timm 1.0.31, 2.8 MB)",
)
"""The registry entry of the class list: the timm wheel as published on PyPI."""

LEMMAS = "timm/data/_info/imagenet_synset_to_lemma.txt"
"""The wheel's file mapping each WordNet id to its names ("tabby, tabby cat")."""

N_CLASSES = 1000


@dataclass(frozen=True)
class ImageNetClass:
    """One ImageNet class: its output index, its WordNet id and its names (the first is its
    usual short name; ``decode_predictions`` writes it with underscores)."""

    index: int
    wnid: str
    names: tuple[str, ...]

    @property
    def name(self) -> str:
        """The first name, e.g. ``"tabby"`` for class 281."""
        return self.names[0]

    def __str__(self) -> str:
        return f"{self.index:3d} {self.wnid} {', '.join(self.names)}"


def read_classes(wheel: str | os.PathLike) -> list[ImageNetClass]:
    """The 1,000 classes from a timm wheel (see :data:`TIMM`), checked: 1,000 distinct WordNet
    ids in sorted order (the order of every ImageNet-trained Keras model), each with a name."""
    try:
        with zipfile.ZipFile(wheel) as archive:
            wnids = archive.read(TIMM.member).decode("utf-8").split()
            lemma_lines = archive.read(LEMMAS).decode("utf-8").splitlines()
    except (OSError, KeyError, zipfile.BadZipFile) as err:
        raise DatasetError(
            f"{Path(wheel).name} does not hold ImageNet's class list ({type(err).__name__}: {err})."
        ) from err
    if len(wnids) != N_CLASSES or len(set(wnids)) != N_CLASSES or wnids != sorted(wnids):
        raise DatasetError(
            f"{Path(wheel).name}: expected {N_CLASSES} distinct, sorted WordNet ids "
            f"in {TIMM.member}, found {len(wnids)} ({len(set(wnids))} distinct)."
        )
    lemmas = dict(line.split("\t", 1) for line in lemma_lines if "\t" in line)
    missing = [w for w in wnids if w not in lemmas]
    if missing:
        raise DatasetError(
            f"{Path(wheel).name}: no names for {len(missing)} classes, e.g. {missing[:3]}."
        )
    return [
        ImageNetClass(i, w, tuple(n.strip() for n in lemmas[w].split(",")))
        for i, w in enumerate(wnids)
    ]


def notice(reason: str) -> str:
    """The paragraph a notebook prints when the class list cannot be had."""
    return (
        f"[imagenet] NO CLASS NAMES: {reason}. ImageNet's predictions cannot be named here. "
        f"Run `make data` on a machine where pip can reach PyPI (without COURSE_OFFLINE=1), "
        f"or copy {TIMM.filename} (`pip download --no-deps {TIMM.requirement}`) to "
        f"{weights_dir()}/."
    )


def classes(
    fetch: bool = True, *, data_dir: str | os.PathLike | None = None, verbose: bool = True
) -> list[ImageNetClass] | None:
    """ImageNet's 1,000 classes in output order, or None (with :func:`notice` printed when
    ``verbose``) when the wheel is not cached and cannot be downloaded."""
    dest = weights_dir(data_dir) / TIMM.filename
    try:
        if not fetch and not dest.exists():
            raise DatasetError(f"{dest.name} is not in the cache ({dest.parent})")
        return read_classes(fetch_weights(TIMM, data_dir=data_dir))
    except DatasetError as err:
        if verbose:
            print(notice(err.problem.rstrip(".")))
        return None


def search(class_list: list[ImageNetClass], word: str) -> list[ImageNetClass]:
    """The classes one of whose names contains ``word`` (case-insensitive)."""
    if not word.strip():
        raise ValueError("search needs a word to look for. Received: an empty string")
    word = word.lower()
    return [c for c in class_list if any(word in name.lower() for name in c.names)]


def keras_wnids(allow_download: bool = False) -> list[str] | None:
    """The WordNet ids of Keras' ``decode_predictions``, in output order, when its class index
    is in Keras' cache (or ``allow_download``, online); else None."""
    import json

    from . import keras_files
    from .config import settings

    path = keras_files.cached(keras_files.CLASS_INDEX)
    if path is None:
        if not allow_download or settings().offline:
            return None
        # what decode_predictions itself fetches, with the hash Keras checks
        path = keras_files.download(keras_files.CLASS_INDEX, verbose=False)
        if path is None:
            return None
    index = json.loads(path.read_text())
    return [index[str(i)][0] for i in range(len(index))]
