"""cnn_course_kit.config: profile, offline switch, cache folder, seeds and the banner."""

from __future__ import annotations

import os
import random
from pathlib import Path

import numpy as np
import pytest

from cnn_course_kit import config


def test_defaults(monkeypatch):
    for var in ("COURSE_PROFILE", "COURSE_OFFLINE", "COURSE_DATA_DIR", "COURSE_SEED"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "/tmp/xdg")
    cfg = config.settings()
    assert cfg.profile == "full" and not cfg.smoke and not cfg.offline
    assert cfg.data_dir == Path("/tmp/xdg/cnn-course-kit")
    assert cfg.seed == config.DEFAULT_SEED
    assert cfg.pick(20, 1) == 20


def test_environment_overrides(monkeypatch, tmp_path):
    monkeypatch.setenv("COURSE_PROFILE", " Smoke ")
    monkeypatch.setenv("COURSE_OFFLINE", "yes")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COURSE_SEED", "7")
    cfg = config.settings()
    assert (cfg.profile, cfg.offline, cfg.data_dir, cfg.seed) == ("smoke", True, tmp_path, 7)
    assert cfg.pick(20, 1) == 1


@pytest.mark.parametrize(
    "var,value,needle",
    [("COURSE_PROFILE", "fast", "COURSE_PROFILE"), ("COURSE_SEED", "abc", "COURSE_SEED")],
)
def test_bad_values_explain_themselves(monkeypatch, var, value, needle):
    monkeypatch.setenv(var, value)
    with pytest.raises(ValueError, match=needle) as err:
        config.settings()
    assert value in str(err.value)


def test_seed_everything_repeats_numpy_and_python():
    config.seed_everything(3, tensorflow=False)
    first = (random.random(), np.random.rand())
    config.seed_everything(3, tensorflow=False)
    assert (random.random(), np.random.rand()) == first


def test_seed_everything_seeds_keras():
    import keras

    config.seed_everything(5, tensorflow=True)
    a = keras.random.uniform((3,), seed=None)
    config.seed_everything(5, tensorflow=True)
    b = keras.random.uniform((3,), seed=None)
    np.testing.assert_allclose(np.asarray(a), np.asarray(b))


def test_setup_prints_one_line_banner(capsys, monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "smoke")
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    cfg = config.setup(seed=11, use_tensorflow=False)
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    assert "profile=smoke" in out[0] and "offline" in out[0] and "seed=11" in out[0]
    assert cfg.seed == 11


def test_setup_with_tensorflow_reports_devices(capsys):
    config.setup(use_tensorflow=True)
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert "CPU" in line, line


def test_setup_hides_tensorflow_cpp_warnings_unless_told_otherwise(monkeypatch, capsys):
    from cnn_course_kit import config

    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    config.setup(use_tensorflow=False)
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "2"
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "0")
    config.setup(use_tensorflow=False)
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "0"


def test_a_read_only_cache_is_used_for_reading_and_a_private_one_for_writing(tmp_path, monkeypatch):
    """A lab room's shared cache, or the grader's sandbox, mounts the data read-only: what
    is there is used, and anything new is written to a private cache under the temporary
    folder instead of failing."""
    from cnn_course_kit import feature_cache
    from cnn_course_kit.datasets import make_standin_pets

    shared = tmp_path / "shared"
    ready = make_standin_pets(shared / "standin-4-32", 4, size=32)
    real_access = os.access
    monkeypatch.setattr(
        config.os,
        "access",
        lambda p, mode: False if str(p).startswith(str(shared)) else real_access(p, mode),
    )
    monkeypatch.setattr(config.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    assert make_standin_pets(shared / "standin-4-32", 4, size=32) == ready  # read in place
    drawn = make_standin_pets(shared / "standin-6-32", 6, size=32)
    assert drawn.is_relative_to(tmp_path / "tmp") and not list(
        (shared / "standin-6-32").rglob("*.jpg")
    )
    assert len(list(drawn.rglob("*.jpg"))) == 6 * 2 + 3 * 2
    assert make_standin_pets(shared / "standin-6-32", 6, size=32) == drawn  # found again
    features, _ = feature_cache.cached(
        "demo",
        {"a": 1},
        lambda: (np.ones((2, 3)), np.zeros(2)),
        cache_dir=shared / "features",
        verbose=False,
    )
    assert features.shape == (2, 3) and not list((shared / "features").glob("*.npz"))
    assert list((tmp_path / "tmp").rglob("features/demo-*.npz"))
