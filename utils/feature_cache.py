"""Bottleneck features computed once and kept on disk (notebooks 08 and 09).

Passing every image through a frozen base costs the same in every epoch and in every
experiment; the features do not change while the base is frozen. :func:`cached` computes
them once, with whatever function the notebook gives it (the student's ``extract_features``),
and stores them as ``<cache_dir>/<name>-<key>.npz``. The key is a hash of everything the
features depend on (:func:`cache_key`: the base and its weights, the image size, the
preprocessing, the data's files), so a different base, size or data set never reads another's
features, and changing any of them computes fresh ones.

Files are written to a temporary name and renamed into place, so an interrupted run leaves no
half-written cache; a file that cannot be read (or holds another key) is set aside as
``.rejected`` and the features are computed again, with a message saying so.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

import numpy as np

from .config import writable_folder


def files_fingerprint(paths: Iterable[str | os.PathLike]) -> str:
    """A short hash of a list of files: their names, sizes and modification times, in order.

    Cheap (no file is read), and it changes when a file is added, removed, renamed,
    rewritten or reordered.
    """
    digest = hashlib.sha256()
    count = 0
    for file in paths:
        stat = os.stat(file)
        digest.update(f"{os.fspath(file)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
        count += 1
    if count == 0:
        raise ValueError("files_fingerprint needs at least one file. Received: an empty list")
    return digest.hexdigest()[:16]


def weights_fingerprint(model) -> str:
    """A short hash of a model's weights (their values, shapes and order): two bases built
    with random weights, or a base after fine-tuning, never share cached features."""
    digest = hashlib.sha256()
    for weight in model.weights:
        value = np.asarray(weight.numpy() if hasattr(weight, "numpy") else weight)
        digest.update(f"{value.shape}{value.dtype}".encode())
        digest.update(np.ascontiguousarray(value).tobytes())
    return digest.hexdigest()[:16]


def cache_key(parts: Mapping[str, object]) -> str:
    """A 16-hex-digit hash of ``parts`` (JSON-able values), independent of their order."""
    if not parts:
        raise ValueError("cache_key needs at least one part. Received: an empty mapping")
    text = json.dumps(dict(parts), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _slug(name: str) -> str:
    """``name`` made safe as a file-name prefix."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-.")
    if not slug:
        raise ValueError(f"the cache name must contain a letter or digit. Received: {name!r}")
    return slug[:60]


def cached(
    name: str,
    parts: Mapping[str, object],
    compute: Callable[[], tuple],
    *,
    cache_dir: str | os.PathLike,
    verbose: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """``(features, labels)`` for ``parts``: read from the cache, or ``compute()``d and stored.

    ``compute`` returns ``(features, labels)`` as arrays of equal length. With ``verbose``,
    one line says whether the features were read or computed, how many, and how long it took.
    """
    key = cache_key(parts)
    folder = Path(cache_dir)
    path = folder / f"{_slug(name)}-{key}.npz"
    if not path.exists():  # a read-only cache keeps what it has; new entries go elsewhere
        folder = writable_folder(folder)
        path = folder / path.name
    start = time.perf_counter()
    if path.exists():
        try:
            with np.load(path, allow_pickle=False) as stored:
                if str(stored["key"]) != key:
                    raise ValueError(f"it holds the features of key {stored['key']}")
                features, labels = stored["features"], stored["labels"]
            if verbose:
                print(
                    f"[features] {name}: read {len(features):,} x {features.shape[1:]} from the "
                    f"cache in {time.perf_counter() - start:.2f} s ({path.name})"
                )
            return features, labels
        except (OSError, ValueError, KeyError, EOFError) as err:
            rejected = path.with_name(path.name + ".rejected")
            os.replace(path, rejected)
            if verbose:
                print(
                    f"[features] {name}: the cached {path.name} could not be used ({err}); "
                    f"set it aside as {rejected.name} and computing the features again."
                )
    features, labels = compute()
    features, labels = np.asarray(features), np.asarray(labels)
    if len(features) != len(labels):
        raise ValueError(
            f"compute() returned {len(features)} feature rows but {len(labels)} "
            f"labels for {name!r}; they must match"
        )
    folder = writable_folder(folder)
    path = folder / path.name
    handle, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".npz", dir=folder)
    os.close(handle)
    try:
        np.savez(
            tmp,
            features=features,
            labels=labels,
            key=np.array(key),
            parts=np.array(json.dumps(dict(parts), sort_keys=True, default=str)),
        )
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    if verbose:
        print(
            f"[features] {name}: computed {len(features):,} x {features.shape[1:]} in "
            f"{time.perf_counter() - start:.2f} s and cached them ({path.name})"
        )
    return features, labels


def pets_feature_parts(base, data, split: str) -> dict[str, object]:
    """What the pooled features of ``base`` on one split of a cats-vs-dogs ``data`` depend on:
    the base and its weights and size, the preprocessing, the split's files in order.

    ``base``: a :class:`cnn_course_kit.bases.Base`; ``data``: a :class:`cnn_course_kit.datasets.PetsData`.
    """
    preprocess = base.preprocess
    return {
        "base": base.name,
        "weights": base.weights,
        "weights_sha": weights_fingerprint(base.model),
        "image_size": list(base.image_size),
        "preprocessing": f"bilinear resize {tuple(data.image_size)} -> {tuple(base.image_size)}, "
        f"then {preprocess.__module__}.{preprocess.__qualname__}",
        "pooling": "global average",
        "order": "file order (PetsData.in_order)",
        "files": files_fingerprint(data.files[split][0]),
        "split": split,
    }


def pets_features(
    base,
    data,
    *,
    splits: Iterable[str] = ("train", "validation", "test"),
    cache_dir: str | os.PathLike | None = None,
    verbose: bool = True,
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """``{split: (features, labels)}``: the frozen ``base``'s feature maps, averaged over
    positions (one number per channel), for each split of ``data`` in file order
    (:meth:`~cnn_course_kit.datasets.PetsData.in_order`, so that the rows line up with any other
    features computed from the same split); cached on disk (default ``<data dir>/features``).

    Images are resized to the base's size if they differ, then ``base.preprocess``ed, as in
    notebook 08.
    """
    import keras
    import tensorflow as tf

    from .config import settings

    cache_dir = Path(cache_dir) if cache_dir is not None else settings().data_dir / "features"
    pooled = keras.Sequential(
        [base.model, keras.layers.GlobalAveragePooling2D()], name="base_and_gap"
    )
    size = tuple(base.image_size)

    def compute(split: str):
        rows, labels = [], []
        for images, batch_labels in data.in_order(split):
            if tuple(images.shape[1:3]) != size:
                images = tf.image.resize(images, size)
            rows.append(keras.ops.convert_to_numpy(pooled(base.preprocess(images), training=False)))
            labels.append(np.asarray(batch_labels))
        return np.concatenate(rows), np.concatenate(labels)

    return {
        split: cached(
            f"cats-vs-dogs-{split}",
            pets_feature_parts(base, data, split),
            lambda split=split: compute(split),
            cache_dir=cache_dir,
            verbose=verbose,
        )
        for split in splits
    }
