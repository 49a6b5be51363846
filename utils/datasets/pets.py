"""Cats vs dogs, ready to train: :func:`cats_vs_dogs` and the :class:`PetsData` it returns.

Uses the real photos prepared in the cache when it can, and the synthetic stand-in (with a
loud banner) offline, in the smoke profile or when the real data are unavailable.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..config import settings
from .cache import _resolve_source, prepare
from .digits import _stratified_indices
from .files import _read_json
from .pipelines import _image_size, image_pipeline, list_images, paths_dataset
from .sources import (
    CLASS_NAMES,
    PETIMAGES_VALIDATION_FRACTION,
    READY_MARKER,
    SOURCES,
    STANDIN_PER_CLASS,
    STANDIN_SEED,
    STANDIN_SIZE,
    DatasetError,
    Source,
)
from .standin import make_standin_pets, standin_banner

if TYPE_CHECKING:  # pragma: no cover - only for type hints
    import tensorflow as tf


@dataclass
class PetsData:
    """What :func:`cats_vs_dogs` returns.

    ``train``/``validation``/``test``: batched tf.data datasets of float32 [0, 255] images and
    int32 labels (0 = cats, 1 = dogs); ``class_names``; ``counts[split][class]``: images per
    split and class; ``is_standin``: True for the synthetic offline stand-in; ``root``: the
    dataset folder; ``skipped``: corrupt images left out; ``files[split]``: ``(paths, labels)``
    in file order; ``image_size``: what every image is resized to.
    """

    train: tf.data.Dataset
    validation: tf.data.Dataset
    test: tf.data.Dataset
    class_names: list[str]
    counts: dict[str, dict[str, int]]
    is_standin: bool
    root: Path
    skipped: int = 0
    files: dict[str, tuple[list[str], np.ndarray]] = field(default_factory=dict)
    image_size: tuple[int, int] = (160, 160)

    def in_order(self, split: str, batch_size: int = 32) -> tf.data.Dataset:
        """The batched ``(images, labels)`` of ``split`` in file order, never shuffled or
        augmented: the same rows every pass, so features computed in different passes (a CNN's,
        hand-crafted ones) line up row by row."""
        if split not in self.files:
            raise ValueError(f"unknown split {split!r}; known: {sorted(self.files)}")
        paths, labels = self.files[split]
        return image_pipeline(
            paths_dataset(paths, labels, shuffle=False),
            self.image_size,
            batch_size,
            augment=False,
            shuffle=False,
        )

    def arrays(self, split: str) -> tuple[np.ndarray, np.ndarray]:
        """``(images, labels)`` of ``split`` as NumPy arrays, in file order (:meth:`in_order`):
        float32 images ``(n, height, width, 3)`` in [0, 255] and int32 labels ``(n,)``."""
        batches = [(images.numpy(), labels.numpy()) for images, labels in self.in_order(split)]
        return (np.concatenate([b[0] for b in batches]), np.concatenate([b[1] for b in batches]))

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
    augment=False,
    verbose: bool = True,
) -> PetsData:
    """Cats vs dogs as batched ``train``/``validation``/``test`` datasets (see :class:`PetsData`).

    ``source``: a :data:`SOURCES` name (``"filtered"``: 2,000 train / 1,000 validation;
    ``"petimages"``: ~25,000 photos, 20 % per class for validation) or a :class:`Source`.
    The test split is ``test_fraction`` of each validation class, carved off reproducibly
    with ``seed`` (default: the course seed). ``augment`` (``True``, or a
    :class:`~cnn_course_kit.datasets.warp.Augmentation`) augments the training batches
    (:func:`image_pipeline`).

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
    reason = {
        "always": "standin='always' was requested.",
        "auto": "COURSE_PROFILE=smoke (quick runs use the stand-in)." if cfg.smoke else None,
        "never": None,
    }[standin]
    dataset = None
    if reason is None:
        try:
            dataset = prepare(
                src if isinstance(source, Source) else name, url=url, data_dir=cfg.data_dir
            )
        except DatasetError as err:
            if standin == "never":
                raise
            reason = err.problem
    if reason is not None:
        n = STANDIN_PER_CLASS[cfg.profile]
        dataset = make_standin_pets(
            cfg.data_dir / f"standin-{n}-{STANDIN_SIZE}", n, STANDIN_SIZE, STANDIN_SEED
        )
        src = SOURCES["filtered"]
        if verbose:
            print(standin_banner(reason))
    data = _build(dataset, src, image_size, batch_size, test_fraction, seed, augment)
    data.is_standin = reason is not None
    if verbose:
        if data.skipped:
            print(
                f"[data] skipped {data.skipped:,} corrupt images (listed in "
                f"{dataset.parent / READY_MARKER})"
            )
        print("[data] " + data.summary())
    return data


def _build(
    dataset: Path,
    src: Source,
    image_size,
    batch_size,
    test_fraction: float,
    seed: int,
    augment,
) -> PetsData:
    """Split the files of a prepared dataset folder and wrap them in pipelines."""
    if src.splits:
        train = list_images(dataset / src.splits[0], src.class_dirs)
        val = list_images(dataset / src.splits[1], src.class_dirs)
    else:
        train, val = _split_lists(
            list_images(dataset, src.class_dirs), PETIMAGES_VALIDATION_FRACTION, seed
        )
    val, test = _split_lists(val, test_fraction, seed + 1)
    splits = {"train": train, "validation": val, "test": test}
    counts = {
        split: {c: int(np.sum(labels == i)) for i, c in enumerate(CLASS_NAMES)}
        for split, (_, labels) in splits.items()
    }

    def pipe(split: str, training: bool):
        """The batched pipeline of one split (shuffled and maybe augmented when training)."""
        paths, labels = splits[split]
        ds = paths_dataset(paths, labels, shuffle=training, seed=seed)
        return image_pipeline(
            ds,
            image_size,
            batch_size,
            augment=augment if training else False,
            shuffle=training,
            seed=seed,
        )

    marker = _read_json(dataset.parent / READY_MARKER) or {}
    return PetsData(
        train=pipe("train", True),
        validation=pipe("validation", False),
        test=pipe("test", False),
        class_names=list(CLASS_NAMES),
        counts=counts,
        is_standin=False,
        root=dataset,
        skipped=len(marker.get("skipped", [])),
        files=splits,
        image_size=tuple(int(v) for v in image_size),
    )


def _split_lists(
    files: tuple[list[str], np.ndarray], fraction: float, seed: int
) -> tuple[tuple[list[str], np.ndarray], tuple[list[str], np.ndarray]]:
    """Split ``(paths, labels)`` into two, holding out ``fraction`` of each class."""
    paths, labels = files
    keep, held = _stratified_indices(labels, fraction, seed)
    return ([paths[i] for i in keep], labels[keep]), ([paths[i] for i in held], labels[held])
