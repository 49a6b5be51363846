"""Which layers of a Keras model are frozen, trainable, or batch normalisation kept frozen.

Taught in notebook 07 (transfer learning, section 5). ``layer_states(model)`` reads the
``trainable`` flags of ``model.layers`` at the moment it is called (a snapshot: the flags
change as the notebook freezes and unfreezes layers) and classifies each layer:

* ``"frozen"``: has weights, none of them trained;
* ``"trainable"``: every weight trained (``"partly"`` for a nested model that is mixed);
* ``"bn_frozen"``: a BatchNormalization layer with ``trainable=False``, which Keras 3 runs
  in inference mode, keeping its moving statistics;
* ``"bn_trainable"``: a BatchNormalization layer left trainable, which updates its moving
  statistics from every training batch (the trap of section 5);
* ``"no_weights"``: input, activation, pooling, flatten, dropout: nothing to freeze.

``flags(panels)`` draws one column of boxes per snapshot, the model's first layer on top,
each box coloured by its state and labelled with the layer's name and its trained / total
parameter count. Patches and texts carry ``gid`` tags (``"layer"``, ``"name"``,
``"params"``, ``"legend"``) so a test can count what was drawn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from matplotlib.patches import Patch, Rectangle

from cnn_course_kit.plots import CourseFigure

STATES = ("frozen", "trainable", "partly", "bn_frozen", "bn_trainable", "no_weights")
COLOURS = {
    "frozen": "#6baed6",
    "trainable": "#fd8d3c",
    "partly": "#fdd0a2",
    "bn_frozen": "#9e9ac8",
    "bn_trainable": "#de2d26",
    "no_weights": "#f0f0f0",
}
LABELS = {
    "frozen": "frozen",
    "trainable": "trainable",
    "partly": "partly trainable",
    "bn_frozen": "batch norm, frozen (inference mode)",
    "bn_trainable": "batch norm, trainable (statistics move!)",
    "no_weights": "no weights",
}
MAX_LAYERS = 40


@dataclass(frozen=True)
class LayerState:
    """One layer of a model at one moment: its name, class, state and parameter counts."""

    name: str
    kind: str
    state: str
    trained: int
    total: int


def _count(weights) -> int:
    return int(sum(int(np.prod(w.shape)) for w in weights))


def layer_states(model) -> list[LayerState]:
    """The state of every layer in ``model.layers`` now (see the module docstring)."""
    import keras

    if not isinstance(model, keras.Model):
        raise ValueError(f"layer_states needs a keras.Model. Received: {type(model).__name__}")
    states = []
    batch_norm = keras.layers.BatchNormalization
    for item in model.layers:
        layer = item
        total = _count(layer.weights)
        trained = _count(layer.trainable_weights) if model.trainable else 0
        if isinstance(layer, batch_norm):
            state = "bn_trainable" if trained else "bn_frozen"
        elif total == 0:
            state = "no_weights"
        elif trained == 0:
            state = "frozen"
        elif trained == _count(layer.weights) or not isinstance(layer, keras.Model):
            # a plain layer with some weights trained (a Dense: kernel and bias) is trainable;
            # non-trainable weights of a plain layer (BN's statistics aside) are not its choice
            state = "trainable"
        else:
            state = "partly"
        states.append(LayerState(layer.name, type(layer).__name__, state, trained, total))
    return states


def _as_states(value) -> list[LayerState]:
    if isinstance(value, Sequence) and all(isinstance(s, LayerState) for s in value):
        states = list(value)
    else:
        states = layer_states(value)
    if not 1 <= len(states) <= MAX_LAYERS:
        raise ValueError(f"a panel draws 1 to {MAX_LAYERS} layers. Received: {len(states)}")
    return states


def flags(panels, *, title: str | None = None):
    """Draw each panel (a model, or a ``layer_states`` snapshot) as a column of boxes.

    ``panels``: a mapping ``{panel title: model or snapshot}``, or one model or snapshot.
    Returns the figure.
    """
    if not isinstance(panels, Mapping):
        panels = {"": panels}
    if not panels:
        raise ValueError("flags needs at least one panel. Received: an empty mapping")
    columns = {str(k): _as_states(v) for k, v in panels.items()}
    rows = max(len(s) for s in columns.values())
    fig = CourseFigure(figsize=(3.3 * len(columns) + 0.3, 0.3 * rows + 1.9))
    axes = fig.subplots(1, len(columns), squeeze=False)[0]
    for ax, (label, states) in zip(axes, columns.items()):
        for i, s in enumerate(states):
            ax.add_patch(
                Rectangle(
                    (0, i + 0.08),
                    1,
                    0.84,
                    facecolor=COLOURS[s.state],
                    edgecolor="0.35",
                    lw=0.7,
                    gid="layer",
                )
            )
            ax.text(
                0.04,
                i + 0.5,
                s.name,
                ha="left",
                va="center",
                fontsize=7.5,
                color="white" if s.state == "bn_trainable" else "black",
                gid="name",
            )
            params = "-" if s.total == 0 else f"{s.trained:,}/{s.total:,}"
            ax.text(
                0.96,
                i + 0.5,
                params,
                ha="right",
                va="center",
                fontsize=7,
                color="white" if s.state == "bn_trainable" else "0.15",
                gid="params",
            )
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(rows, 0)
        ax.axis("off")
        trained = sum(s.trained for s in states)
        total = sum(s.total for s in states)
        ax.set_title(f"{label}\n{trained:,} of {total:,} weights trained".strip(), fontsize=9)
    used = [st for st in STATES if any(s.state == st for c in columns.values() for s in c)]
    handles = [
        Patch(facecolor=COLOURS[st], edgecolor="0.35", label=LABELS[st], gid="legend")
        for st in used
    ]
    fig.legend(
        handles=handles, loc="lower center", ncol=min(3, len(handles)), fontsize=7.5, frameon=False
    )
    fig.suptitle(
        title or "Layers from input (top) to output: trained / total parameters", fontsize=10
    )
    fig.subplots_adjust(
        bottom=0.9 / (0.3 * rows + 1.9), top=1 - 0.75 / (0.3 * rows + 1.9), wspace=0.08
    )
    return fig
