"""cnn_course_kit.transfer, cnn_course_kit.transfer_cases and cnn_course_kit.datasets.transfer_tasks: the small source
network, the fast training loop, the per-class samples and the transfer cases of notebook 07."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from cnn_course_kit import datasets, plots, transfer, transfer_cases


def _blobs(n_per_class=30, classes=5, seed=0):
    """Easy 8x8 images: class c lights up column c (plus noise)."""
    rng = np.random.default_rng(seed)
    y = np.repeat(np.arange(classes), n_per_class)
    x = rng.normal(0.1, 0.05, size=(len(y), 8, 8, 1)).astype("float32")
    for i, c in enumerate(y):
        x[i, :, c + 1, 0] += 0.9
    return x, y


# ---------------------------------------------------------------- the source network


def test_digit_cnn_names_shapes_and_seed():
    model = transfer.digit_cnn(seed=3)
    names = [layer.name for layer in model.layers]
    for name in (
        "block1_conv1",
        "block1_bn2",
        "block1_pool",
        "block2_conv2",
        "block2_pool",
        "features",
        "dropout",
        "predictions",
    ):
        assert name in names
    assert model.get_layer("features").output.shape[1:] == (2 * 2 * 32,)
    assert model.output.shape[1:] == (5,)
    again = transfer.digit_cnn(seed=3)
    for a, b in zip(model.get_weights(), again.get_weights()):
        np.testing.assert_array_equal(a, b)
    other = transfer.digit_cnn(seed=4)
    assert not np.array_equal(model.get_weights()[0], other.get_weights()[0])
    assert model.get_layer("block1_bn1").momentum == pytest.approx(0.9)


@pytest.mark.parametrize("kwargs", [{"n_classes": 1}, {"width": 0}])
def test_digit_cnn_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError, match="Received"):
        transfer.digit_cnn(**kwargs)


# ---------------------------------------------------------------- the training loop


def test_train_learns_and_only_moves_trainable_layers():
    x, y = _blobs()
    model = transfer.digit_cnn(seed=0)
    frozen = model.get_layer("block1_conv1")
    frozen_bn = model.get_layer("block1_bn1")
    frozen.trainable = False
    frozen_bn.trainable = False
    before = [w.copy() for w in frozen.get_weights() + frozen_bn.get_weights()]
    head_before = model.get_layer("predictions").get_weights()[0].copy()
    loss = transfer.train(model, x, y, steps=150, learning_rate=3e-3, seed=0)
    assert np.isfinite(loss)
    assert transfer.accuracy(model, x, y) > 0.9
    for a, b in zip(before, frozen.get_weights() + frozen_bn.get_weights()):
        np.testing.assert_array_equal(a, b)  # weights and BN statistics untouched
    assert not np.allclose(head_before, model.get_layer("predictions").get_weights()[0])


def test_train_reuses_its_traced_loop_per_flag_pattern():
    x, y = _blobs(10)
    model = transfer.digit_cnn(seed=0)
    transfer.train(model, x, y, steps=2)
    transfer.train(model, x[:7], y[:7], steps=3)  # another batch size: same loop
    loops = getattr(model, transfer._CACHE_ATTR)
    assert len(loops) == 1
    model.get_layer("block1_conv1").trainable = False
    transfer.train(model, x, y, steps=2)
    assert len(loops) == 2


def test_train_differential_learning_rates_need_every_variable_once():
    x, y = _blobs(10)
    model = transfer.digit_cnn(seed=0)
    early = [layer for layer in model.layers if layer.name.startswith("block1")]
    late = [layer for layer in model.layers if layer not in early]
    w_early = model.get_layer("block1_conv1").get_weights()[0].copy()
    w_late = model.get_layer("block2_conv1").get_weights()[0].copy()
    transfer.train(model, x, y, steps=20, learning_rate=[(early, 1e-6), (late, 1e-2)])
    moved_early = np.abs(model.get_layer("block1_conv1").get_weights()[0] - w_early).max()
    moved_late = np.abs(model.get_layer("block2_conv1").get_weights()[0] - w_late).max()
    assert moved_late > 100 * moved_early
    with pytest.raises(ValueError, match="no learning-rate group"):
        transfer.train(model, x, y, steps=1, learning_rate=[(early, 1e-3)])
    with pytest.raises(ValueError, match="two learning-rate groups"):
        transfer.train(model, x, y, steps=1, learning_rate=[(early, 1e-3), (model.layers, 1e-3)])


def test_train_rejects_bad_input():
    x, y = _blobs(4)
    model = transfer.digit_cnn(seed=0)
    with pytest.raises(ValueError, match="steps"):
        transfer.train(model, x, y, steps=0)
    with pytest.raises(ValueError, match="same, non-zero"):
        transfer.train(model, x, y[:-1], steps=1)
    with pytest.raises(ValueError, match="positive"):
        transfer.train(model, x, y, steps=1, learning_rate=-1.0)
    model.trainable = False
    with pytest.raises(ValueError, match="no trainable variables"):
        transfer.train(model, x, y, steps=1)


def test_per_class_subset_is_stratified_nested_and_reproducible():
    y = np.repeat(np.arange(4), [5, 6, 7, 8])
    small = transfer.per_class_subset(y, 2, seed=1)
    big = transfer.per_class_subset(y, 5, seed=1)
    assert np.bincount(y[small]).tolist() == [2, 2, 2, 2]
    assert set(small) <= set(big)
    np.testing.assert_array_equal(small, transfer.per_class_subset(y, 2, seed=1))
    assert not np.array_equal(big, transfer.per_class_subset(y, 5, seed=2))
    with pytest.raises(ValueError, match="only 5 examples"):
        transfer.per_class_subset(y, 6)
    with pytest.raises(ValueError, match="at least 1"):
        transfer.per_class_subset(y, 0)


# ---------------------------------------------------------------- the tasks


def test_digit_tasks_four_tasks_same_format():
    tasks = datasets.digit_tasks()
    assert list(tasks) == ["source", "target1", "target2", "target3"]
    for task in tasks.values():
        assert task.x_train.shape[1:] == (8, 8, 1) and task.x_train.dtype == np.float32
        assert set(np.unique(task.y_train)) == set(range(5)) == set(np.unique(task.y_test))
        assert 0.25 < len(task.y_test) / (len(task.y_test) + len(task.y_train)) < 0.35
        assert task.x_train.min() >= 0 and task.x_train.max() <= 1
    assert tasks["target1"].classes == tuple("56789")
    assert tasks["target3"].classes == tuple(datasets.printed.LETTERS)
    again = datasets.digit_tasks()
    np.testing.assert_array_equal(tasks["target2"].x_train, again["target2"].x_train)
    assert "same domain, new task" in repr(tasks["target1"])


# ---------------------------------------------------------------- the cases


def _helpers():
    """Reference versions of notebook 07's four exercises (the notebook's contracts)."""

    def freeze_until(model, layer_name):
        names = [layer.name for layer in model.layers]
        model.trainable = True
        for i, layer in enumerate(model.layers):
            layer.trainable = i > names.index(layer_name)
        return model

    def unfreeze_top(model, n):
        model.trainable = True
        for i, layer in enumerate(model.layers):
            layer.trainable = i >= len(model.layers) - n and not isinstance(
                layer, keras.layers.BatchNormalization
            )
        return model

    def build_head(input_shape, n_classes):
        inputs = keras.Input(shape=input_shape)
        return keras.Model(inputs, keras.layers.Dense(n_classes, activation="softmax")(inputs))

    def extract_features(model, dataset):
        pairs = [(np.asarray(model(xb, training=False)), np.asarray(yb)) for xb, yb in dataset]
        return (
            np.concatenate([f.reshape(len(f), -1) for f, _ in pairs]),
            np.concatenate([labels for _, labels in pairs]),
        )

    return dict(
        freeze_until=freeze_until,
        unfreeze_top=unfreeze_top,
        build_head=build_head,
        extract_features=extract_features,
    )


def test_transfer_experiment_runs_every_case_and_keeps_the_source():
    x, y = _blobs(20)
    source = transfer.digit_cnn(seed=0)
    transfer.train(source, x, y, steps=60, learning_rate=3e-3)
    source_weights = [w.copy() for w in source.get_weights()]
    budget = transfer_cases.Budget(head_steps=5, finetune_steps=5)
    exp = transfer_cases.TransferExperiment(source, n_classes=5, budget=budget, **_helpers())
    xt, yt = _blobs(12, seed=1)
    target = {"blobs": ((xt, yt), (xt, yt))}
    rows = exp.learning_curves(
        target, [2, None], [0, 1], cases=("1", "1e", "2", "3", "4"), progress=False
    )
    assert len(rows) == 2 * 2 * 5
    assert {r["k"] for r in rows} == {2, 12}
    assert all(0 <= r["accuracy"] <= 1 for r in rows)
    for a, b in zip(source_weights, source.get_weights()):
        np.testing.assert_array_equal(a, b)  # the source network is never trained further
    summary = transfer_cases.summarise(rows)
    mean, low, high, runs = summary[("blobs", "1", 12)]
    assert low <= mean <= high and runs == 2
    assert exp.top_layers == len(exp.model.layers) - 8  # block2_conv1 .. the head
    fig = plots.learning_curves(rows, case_names=transfer_cases.CASE_NAMES, chance=0.2)
    assert len(fig.axes) == 1 and len(fig.axes[0].lines) == 5 + 1


def test_learning_curves_plot_rejects_bad_rows():
    with pytest.raises(ValueError, match="at least one row"):
        plots.learning_curves([])
    with pytest.raises(ValueError, match="Missing"):
        plots.learning_curves([{"target": "t", "case": "1"}])


def test_many_traced_loops_do_not_warn_about_retracing(caplog):
    """Each flag pattern traces one loop; TensorFlow must not call that "frequent retracing"."""
    import logging

    x, y = _blobs(4)
    model = transfer.digit_cnn(seed=0)
    convs = [layer for layer in model.layers if layer.weights]
    with caplog.at_level(logging.WARNING, logger="tensorflow"):
        for frozen in convs[:7]:
            for layer in convs:
                layer.trainable = layer is not frozen
            transfer.train(model, x, y, steps=1)
    assert len(getattr(model, transfer._CACHE_ATTR)) == 7
    assert not [r for r in caplog.records if "retracing" in r.getMessage()]
