"""Tests for cnn_course_kit.training: run folders, fit() callbacks and outputs, distributed fit()."""

from __future__ import annotations

import csv
import json
import warnings
from datetime import datetime

import keras
import numpy as np
import pytest
import tensorflow as tf

from cnn_course_kit import training
from tests import multiworker_worker as worker

# Keras 3.15 + NumPy 2 warn inside ModelCheckpoint/ReduceLROnPlateau (np.array(variable)).
pytestmark = pytest.mark.filterwarnings(
    "ignore:__array__ implementation doesn't accept a copy keyword:DeprecationWarning"
)


def linear_model(name: str = "linear") -> keras.Model:
    """y = w x with w starting at 0: training moves w deterministically (full-batch SGD)."""
    model = keras.Sequential(
        [keras.Input((1,)), keras.layers.Dense(1, use_bias=False, kernel_initializer="zeros")],
        name=name,
    )
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    return model


def data(slope: float, n: int = 64, seed: int = 0):
    x = np.random.default_rng(seed).normal(size=(n, 1)).astype("float32")
    return x, slope * x


def read_log(path) -> list[dict]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


# ---- run folders ---------------------------------------------------------------------------


def test_run_folder_is_new_and_safe(tmp_path, monkeypatch):
    class FrozenClock(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2024, 5, 6, 7, 8, 9)

    monkeypatch.setattr(training, "datetime", FrozenClock)
    first = training.run_folder("my model/v1", root=tmp_path)
    second = training.run_folder("my model/v1", root=tmp_path)
    assert first.name == "20240506-070809-my_model_v1" and first.is_dir()
    assert second.name == "20240506-070809-my_model_v1-2" and second.is_dir()
    monkeypatch.chdir(tmp_path)
    assert training.run_folder("x").parent == tmp_path / "runs"


@pytest.mark.parametrize(
    ("config", "chief"),
    [
        (None, True),
        ({"cluster": {"worker": ["a:1", "b:2"]}, "task": {"type": "worker", "index": 0}}, True),
        ({"cluster": {"worker": ["a:1", "b:2"]}, "task": {"type": "worker", "index": 1}}, False),
        (
            {
                "cluster": {"chief": ["c:0"], "worker": ["a:1"]},
                "task": {"type": "worker", "index": 0},
            },
            False,
        ),
        ({"cluster": {"chief": ["c:0"], "worker": ["a:1"]}, "task": {"type": "chief"}}, True),
    ],
)
def test_only_the_chief_writes(monkeypatch, config, chief):
    if config is None:
        monkeypatch.delenv("TF_CONFIG", raising=False)
    else:
        monkeypatch.setenv("TF_CONFIG", json.dumps(config))
    assert training._is_chief() is chief


# ---- fit() ---------------------------------------------------------------------------------


def test_fit_writes_checkpoint_and_log_into_the_run_folder(tmp_path, capsys):
    x, y = data(2.0)
    model = linear_model()
    run_dir = tmp_path / "run"
    history = training.fit(
        model, (x, y), (x, y), batch_size=16, epochs=3, run_dir=run_dir, patience=10
    )
    assert sorted(p.name for p in run_dir.iterdir()) == ["best.keras", "log.csv"]
    rows = read_log(run_dir / "log.csv")
    assert len(rows) == 3 == len(history.epoch)
    assert {"epoch", "loss", "val_loss", "learning_rate"} <= set(rows[0])
    restored = keras.saving.load_model(run_dir / "best.keras")
    np.testing.assert_allclose(restored.get_weights()[0], model.get_weights()[0], rtol=1e-6)
    out = capsys.readouterr().out
    assert f"[fit] run folder: {run_dir}" in out
    # not a terminal: one line per epoch instead of a progress bar
    lines = [line for line in out.splitlines() if line.startswith("epoch ")]
    assert len(lines) == 3 and "val_loss" in lines[0] and "lr 1.0e-01" in lines[0]
    assert "\r" not in out and "━" not in out


def test_fit_default_run_folder_under_cwd(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    x, y = data(2.0)
    training.fit(linear_model("my_net"), x, (x, y), y=y, epochs=1, verbose=0)
    [folder] = (tmp_path / "runs").iterdir()
    assert folder.name.endswith("-my_net")
    assert (folder / "best.keras").exists() and (folder / "log.csv").exists()
    assert str(folder) in capsys.readouterr().out


def test_early_stopping_restores_the_best_weights(tmp_path):
    # Training pulls w from 0 towards 2, validation wants w = 1: val_loss falls, then rises.
    x, y = data(2.0)
    x_val, y_val = data(1.0, seed=1)
    model = linear_model()
    snapshots = []
    record = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: snapshots.append(model.get_weights()[0].copy())
    )
    history = training.fit(
        model, x, (x_val, y_val), y=y, batch_size=64, epochs=30, patience=2,
        run_dir=tmp_path, callbacks=[record], verbose=0,
    )  # fmt: skip
    val_loss = history.history["val_loss"]
    best = int(np.argmin(val_loss))
    assert len(history.epoch) < 30, "expected an early stop"
    assert 0 < best < len(val_loss) - 1, val_loss  # the best epoch is neither first nor last
    final = model.get_weights()[0]
    np.testing.assert_allclose(final, snapshots[best])
    assert not np.allclose(final, snapshots[-1])
    saved = keras.saving.load_model(tmp_path / "best.keras").get_weights()[0]
    np.testing.assert_allclose(saved, snapshots[best])


def test_without_validation_monitor_falls_back_to_loss(tmp_path, capsys):
    x, y = data(2.0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        history = training.fit(
            linear_model(), x, y=y, batch_size=16, epochs=2, run_dir=tmp_path, verbose=0
        )
    assert "monitoring 'loss' instead" in capsys.readouterr().out
    assert "val_loss" not in history.history
    assert (tmp_path / "best.keras").exists()
    noisy = [str(w.message) for w in caught if "not available" in str(w.message)]
    assert not noisy, noisy


def test_fit_passes_extra_arguments_and_callbacks(tmp_path):
    x, y = data(2.0)
    seen = []
    extra = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(epoch))
    history = training.fit(
        linear_model(), x, y=y, batch_size=8, validation_split=0.25, epochs=2,
        run_dir=tmp_path, callbacks=[extra], verbose=0,
    )  # fmt: skip
    assert seen == [0, 1]
    assert "val_loss" in history.history  # validation_split counts as validation data


# ---- distributed fit() (fresh processes, see tests/multiworker_worker.py) ------------------


@pytest.mark.slow
def test_fit_under_mirrored_strategy_on_two_logical_cpus(tmp_path):
    result, log = worker.run_mirrored(run_dir=str(tmp_path / "run"))
    assert result["strategy"] == "MirroredStrategy" and result["replicas"] == 2, log
    assert result["files"] == ["best.keras", "log.csv"], log
    assert result["loss"][-1] < result["loss"][0], log


@pytest.mark.slow
def test_fit_under_two_worker_multi_worker_strategy(tmp_path):
    run_dirs = (str(tmp_path / "chief"), str(tmp_path / "worker1"))
    results, log = worker.run_two_workers(run_dirs=run_dirs)
    assert all(r["multi_worker"] and r["replicas"] == 2 for r in results), log
    assert results[0]["files"] == ["best.keras", "log.csv"], log  # the chief writes
    assert results[1]["files"] == [], log  # the other worker writes to a temporary folder
    assert not (tmp_path / "worker1").exists()
    assert results[0]["loss"] == pytest.approx(results[1]["loss"]), log
    assert results[0]["loss"][-1] < results[0]["loss"][0], log


def test_fit_drops_only_the_retracing_notice_while_it_runs(tmp_path):
    """TensorFlow's retracing warning (meant for a function rebuilt in a loop; a notebook that
    trains several models reaches it with nothing wrong) is dropped inside fit(), and only there;
    other messages of TensorFlow's logger pass."""
    import logging

    seen = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(record.getMessage())

    notice = "5 out of the last 26 calls to <function f> triggered tf.function retracing."

    class LogsDuringFit(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            tf.get_logger().warning(notice)
            tf.get_logger().warning("a genuine warning")

    logger = tf.get_logger()
    keep = Keep()
    logger.addHandler(keep)
    try:
        x, y = data(2.0)
        training.fit(
            linear_model(),
            (x, y),
            (x, y),
            batch_size=16,
            epochs=2,
            run_dir=tmp_path / "run",
            verbose=0,
            callbacks=[LogsDuringFit()],
        )
        assert logger.filters == [], "the filter must be removed when fit() returns"
        logger.warning(notice)
    finally:
        logger.removeHandler(keep)
    assert seen == ["a genuine warning", "a genuine warning", notice], seen
