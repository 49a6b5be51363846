"""What a built Keras model costs: depth, multiply-adds, inference time, and a table of them.

Taught in notebook 06 (the classic architectures side by side). Everything here reads a
*built* functional or sequential model (fixed input shape) and never trains it:

- :func:`weighted_depth`: the number of weighted layers (``Conv2D``, ``DepthwiseConv2D``,
  ``SeparableConv2D``, ``Dense``) on the longest path from an input to an output. That is
  the number in the names "VGG16", "ResNet50", "DenseNet121".
- :func:`count_multiply_adds`: multiply-adds (MACs) of one forward pass of one example
  through those weighted layers (biases, batch norm, pooling and additions left out, as the
  papers count them).
- :func:`time_inference`: seconds per image, batch 1, median of a few calls after a warm-up.
- :func:`orientation_fit`: how well a small kernel is fit by an oriented intensity gradient.
- :func:`compare_models`: one row per model of all of the above (models given as functions
  are built, measured and freed in turn); :func:`format_table` prints the rows.
"""

from __future__ import annotations

import gc
import math
import statistics
import time
from collections.abc import Mapping, Sequence

import numpy as np

WEIGHTED = ("Conv2D", "DepthwiseConv2D", "SeparableConv2D", "Dense")
"""The layer classes :func:`weighted_depth` and :func:`count_multiply_adds` count."""


def _keras():
    import keras

    return keras


def _nodes(model) -> list:
    """The call nodes of ``model``'s graph reachable from its outputs, inputs first."""
    if not getattr(model, "outputs", None):
        raise ValueError(
            f"{model.name!r} has no symbolic outputs: build it with a fixed input "
            f"shape first (a functional model, or a Sequential starting with "
            f"keras.Input(shape)). Received: {type(model).__name__}"
        )
    order, seen, stack = [], set(), []
    for out in model.outputs:
        op, index, _ = out._keras_history
        stack.append((op._inbound_nodes[index], False))
    while stack:  # iterative depth-first search: DenseNet's graph is deeper than recursion allows
        node, expanded = stack.pop()
        if id(node) in seen and not expanded:
            continue
        if expanded:
            order.append(node)
            continue
        seen.add(id(node))
        stack.append((node, True))
        stack.extend((parent, False) for parent in node.parent_nodes if id(parent) not in seen)
    return order


def _kind(layer) -> str | None:
    """The name in :data:`WEIGHTED` that ``layer`` is an instance of, or None."""
    layers = _keras().layers
    for name in WEIGHTED:
        if isinstance(layer, getattr(layers, name)):
            return name
    return None


def weighted_depth(model) -> int:
    """Weighted layers (see :data:`WEIGHTED`) on the longest input-to-output path of ``model``.

    VGG16 gives 16 (13 convolutions + 3 dense layers) and ResNet50 50: a projection shortcut
    runs beside the main path, so it adds to the layer count but not to the depth. A nested
    model counts with its own depth.
    """
    keras = _keras()
    depth: dict[int, int] = {}
    for node in _nodes(model):
        before = max((depth[id(p)] for p in node.parent_nodes), default=0)
        op = node.operation
        if isinstance(op, keras.Model):
            own = weighted_depth(op)
        else:
            own = 1 if _kind(op) else 0
        depth[id(node)] = before + own
    ends = (
        op._inbound_nodes[index] for op, index, _ in (out._keras_history for out in model.outputs)
    )
    return max(depth[id(node)] for node in ends)


def _static(shape, layer) -> tuple[int, ...]:
    dims = tuple(shape[1:])
    if any(d is None for d in dims):
        raise ValueError(
            f"layer {layer.name!r} has an unknown size in {tuple(shape)}: multiply-"
            f"adds need a fixed input shape, e.g. keras.Input((224, 224, 3)). "
            f"Received: shape {tuple(shape)}"
        )
    return dims


def layer_multiply_adds(layer, input_shape, output_shape) -> int:
    """Multiply-adds of one call of ``layer`` on one example (0 for unweighted layers).

    Shapes include the batch axis. Conv2D: ``H_out W_out C_out kh kw C_in/groups``;
    DepthwiseConv2D: ``H_out W_out C_in m kh kw`` (``m`` the depth multiplier);
    SeparableConv2D: that depthwise part plus ``H_out W_out C_in m C_out``; Dense:
    ``in_features units`` per position of the input.
    """
    kind = _kind(layer)
    if kind is None:
        return 0
    inp, out = _static(input_shape, layer), _static(output_shape, layer)
    if kind == "Dense":
        return math.prod(inp[:-1]) * inp[-1] * layer.units
    first = getattr(layer, "data_format", "channels_last") == "channels_first"
    c_in = inp[0] if first else inp[-1]
    spatial = math.prod(out[1:] if first else out[:-1])
    kh, kw = layer.kernel_size
    if kind == "Conv2D":
        return spatial * layer.filters * kh * kw * (c_in // layer.groups)
    depthwise = spatial * c_in * layer.depth_multiplier * kh * kw
    if kind == "DepthwiseConv2D":
        return depthwise
    return depthwise + spatial * c_in * layer.depth_multiplier * layer.filters


def count_multiply_adds(model, *, per_layer: bool = False):
    """Multiply-adds of one forward pass of one example through ``model``'s weighted layers.

    ``model`` must have a fixed input shape. A layer called twice counts twice. With
    ``per_layer=True`` returns ``{layer name: multiply-adds}`` (weighted layers only) instead
    of the total. Known values at 224 x 224: VGG16 about 15.5 G, ResNet50 about 3.9 G,
    MobileNet about 0.57 G.
    """
    keras = _keras()
    counts: dict[str, int] = {}
    for node in _nodes(model):
        op = node.operation
        if isinstance(op, keras.Model):
            inner = count_multiply_adds(op)
            counts[op.name] = counts.get(op.name, 0) + inner
        elif _kind(op) and node.input_tensors:
            macs = layer_multiply_adds(op, node.input_tensors[0].shape, node.outputs[0].shape)
            counts[op.name] = counts.get(op.name, 0) + macs
    return counts if per_layer else sum(counts.values())


def time_inference(model, *, repeats: int = 5, warmup: int = 1, seed: int = 0) -> float:
    """Median seconds for one forward pass of one random image (batch 1), after ``warmup``
    untimed calls. The model is called directly (``model(x, training=False)``), the way a
    notebook calls a model on one image. Measured, never exact: print it, don't assert it."""
    if repeats < 1 or warmup < 0:
        raise ValueError(
            f"Need repeats >= 1 and warmup >= 0. Received: repeats={repeats}, warmup={warmup}"
        )
    shape = (1, *_static(model.inputs[0].shape, model))
    x = np.random.default_rng(seed).uniform(0, 255, shape).astype("float32")
    for _ in range(warmup):
        np.asarray(model(x, training=False))
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        np.asarray(model(x, training=False))
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def orientation_fit(kernel) -> tuple[float, float]:
    """How well a small 2-D kernel is an *oriented gradient*: the least-squares fit of
    ``a x + b y + c`` (a ramp rising along one direction) to it.

    Returns ``(r2, angle)``: the share of the kernel's variance (around its mean) the ramp
    explains, in [0, 1], and the direction in which the ramp rises, in degrees in
    [0, 360), counter-clockwise from the x axis (columns to the right, rows upwards).
    Prewitt's kernel is a plane (``r2 = 1``), Sobel's gives 8/9; random 3 x 3 weights give
    about 0.25 on average.
    """
    k = np.asarray(kernel, dtype=float)
    if k.ndim != 2 or min(k.shape) < 2:
        raise ValueError(f"kernel must be 2-D and at least 2 x 2. Received: shape {k.shape}")
    rows, cols = np.mgrid[0 : k.shape[0], 0 : k.shape[1]]
    x, y = cols - cols.mean(), rows.mean() - rows  # y points up, like notebook 01's angles
    design = np.stack([x.ravel(), y.ravel(), np.ones(k.size)], axis=1)
    coef, *_ = np.linalg.lstsq(design, k.ravel(), rcond=None)
    centred = k.ravel() - k.mean()
    total = float(centred @ centred)
    if total == 0.0:
        return 0.0, 0.0
    residual = k.ravel() - design @ coef
    r2 = max(0.0, 1.0 - float(residual @ residual) / total)
    angle = float(np.degrees(np.arctan2(coef[1], coef[0]))) % 360.0
    return r2, (0.0 if angle > 360.0 - 1e-9 else angle)  # -1e-17 degrees is 0, not 360


def compare_models(
    models: Mapping[str, object], *, repeats: int = 3, warmup: int = 1
) -> list[dict]:
    """One row per model of ``models``: ``{name: model}``, where a model is a built Keras model
    with a fixed input shape or, better for big ones, a function of no arguments returning
    one (e.g. ``lambda: keras.applications.VGG16(weights=None)``): such a model is built,
    measured and freed in turn, so only one big model is in memory at a time.

    Each row holds ``name``, ``input`` (H x W), ``depth`` (:func:`weighted_depth`),
    ``weighted_layers`` (all of them, on any path), ``keras_layers`` (``len(model.layers)``),
    ``params``, ``macs`` (:func:`count_multiply_adds`) and ``seconds`` (:func:`time_inference`).
    """
    if not models:
        raise ValueError("compare_models needs at least one model. Received: an empty mapping.")
    keras = _keras()
    rows = []
    for name, entry in models.items():
        model = entry if isinstance(entry, keras.Model) else None
        if model is None and not callable(entry):
            raise ValueError(
                f"models[{name!r}] must be a Keras model or a function returning "
                f"one. Received: {type(entry).__name__}"
            )
        model = model if model is not None else entry()
        rows.append(
            {
                "name": name,
                "input": "x".join(str(d) for d in model.inputs[0].shape[1:3]),
                "depth": weighted_depth(model),
                "weighted_layers": sum(1 for n in _nodes(model) if _kind(n.operation)),
                "keras_layers": len(model.layers),
                "params": model.count_params(),
                "macs": count_multiply_adds(model),
                "seconds": time_inference(model, repeats=repeats, warmup=warmup),
            }
        )
        del model
        gc.collect()
    return rows


COLUMNS = (
    ("name", "model", "{}"),
    ("input", "input", "{}"),
    ("depth", "depth", "{}"),
    ("weighted_layers", "weighted layers", "{}"),
    ("keras_layers", "Keras layers", "{}"),
    ("params", "parameters", "{:,}"),
    ("macs", "multiply-adds (G)", "{:.2f}"),
    ("seconds", "ms / image", "{:.0f}"),
)
_SCALE = {"macs": 1e-9, "seconds": 1e3}


def format_table(rows: Sequence[Mapping], columns=COLUMNS) -> str:
    """The rows of :func:`compare_models` as an aligned text table (multiply-adds in
    billions, time in milliseconds)."""
    if not rows:
        raise ValueError("format_table needs at least one row. Received: an empty sequence.")
    cells = [[title for _, title, _ in columns]]
    for row in rows:
        cells.append(
            [
                fmt.format(row[key] * _SCALE[key] if key in _SCALE else row[key])
                for key, _, fmt in columns
            ]
        )
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    lines = [
        "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
        for r in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
