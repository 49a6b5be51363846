"""``fit()``: Keras ``model.fit`` with the callbacks every course notebook wants.

Each call gets its own run folder (``runs/<timestamp>-<model name>/``) holding

* ``best.keras``: the best model so far (``ModelCheckpoint``, Keras v3 format),
* ``log.csv``: one row of metrics per epoch (``CSVLogger``),

and trains with ``EarlyStopping(restore_best_weights=True)`` plus ``ReduceLROnPlateau``, so
the model you get back is the best one seen, not the last one.

Progress output
    Keras' progress bar redraws itself many times per epoch. In a terminal that looks fine,
    but a notebook keeps every redraw in the saved ``.ipynb`` and CI logs fill up with it.
    With ``verbose="auto"`` (default) :func:`fit` therefore shows the bar only in an
    interactive terminal, and everywhere else (notebooks, nbconvert, CI, pipes) prints one
    line per epoch with all metrics, the learning rate and the time taken. Pass ``verbose=1``
    for the bar anyway, ``2`` for Keras' own one-line style, or ``0`` for silence.

Several models in one kernel
    Every new model traces its own training and test steps the first time it runs. After five
    traced functions TensorFlow logs "5 out of the last N calls ... triggered tf.function
    retracing", a warning meant for a loop that rebuilds one function by mistake; a notebook that
    trains three or four models one after another reaches it although nothing is wrong. While
    :func:`fit` runs, that one message is dropped from TensorFlow's logger
    (:class:`RetracingNotice`); every other message passes.

Distributed training
    Build and compile the model inside ``devices.strategy().scope()``; calling :func:`fit`
    outside the scope is fine. Under ``MultiWorkerMirroredStrategy`` only the chief writes
    into the run folder; the other workers write to a throw-away temporary folder.

    Keras 3 (checked up to 3.15) cannot run a plain ``model.fit`` under
    ``MultiWorkerMirroredStrategy`` with more than one worker
    (https://github.com/keras-team/keras/issues/20585): it reduces an ``(x, y)`` batch with
    ``strategy.reduce``, which takes a single tensor, and reduces the scalar logs with
    ``axis=0``. :func:`fit` works around both for the duration of the call (see
    :func:`_multi_worker_fixes`); the model must already be built (start it with
    ``keras.Input``) when several workers train it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import keras
import tensorflow as tf

CHECKPOINT_NAME = "best.keras"
LOG_NAME = "log.csv"


def run_folder(name: str = "run", root: str | os.PathLike | None = None) -> Path:
    """Create and return a fresh folder ``<root>/<YYYYmmdd-HHMMSS>-<name>``.

    ``root`` defaults to ``runs/`` under the current directory. ``name`` is made safe for
    file systems; if the folder already exists (two runs within a second) ``-2``, ``-3``, ...
    is appended.
    """
    root = Path(root) if root is not None else Path.cwd() / "runs"
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", str(name)).strip("._") or "run"
    base = f"{datetime.now():%Y%m%d-%H%M%S}-{safe}"
    root.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, 1000):
        path = root / (base if attempt == 1 else f"{base}-{attempt}")
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue
    raise FileExistsError(f"Could not create a new run folder for {base!r} in {root}")


def _is_chief() -> bool:
    """False only on the non-chief workers of a multi-worker job described by ``TF_CONFIG``."""
    try:
        config = json.loads(os.environ.get("TF_CONFIG") or "{}")
    except json.JSONDecodeError:
        return True
    task = config.get("task") or {}
    kind, index = task.get("type"), int(task.get("index", 0))
    if kind is None or kind == "chief":
        return True
    has_chief = bool((config.get("cluster") or {}).get("chief"))
    return kind == "worker" and index == 0 and not has_chief


def _interactive_terminal() -> bool:
    """True in a terminal where a redrawn progress bar reads well (not in Jupyter, not in CI)."""
    if "ipykernel" in sys.modules:  # a notebook (live or executed by nbconvert)
        return False
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


class EpochLine(keras.callbacks.Callback):
    """Print one line per epoch: ``epoch 3/20  loss 0.4123  val_loss 0.4520  lr 1e-03  2.1s``."""

    def __init__(self, epochs: int):
        super().__init__()
        self.epochs = epochs
        self._start = 0.0
        self._lr: float | None = None

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()
        try:  # the rate used during this epoch (ReduceLROnPlateau may change it at the end)
            self._lr = float(self.model.optimizer.learning_rate)
        except (AttributeError, TypeError, ValueError):
            self._lr = None

    def on_epoch_end(self, epoch, logs=None):
        parts = [f"epoch {epoch + 1}/{self.epochs}"]
        for key, value in (logs or {}).items():
            if key in ("lr", "learning_rate"):
                continue
            parts.append(f"{key} {float(value):.4f}")
        if self._lr is not None:
            parts.append(f"lr {self._lr:.1e}")
        parts.append(f"{time.perf_counter() - self._start:.1f}s")
        print("  ".join(parts), flush=True)


class RetracingNotice(logging.Filter):
    """Drop TensorFlow's "triggered tf.function retracing" warning (see the module docstring)."""

    MARKER = "triggered tf.function retracing"

    def filter(self, record: logging.LogRecord) -> bool:
        return self.MARKER not in record.getMessage()


@contextlib.contextmanager
def _without_retracing_notice():
    """Add :class:`RetracingNotice` to TensorFlow's logger for the duration of the block."""
    logger, notice = tf.get_logger(), RetracingNotice()
    logger.addFilter(notice)
    try:
        yield
    finally:
        logger.removeFilter(notice)


def _rank(value) -> int | None:
    """The rank of a tensor, or of the first component of a per-replica value."""
    if isinstance(value, tf.distribute.DistributedValues):
        value = value.values[0]
    return getattr(getattr(value, "shape", None), "rank", None)


def _workers(strategy) -> int:
    """How many workers (chief included) a multi-worker strategy's cluster has."""
    resolver = getattr(strategy, "cluster_resolver", None)
    spec = resolver.cluster_spec().as_dict() if resolver is not None else {}
    return sum(len(spec.get(job, ())) for job in ("chief", "worker")) or 1


@contextlib.contextmanager
def _multi_worker_fixes(model: keras.Model):
    """Let ``model.fit`` run under ``MultiWorkerMirroredStrategy`` (keras-team/keras#20585).

    Does nothing for any other strategy or a single worker. Otherwise, while the block runs:

    1. ``model._distribute_strategy`` is unset and the strategy's scope entered instead, so
       Keras skips ``_maybe_symbolic_build`` (which calls ``strategy.reduce`` on a whole
       ``(x, y)`` batch and fails). The model must already be built for that.
    2. Keras' ``reduce_per_replica`` reduces scalar logs with ``axis=None`` instead of
       ``axis=0``. The result is the same mean across workers Keras intends.
    """
    strategy = getattr(model, "distribute_strategy", None)
    if (
        not isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy)
        or _workers(strategy) < 2
    ):
        yield
        return
    if not model.built:
        raise ValueError(
            "Under MultiWorkerMirroredStrategy, build the model before fit(): create it inside "
            "strategy.scope() starting from keras.Input(shape=...)."
        )
    from keras.src.backend.tensorflow import trainer as tf_trainer

    original = tf_trainer.reduce_per_replica

    def reduce_per_replica(values, strategy, reduction="auto"):
        def reduce_one(value):
            if reduction in ("auto", "mean") and _rank(value) == 0:
                return strategy.reduce("MEAN", value, axis=None)
            return original(value, strategy, reduction)

        return keras.tree.map_structure(reduce_one, values)

    saved = model._distribute_strategy
    tf_trainer.reduce_per_replica = reduce_per_replica
    model._distribute_strategy = None
    try:
        with strategy.scope():
            yield
    finally:
        tf_trainer.reduce_per_replica = original
        model._distribute_strategy = saved


def fit(
    model: keras.Model,
    train,
    validation=None,
    *,
    epochs: int,
    run_dir: str | os.PathLike | None = None,
    patience: int = 5,
    monitor: str = "val_loss",
    callbacks: Iterable[keras.callbacks.Callback] = (),
    verbose: int | str = "auto",
    **kwargs,
) -> keras.callbacks.History:
    """Train ``model`` with checkpointing, logging, early stopping and LR reduction.

    ``train`` is a ``tf.data.Dataset`` (or anything ``model.fit`` takes as ``x``) or a tuple
    ``(x, y)`` / ``(x, y, sample_weight)`` of arrays; ``validation`` likewise (it becomes
    ``validation_data``). ``batch_size=...`` and other ``model.fit`` arguments pass through
    ``**kwargs``.

    ``run_dir`` is the folder for ``best.keras`` and ``log.csv``; by default a new
    :func:`run_folder` named after the model. ``patience`` is the number of epochs without
    improvement of ``monitor`` before stopping (the learning rate is halved after
    ``max(1, patience // 2)`` such epochs). Without validation data (and no
    ``validation_split``), a ``val_*`` monitor falls back to the training metric, e.g.
    ``"loss"``. Extra ``callbacks`` run after the built-in ones. ``verbose``: ``"auto"``,
    ``"lines"`` (one line per epoch), or Keras' ``0``/``1``/``2``; see the module docstring.

    Returns the Keras ``History``; the model ends up with the best weights.
    """
    if isinstance(train, tuple) and 2 <= len(train) <= 3 and "y" not in kwargs:
        train, kwargs["y"], *weights = train  # (x, y) or (x, y, sample_weight) arrays
        if weights:
            kwargs["sample_weight"] = weights[0]
    has_validation = validation is not None or bool(kwargs.get("validation_split"))
    if monitor.startswith("val_") and not has_validation:
        monitor = monitor.removeprefix("val_")
        print(f"[fit] no validation data: monitoring {monitor!r} instead")

    chief = _is_chief()
    if not chief:  # the other workers of a multi-worker job must not overwrite the chief's files
        run_dir = Path(tempfile.mkdtemp(prefix="fit-worker-"))
    else:
        run_dir = Path(run_dir) if run_dir is not None else run_folder(model.name)
        run_dir.mkdir(parents=True, exist_ok=True)
        print(f"[fit] run folder: {run_dir}")

    if verbose == "auto":
        verbose = 1 if _interactive_terminal() else "lines"
    progress = []
    if verbose == "lines":
        verbose, progress = 0, [EpochLine(epochs)]

    defaults = [
        keras.callbacks.EarlyStopping(
            monitor=monitor, patience=patience, restore_best_weights=True
        ),
        keras.callbacks.ReduceLROnPlateau(
            monitor=monitor, factor=0.5, patience=max(1, patience // 2), min_lr=1e-6
        ),
        keras.callbacks.ModelCheckpoint(
            str(run_dir / CHECKPOINT_NAME), monitor=monitor, save_best_only=True
        ),
        keras.callbacks.CSVLogger(str(run_dir / LOG_NAME)),
    ]
    if isinstance(train, tf.data.Dataset):
        kwargs.setdefault("shuffle", False)  # Keras 3 warns that it cannot shuffle a Dataset
    try:
        with _multi_worker_fixes(model), _without_retracing_notice():
            history = model.fit(
                train,
                validation_data=validation,
                epochs=epochs,
                callbacks=[*defaults, *progress, *callbacks],
                verbose=verbose,
                **kwargs,
            )
    finally:
        if not chief:
            shutil.rmtree(run_dir, ignore_errors=True)
    stopper = defaults[0]
    if chief and stopper.best is not None:
        stopped = " (stopped early)" if stopper.stopped_epoch else ""
        print(
            f"[fit] best {monitor} {float(stopper.best):.4f} at epoch {stopper.best_epoch + 1}"
            f"/{len(history.epoch)}{stopped}; the model has those weights "
            f"(also in {run_dir / CHECKPOINT_NAME})"
        )
    return history
