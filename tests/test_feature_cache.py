"""cnn_course_kit.feature_cache: features computed once per key, read back, never mixed up."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_course_kit import feature_cache


def _computer(calls, n=6, d=3, seed=0):
    def compute():
        calls.append(1)
        rng = np.random.default_rng(seed)
        return rng.normal(size=(n, d)).astype("float32"), np.arange(n) % 2

    return compute


def test_computed_once_then_read(tmp_path, capsys):
    calls = []
    parts = {"base": "vgg16", "weights": "hed", "size": [150, 150], "data": "abc"}
    f1, l1 = feature_cache.cached("train", parts, _computer(calls), cache_dir=tmp_path)
    assert "computed 6" in capsys.readouterr().out
    f2, l2 = feature_cache.cached(
        "train", dict(reversed(parts.items())), _computer(calls), cache_dir=tmp_path
    )
    assert "read 6" in capsys.readouterr().out and calls == [1]  # the same key, any order
    np.testing.assert_array_equal(f1, f2)
    np.testing.assert_array_equal(l1, l2)
    assert [p.name for p in tmp_path.iterdir()] == [f"train-{feature_cache.cache_key(parts)}.npz"]


def test_any_change_of_a_part_computes_again(tmp_path):
    calls = []
    for parts in (
        {"base": "vgg16", "size": 150},
        {"base": "vgg16", "size": 160},
        {"base": "mobilenet_v2", "size": 160},
    ):
        feature_cache.cached("x", parts, _computer(calls), cache_dir=tmp_path, verbose=False)
    assert len(calls) == 3 and len(list(tmp_path.glob("*.npz"))) == 3


def test_a_corrupt_cache_file_is_set_aside_and_recomputed(tmp_path, capsys):
    calls = []
    parts = {"base": "vgg16"}
    feature_cache.cached("val", parts, _computer(calls), cache_dir=tmp_path, verbose=False)
    path = next(tmp_path.glob("*.npz"))
    path.write_bytes(b"not a zip file")
    features, _ = feature_cache.cached("val", parts, _computer(calls), cache_dir=tmp_path)
    out = capsys.readouterr().out
    assert "could not be used" in out and "computing the features again" in out
    assert len(calls) == 2 and features.shape == (6, 3)
    assert (tmp_path / (path.name + ".rejected")).exists()


def test_a_file_with_another_key_is_not_trusted(tmp_path):
    calls = []
    feature_cache.cached("a", {"k": 1}, _computer(calls, n=4), cache_dir=tmp_path, verbose=False)
    source = next(tmp_path.glob("a-*.npz"))
    target = tmp_path / f"a-{feature_cache.cache_key({'k': 2})}.npz"
    source.rename(target)  # a file under the wrong name
    features, _ = feature_cache.cached(
        "a", {"k": 2}, _computer(calls, n=5), cache_dir=tmp_path, verbose=False
    )
    assert len(features) == 5 and len(calls) == 2


def test_mismatched_lengths_and_bad_names_are_refused(tmp_path):
    with pytest.raises(ValueError, match="must match"):
        feature_cache.cached(
            "x", {"k": 1}, lambda: (np.zeros((3, 2)), np.zeros(2)), cache_dir=tmp_path
        )
    assert not list(tmp_path.glob("*.npz"))  # nothing half-written
    with pytest.raises(ValueError, match="letter or digit"):
        feature_cache.cached(
            "//", {"k": 1}, lambda: (np.zeros((1, 1)), np.zeros(1)), cache_dir=tmp_path
        )
    with pytest.raises(ValueError, match="at least one part"):
        feature_cache.cache_key({})


def test_files_fingerprint_changes_with_the_files(tmp_path):
    a, b = tmp_path / "a.jpg", tmp_path / "b.jpg"
    a.write_bytes(b"1")
    b.write_bytes(b"22")
    first = feature_cache.files_fingerprint([a, b])
    assert first == feature_cache.files_fingerprint([a, b])
    assert first != feature_cache.files_fingerprint([b, a])
    b.write_bytes(b"333")
    assert first != feature_cache.files_fingerprint([a, b])
    with pytest.raises(ValueError, match="at least one file"):
        feature_cache.files_fingerprint([])


def test_pets_features_are_cached_in_file_order(monkeypatch, tmp_path, capsys):
    """pets_features: one row per image of each split, in file order, read back the second time."""
    import keras

    from cnn_course_kit import datasets
    from cnn_course_kit.bases import Base

    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    monkeypatch.setitem(datasets.STANDIN_PER_CLASS, "full", 4)
    monkeypatch.setitem(datasets.STANDIN_PER_CLASS, "smoke", 4)
    data = datasets.cats_vs_dogs((20, 20), 3, verbose=False)
    inputs = keras.Input((16, 16, 3))
    model = keras.Model(inputs, keras.layers.Conv2D(5, 3, name="conv")(inputs))
    base = Base("tiny", model, lambda images: images / 255.0, "random", (16, 16))
    features = feature_cache.pets_features(base, data, cache_dir=tmp_path / "f")
    assert "computed" in capsys.readouterr().out
    for split, (rows, labels) in features.items():
        assert rows.shape == (len(data.files[split][0]), 5)
        assert labels.tolist() == list(data.files[split][1])
    images, _ = data.arrays("validation")
    import tensorflow as tf

    expected = model(tf.image.resize(images, (16, 16)) / 255.0).numpy().mean(axis=(1, 2))
    np.testing.assert_allclose(features["validation"][0], expected, rtol=1e-4, atol=1e-5)
    again = feature_cache.pets_features(base, data, cache_dir=tmp_path / "f")
    assert "read" in capsys.readouterr().out and np.array_equal(
        again["train"][0], features["train"][0]
    )
    parts = feature_cache.pets_feature_parts(base, data, "train")
    assert parts["order"].startswith("file order") and parts["image_size"] == [16, 16]
    # another base with the same name and kind of weights (random) has its own features
    other = keras.Model(inputs, keras.layers.Conv2D(5, 3, name="conv")(inputs))
    twin = Base("tiny", other, lambda images: images / 255.0, "random", (16, 16))
    twin_parts = feature_cache.pets_feature_parts(twin, data, "train")
    assert twin_parts["weights_sha"] != parts["weights_sha"]
    assert feature_cache.cache_key(twin_parts) != feature_cache.cache_key(parts)
    other.set_weights(model.get_weights())
    assert feature_cache.pets_feature_parts(twin, data, "train") == parts
