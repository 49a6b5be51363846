"""Part ``pipeline``: images per second of the kit's input pipeline against the seeds'.

The data: cats-vs-dogs at the real archive's size and shape (2,000 training JPEGs, each
150 to 500 pixels a side), written once by the stand-in writer into
``autograde/bench-results/data``. Every side reads the same folder into 150 x 150 batches of
32 for a few epochs, each in a fresh Python process of its own (so its peak memory is its
own):

* ``legacy``: ``ImageDataGenerator(rescale=1/255, <the seeds' augmentations>)`` and
  ``flow_from_directory``, as the seeds train (Keras 3 keeps it under
  ``keras.src.legacy``): every epoch decodes and warps every image again, in NumPy/SciPy;
* ``layers``: the kit's cached pipeline with a stack of Keras 3 augmentation layers mapped
  over it (flip, rotation, translation, zoom: each resamples the image once);
* ``kit``: ``image_pipeline(augment=SEEDS_AUGMENTATION)``, the same set as one fused warp;
* ``plain``: ``image_pipeline()`` without augmentation (epoch 1 decodes and resizes, later
  epochs come from the uint8 cache).

Epoch 1 and the later epochs are reported apart, with the longest wait for one batch of the
later epochs (a stall at an epoch's end shows there) and the process's peak RSS.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from .table import Row, ratio

SIZE, BATCH = (150, 150), 32
SIDES = ("legacy", "layers", "kit", "plain")


def _data(folder: Path, images: int) -> Path:
    from cnn_course_kit import datasets

    per_class = images // 2
    tree = datasets.make_standin_pets(
        folder, {"train": per_class, "validation": 1}, size=(150, 500), seed=0
    )
    return tree / "train"


def _epochs(batches, epochs: int, steps: int | None = None) -> list[dict]:
    """Time ``epochs`` passes over ``batches`` (an iterable, or an iterator with ``steps``)."""
    out = []
    for _ in range(epochs):
        images, longest = 0, 0.0
        source = iter(batches) if steps is None else (next(batches) for _ in range(steps))
        start = last = time.perf_counter()
        for x, _y in source:
            images += len(x)
            now = time.perf_counter()
            longest, last = max(longest, now - last), now
        out.append({"seconds": time.perf_counter() - start, "images": images, "longest": longest})
    return out


def _side(side: str, train: Path, epochs: int) -> dict:
    """One side, in this process (``python -m autograde.benchmarks.pipeline SIDE ...``)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from cnn_course_kit import datasets

    seeds = datasets.SEEDS_AUGMENTATION
    if side == "legacy":
        from keras.src.legacy.preprocessing.image import ImageDataGenerator

        generator = ImageDataGenerator(
            rescale=1 / 255,
            rotation_range=seeds.rotation_range,
            width_shift_range=seeds.width_shift_range,
            height_shift_range=seeds.height_shift_range,
            shear_range=seeds.shear_range,
            zoom_range=seeds.zoom_range,
            horizontal_flip=seeds.horizontal_flip,
            fill_mode=seeds.fill_mode,
        )
        flow = generator.flow_from_directory(
            train, target_size=SIZE, batch_size=BATCH, class_mode="binary", seed=0
        )
        result = _epochs(flow, epochs, steps=len(flow))
    else:
        ds = datasets.from_folder(train, ["cats", "dogs"])
        augment = seeds if side == "kit" else False
        pipe = datasets.image_pipeline(ds, SIZE, BATCH, augment=augment)
        if side == "layers":
            import keras

            layers = keras.Sequential(
                [
                    keras.layers.RandomFlip("horizontal", seed=0),
                    keras.layers.RandomRotation(seeds.rotation_range / 360, "nearest", seed=1),
                    keras.layers.RandomTranslation(0.2, 0.2, "nearest", seed=2),
                    keras.layers.RandomZoom(0.2, 0.2, "nearest", seed=3),
                ]
            )
            import tensorflow as tf

            pipe = pipe.map(
                lambda x, y: (layers(x, training=True), y), num_parallel_calls=tf.data.AUTOTUNE
            )
        result = _epochs(pipe, epochs)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    return {"epochs": result, "rss_mb": rss}


def _run_side(side: str, train: Path, epochs: int) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "autograde.benchmarks.pipeline", side, str(train), str(epochs)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"the {side} side failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _rate(epochs: list[dict]) -> float:
    return sum(e["images"] for e in epochs) / sum(e["seconds"] for e in epochs)


def run(results: Path, images: int = 2000, epochs: int = 3) -> list[Row]:
    """Every side, one after another in this run; the rows of the table."""
    train = _data(results / "data", images)
    n = sum(1 for _ in train.rglob("*.jpg"))
    got = {side: _run_side(side, train, epochs) for side in SIDES}
    rows = []
    rates = {}
    for side in SIDES:
        first, later = got[side]["epochs"][0], got[side]["epochs"][1:]
        rates[side] = (first["images"] / first["seconds"], _rate(later))
        longest = max(e["longest"] for e in later)
        rows += [
            Row("pipeline", f"{side}: epoch 1", rates[side][0], "img/s"),
            Row(
                "pipeline",
                f"{side}: epochs 2-{epochs}",
                rates[side][1],
                "img/s",
                f"longest wait for a batch {longest:.2f} s",
            ),
            Row("pipeline", f"{side}: peak memory", got[side]["rss_mb"], "MB", "RSS"),
        ]
    note = f"{n:,} JPEGs of 150-500 px, {SIZE[0]} px out, batch {BATCH}"
    rows += [
        ratio("pipeline", "kit fused warp / legacy, augmented, epochs 2+", rates["kit"][1],
              rates["legacy"][1], "target >= 2.5x; " + note),
        ratio("pipeline", "kit fused warp / Keras layers, augmented, epochs 2+",
              rates["kit"][1], rates["layers"][1]),
        ratio("pipeline", "kit plain / legacy augmented, epoch 1 (decode + resize)",
              rates["plain"][0], rates["legacy"][0], "target >= 5x"),
    ]  # fmt: skip
    return rows


if __name__ == "__main__":
    print(json.dumps(_side(sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]))))
