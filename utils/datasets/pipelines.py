"""tf.data pipelines: folders -> ``(path, label)`` -> decoded, resized, batched images.

:func:`from_folder` lists ``root/<class>/*.jpg`` as a ``(path, label)`` dataset and
:func:`image_pipeline` decodes, resizes, caches, shuffles, batches, augments and prefetches it
into float32 images in [0, 255]. TensorFlow is imported only when these functions run.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from ..config import settings
from .files import _image_files
from .sources import DatasetError, _tf
from .warp import MILD_AUGMENTATION, Augmentation, augment_batch

if TYPE_CHECKING:  # pragma: no cover - only for type hints
    import tensorflow as tf


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
            raise DatasetError(
                f"No images found in {folder} (expected {root}/<class>/*.jpg "
                f"for classes {list(class_names)}).",
                "Check the path, or prepare the data with `make data`.",
            )
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
            len(paths)
        )
        paths, labels = paths[order], labels[order]
    return tf.data.Dataset.from_tensor_slices(
        (tf.constant(paths, tf.string), tf.constant(labels, tf.int32))
    )


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
    """Read, decode (JPEG/PNG/GIF/BMP, 3 channels) and resize one image to uint8.

    A JPEG at least twice as large as ``image_size`` on both sides is decoded at 1/2, 1/4
    or 1/8 of its size by the JPEG decoder itself (``decode_jpeg(ratio=...)``, still at
    least ``image_size``), which is several times faster than decoding every pixel of a
    500-pixel photo to keep 150 of them; the resize then does the rest.
    """
    tf = _tf()
    height, width = image_size
    contents = tf.io.read_file(path)

    def jpeg():
        shape = tf.image.extract_jpeg_shape(contents)
        times = tf.minimum(shape[0] // height, shape[1] // width)  # how much larger it is
        branch = tf.cast(times >= 2, tf.int32) + tf.cast(times >= 4, tf.int32)
        branch += tf.cast(times >= 8, tf.int32)
        return tf.switch_case(
            branch,
            [lambda r=r: tf.io.decode_jpeg(contents, channels=3, ratio=r) for r in (1, 2, 4, 8)],
        )

    def other():
        return tf.io.decode_image(contents, channels=3, expand_animations=False)

    image = tf.cond(tf.io.is_jpeg(contents), jpeg, other)
    image = tf.image.resize(image, image_size)  # bilinear, float32
    return tf.saturate_cast(tf.round(image), tf.uint8)


def augmenter(seed: int | None = None):
    """Random horizontal flip, small rotation (about +-11 degrees) and zoom (+-10 %), as
    Keras layers (a model can include them); the pipeline applies the same geometry as one
    fused warp (:data:`~cnn_course_kit.datasets.warp.MILD_AUGMENTATION`)."""
    import keras

    seeds = [None] * 3 if seed is None else [seed, seed + 1, seed + 2]
    return keras.Sequential(
        [
            keras.layers.RandomFlip("horizontal", seed=seeds[0]),
            keras.layers.RandomRotation(0.03, fill_mode="reflect", seed=seeds[1]),
            keras.layers.RandomZoom(0.1, fill_mode="reflect", seed=seeds[2]),
        ],
        name="augment",
    )


def image_pipeline(
    ds: tf.data.Dataset,
    image_size: Sequence[int] = (160, 160),
    batch_size: int = 32,
    *,
    augment: bool | Augmentation = False,
    cache: bool | str = True,
    shuffle: bool | int = True,
    seed: int | None = None,
) -> tf.data.Dataset:
    """Turn a ``(path, label)`` dataset into batches of ``(images, labels)`` for training.

    Steps: parallel decode + resize (AUTOTUNE) -> cache (in memory, or in a file when
    ``cache`` is a path; stored as uint8 to use 4x less memory) -> shuffle (``True``: buffer
    of up to 1,000 images, or an int buffer size; reshuffled every epoch) -> batch ->
    float32 -> augment (after the cache, so every epoch sees new variations: ``True`` for a
    mirror, +-11 degrees and +-10 % zoom, or any
    :class:`~cnn_course_kit.datasets.warp.Augmentation`, e.g. ``SEEDS_AUGMENTATION``, the
    seeds' ``ImageDataGenerator`` set; each image is warped once, whatever the set) ->
    prefetch. Images are **float32 in [0, 255]** shaped
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
    ds = ds.map(
        lambda path, label: (decode_resize(path, size), label),
        num_parallel_calls=autotune,
        deterministic=True,
    )
    if cache:
        ds = ds.cache(cache if isinstance(cache, str) else "")
    if shuffle is not False and shuffle is not None:
        buffer = (min(n, 1000) if n > 0 else 1000) if shuffle is True else int(shuffle)
        ds = ds.shuffle(max(buffer, 1), seed=seed, reshuffle_each_iteration=True)
    ds = ds.batch(int(batch_size))
    ds = ds.map(lambda x, y: (tf.cast(x, tf.float32), y), num_parallel_calls=autotune)
    if augment is not False and augment is not None:
        aug = MILD_AUGMENTATION if augment is True else augment
        if not isinstance(aug, Augmentation):
            raise TypeError(
                f"augment must be True, False or an Augmentation. Received: {augment!r}"
            )
        # one stateless seed per batch, new each epoch and the same for the same seed
        seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)
        ds = tf.data.Dataset.zip(ds, seeds).map(
            lambda xy, s: (augment_batch(xy[0], aug, s), xy[1]), num_parallel_calls=autotune
        )
    return ds.prefetch(autotune)
