"""Part ``features``: Case 1 of notebook 08 two ways, same base, same images, same head.

* *through the base*: the frozen base inside the model, so every epoch passes every image
  through it again (what ``model.fit`` on images does);
* *cached*: the base's features computed once with the kit's cache
  (:func:`cnn_course_kit.feature_cache.cached`), then the same head trained on them; and the
  same again in a later run, when the features are read from the cache on disk.

The base is what notebook 08 picks on this machine (:func:`cnn_course_kit.bases.default_base`
with the best weights available offline); the head is global average pooling and one
sigmoid unit; the images are the pipeline part's stand-in photos, decoded once beforehand so
that both sides time the models only.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from .table import Row, ratio


def _head(keras, inputs):
    pooled = keras.layers.GlobalAveragePooling2D()(inputs)
    return keras.layers.Dense(1, activation="sigmoid")(pooled)


def _fit(keras, model, x, y, epochs, batch):
    model.compile(optimizer=keras.optimizers.RMSprop(1e-4), loss="binary_crossentropy")
    model.fit(x, y, epochs=epochs, batch_size=batch, verbose=0, shuffle=True)


def run(
    results: Path, images: int = 256, epochs: int = 10, batch: int = 32, pool: int = 2000
) -> list[Row]:
    """Both ways, one after the other, on ``images`` of the ``pool`` stand-in photos."""
    import keras

    from cnn_course_kit import bases, datasets, feature_cache

    from .pipeline import _data

    train = _data(results / "data", pool)
    paths, labels = datasets.list_images(train, ["cats", "dogs"])
    pick = np.random.default_rng(0).permutation(len(paths))[:images]
    paths, labels = [paths[i] for i in pick], labels[pick]
    name, size = bases.default_base()
    base = bases.load_base(name, size, verbose=False)
    pipe = datasets.image_pipeline(
        datasets.paths_dataset(paths, labels, shuffle=False), size, batch, shuffle=False
    )
    x = base.preprocess(np.concatenate([b.numpy() for b, _ in pipe]))
    y = labels.astype("float32")
    base.model.trainable = False

    keras.utils.set_random_seed(0)
    inputs = keras.Input((*size, 3))
    through = keras.Model(inputs, _head(keras, base.model(inputs, training=False)))
    start = time.perf_counter()
    _fit(keras, through, x, y, epochs, batch)
    through_s = time.perf_counter() - start

    def cached_run(folder):
        start = time.perf_counter()
        parts = {"base": base.name, "weights": feature_cache.weights_fingerprint(base.model),
                 "size": list(size), "files": feature_cache.files_fingerprint(paths)}  # fmt: skip
        features, targets = feature_cache.cached(
            "bench",
            parts,
            lambda: (base.model.predict(x, batch_size=batch, verbose=0), y),
            cache_dir=folder,
            verbose=False,
        )
        keras.utils.set_random_seed(0)
        head_in = keras.Input(features.shape[1:])
        head = keras.Model(head_in, _head(keras, head_in))
        _fit(keras, head, features, targets, epochs, batch)
        return time.perf_counter() - start

    with tempfile.TemporaryDirectory(prefix="kit-bench-features-") as folder:
        first_s = cached_run(folder)  # computes and stores the features
        later_s = cached_run(folder)  # reads them back
    what = f"{images} images, {name} at {size[0]} px ({base.weights} weights), {epochs} epochs"
    return [
        Row("features", "through the frozen base every epoch", through_s, "s", what),
        Row("features", "cached: features once, then the head", first_s, "s"),
        Row("features", "cached, a later run (features read from disk)", later_s, "s"),
        ratio("features", "through the base / cached (first run)", through_s, first_s,
              "at most the number of epochs: the one pass through the base remains"),
        ratio("features", "through the base / cached (later runs)", through_s, later_s,
              "target >= 10x"),
    ]  # fmt: skip
