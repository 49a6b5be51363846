"""cnn_course_kit.bases: the best weights a machine can have, and the fallbacks offline."""

from __future__ import annotations

from pathlib import Path

import keras
import numpy as np
import pytest

from cnn_course_kit import bases, keras_files, pretrained
from cnn_course_kit.devices import DeviceConfig


@pytest.fixture
def empty_caches(tmp_path, monkeypatch):
    """No Keras weights cache and no HED wheel; offline."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setattr(keras_files, "models_dirs", lambda: [tmp_path / "keras" / "models"])
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COURSE_OFFLINE", "1")


def test_no_weights_at_all_gives_random_weights_and_says_so(empty_caches, monkeypatch, capsys):
    real = keras.applications.MobileNetV2

    def no_imagenet(**kwargs):
        assert kwargs["weights"] is None, "must not try ImageNet weights offline and uncached"
        return real(**kwargs)

    monkeypatch.setattr(keras.applications, "MobileNetV2", no_imagenet)
    base = bases.load_base("mobilenet_v2", (64, 64))
    assert base.weights == "random" and not base.pretrained and base.name == "mobilenet_v2"
    assert "RANDOM WEIGHTS" in capsys.readouterr().out and "meaningless" in base.describe()
    assert base.model.output.shape[1:] == (2, 2, 1280)
    x = base.preprocess(np.full((1, 64, 64, 3), 255.0, "float32"))
    np.testing.assert_allclose(np.asarray(x), 1.0)  # MobileNetV2 scales [0, 255] to [-1, 1]


def test_offline_with_hed_cached_uses_the_trained_vgg16_trunk(empty_caches, monkeypatch):
    monkeypatch.setattr(pretrained, "hed_weights_path", lambda **kwargs: Path("hed.whl"))
    calls = []

    def fake_trunk(weights, *, input_shape, path):
        calls.append((weights, input_shape, path))
        return keras.applications.VGG16(include_top=False, weights=None, input_shape=input_shape)

    monkeypatch.setattr(pretrained, "vgg16_trunk", fake_trunk)
    base = bases.load_base("mobilenet_v2", (64, 64), verbose=False)
    assert calls == [("hed", (64, 64, 3), Path("hed.whl"))]
    assert (base.name, base.weights, base.requested) == ("vgg16", "hed", "mobilenet_v2")
    assert "mobilenet_v2 was asked for" in base.describe() and base.pretrained
    rgb = np.zeros((2, 64, 64, 3), "float32")
    np.testing.assert_allclose(
        base.preprocess(rgb)[0, 0, 0], -np.array(pretrained.CAFFE_MEAN_BGR), rtol=1e-6
    )


def test_a_failing_imagenet_load_falls_back_with_its_reason(empty_caches, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_OFFLINE", "0")
    real = keras.applications.MobileNetV2

    def failing(**kwargs):
        if kwargs["weights"] == "imagenet":
            raise OSError("no route to storage.googleapis.com")
        return real(**kwargs)

    monkeypatch.setattr(keras.applications, "MobileNetV2", failing)
    base = bases.load_base("mobilenet_v2", (64, 64), allow_download=True)
    out = capsys.readouterr().out
    assert "could not be loaded (OSError: no route" in out and base.weights == "random"


def test_bad_arguments():
    with pytest.raises(ValueError, match="at least 32"):
        bases.load_base("vgg16", (16, 16))
    with pytest.raises(ValueError, match="unknown base"):
        bases.load_base("alexnet", (64, 64))


def test_default_base_follows_the_device():
    assert bases.default_base(DeviceConfig()) == ("mobilenet_v2", (160, 160))
    assert bases.default_base(DeviceConfig(gpus=("/physical_device:GPU:0",))) == (
        "vgg16",
        (224, 224),
    )


def test_seconds_per_batch_measures_a_positive_time():
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4)])
    batch = np.ones((16, 8), "float32")
    assert 0 < bases.seconds_per_batch(model, batch, training=False, repeats=2) < 5
    assert 0 < bases.seconds_per_batch(model, batch, training=True, repeats=1) < 5


def test_no_classifier_offline_says_so_and_builds_nothing(empty_caches, monkeypatch, capsys):
    def never(**kwargs):
        raise AssertionError("must not build a classifier offline and uncached")

    monkeypatch.setattr(keras.applications, "MobileNetV2", never)
    assert bases.load_classifier("mobilenet_v2", (160, 160), allow_download=True) is None
    out = capsys.readouterr().out
    assert "NO IMAGENET CLASSIFIER" in out and "COURSE_OFFLINE=1" in out and "_1.0_160.h5" in out
    assert bases.load_classifier("mobilenet_v2", (160, 160), verbose=False) is None
    assert capsys.readouterr().out == ""


def test_a_cached_classifier_is_loaded_with_its_top(empty_caches, tmp_path, monkeypatch, capsys):
    models = tmp_path / "keras" / "models"
    models.mkdir(parents=True)
    (models / keras_files.weights_file("mobilenet_v2", (96, 96), top=True).name).write_bytes(
        b"cached"
    )
    calls = []
    real = keras.applications.MobileNetV2

    def fake(**kwargs):
        calls.append(kwargs)
        return real(**{**kwargs, "weights": None})

    monkeypatch.setattr(keras.applications, "MobileNetV2", fake)
    clf = bases.load_classifier("mobilenet_v2", (96, 96))
    assert calls == [{"include_top": True, "weights": "imagenet", "input_shape": (96, 96, 3)}]
    assert clf.weights == "imagenet" and clf.model.output.shape[1:] == (1000,)
    assert "[classifier] mobilenet_v2 at 96x96 with its 1,000-class top" in capsys.readouterr().out


def test_a_failing_classifier_download_gives_none_with_its_reason(
    empty_caches, monkeypatch, capsys
):
    monkeypatch.setenv("COURSE_OFFLINE", "0")

    def failing(**kwargs):
        raise OSError("no route to storage.googleapis.com")

    monkeypatch.setattr(keras.applications, "VGG16", failing)
    assert bases.load_classifier("vgg16", (224, 224), allow_download=True) is None
    assert "loading them failed (OSError: no route" in capsys.readouterr().out


def test_classifier_sizes_are_checked():
    with pytest.raises(ValueError, match="224"):
        bases.load_classifier("vgg16", (160, 160))
    with pytest.raises(ValueError, match="Received: \\(150, 150\\)"):
        bases.load_classifier("mobilenet_v2", (150, 150))
    with pytest.raises(ValueError, match="unknown network"):
        bases.load_classifier("resnet9", (224, 224))


def test_hed_preprocessing_works_inside_a_tf_data_map(empty_caches, monkeypatch):
    """tf.data traces its map functions: HED's preprocessing must work on symbolic tensors too,
    and give the same numbers as on NumPy."""
    import tensorflow as tf

    monkeypatch.setattr(pretrained, "hed_weights_path", lambda **kwargs: Path("hed.whl"))
    monkeypatch.setattr(
        pretrained,
        "vgg16_trunk",
        lambda weights, *, input_shape, path: keras.applications.VGG16(
            include_top=False, weights=None, input_shape=input_shape
        ),
    )
    base = bases.load_base("vgg16", (32, 32), verbose=False)
    rgb = np.random.default_rng(0).uniform(0, 255, (4, 32, 32, 3)).astype("float32")
    mapped = next(iter(tf.data.Dataset.from_tensor_slices(rgb).batch(4).map(base.preprocess)))
    np.testing.assert_allclose(mapped.numpy(), base.preprocess(rgb), rtol=1e-6)
    np.testing.assert_allclose(
        np.asarray(base.preprocess(tf.constant(rgb))), base.preprocess(rgb), rtol=1e-6
    )
