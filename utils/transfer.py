"""Transfer learning on small images, fast enough to draw learning curves on a CPU.

Taught in notebook 07. Three pieces:

* :func:`digit_cnn`: the small source network (two convolution blocks with batch
  normalisation, a flattened 2x2 map (`features`), dropout, a softmax), with names in the style of
  ``keras.applications`` (``block1_conv1``, ``block2_bn2``, ``features``, ``predictions``) so
  ``model.get_layer(name)`` finds every layer.
* :func:`train`: minibatch Adam written as one TensorFlow loop (``tf.function`` over all the
  steps), several times faster than ``model.fit`` on 8x8 images, where Keras' per-epoch
  bookkeeping costs more than the arithmetic. It trains exactly the variables the layers'
  ``trainable`` flags select, and a layer whose ``trainable`` is False runs in inference
  mode (Keras 3's rule, which matters for BatchNormalization). The traced loop is kept per
  model and per pattern of ``trainable`` flags, so a learning curve with many runs on the
  same model traces it once. ``learning_rate`` may be a list of ``(layers, rate)`` groups:
  differential learning rates, one Adam per group.
* :func:`per_class_subset` and :func:`accuracy`: a reproducible k-examples-per-class sample,
  and top-1 accuracy in inference mode.

The transfer cases themselves (which layers to freeze, the new head, the features) are the
notebook's exercises; :mod:`cnn_course_kit.transfer_cases` runs them with the functions it is given.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
import tensorflow as tf

_CACHE_ATTR = "_course_train_loops"


def digit_cnn(
    input_shape=(8, 8, 1),
    n_classes: int = 5,
    *,
    width: int = 16,
    dropout: float = 0.3,
    name: str = "digit_cnn",
    seed: int | None = None,
) -> keras.Model:
    """The source network of notebook 07: ``conv-BN-ReLU`` x2, 2x2 max pool, ``conv-BN-ReLU`` x2
    (twice as wide), 2x2 max pool, flattened (the layer ``features``), dropout, softmax.

    Batch normalisation uses momentum 0.9 (Keras' default is 0.99): with a few hundred training
    steps the moving averages would otherwise still be far from the data's statistics.
    ``seed`` seeds the weight initialisers (``None``: Keras' global seed).
    """
    if n_classes <= 1:
        raise ValueError(f"a classifier needs n_classes >= 2. Received: {n_classes!r}")
    if width < 1:
        raise ValueError(f"width must be a positive number of filters. Received: {width!r}")
    kl = keras.layers
    rng = np.random.default_rng(seed)

    def init():
        """A Glorot initialiser with its own seed when the network has one."""
        return keras.initializers.GlorotUniform(
            seed=None if seed is None else int(rng.integers(2**31))
        )

    inputs = keras.Input(shape=input_shape, name="image")
    x = inputs
    for block, filters in ((1, width), (2, 2 * width)):
        for conv in (1, 2):
            x = kl.Conv2D(
                filters,
                3,
                padding="same",
                kernel_initializer=init(),
                name=f"block{block}_conv{conv}",
            )(x)
            x = kl.BatchNormalization(momentum=0.9, name=f"block{block}_bn{conv}")(x)
            x = kl.ReLU(name=f"block{block}_relu{conv}")(x)
        if block == 1:
            x = kl.MaxPooling2D(2, name="block1_pool")(x)
    x = kl.MaxPooling2D(2, name="block2_pool")(x)
    x = kl.Flatten(name="features")(x)
    x = kl.Dropout(dropout, seed=None if seed is None else seed + 1, name="dropout")(x)
    outputs = kl.Dense(
        n_classes, activation="softmax", kernel_initializer=init(), name="predictions"
    )(x)
    return keras.Model(inputs, outputs, name=name)


def _groups(model: keras.Model, learning_rate) -> list[tuple[list, float]]:
    """``[(variables, rate), ...]``: one group of all trainable variables for a float rate, or
    the trainable variables of each ``(layers, rate)`` group (each variable in one group)."""
    if isinstance(learning_rate, (int, float)):
        if learning_rate <= 0:
            raise ValueError(f"learning_rate must be positive. Received: {learning_rate!r}")
        return [(list(model.trainable_variables), float(learning_rate))]
    groups, seen = [], set()
    for layers, rate in learning_rate:
        if rate <= 0:
            raise ValueError(f"every learning rate must be positive. Received: {rate!r}")
        layers = [layers] if isinstance(layers, keras.layers.Layer) else list(layers)
        variables = [v for layer in layers for v in layer.trainable_variables]
        for v in variables:
            if id(v) in seen:
                raise ValueError(f"the variable {v.path} is in two learning-rate groups")
            seen.add(id(v))
        groups.append((variables, float(rate)))
    left_out = [v.path for v in model.trainable_variables if id(v) not in seen]
    if left_out:
        raise ValueError(
            f"trainable variables in no learning-rate group: {left_out[:4]} "
            f"({len(left_out)} in all). Freeze their layers or add them to a group."
        )
    return groups


def _flags(model: keras.Model) -> tuple:
    """Every layer's ``trainable`` flag, nested models included: what a traced loop bakes in."""
    return tuple(
        (layer.path if hasattr(layer, "path") else layer.name, layer.trainable)
        for layer in model._flatten_layers(include_self=True)
    )


class _Loop:
    """A traced training loop for one model, one pattern of trainable flags and one grouping."""

    def __init__(self, model, groups):
        self.groups = [variables for variables, _ in groups]
        self.optimizers = [keras.optimizers.Adam(rate) for _, rate in groups]
        for opt, variables in zip(self.optimizers, self.groups):
            opt.build(variables)
        self.loss = keras.losses.SparseCategoricalCrossentropy()
        self.model = model
        self.run = None

    def __call__(self, x, y, batches):
        """Run the loop, traced on first use for any batch size and number of steps."""
        if self.run is None:
            self.run = tf.function(
                self._run,
                input_signature=[
                    tf.TensorSpec((None, *x.shape[1:]), x.dtype),
                    tf.TensorSpec((None,), y.dtype),
                    tf.TensorSpec((None, None), batches.dtype),
                ],
            )
            # Each loop is traced once, but TensorFlow counts the traces of all loops together
            # (one Python function) and would warn about "frequent retracing" after five.
            self.run._omit_frequent_tracing_warning = True
        return self.run(x, y, batches)

    def reset(self, rates: Sequence[float]) -> None:
        """Fresh optimiser state (moments, step count) and the given learning rates."""
        for opt, rate in zip(self.optimizers, rates):
            for v in opt.variables:
                v.assign(tf.zeros_like(v))
            opt.learning_rate = rate

    def _run(self, x, y, batches):
        """One Adam step per row of ``batches`` (indices into x and y); the mean loss."""
        everything = [v for variables in self.groups for v in variables]
        total = tf.constant(0.0)
        for s in tf.range(tf.shape(batches)[0]):
            xb, yb = tf.gather(x, batches[s]), tf.gather(y, batches[s])
            with tf.GradientTape() as tape:
                loss = self.loss(yb, self.model(xb, training=True))
            grads = tape.gradient(loss, everything)
            start = 0
            for opt, variables in zip(self.optimizers, self.groups):
                opt.apply(grads[start : start + len(variables)], variables)
                start += len(variables)
            total += tf.cast(loss, tf.float32)
        return total / tf.cast(tf.shape(batches)[0], tf.float32)


def train(
    model: keras.Model, x, y, *, steps: int, learning_rate=1e-3, batch_size: int = 32, seed: int = 0
) -> float:
    """Train ``model`` for ``steps`` minibatch Adam steps on ``(x, y)``; return the mean loss.

    Batches of ``min(batch_size, len(x))`` examples are drawn without replacement within a
    batch, reproducibly from ``seed``. Only variables of layers with ``trainable=True`` move,
    and frozen layers run in inference mode. ``learning_rate``: a float, or a list of
    ``(layer or layers, rate)`` groups covering every trainable variable (differential
    learning rates). The model's output must be class probabilities (softmax) and ``y``
    integer labels.
    """
    if steps < 1:
        raise ValueError(f"steps must be at least 1. Received: {steps!r}")
    x = np.asarray(x, dtype="float32")
    y = np.asarray(y).astype("int64")
    if len(x) != len(y) or len(x) == 0:
        raise ValueError(
            f"x and y must hold the same, non-zero number of examples. "
            f"Received: {len(x)} and {len(y)}"
        )
    groups = _groups(model, learning_rate)
    if not any(variables for variables, _ in groups):
        raise ValueError(
            f"model {model.name!r} has no trainable variables: every layer is "
            f"frozen, so training would change nothing."
        )
    cache = getattr(model, _CACHE_ATTR, None)
    if cache is None:
        cache = {}
        object.__setattr__(model, _CACHE_ATTR, cache)
    key = (_flags(model), tuple(tuple(id(v) for v in variables) for variables, _ in groups))
    if key not in cache:
        cache[key] = _Loop(model, groups)
    loop = cache[key]
    loop.reset([rate for _, rate in groups])
    rng = np.random.default_rng(seed)
    b = min(batch_size, len(x))
    batches = np.stack([rng.choice(len(x), size=b, replace=False) for _ in range(steps)])
    return float(loop(tf.constant(x), tf.constant(y), tf.constant(batches)))


def accuracy(model: keras.Model, x, y, *, batch_size: int = 512) -> float:
    """Top-1 accuracy of ``model`` on ``(x, y)``, in inference mode."""
    x = np.asarray(x, dtype="float32")
    y = np.asarray(y)
    if len(x) != len(y) or len(x) == 0:
        raise ValueError(
            f"x and y must hold the same, non-zero number of examples. "
            f"Received: {len(x)} and {len(y)}"
        )
    preds = np.concatenate(
        [
            np.argmax(np.asarray(model(x[i : i + batch_size], training=False)), 1)
            for i in range(0, len(x), batch_size)
        ]
    )
    return float(np.mean(preds == y))


def per_class_subset(y, k: int, *, seed: int = 0) -> np.ndarray:
    """Sorted indices of ``k`` examples of every class in ``y``, drawn without replacement.

    The same ``seed`` gives the same sample; a larger ``k`` with the same seed gives a sample
    that contains the smaller one (each class's examples are taken from one fixed random
    order), so a learning curve adds examples rather than redrawing them.
    """
    y = np.asarray(y)
    if k < 1:
        raise ValueError(f"k must be at least 1 example per class. Received: {k!r}")
    rng = np.random.default_rng(seed)
    picked = []
    for cls in np.unique(y):
        idx = np.flatnonzero(y == cls)
        if len(idx) < k:
            raise ValueError(f"class {cls} has only {len(idx)} examples; cannot take k={k}")
        picked.append(rng.permutation(idx)[:k])
    return np.sort(np.concatenate(picked))
