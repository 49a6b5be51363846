"""Augmentation as one fused warp per image: rotation, shifts, shear, zoom and flip.

The seeds augment with Keras' legacy ``ImageDataGenerator``, which warps each image on the
CPU in NumPy/SciPy, one transform after another. A stack of Keras 3 layers
(``RandomRotation``, ``RandomZoom``, ...) resamples the image once per layer. Here the
transforms are composed into a single matrix per image and applied once, for a whole batch,
by TensorFlow's ``ImageProjectiveTransformV3`` kernel: the same geometry, one resampling.

:class:`Augmentation` takes the legacy generator's arguments with the legacy meanings
(``shear_range`` in **degrees**, shifts as fractions of the image, ``zoom_range`` a factor
``z`` for ``[1 - z, 1 + z]`` or a pair), so ``Augmentation(**kwargs)`` augments like
``ImageDataGenerator(**kwargs)``; :func:`legacy_matrix` is the generator's own matrix for
one set of parameters, and ``tests/test_warp.py`` checks that a pixel goes where the legacy
generator puts it. (Keras 3's ``RandomShear`` takes a *fraction*, not degrees: the seeds'
``shear_range=0.2`` is a 0.2 degree shear, i.e. almost none; notebook 05 shows that the
notes' code dates from Keras 1, when 0.2 meant radians.) One quirk of the generator
is kept so that the two agree: its ``ty``, drawn from ``width_shift_range`` and scaled by
the width, moves the picture up and down, and ``tx`` (``height_shift_range``) sideways;
with equal ranges, as in the seeds, this makes no difference.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .sources import _tf

FILL_MODES = ("nearest", "reflect", "wrap", "constant")


@dataclass(frozen=True)
class Augmentation:
    """Random geometry per image, with ``ImageDataGenerator``'s arguments and meanings."""

    rotation_range: float = 0.0  # degrees: uniform in [-r, r]
    width_shift_range: float = 0.0  # a fraction of the width
    height_shift_range: float = 0.0  # a fraction of the height
    shear_range: float = 0.0  # degrees (as the legacy generator; not Keras 3's fraction)
    zoom_range: float | tuple[float, float] = 0.0  # z: [1 - z, 1 + z], or (low, high)
    horizontal_flip: bool = False
    fill_mode: str = "nearest"

    def __post_init__(self):
        if self.fill_mode not in FILL_MODES:
            raise ValueError(f"fill_mode must be one of {FILL_MODES}. Received: {self.fill_mode!r}")
        for name in ("rotation_range", "width_shift_range", "height_shift_range", "shear_range"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0. Received: {getattr(self, name)!r}")
        low, high = self.zoom
        if not 0 < low <= high:
            raise ValueError(f"zoom_range must give 0 < low <= high. Received: {self.zoom_range!r}")

    @property
    def zoom(self) -> tuple[float, float]:
        """``(low, high)`` of the zoom factor, as the legacy generator reads ``zoom_range``."""
        z = self.zoom_range
        if isinstance(z, (int, float)):
            return 1.0 - float(z), 1.0 + float(z)
        low, high = (float(v) for v in z)
        return low, high


# The seeds' (and Chollet's) cats-vs-dogs augmentation, as ImageDataGenerator got it.
SEEDS_AUGMENTATION = Augmentation(
    rotation_range=40,
    width_shift_range=0.2,
    height_shift_range=0.2,
    shear_range=0.2,
    zoom_range=0.2,
    horizontal_flip=True,
    fill_mode="nearest",
)
# What image_pipeline(augment=True) applies: a mirror, about +-11 degrees, +-10 % zoom.
MILD_AUGMENTATION = Augmentation(
    rotation_range=0.03 * 360, zoom_range=0.1, horizontal_flip=True, fill_mode="reflect"
)


def legacy_matrix(
    height: int,
    width: int,
    *,
    theta: float = 0.0,
    tx: float = 0.0,
    ty: float = 0.0,
    shear: float = 0.0,
    zx: float = 1.0,
    zy: float = 1.0,
    flip_horizontal: bool = False,
) -> np.ndarray:
    """The 8 numbers of the projective transform that does what the legacy generator's
    ``apply_transform`` does with these parameters (``theta`` and ``shear`` in degrees,
    ``tx`` in rows and ``ty`` in columns, as ``get_random_transform`` draws them).

    Like the generator, the matrix maps each *output* pixel to the input point it samples;
    in ``ImageProjectiveTransformV3``'s order: ``x_in = (a0 x + a1 y + a2)``,
    ``y_in = (b0 x + b1 y + b2)`` with ``x`` the column and ``y`` the row.
    """
    batch = transforms_np(
        height,
        width,
        np.array([theta], float),
        np.array([tx], float),
        np.array([ty], float),
        np.array([shear], float),
        np.array([zx], float),
        np.array([zy], float),
        np.array([flip_horizontal], bool),
    )
    return batch[0]


def transforms_np(height, width, theta, tx, ty, shear, zx, zy, flip) -> np.ndarray:
    """:func:`legacy_matrix` for arrays of parameters (one per image): shape ``(n, 8)``."""
    return _compose(np, height, width, theta, tx, ty, shear, zx, zy, flip)


def _compose(xp, height, width, theta, tx, ty, shear, zx, zy, flip):
    """The legacy generator's matrix, written once for NumPy and TensorFlow (``xp``).

    The generator composes rotation @ shift @ shear @ zoom in (row, column) coordinates,
    moves the origin to the image centre, and hands the result to SciPy, which samples the
    input at ``F @ (row, col) + f`` for each output pixel; a horizontal flip comes after.
    Written out entry by entry, so one batch of parameters is a handful of vector operations.
    """
    rad = np.pi / 180
    t, s = theta * rad, shear * rad
    cos_t, sin_t, sin_s, cos_s = xp.cos(t), xp.sin(t), xp.sin(s), xp.cos(s)
    # R @ Sh @ Z (the shift is a translation: it only adds to the last column)
    m00 = cos_t * zx
    m01 = (-cos_t * sin_s - sin_t * cos_s) * zy
    m10 = sin_t * zx
    m11 = (-sin_t * sin_s + cos_t * cos_s) * zy
    m02 = cos_t * tx - sin_t * ty
    m12 = sin_t * tx + cos_t * ty
    # about the centre: T(o) @ M @ T(-o), with o = (h / 2 - 0.5, w / 2 - 0.5)
    o0, o1 = height / 2 - 0.5, width / 2 - 0.5
    c02 = m02 + o0 - (m00 * o0 + m01 * o1)
    c12 = m12 + o1 - (m10 * o0 + m11 * o1)
    # SciPy's (row, col) after the generator's swap of the two axes:
    # row_in = F00 r + F01 c + f0, col_in = F10 r + F11 c + f1
    f00, f01, f0 = m11, m10, c12
    f10, f11, f1 = m01, m00, c02
    # in the projective transform's order (x = column, y = row), then the flip
    # (out(r, c) = warped(r, w - 1 - c))
    sign = 1 - 2 * (xp.cast(flip, t.dtype) if xp is not np else flip.astype(float))
    shift = (1 - sign) / 2 * (width - 1)  # 0 without a flip, w - 1 with one
    a0, a1, a2 = sign * f11, f10, f1 + f11 * shift
    b0, b1, b2 = sign * f01, f00, f0 + f01 * shift
    zeros = a0 * 0
    return xp.stack([a0, a1, a2, b0, b1, b2, zeros, zeros], axis=1)


class _TF:
    """TensorFlow's operations under the names :func:`_compose` uses."""

    def __init__(self, tf):
        self.tf = tf
        self.cos, self.sin, self.stack, self.cast = tf.cos, tf.sin, tf.stack, tf.cast


def random_transforms(aug: Augmentation, n, height, width, seed):
    """``n`` random transforms (``(n, 8)`` float32) drawn as the legacy generator draws
    them; ``seed`` is a stateless seed (a pair of ints, or a tensor of two)."""
    tf = _tf()
    seeds = tf.random.experimental.stateless_split(tf.cast(seed, tf.int64), 7)

    def uniform(i, low, high):
        return tf.random.stateless_uniform([n], seeds[i], low, high, dtype=tf.float32)

    h, w = tf.cast(height, tf.float32), tf.cast(width, tf.float32)
    theta = uniform(0, -aug.rotation_range, aug.rotation_range + 1e-12)
    tx = uniform(1, -aug.height_shift_range, aug.height_shift_range + 1e-12) * h
    ty = uniform(2, -aug.width_shift_range, aug.width_shift_range + 1e-12) * w
    shear = uniform(3, -aug.shear_range, aug.shear_range + 1e-12)
    low, high = aug.zoom
    zx, zy = uniform(4, low, high + 1e-12), uniform(5, low, high + 1e-12)
    flip = uniform(6, 0.0, 1.0) < 0.5 if aug.horizontal_flip else tf.zeros([n], tf.bool)
    return _compose(_TF(tf), h, w, theta, tx, ty, shear, zx, zy, flip)


def warp(images, transforms, fill_mode: str = "nearest"):
    """Apply one projective transform per image (bilinear) to a float batch ``(n, h, w, c)``."""
    tf = _tf()
    images = tf.convert_to_tensor(images)
    shape = tf.shape(images)[1:3]
    return tf.raw_ops.ImageProjectiveTransformV3(
        images=images,
        transforms=tf.cast(transforms, tf.float32),
        output_shape=shape,
        fill_value=tf.constant(0.0, images.dtype),
        interpolation="BILINEAR",
        fill_mode=fill_mode.upper(),
    )


def augment_batch(images, aug: Augmentation, seed):
    """A float batch, each image warped at random by ``aug`` (one resampling per image)."""
    tf = _tf()
    images = tf.convert_to_tensor(images)
    shape = tf.shape(images)
    transforms = random_transforms(aug, shape[0], shape[1], shape[2], seed)
    return warp(images, transforms, aug.fill_mode)
