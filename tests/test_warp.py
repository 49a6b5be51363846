"""The fused augmentation warp (utils/datasets/warp.py) means what the seeds' legacy
ImageDataGenerator means: the same parameters move every pixel to the same place."""

from __future__ import annotations

import numpy as np
import pytest

from cnn_course_kit import datasets
from cnn_course_kit.datasets import warp


@pytest.fixture(scope="module")
def legacy():
    from keras.src.legacy.preprocessing.image import ImageDataGenerator

    return ImageDataGenerator()


def _params(rng, h, w):
    return {
        "theta": rng.uniform(-40, 40),
        "tx": rng.uniform(-0.2, 0.2) * h,
        "ty": rng.uniform(-0.2, 0.2) * w,
        "shear": rng.uniform(-20, 20),
        "zx": rng.uniform(0.8, 1.2),
        "zy": rng.uniform(0.8, 1.2),
        "flip_horizontal": bool(rng.random() < 0.5),
    }


def _centroid(image):
    a = image[..., 0]
    rows, cols = np.indices(a.shape)
    return np.array([(rows * a).sum(), (cols * a).sum()]) / a.sum()


@pytest.mark.parametrize("shape", [(150, 150), (120, 160)])
def test_a_known_point_goes_where_the_legacy_generator_puts_it(legacy, shape):
    h, w = shape
    rng = np.random.default_rng(h + w)
    for _ in range(8):
        params = _params(rng, h, w)
        image = np.zeros((h, w, 1), np.float32)
        r, c = h // 2 + 17, w // 2 - 11
        image[r - 2 : r + 3, c - 2 : c + 3] = 1.0
        theirs = legacy.apply_transform(image, params)
        ours = warp.warp(image[None], warp.legacy_matrix(h, w, **params)[None], "constant")
        ours = ours.numpy()[0]
        assert np.allclose(_centroid(ours), _centroid(theirs), atol=0.05), params
        assert np.abs(ours - theirs).max() < 1e-3, params


def test_each_transform_alone_moves_a_point_as_expected():
    h = w = 101  # centre at (50, 50)
    point = np.array([50.0, 80.0, 1.0])  # (column x, row y): 30 rows below the centre

    def where(**params):
        m = warp.legacy_matrix(h, w, **params)
        a = np.array([[m[0], m[1], m[2]], [m[3], m[4], m[5]], [0, 0, 1]])
        return np.linalg.solve(a, point)[:2]  # the output pixel that samples the point

    assert np.allclose(where(), [50, 80])
    assert np.allclose(where(flip_horizontal=True), [50, 80])  # on the vertical axis
    assert np.allclose(where(theta=90)[1], 50, atol=1e-6)  # a quarter turn: onto the centre row
    assert np.allclose(where(zx=0.5, zy=0.5), [50, 110])  # zoom 0.5 magnifies 2x
    # The legacy generator's quirk, kept: ty (drawn from width_shift_range, in columns)
    # moves the picture along the rows and tx (height_shift_range) along the columns. With
    # equal ranges, as in the seeds, the two mean the same.
    assert np.allclose(where(ty=10), [50, 70]) and np.allclose(where(tx=10), [40, 80])


def test_no_augmentation_is_the_identity():
    images = np.random.default_rng(0).uniform(0, 255, (2, 20, 30, 3)).astype("float32")
    out = warp.augment_batch(images, warp.Augmentation(), [1, 2]).numpy()
    assert np.allclose(out, images, atol=1e-3)


def test_random_transforms_are_reproducible_and_in_range():
    aug = datasets.SEEDS_AUGMENTATION
    a = warp.random_transforms(aug, 64, 150, 150, [3, 4]).numpy()
    assert np.array_equal(a, warp.random_transforms(aug, 64, 150, 150, [3, 4]).numpy())
    assert not np.allclose(a, warp.random_transforms(aug, 64, 150, 150, [3, 5]).numpy())
    # the linear part's determinant is (+-) zx * zy * cos(shear): zoom within [0.8, 1.2]
    det = np.abs(a[:, 0] * a[:, 4] - a[:, 1] * a[:, 3])
    assert det.min() >= 0.8**2 * np.cos(np.deg2rad(0.2)) - 1e-4 and det.max() <= 1.2**2 + 1e-4
    assert (a[:, 0] < 0).any() and (a[:, 0] > 0).any(), "about half the images are mirrored"


def test_bad_augmentations_are_refused():
    with pytest.raises(ValueError, match="fill_mode"):
        warp.Augmentation(fill_mode="mirror")
    with pytest.raises(ValueError, match="rotation_range"):
        warp.Augmentation(rotation_range=-1)
    with pytest.raises(ValueError, match="zoom_range"):
        warp.Augmentation(zoom_range=1.5)
    assert warp.Augmentation(zoom_range=(0.9, 1.3)).zoom == (0.9, 1.3)


def test_the_pipeline_applies_the_seeds_set(tmp_path):
    tree = datasets.make_standin_pets(tmp_path, {"train": 4, "validation": 1}, size=32)
    ds = datasets.from_folder(tree / "train", ["cats", "dogs"], seed=1)
    pipe = datasets.image_pipeline(ds, (40, 40), 4, augment=datasets.SEEDS_AUGMENTATION, seed=0)
    first = np.concatenate([x.numpy() for x, _ in pipe])
    second = np.concatenate([x.numpy() for x, _ in pipe])
    assert first.shape == (8, 40, 40, 3) and first.dtype == np.float32
    assert 0 <= first.min() and first.max() <= 255
    assert not np.allclose(first, second), "every epoch draws new transforms"
    again = datasets.image_pipeline(ds, (40, 40), 4, augment=datasets.SEEDS_AUGMENTATION, seed=0)
    assert np.allclose(np.concatenate([x.numpy() for x, _ in again]), first)
    with pytest.raises(TypeError, match="Augmentation"):
        datasets.image_pipeline(ds, (40, 40), 4, augment="yes")


def test_cats_vs_dogs_takes_an_augmentation_for_training_only(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    monkeypatch.setitem(datasets.STANDIN_PER_CLASS, "full", 4)
    monkeypatch.setitem(datasets.STANDIN_PER_CLASS, "smoke", 4)
    data = datasets.cats_vs_dogs((24, 24), 8, augment=datasets.SEEDS_AUGMENTATION, verbose=False)
    plain = datasets.cats_vs_dogs((24, 24), 8, verbose=False)

    def images(ds):
        return np.sort(np.concatenate([x.numpy() for x, _ in ds]).reshape(-1))

    assert not np.allclose(images(data.train), images(plain.train)), "training images are warped"
    assert np.allclose(images(data.validation), images(plain.validation)), "validation is not"
