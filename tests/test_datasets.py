"""Tests for cnn_course_kit.datasets: the real download path against a local HTTP server, the offline
stand-in, the digits/MNIST helpers and the tf.data pipelines.

The "real" archive is built here from a tiny stand-in (a few JPEGs per class, in the filtered
archive's layout) and served by ``http.server`` on 127.0.0.1; the registry entry pointing at
it carries the fixture's counts. Nothing here touches the internet.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import socket
import urllib.request
import zipfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cnn_course_kit import datasets
from cnn_course_kit.datasets import DatasetError

TRAIN, VAL = 4, 4  # images per class in the fixture archive
FIXTURE_COUNTS = {
    "train/cats": TRAIN,
    "train/dogs": TRAIN,
    "validation/cats": VAL,
    "validation/dogs": VAL,
}


# ------------------------------------------------------------------------------------------
# Fixtures: a local HTTP server, fixture archives, an online/offline private cache
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def fixture_tree(tmp_path_factory) -> Path:
    """A tiny stand-in in the filtered layout, used as the content of the 'real' archive."""
    root = tmp_path_factory.mktemp("fixture-src")
    return datasets.make_standin_pets(root, {"train": TRAIN, "validation": VAL}, size=32)


@pytest.fixture(scope="session")
def fixture_zip(fixture_tree) -> bytes:
    """The fixture tree as a zip archive shaped like cats_and_dogs_filtered.zip."""
    return _zip(fixture_tree)


def _zip(
    tree: Path, top: str = "cats_and_dogs_filtered", extra: dict[str, bytes] | None = None
) -> bytes:
    """Zip ``tree`` under ``top/`` plus ``extra`` files (paths relative to ``top``)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(tree.rglob("*")):
            if path.is_file():
                archive.write(path, f"{top}/{path.relative_to(tree).as_posix()}")
        for name, data in (extra or {}).items():
            archive.writestr(f"{top}/{name}", data)
    return buffer.getvalue()


@pytest.fixture
def cache(monkeypatch, tmp_path) -> Path:
    """A private, empty COURSE_DATA_DIR for this test (still offline)."""
    path = tmp_path / "cache"
    monkeypatch.setenv("COURSE_DATA_DIR", str(path))
    return path


@pytest.fixture
def online(monkeypatch, cache) -> Path:
    """Downloads allowed (they only ever go to 127.0.0.1 here); returns the cache folder."""
    monkeypatch.setenv("COURSE_OFFLINE", "0")
    return cache


def _register(monkeypatch, url: str, **changes) -> datasets.Source:
    """Add a 'fixture' registry entry: the filtered layout at ``url`` with the fixture counts."""
    changes.setdefault("counts", FIXTURE_COUNTS)
    source = replace(datasets.SOURCES["filtered"], url=url, **changes)
    monkeypatch.setitem(datasets.SOURCES, "fixture", source)
    return source


def _leftovers(cache: Path) -> list[Path]:
    """Half-written files or folders anywhere in the cache."""
    return [p for p in cache.rglob("*") if ".part" in p.name] if cache.exists() else []


def _assert_actionable(err: DatasetError, *needles: str) -> None:
    """The message names the problem and says what to do."""
    text = str(err)
    assert "\n" not in text, "the message should be one paragraph"
    for needle in ("make data", "COURSE_OFFLINE=1", *needles):
        assert needle in text, f"{needle!r} not in: {text}"


def _free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _tiff_bytes() -> bytes:
    """A valid TIFF: PIL opens it, TensorFlow's decoder refuses it."""
    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (200, 100, 50)).save(buffer, "TIFF")
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------
# The real download path against the local server
# ------------------------------------------------------------------------------------------


def test_download_loads_and_then_uses_the_cache(server, online, fixture_zip, monkeypatch):
    server.files["/cats.zip"] = fixture_zip
    _register(monkeypatch, server.url("/cats.zip"))

    data = datasets.cats_vs_dogs((32, 32), 4, source="fixture", standin="never")
    assert not data.is_standin and data.class_names == ["cats", "dogs"]
    assert data.counts["train"] == {"cats": TRAIN, "dogs": TRAIN}
    for cls in ("cats", "dogs"):
        assert data.counts["validation"][cls] + data.counts["test"][cls] == VAL
        assert data.counts["test"][cls] >= 1
    images, labels = next(iter(data.train))
    assert images.shape == (4, 32, 32, 3) and images.dtype.name == "float32"
    assert server.requests == ["/cats.zip"]
    record = online / "downloads" / "cats_and_dogs_filtered.zip.json"
    assert datasets.files._read_json(record)["sha256"] == hashlib.sha256(fixture_zip).hexdigest()

    datasets.cats_vs_dogs((32, 32), 4, source="fixture", standin="never")
    assert server.requests == ["/cats.zip"], "the second call must come from the cache"
    assert _leftovers(online) == []


def test_cached_zip_is_verified_against_the_recorded_sha256(
    server, online, fixture_zip, monkeypatch
):
    server.files["/cats.zip"] = fixture_zip
    _register(monkeypatch, server.url("/cats.zip"))
    datasets.prepare("fixture")
    shutil.rmtree(online / "fixture")  # only the zip and its record remain

    monkeypatch.setenv("COURSE_OFFLINE", "1")
    assert datasets.prepare("fixture").is_dir()  # re-extracted offline from the cached zip
    assert server.requests == ["/cats.zip"]

    shutil.rmtree(online / "fixture")
    archive = online / "downloads" / "cats_and_dogs_filtered.zip"
    corrupted = bytearray(archive.read_bytes())
    corrupted[len(corrupted) // 2] ^= 0xFF  # same size, different content
    archive.write_bytes(bytes(corrupted))
    with pytest.raises(DatasetError) as info:
        datasets.prepare("fixture")
    _assert_actionable(info.value, "checksum mismatch", "recorded", str(archive))

    monkeypatch.setenv("COURSE_OFFLINE", "0")  # online: the bad copy is set aside and refetched
    assert datasets.prepare("fixture").is_dir()
    assert server.requests == ["/cats.zip", "/cats.zip"]
    assert archive.read_bytes() == fixture_zip
    assert archive.with_name(archive.name + ".rejected").exists()
    assert _leftovers(online) == []


def test_download_function_streams_and_reuses(server, online, fixture_zip, tmp_path):
    server.files["/a/file.zip"] = fixture_zip
    sha = hashlib.sha256(fixture_zip).hexdigest()
    path = datasets.download(
        server.url("/a/file.zip"), tmp_path / "dl", sha256=sha, expected_size=len(fixture_zip)
    )
    assert path == tmp_path / "dl" / "file.zip" and path.read_bytes() == fixture_zip
    datasets.download(server.url("/a/file.zip"), tmp_path / "dl", sha256=sha)
    assert server.requests == ["/a/file.zip"]


@pytest.mark.parametrize(
    "change, needle",
    [
        ({"sha256": "0" * 64}, "checksum mismatch"),
        ({"size": 12345}, "size mismatch"),
    ],
)
def test_checksum_and_size_mismatch(server, online, fixture_zip, monkeypatch, change, needle):
    server.files["/cats.zip"] = fixture_zip
    _register(monkeypatch, server.url("/cats.zip"), **change)
    with pytest.raises(DatasetError) as info:
        datasets.cats_vs_dogs((32, 32), 4, source="fixture", standin="never")
    _assert_actionable(info.value, needle, server.url("/cats.zip"))
    assert not (online / "downloads" / "cats_and_dogs_filtered.zip").exists()
    assert not (online / "fixture").exists()
    assert _leftovers(online) == []


def test_truncated_archive(server, online, fixture_zip, monkeypatch):
    server.files["/cats.zip"] = fixture_zip[: len(fixture_zip) // 2]
    _register(monkeypatch, server.url("/cats.zip"))
    with pytest.raises(DatasetError) as info:
        datasets.cats_vs_dogs((32, 32), 4, source="fixture", standin="never")
    _assert_actionable(info.value, "zip archive")
    assert list((online / "downloads").iterdir()) == []
    assert _leftovers(online) == []


def test_transfer_that_stops_early(server, online, fixture_zip, monkeypatch):
    server.files["/cats.zip"] = fixture_zip
    server.short.add("/cats.zip")
    _register(monkeypatch, server.url("/cats.zip"))
    with pytest.raises(DatasetError) as info:
        datasets.prepare("fixture")
    _assert_actionable(info.value, "stopped early")
    assert list((online / "downloads").iterdir()) == []


def test_http_error(server, online, monkeypatch):
    _register(monkeypatch, server.url("/missing.zip"))
    with pytest.raises(DatasetError) as info:
        datasets.prepare("fixture")
    _assert_actionable(info.value, "HTTP 404", server.url("/missing.zip"))


def test_server_down_raises_or_falls_back(online, monkeypatch, capsys):
    url = f"http://127.0.0.1:{_free_port()}/cats.zip"  # connection refused
    _register(monkeypatch, url)
    with pytest.raises(DatasetError) as info:
        datasets.cats_vs_dogs((32, 32), 4, source="fixture", standin="never")
    _assert_actionable(info.value, "Could not download", url)
    assert _leftovers(online) == []

    monkeypatch.setenv("COURSE_PROFILE", "full")
    monkeypatch.setitem(datasets.STANDIN_PER_CLASS, "full", 4)
    capsys.readouterr()
    data = datasets.cats_vs_dogs((32, 32), 4, source="fixture")  # standin="auto"
    out = capsys.readouterr().out
    assert data.is_standin and "NOT representative" in out and "Could not download" in out


def test_timeout(online, tmp_path):
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/slow.zip"
        with pytest.raises(DatasetError) as info:
            datasets.download(url, tmp_path / "dl", timeout=0.5)
    _assert_actionable(info.value, "Could not download")
    assert list((tmp_path / "dl").iterdir()) == []


def test_corrupt_images_inside_the_archive_are_skipped(
    server, online, fixture_tree, monkeypatch, capsys
):
    extra = {
        "train/cats/cat.broken.jpg": b"this is not a jpeg" * 20,
        "train/dogs/dog.tiff.jpg": _tiff_bytes(),  # PIL accepts it, TensorFlow does not
        "train/dogs/Thumbs.db": b"\0" * 64,
    }  # not an image: ignored, not counted
    server.files["/cats.zip"] = _zip(fixture_tree, extra=extra)
    counts = dict(FIXTURE_COUNTS, **{"train/cats": TRAIN + 1, "train/dogs": TRAIN + 1})
    _register(monkeypatch, server.url("/cats.zip"), counts=counts)

    data = datasets.cats_vs_dogs((32, 32), 4, source="fixture", standin="never")
    out = capsys.readouterr().out
    total = 2 * (TRAIN + VAL) + 2
    assert f"skipped 2 corrupt images of {total}" in out
    assert data.skipped == 2 and data.counts["train"] == {"cats": TRAIN, "dogs": TRAIN}
    quarantine = online / "fixture" / "quarantine"
    assert sorted(p.name for p in quarantine.rglob("*.jpg")) == ["cat.broken.jpg", "dog.tiff.jpg"]
    for _ in range(2):  # whole epochs run without a decode error
        assert sum(int(y.shape[0]) for _, y in data.train) == 2 * TRAIN


def test_petimages_style_archive(server, online, fixture_tree, monkeypatch):
    """No split folders, Cat/Dog class folders, stray non-images, approximate counts."""
    tree = fixture_tree.parent / "pets-tree"
    if not tree.exists():
        for cls, folder in (("cats", "Cat"), ("dogs", "Dog")):
            (tree / folder).mkdir(parents=True)
            for split in ("train", "validation"):
                for path in (fixture_tree / split / cls).glob("*.jpg"):
                    shutil.copy(path, tree / folder / path.name)
            (tree / folder / "Thumbs.db").write_bytes(b"\0" * 32)
    server.files["/pets.zip"] = _zip(
        tree, top="PetImages", extra={"Cat/666.jpg": b"\xff\xd8 broken"}
    )
    n = TRAIN + VAL
    _register(
        monkeypatch,
        server.url("/pets.zip"),
        filename="pets.zip",
        top="PetImages",
        class_dirs=("Cat", "Dog"),
        splits=(),
        exact_counts=False,
        counts={"Cat": n + 1, "Dog": n},
    )
    data = datasets.cats_vs_dogs((32, 32), 4, source="fixture", standin="never")
    assert data.skipped == 1
    for cls in ("cats", "dogs"):
        assert sum(data.counts[split][cls] for split in data.counts) == n
        assert data.counts["train"][cls] >= data.counts["validation"][cls] >= 1


@pytest.mark.parametrize("kind", ["top folder", "counts"])
def test_wrong_layout_or_counts(server, online, fixture_tree, monkeypatch, kind):
    if kind == "top folder":
        server.files["/cats.zip"] = _zip(fixture_tree, top="something_else")
        _register(monkeypatch, server.url("/cats.zip"))
        needle = "no top folder 'cats_and_dogs_filtered'"
    else:
        server.files["/cats.zip"] = _zip(fixture_tree)
        _register(
            monkeypatch,
            server.url("/cats.zip"),
            counts=dict(FIXTURE_COUNTS, **{"train/cats": TRAIN + 1}),
        )
        needle = f"train/cats/ has {TRAIN} images instead of {TRAIN + 1}"
    with pytest.raises(DatasetError) as info:
        datasets.prepare("fixture")
    _assert_actionable(info.value, needle, "set aside")
    downloads = online / "downloads"
    assert [p.name for p in downloads.iterdir()] == ["cats_and_dogs_filtered.zip.rejected"]
    assert not (online / "fixture").exists() and _leftovers(online) == []


# ------------------------------------------------------------------------------------------
# Offline behaviour
# ------------------------------------------------------------------------------------------


def test_offline_never_opens_a_socket(monkeypatch, cache, tmp_path, capsys):
    def no_network(*args, **kwargs):
        raise AssertionError("network access attempted while COURSE_OFFLINE=1")

    import keras

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    monkeypatch.setattr(keras.datasets.mnist, "load_data", no_network)
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    monkeypatch.setenv("COURSE_PROFILE", "full")
    monkeypatch.setitem(datasets.STANDIN_PER_CLASS, "full", 4)

    data = datasets.cats_vs_dogs((32, 32), 4)
    out = capsys.readouterr().out
    assert data.is_standin and "NOT representative" in out and "COURSE_OFFLINE=1" in out
    with pytest.raises(DatasetError) as info:
        datasets.cats_vs_dogs((32, 32), 4, standin="never")
    _assert_actionable(info.value, "not in the cache")
    with pytest.raises(DatasetError):
        datasets.download("filtered", tmp_path / "dl")
    with pytest.raises(DatasetError):
        datasets.fetch_all()
    (x, _), _ = datasets.load_mnist()
    assert x.shape[1:] == (8, 8, 1)
    assert _leftovers(cache) == []


def test_smoke_profile_uses_the_standin_with_a_banner(cache, capsys):
    data = datasets.cats_vs_dogs((48, 48), 8)
    out = capsys.readouterr().out
    assert data.is_standin and "SYNTHETIC OFFLINE STAND-IN" in out and "+===" in out
    n = datasets.STANDIN_PER_CLASS["smoke"]
    assert data.counts["train"] == {"cats": n, "dogs": n}
    assert data.counts["validation"]["cats"] + data.counts["test"]["cats"] == n // 2
    assert data.root == cache / f"standin-{n}-{datasets.STANDIN_SIZE}" / "cats_and_dogs_filtered"
    images, labels = next(iter(data.validation))
    assert images.shape == (8, 48, 48, 3) and labels.dtype.name == "int32"
    with pytest.raises(ValueError, match="standin must be"):
        datasets.cats_vs_dogs(standin="sometimes")


# ------------------------------------------------------------------------------------------
# The stand-in
# ------------------------------------------------------------------------------------------


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.jpg"))}


def test_standin_at_random_sizes_like_the_real_photos(tmp_path):
    a = datasets.make_standin_pets(tmp_path / "a", 6, size=(40, 90), seed=0)
    sizes = set()
    for path in sorted(a.rglob("*.jpg")):
        with Image.open(path) as image:
            assert 40 <= min(image.size) and max(image.size) <= 90, image.size
            sizes.add(image.size)
    assert len(sizes) > 6, "each image has its own width and height"
    stamp = (a / "train" / "cats" / "cat.0.jpg").stat().st_mtime_ns
    datasets.make_standin_pets(tmp_path / "a", 6, size=[40, 90], seed=0)
    assert (a / "train" / "cats" / "cat.0.jpg").stat().st_mtime_ns == stamp, "must be reused"
    for bad in ((90, 40), (4, 10), (1, 2, 3)):
        with pytest.raises(ValueError, match="size|pixels"):
            datasets.make_standin_pets(tmp_path / "b", 1, size=bad)


def test_standin_layout_determinism_and_reuse(tmp_path):
    a = datasets.make_standin_pets(tmp_path / "a", 3, size=48, seed=0)
    b = datasets.make_standin_pets(tmp_path / "b", 3, size=48, seed=0)
    c = datasets.make_standin_pets(tmp_path / "c", 3, size=48, seed=1)
    assert a == tmp_path / "a" / "cats_and_dogs_filtered"
    files = _files(a)
    assert files == _files(b), "same seed must give byte-identical JPEGs"
    assert files != _files(c)
    assert sorted(files) == sorted(
        [f"train/{c}s/{c}.{i}.jpg" for c in ("cat", "dog") for i in range(3)]
        + [f"validation/{c}s/{c}.{2000 + i}.jpg" for c in ("cat", "dog") for i in range(1)]
    )
    with Image.open(a / "train" / "cats" / "cat.0.jpg") as image:
        assert image.format == "JPEG" and image.size == (48, 48) and image.mode == "RGB"

    stamp = (a / "train" / "cats" / "cat.0.jpg").stat().st_mtime_ns
    datasets.make_standin_pets(tmp_path / "a", 3, size=48, seed=0)
    assert (a / "train" / "cats" / "cat.0.jpg").stat().st_mtime_ns == stamp, "must be reused"
    datasets.make_standin_pets(tmp_path / "a", {"train": 5, "validation": 2}, size=48)
    assert len(list((a / "train" / "dogs").glob("*.jpg"))) == 5
    assert _files(a)["train/cats/cat.0.jpg"] == files["train/cats/cat.0.jpg"]
    assert _leftovers(tmp_path) == []


@pytest.mark.slow
def test_standin_is_learnable_but_not_trivial(tmp_path):
    """A tiny CNN clearly beats chance; simple colour statistics do not."""
    import keras
    from sklearn.linear_model import LogisticRegression

    keras.utils.set_random_seed(0)
    root = datasets.make_standin_pets(tmp_path, {"train": 200, "validation": 50}, size=64)
    train = datasets.image_pipeline(
        datasets.from_folder(root / "train", ["cats", "dogs"]), (64, 64), 32, seed=0
    )
    val = datasets.image_pipeline(
        datasets.from_folder(root / "validation", ["cats", "dogs"]), (64, 64), 32, shuffle=False
    )
    model = keras.Sequential(
        [
            keras.Input((64, 64, 3)),
            keras.layers.Rescaling(1 / 255),
            keras.layers.Conv2D(16, 3, activation="relu"),
            keras.layers.MaxPooling2D(),
            keras.layers.Conv2D(32, 3, activation="relu"),
            keras.layers.MaxPooling2D(),
            keras.layers.Conv2D(32, 3, activation="relu"),
            keras.layers.MaxPooling2D(),
            keras.layers.Conv2D(64, 3, activation="relu"),
            keras.layers.GlobalMaxPooling2D(),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(3e-3), loss="binary_crossentropy", metrics=["accuracy"]
    )
    history = model.fit(train, validation_data=val, epochs=30, shuffle=False, verbose=0)
    accuracy = float(np.mean(history.history["val_accuracy"][-5:]))
    assert accuracy >= 0.75, f"validation accuracy {accuracy:.2f}"

    def colour_stats(split):
        x, y = [], []
        for label, cls in enumerate(("cats", "dogs")):
            for path in sorted((root / split / cls).glob("*.jpg")):
                pixels = np.asarray(Image.open(path), dtype=float) / 255
                x.append(np.concatenate([pixels.mean((0, 1)), pixels.std((0, 1))]))
                y.append(label)
        return np.array(x), np.array(y)

    baseline = LogisticRegression(max_iter=1000).fit(*colour_stats("train"))
    assert baseline.score(*colour_stats("validation")) < 0.7


# ------------------------------------------------------------------------------------------
# Scanning, pipelines
# ------------------------------------------------------------------------------------------


def test_scan_images_lists_or_quarantines(fixture_tree, tmp_path, capsys):
    folder = tmp_path / "pets"
    shutil.copytree(fixture_tree / "train", folder)
    (folder / "cats" / "bad.jpg").write_bytes(b"garbage" * 10)
    (folder / "dogs" / "tiff.jpg").write_bytes(_tiff_bytes())
    (folder / "dogs" / "notes.txt").write_text("not an image")
    assert datasets.check_image(folder / "dogs" / "tiff.jpg").startswith("TensorFlow")
    assert datasets.check_image(folder / "cats" / "cat.0.jpg") is None

    report = datasets.scan_images(folder)
    assert f"skipped 2 corrupt images of {2 * TRAIN + 2}" in capsys.readouterr().out
    assert (report.total, report.good, len(report.ignored)) == (2 * TRAIN + 2, 2 * TRAIN, 1)
    assert (folder / "cats" / "bad.jpg").exists(), "listing must not delete anything"

    report = datasets.scan_images(folder, quarantine=tmp_path / "q", verbose=False)
    assert not (folder / "cats" / "bad.jpg").exists()
    assert (tmp_path / "q" / "cats" / "bad.jpg").exists()
    assert datasets.scan_images(folder, verbose=False).corrupt == []


def test_image_pipeline_shapes_and_dtypes(fixture_tree):
    ds = datasets.from_folder(fixture_tree / "train", ["cats", "dogs"], seed=1)
    paths, labels = next(iter(ds.batch(100)))
    assert paths.dtype.name == "string" and sorted(labels.numpy().tolist()) == [0] * 4 + [1] * 4

    for augment in (False, True):
        batches = list(datasets.image_pipeline(ds, (40, 48), 3, augment=augment, seed=0))
        assert [int(x.shape[0]) for x, _ in batches] == [3, 3, 2]
        images, labels = batches[0]
        assert images.shape[1:] == (40, 48, 3)
        assert images.dtype.name == "float32" and labels.dtype.name == "int32"
        assert float(np.min(images)) >= 0.0 and float(np.max(images)) <= 255.0
        assert float(np.max(images)) > 1.0, "images are in [0, 255], not [0, 1]"

    ordered = datasets.image_pipeline(ds, (16, 16), 8, shuffle=False, cache=False)
    first = next(iter(ordered))[0].numpy()
    assert np.array_equal(first, next(iter(ordered))[0].numpy())
    with pytest.raises(ValueError, match="image_size"):
        datasets.image_pipeline(ds, 32, 4)


def test_from_folder_reports_missing_classes(tmp_path):
    with pytest.raises(DatasetError, match="No images found"):
        datasets.from_folder(tmp_path, ["cats", "dogs"])


# ------------------------------------------------------------------------------------------
# Digits and MNIST
# ------------------------------------------------------------------------------------------


def test_digits_and_split_by_class():
    x, y = datasets.load_digits()
    assert x.shape == (1797, 8, 8, 1) and x.dtype == np.float32
    assert 0.0 <= x.min() and x.max() <= 1.0 and set(y.tolist()) == set(range(10))

    (xs, ys), (xt, yt) = datasets.split_by_class(x, y)
    assert len(xs) + len(xt) == len(x) and len(xs) == len(ys)
    assert set(ys.tolist()) == set(range(5)) and set(yt.tolist()) == set(range(5))
    assert np.array_equal(xt[yt == 0], x[y == 5])
    _, (_, raw) = datasets.split_by_class(x, y, relabel=False)
    assert set(raw.tolist()) == {5, 6, 7, 8, 9}
    with pytest.raises(ValueError, match="overlap"):
        datasets.split_by_class(x, y, source=(0, 1), target=(1, 2))


def test_mnist_falls_back_to_digits_offline(capsys):
    (x_train, y_train), (x_test, y_test) = datasets.load_mnist()
    assert "8x8 digits" in capsys.readouterr().out
    assert x_train.shape[1:] == (8, 8, 1) and len(x_train) + len(x_test) == 1797
    assert set(y_test.tolist()) == set(range(10))


def test_mnist_full_profile_online(monkeypatch, capsys):
    import keras

    monkeypatch.setenv("COURSE_PROFILE", "full")
    monkeypatch.setenv("COURSE_OFFLINE", "0")
    fake = np.full((3, 28, 28), 255, np.uint8), np.arange(3, dtype=np.uint8)
    monkeypatch.setattr(keras.datasets.mnist, "load_data", lambda: (fake, fake))
    (x, y), _ = datasets.load_mnist()
    assert x.shape == (3, 28, 28, 1) and x.dtype == np.float32 and x.max() == 1.0

    def fails():
        raise Exception("URL fetch failure on https://storage.googleapis.com/...")

    monkeypatch.setattr(keras.datasets.mnist, "load_data", fails)
    (x, _), _ = datasets.load_mnist()
    out = capsys.readouterr().out
    assert x.shape[1:] == (8, 8, 1) and "download failed" in out and len(out.splitlines()) == 1


def test_sample_photo_is_a_real_offline_photograph():
    from cnn_course_kit.datasets import sample_photo

    gray = sample_photo()
    assert gray.shape == (600, 512) and gray.dtype == np.float64
    assert gray.min() >= 0 and gray.max() <= 255 and gray.std() > 30  # not a blank image
    small = sample_photo(width=128, gray=False)
    assert small.shape == (150, 128, 3)
    with pytest.raises(ValueError, match="available: grace_hopper"):
        sample_photo("lena")
    with pytest.raises(ValueError, match="positive"):
        sample_photo(width=0)


def test_in_order_and_arrays_give_every_split_in_file_order(monkeypatch, cache):
    """The rows of two passes line up: notebook 09 fuses features computed in separate passes."""
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    monkeypatch.setitem(datasets.STANDIN_PER_CLASS, "full", 4)
    monkeypatch.setitem(datasets.STANDIN_PER_CLASS, "smoke", 4)
    data = datasets.cats_vs_dogs((24, 24), 3, verbose=False)
    assert data.image_size == (24, 24)
    for split in ("train", "validation", "test"):
        paths, labels = data.files[split]
        images, got = data.arrays(split)
        assert got.tolist() == list(labels) and images.shape == (len(paths), 24, 24, 3)
        again, _ = data.arrays(split)
        assert np.array_equal(images, again), "two passes must give the same rows"
    first = [labels.numpy().tolist() for _, labels in data.train]
    assert sorted(sum(first, [])) == sorted(data.files["train"][1].tolist())  # train still shuffles
    with pytest.raises(ValueError, match="unknown split"):
        data.in_order("holdout")


def test_decode_resize_shrinks_large_jpegs_in_the_decoder(tmp_path):
    """A JPEG much larger than the output is decoded at 1/2, 1/4 or 1/8 (decode_jpeg's
    ratio): nearly the same picture as decoding every pixel, several times faster."""
    import tensorflow as tf

    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[0:360, 0:400]
    smooth = np.stack([xx * 0.5, yy * 0.6, (xx + yy) * 0.3], axis=-1) % 256
    picture = (smooth + rng.normal(0, 4, smooth.shape)).clip(0, 255).astype(np.uint8)
    for name, fmt in (("big.jpg", "JPEG"), ("big.png", "PNG")):
        Image.fromarray(picture).save(tmp_path / name, fmt)

    def full(path, size):
        image = tf.io.decode_image(tf.io.read_file(path), channels=3, expand_animations=False)
        return tf.saturate_cast(tf.round(tf.image.resize(image, size)), tf.uint8).numpy()

    jpeg = str(tmp_path / "big.jpg")
    for size in ((80, 90), (40, 40), (200, 150)):  # 1/4, 1/8, 1/1 (less than 2x larger)
        fast = datasets.decode_resize(jpeg, size).numpy()
        assert fast.shape == (*size, 3) and fast.dtype == np.uint8
        difference = np.abs(fast.astype(int) - full(jpeg, size)).mean()
        assert difference < 4, (size, difference)
    assert np.array_equal(datasets.decode_resize(jpeg, (200, 150)).numpy(), full(jpeg, (200, 150)))
    png = str(tmp_path / "big.png")
    assert np.array_equal(datasets.decode_resize(png, (80, 90)).numpy(), full(png, (80, 90)))
