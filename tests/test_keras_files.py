"""cnn_course_kit.keras_files: Keras' ImageNet file names, and make data's prefetch against a local server."""

from __future__ import annotations

import hashlib
import json

import pytest

from cnn_course_kit import keras_files
from cnn_course_kit.keras_files import KerasFile


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    """An empty private Keras cache, online (downloads go to the test's local server only)."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setattr(keras_files, "models_dirs", lambda: [tmp_path / "keras" / "models"])
    monkeypatch.setenv("COURSE_OFFLINE", "0")
    return tmp_path / "keras" / "models"


def test_file_names_and_addresses_are_keras_own():
    notop = keras_files.weights_file("vgg16", (150, 150))
    assert notop.name == "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5"
    assert notop.url.endswith("/keras-applications/vgg16/" + notop.name)
    assert notop.md5 == "6d6bbae143d832006294945121d1f1fc"
    assert (
        keras_files.weights_file("vgg16", (224, 224), top=True).name
        == "vgg16_weights_tf_dim_ordering_tf_kernels.h5"
    )
    assert keras_files.weights_file("mobilenet_v2", (160, 160)).name.endswith("_1.0_160_no_top.h5")
    assert keras_files.weights_file("mobilenet_v2", (150, 150)).name.endswith("_1.0_224_no_top.h5")
    assert (
        keras_files.weights_file("mobilenet_v2", (160, 160), top=True).name
        == "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_160.h5"
    )
    assert keras_files.weights_file("mobilenet_v2", (96, 96)).md5 is None  # Keras publishes none
    with pytest.raises(ValueError, match="unknown network"):
        keras_files.weights_file("resnet9", (160, 160))


def test_keras_builds_the_same_file_names():
    """The names must be the ones keras.applications itself caches, or prefetching is useless."""
    import inspect

    from keras.src.applications import mobilenet_v2, vgg16

    assert keras_files.weights_file("vgg16", (224, 224)).url == vgg16.WEIGHTS_PATH_NO_TOP
    assert keras_files.weights_file("vgg16", (224, 224), top=True).url == vgg16.WEIGHTS_PATH
    assert '"6d6bbae143d832006294945121d1f1fc"' in inspect.getsource(vgg16)
    assert keras_files.weights_file("mobilenet_v2", (160, 160)).url.startswith(
        mobilenet_v2.BASE_WEIGHT_PATH
    )
    assert "_no_top.h5" in inspect.getsource(mobilenet_v2)


def test_prefetch_downloads_records_and_then_checks(keras_home, server, capsys):
    file = KerasFile("tiny_no_top.h5", "http://unused.invalid/tiny_no_top.h5")
    body = b"pretend weights" * 100
    server.files["/mirror/tiny_no_top.h5"] = body
    assert keras_files.prefetch([file], mirror=server.url("/mirror")) == 0
    assert (keras_home / file.name).read_bytes() == body
    record = json.loads((keras_home / keras_files.MANIFEST).read_text())
    assert record == {file.name: hashlib.sha256(body).hexdigest()}
    assert "recorded now" in capsys.readouterr().out
    assert keras_files.prefetch([file], mirror=server.url("/mirror")) == 0  # cached: no request
    assert server.requests == ["/mirror/tiny_no_top.h5"]
    assert "as recorded" in capsys.readouterr().out
    (keras_home / file.name).write_bytes(body[:-10])  # truncated
    assert keras_files.prefetch([file]) == 1
    out = capsys.readouterr().out
    assert "ERROR" in out and "differs from the one recorded" in out and "make data" in out


def test_a_file_failing_keras_md5_is_reported_not_kept(keras_home, server, capsys):
    file = KerasFile("checked.h5", "http://unused.invalid/checked.h5", md5="0" * 32)
    server.files["/m/checked.h5"] = b"not the real weights"
    assert keras_files.prefetch([file], mirror=server.url("/m")) == 1
    out = capsys.readouterr().out
    assert "checked.h5: ERROR, could not be downloaded" in out and "offline weights" in out
    assert keras_files.cached(file) is None


def test_a_missing_file_on_the_server_is_reported(keras_home, server, capsys):
    assert keras_files.prefetch([KerasFile("gone.h5", "")], mirror=server.url("/m")) == 1
    assert "gone.h5: ERROR" in capsys.readouterr().out


def test_offline_prefetch_never_downloads(keras_home, server, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    server.files["/m/x.h5"] = b"x"
    assert keras_files.prefetch([KerasFile("x.h5", "")], mirror=server.url("/m")) == 1
    assert server.requests == []
    assert "COURSE_OFFLINE=1 forbids" in capsys.readouterr().out


def test_make_data_asks_for_what_notebook_08_reads():
    names = {f.name for f in keras_files.NOTEBOOK_FILES}
    assert names == {
        "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_160_no_top.h5",
        "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_160.h5",
        "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
        "imagenet_class_index.json",
    }


def test_a_cached_file_failing_keras_md5_is_an_error(keras_home, capsys):
    keras_home.mkdir(parents=True)
    (keras_home / "bad.h5").write_bytes(b"damaged")
    assert (
        keras_files.prefetch([KerasFile("bad.h5", "", md5=hashlib.md5(b"good").hexdigest())]) == 1
    )
    assert "does not match Keras' own MD5" in capsys.readouterr().out
    assert not (keras_home / keras_files.MANIFEST).exists()  # a damaged file is never recorded
