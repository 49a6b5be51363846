"""Part ``epochs``: what a laptop user waits for, per epoch of notebook 08's cases.

At the real data size (2,000 training images, batches of 32) on this machine's CPU (or GPU,
when TensorFlow sees one), estimated the way notebook 08 estimates it: one batch timed after
a warm-up (:func:`cnn_course_kit.bases.seconds_per_batch`, the median of 3) times the number
of batches. Random weights (``weights=None``): the time does not depend on them.

* Case 4: the seeds' small CNN from scratch at 150 px (three conv blocks of 32, 32 and 64
  filters, a 64-unit dense layer, dropout), forward and backward;
* Case 1: the frozen base's forward pass over the training images (once: the features are
  cached), then an epoch of the dense head on the features;
* Case 2: the top block of the base and the head trained (forward, and backward to the top
  block); Case 3: every layer trained.

For each base notebook 08 offers: MobileNetV2 at 160 px (its CPU default) and VGG16 at 224 px
(the notes' choice, its GPU default).
"""

from __future__ import annotations

import math

import numpy as np

from .table import Row

IMAGES, BATCH = 2000, 32
TOP_BLOCK = {"mobilenet_v2": ("block_16", "Conv_1"), "vgg16": ("block5",)}


def small_cnn(keras, size=(150, 150)):
    """The seeds' cats-vs-dogs convnet (Case 4), built here for timing only."""
    layers = [keras.Input((*size, 3)), keras.layers.Rescaling(1 / 255)]
    for filters in (32, 32, 64):
        layers += [keras.layers.Conv2D(filters, 3, activation="relu"), keras.layers.MaxPooling2D()]
    layers += [
        keras.layers.Flatten(),
        keras.layers.Dense(64, activation="relu"),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(1, activation="sigmoid"),
    ]
    return keras.Sequential(layers)


def _with_head(keras, base, size):
    inputs = keras.Input((*size, 3))
    pooled = keras.layers.GlobalAveragePooling2D()(base(inputs))
    return keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(pooled))


def _trainable_from(base, prefixes) -> None:
    on = False
    for layer in base.layers:
        on = on or layer.name.startswith(prefixes)
        layer.trainable = on


def run(bases_to_time: tuple[str, ...] = ("mobilenet_v2", "vgg16")) -> list[Row]:
    """Seconds per epoch of each case; the rows of the table."""
    import keras

    from cnn_course_kit.bases import _builder, seconds_per_batch
    from cnn_course_kit.devices import configure

    device = "GPU" if getattr(configure(), "gpus", None) else "CPU"
    batches = math.ceil(IMAGES / BATCH)
    rng = np.random.default_rng(0)
    note = f"{IMAGES:,} images, batch {BATCH}, on this machine's {device}"

    def epoch(model, size, training):
        batch = rng.uniform(0, 255, (BATCH, *size, 3)).astype("float32")
        return seconds_per_batch(model, batch, training=training) * batches

    rows = [
        Row(
            "epochs",
            "Case 4: small CNN from scratch, 150 px",
            epoch(small_cnn(keras), (150, 150), True),
            "s",
            note,
        )
    ]
    for name in bases_to_time:
        size = (160, 160) if name == "mobilenet_v2" else (224, 224)
        build, _ = _builder(name)
        base = build(include_top=False, weights=None, input_shape=(*size, 3))
        label = f"{name} at {size[0]} px"
        base.trainable = False
        rows.append(
            Row("epochs", f"Case 1: {label}, features (once)", epoch(base, size, False), "s")
        )
        head_in = keras.Input(base.output_shape[1:])
        head = keras.Model(
            head_in, keras.layers.Dense(1)(keras.layers.GlobalAveragePooling2D()(head_in))
        )
        feats = rng.normal(size=(BATCH, *base.output_shape[1:])).astype("float32")
        rows.append(
            Row(
                "epochs",
                f"Case 1: {label}, head epoch on features",
                seconds_per_batch(head, feats, training=True) * batches,
                "s",
            )
        )
        base.trainable = True
        _trainable_from(base, TOP_BLOCK[name])
        rows.append(
            Row(
                "epochs",
                f"Case 2: {label}, top block + head",
                epoch(_with_head(keras, base, size), size, True),
                "s",
            )
        )
        for layer in base.layers:
            layer.trainable = True
        rows.append(
            Row(
                "epochs",
                f"Case 3: {label}, every layer",
                epoch(_with_head(keras, base, size), size, True),
                "s",
            )
        )
    return rows  # fmt: skip
