"""cnn_course_kit.workspace: the student's copy of course/ is created, refreshed, never overwritten."""

from __future__ import annotations

import json

import pytest

from cnn_course_kit import workspace


@pytest.fixture
def kit(tmp_path):
    course = tmp_path / "course"
    (course / "01-a").mkdir(parents=True)
    (course / "01-a" / "01-a.ipynb").write_text('{"v": 1}')
    (course / "01-a" / ".ipynb_checkpoints").mkdir()
    (course / "01-a" / ".ipynb_checkpoints" / "x.ipynb").write_text("{}")
    return course, tmp_path / "workspace"


def test_first_sync_copies_everything_but_checkpoints(kit):
    course, ws = kit
    report = workspace.sync(course, ws)
    assert report.copied == ["01-a/01-a.ipynb"]
    assert (ws / "01-a" / "01-a.ipynb").read_text() == '{"v": 1}'
    assert not (ws / "01-a" / ".ipynb_checkpoints").exists()
    assert "01-a/01-a.ipynb" in json.loads((ws / workspace.MANIFEST).read_text())


def test_plain_sync_adds_new_notebooks_but_never_replaces(kit):
    course, ws = kit
    workspace.sync(course, ws)
    (course / "01-a" / "01-a.ipynb").write_text('{"v": 2}')
    (course / "02-b").mkdir()
    (course / "02-b" / "02-b.ipynb").write_text('{"b": 1}')
    report = workspace.sync(course, ws)
    assert report.copied == ["02-b/02-b.ipynb"]
    assert (ws / "01-a" / "01-a.ipynb").read_text() == '{"v": 1}'


def test_update_replaces_untouched_and_keeps_edited(kit):
    course, ws = kit
    (course / "02-b").mkdir()
    (course / "02-b" / "02-b.ipynb").write_text('{"b": 1}')
    workspace.sync(course, ws)
    (ws / "02-b" / "02-b.ipynb").write_text('{"b": "my answer"}')  # the student's work
    (course / "01-a" / "01-a.ipynb").write_text('{"v": 2}')
    (course / "02-b" / "02-b.ipynb").write_text('{"b": 2}')
    report = workspace.sync(course, ws, update=True)
    assert report.updated == ["01-a/01-a.ipynb"]
    assert report.kept_edited == ["02-b/02-b.ipynb"]
    assert (ws / "01-a" / "01-a.ipynb").read_text() == '{"v": 2}'
    assert (ws / "02-b" / "02-b.ipynb").read_text() == '{"b": "my answer"}'
    assert (ws / "02-b" / "02-b.kit-new.ipynb").read_text() == '{"b": 2}'
    assert "kept your edited 02-b/02-b.ipynb" in str(report)
    # A second update changes nothing and never touches the edited file.
    again = workspace.sync(course, ws, update=True)
    assert not again.updated and (ws / "02-b" / "02-b.ipynb").read_text() == '{"b": "my answer"}'


def test_damaged_manifest_treats_files_as_edited(kit, capsys):
    course, ws = kit
    workspace.sync(course, ws)
    (ws / workspace.MANIFEST).write_text("{not json")
    (course / "01-a" / "01-a.ipynb").write_text('{"v": 2}')
    report = workspace.sync(course, ws, update=True)
    assert report.kept_edited == ["01-a/01-a.ipynb"]
    assert (ws / "01-a" / "01-a.ipynb").read_text() == '{"v": 1}'
    assert "unreadable" in capsys.readouterr().err


def test_missing_course_folder_is_explained(tmp_path):
    with pytest.raises(FileNotFoundError, match="repository root"):
        workspace.sync(tmp_path / "nope", tmp_path / "ws")


def test_cli(kit, capsys):
    course, ws = kit
    assert workspace.main(["--course", str(course), "--workspace", str(ws)]) == 0
    assert "1 new" in capsys.readouterr().out
