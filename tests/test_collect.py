"""Collecting an LMS download: every student found once, the right file, nothing else touched.

Quick: these build zips and folders the way Moodle, Canvas, Blackboard and careless or
hostile classes make them, run ``python -m autograde collect`` (what ``make collect`` runs)
and check the ids, the file taken, the report line of every input file, and that nothing
outside ``autograde/`` changed. tests/test_collect_cycle.py grades such a download.
"""

from __future__ import annotations

import hashlib
import json
import os
import unicodedata
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograde import collect
from autograde.__main__ import main

A = "01-visual-cortex"
NB = f"{A}.ipynb"
WHEN = (2026, 11, 30, 12, 0, 0)


def _nb(marker: str = "") -> str:
    """A notebook whose one cell says whose copy it is (to check which file was taken)."""
    return nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(marker)]))


def _zip(path: Path, entries) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data, *when in entries:
            info = zipfile.ZipInfo(name, date_time=when[0] if when else WHEN)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return path


def _tree(folder: Path, skip: str | None = None) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink() and (skip is None or skip not in p.parts)
    }


@pytest.fixture
def course(tmp_path):
    """A course folder with two assignments' solutions (collect only needs their names)."""
    root = tmp_path / "repo"
    for name in (A, "02-convolution"):
        (root / "solutions" / name).mkdir(parents=True)
        (root / "solutions" / name / f"{name}.ipynb").write_text(_nb("solution"))
    (root / "autograde").mkdir()
    return root


def _collect(course: Path, source: Path, *args: str, capsys=None) -> tuple[int, str]:
    before_outside, before_source = _tree(course, skip="autograde"), _tree(source.parent)
    code = main(["--root", str(course), "collect", A, "--from", str(source), *args])
    assert _tree(course, skip="autograde") == before_outside, "collect changed the course"
    assert _tree(source.parent, skip="repo") == {
        k: v for k, v in before_source.items() if not k.startswith("repo")
    }, "collect changed the download"
    out = capsys.readouterr() if capsys else None
    return code, (out.out + out.err) if out else ""


def _taken(course: Path, student: str) -> str:
    """The marker of the notebook filed for ``student``."""
    nb = nbformat.read(course / "autograde" / "submitted" / student / A / NB, as_version=4)
    return nb.cells[0].source if nb.cells else ""


def _students(course: Path) -> list[str]:
    return sorted(
        p.name for p in (course / "autograde" / "submitted").iterdir() if p.name[0] != "."
    )


def _line(out: str, name: str) -> str:
    return next(line for line in out.splitlines() if line.startswith(f"  {name}"))


# --- students merged or mis-identified ------------------------------------------------------


def test_flat_names_keep_everything_before_the_notebook(course, tmp_path, capsys):
    zip_ = _zip(
        tmp_path / "d.zip", [(f"mary_jane_{NB}", _nb("jane")), (f"mary_ann_{NB}", _nb("ann"))]
    )
    code, out = _collect(course, zip_, capsys=capsys)
    assert code == 0 and _students(course) == ["mary_ann", "mary_jane"]
    assert _taken(course, "mary_jane") == "jane" and _taken(course, "mary_ann") == "ann"
    assert f"mary_jane_{NB} -> mary_jane: taken" in out
    assert "collected 2 student(s) from d.zip" in out


def test_moodle_students_are_told_apart_by_participant_number(course, tmp_path, capsys):
    zip_ = _zip(
        tmp_path / "moodle.zip",
        [
            (f"Gina Smith_1234567_assignsubmission_file_{NB}", _nb("gina 1")),
            (f"Gina Smith_7654321_assignsubmission_file_{NB}", _nb("gina 2")),
            ("Gina Smith_7654321_assignsubmission_onlinetext_onlinetext.html", "<p>hi</p>"),
        ],
    )
    code, out = _collect(course, zip_, capsys=capsys)
    assert _students(course) == ["Gina_Smith_1234567", "Gina_Smith_7654321"]
    assert _taken(course, "Gina_Smith_1234567") == "gina 1"
    assert _taken(course, "Gina_Smith_7654321") == "gina 2"
    assert "onlinetext.html: skipped, not a notebook" in out
    record = json.loads(
        (course / "autograde/submitted/Gina_Smith_1234567" / A / "collected.json").read_text()
    )
    assert record["layout"] == "Moodle (flat)" and record["lms_id"] == "1234567"


def test_moodle_flat_and_folders_give_one_id(course, tmp_path, capsys):
    name = "Zoë Müller_2345678_assignsubmission_file"
    flat = _zip(tmp_path / "flat.zip", [(f"{name}_{NB}", _nb("flat"))])
    folders = _zip(tmp_path / "folders.zip", [(f"{name}_/{NB}", _nb("folders"))])
    _collect(course, flat, capsys=capsys)
    code, out = _collect(course, folders, capsys=capsys)
    assert code == 0 and _students(course) == ["Zoë_Müller_2345678"]
    assert _taken(course, "Zoë_Müller_2345678") == "folders"
    assert f"{name}_/{NB} -> Zoë_Müller_2345678: taken" in out
    assert len(list((course / "autograde/submitted/.replaced").iterdir())) == 1


def test_canvas_names_late_and_resubmissions(course, tmp_path, capsys):
    zip_ = _zip(
        tmp_path / "canvas.zip",
        [
            (f"smithgina_340934_208490284_{NB}", _nb("first"), (2026, 11, 29, 9, 0, 0)),
            ("smithgina_LATE_340934_208490999_01-visual-cortex-1.ipynb", _nb("resubmitted")),
            (f"smithgina_555555_208490300_{NB}", _nb("the other gina")),
        ],
    )
    code, out = _collect(course, zip_, capsys=capsys)
    assert _students(course) == ["smithgina_340934", "smithgina_555555"]
    assert _taken(course, "smithgina_340934") == "resubmitted"
    line = _line(out, "smithgina_LATE_340934")
    assert "-> smithgina_340934: taken" in line and "marked LATE" in line
    assert "the newest of 2 copies" in line
    assert "not taken, an older copy" in _line(out, "smithgina_340934_208490284")


def test_blackboard_attempt_time_decides(course, tmp_path, capsys):
    zip_ = _zip(
        tmp_path / "bb.zip",
        [
            (f"Lab 1_gsmith_attempt_2026-11-30-14-02-06_{NB}", _nb("second attempt")),
            (
                f"Lab 1_gsmith_attempt_2026-11-29-10-00-00_{NB}",
                _nb("first attempt"),
                (2027, 1, 1, 0, 0, 0),
            ),
            ("Lab 1_gsmith_attempt_2026-11-30-14-02-06.txt", "Name: Gina Smith"),
        ],
    )
    code, out = _collect(course, zip_, capsys=capsys)
    assert _students(course) == ["gsmith"] and _taken(course, "gsmith") == "second attempt"
    stamp = (course / "autograde/submitted/gsmith" / A / "timestamp.txt").read_text()
    assert stamp.startswith("2026-11-30 14:02:06")


def test_unicode_names_are_kept_and_never_merged(course, tmp_path, capsys):
    decomposed = unicodedata.normalize("NFD", "Zoë")  # as macOS writes it
    zip_ = _zip(
        tmp_path / "d.zip",
        [
            (f"李雷_{NB}", _nb("li")),
            (f"王芳_{NB}", _nb("wang")),
            (f"{decomposed}/{NB}", _nb("zoe")),
        ],
    )
    _collect(course, zip_, capsys=capsys)
    assert _students(course) == sorted(["李雷", "王芳", "Zoë"])
    assert _taken(course, "李雷") == "li" and _taken(course, "王芳") == "wang"
    assert _taken(course, unicodedata.normalize("NFC", "Zoë")) == "zoe"


def test_unsafe_names_are_made_safe_and_collisions_reported(course, tmp_path, capsys):
    zip_ = _zip(
        tmp_path / "d.zip",
        [
            (f"x\ny_{NB}", _nb("newline")),
            (f"x_y_{NB}", _nb("real x_y")),
            (f"x y_{NB}", _nb("space")),
            (f"x;rm -rf ~_{NB}", _nb("shell")),
            (f"$(touch pwned)_{NB}", _nb("subst")),
        ],
    )
    code, out = _collect(course, zip_, capsys=capsys)
    students = _students(course)
    assert len(students) == 5, "five inputs, five students"
    assert _taken(course, "x_y") == "real x_y", "the name that is already an id keeps it"
    assert {_taken(course, s) for s in students} == {
        "newline",
        "real x_y",
        "space",
        "shell",
        "subst",
    }
    assert all(s == "x_y" or s.startswith(("x_y-", "x_rm", "touch")) for s in students), students
    assert out.count("two students would both be x_y") == 2 and "never merged" in out
    assert "x\\u000ay_" in out, "control characters are shown escaped"
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()
    # the same download again: every identity keeps its id
    _collect(course, zip_, capsys=capsys)
    assert _students(course) == students


def test_dot_dot_is_judged_by_where_it_leads(course, tmp_path, capsys):
    zip_ = _zip(tmp_path / "d.zip", [(f"alice/../bob/{NB}", _nb("bob's"))])
    code, out = _collect(course, zip_, capsys=capsys)
    assert _students(course) == ["bob"] and _taken(course, "bob") == "bob's"


def test_the_roster_names_students_and_lists_who_is_missing(course, tmp_path, capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "\ufeffIdentifier,Full name,Email address\n"
        "Participant 1234567,Gina Smith,gina.smith@uni.example\n"
        "Participant 7654321,Gina Smith,gsmith2@uni.example\n"
        "Participant 1111111,Ann Lee,ann.lee@uni.example\n",
        encoding="utf-8",
    )
    zip_ = _zip(
        tmp_path / "moodle.zip",
        [
            (f"Gina Smith_1234567_assignsubmission_file_{NB}", _nb("g1")),
            (f"Gina Smith_7654321_assignsubmission_file_{NB}", _nb("g2")),
            (f"Bo Xu_2222222_assignsubmission_file_{NB}", _nb("bo")),
        ],
    )
    code, out = _collect(course, zip_, "--roster", str(roster), capsys=capsys)
    assert _students(course) == ["Bo_Xu_2222222", "gina.smith", "gsmith2"]
    assert "no submission from 1 on the roster: Ann Lee" in out
    assert "not on the roster" in out and "Bo_Xu_2222222" in out
    # Moodle numbers participants anew in every assignment: the email keeps the id
    register = json.loads((course / "autograde/students.json").read_text())
    assert register["gina.smith"]["key"] == "email:gina.smith@uni.example"
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'autograde' / 'gradebook.db'}") as gb:
        gina = gb.find_student("gsmith2")
        assert (gina.first_name, gina.last_name, gina.email) == (
            "Gina",
            "Smith",
            "gsmith2@uni.example",
        )
        assert gb.find_student("Bo_Xu_2222222").first_name == "Bo", "named as the download does"
    roster.write_text("id,name,email\n9999999,Gina Smith,gina.smith@uni.example\n")
    again = _zip(
        tmp_path / "a2.zip", [(f"Gina Smith_9999999_assignsubmission_file_{NB}", _nb("g1b"))]
    )
    _collect(course, again, "--roster", str(roster), capsys=capsys)
    assert _taken(course, "gina.smith") == "g1b"


def test_a_roster_without_the_columns_is_refused(course, tmp_path, capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text("foo,bar\n1,2\n")
    zip_ = _zip(tmp_path / "d.zip", [(f"alice/{NB}", _nb())])
    code, out = _collect(course, zip_, "--roster", str(roster), capsys=capsys)
    assert code == 1 and "needs an id column and a name column" in out
    assert not (course / "autograde" / "submitted").exists()


# --- the wrong file graded --------------------------------------------------------------------


def test_the_newest_copy_by_the_archives_own_times_wins(course, tmp_path, capsys):
    zip_ = _zip(
        tmp_path / "d.zip",
        [
            (f"carol/{NB}", _nb("solved, uploaded last"), (2026, 11, 30, 18, 0, 0)),
            (f"carol/{A} (1).ipynb", _nb("blank, uploaded first"), (2026, 11, 30, 9, 0, 0)),
        ],
    )
    code, out = _collect(course, zip_, capsys=capsys)
    assert _taken(course, "carol") == "solved, uploaded last"
    assert f"carol/{NB} -> carol: taken (2026-11-30 18:00:00)" in out
    assert "the newest of 2 copies" in out
    assert f"took carol/{NB}" in _line(out, f"carol/{A} (1)")
    folder = course / "autograde/submitted/carol" / A
    assert (folder / "timestamp.txt").read_text() == "2026-11-30 18:00:00.000000"
    assert (
        "the zip entry's time" in json.loads((folder / "collected.json").read_text())["time_source"]
    )


@pytest.mark.parametrize(
    "name",
    [
        f"{A} (1).ipynb",
        "01-Visual-Cortex.ipynb",
        f"{A}-2.ipynb",
        f"{A} copy.ipynb",
        "01_visual_cortex.ipynb",
    ],
)
def test_variants_of_the_notebook_name_are_accepted(course, tmp_path, capsys, name):
    zip_ = _zip(tmp_path / "d.zip", [(f"dave/{name}", _nb("dave"))])
    code, out = _collect(course, zip_, capsys=capsys)
    assert _taken(course, "dave") == "dave"
    assert f"dave/{name} -> dave: taken" in out and "a variant of the name" in out


def test_another_assignments_notebook_is_not_taken(course, tmp_path, capsys):
    zip_ = _zip(tmp_path / "d.zip", [("erin/02-convolution.ipynb", _nb()), (f"fay/{NB}", _nb())])
    code, out = _collect(course, zip_, capsys=capsys)
    assert _students(course) == ["fay"]
    assert "erin/02-convolution.ipynb: skipped, the notebook of another assignment" in out


# --- inputs that crash or block the class ----------------------------------------------------


def test_bad_entries_are_skipped_and_listed_and_the_rest_collected(course, tmp_path, capsys):
    long = "e" * 300
    entries = [
        (f"../../{NB}", _nb()),
        (f"/etc/{NB}", _nb()),
        (f"alice/{NB}", _nb("alice")),
        ("f", "a file"),
        (f"f/{NB}", _nb("f")),
        (f"{long}_{NB}", _nb("long")),
        (f"{long}/{long}/{NB}", _nb("long folder")),
    ]
    zip_ = _zip(tmp_path / "d.zip", entries)
    code, out = _collect(course, zip_, capsys=capsys)
    assert code == 0 and "Traceback" not in out
    assert f"../../{NB}: skipped, a path outside the download" in out
    assert f"/etc/{NB}: skipped, an absolute path" in out
    assert "f: skipped, not a notebook" in out
    students = _students(course)
    assert "alice" in students and "f" in students and len(students) == 3
    long_id = next(s for s in students if s.startswith("eee"))
    assert len(long_id.encode()) <= 64 and not (tmp_path / NB).exists()
    # the same download again changes nothing; a new one moves the earlier submissions aside
    code, out = _collect(course, zip_, capsys=capsys)
    assert code == 0 and out.count("unchanged: the same file was collected before") == 3
    assert not (course / "autograde/submitted/.replaced").exists()
    newer = [(n, _nb(f"{n} v2"), (2026, 12, 1, 0, 0, 0)) for n, _ in entries]
    code, out = _collect(course, _zip(tmp_path / "d2.zip", newer), capsys=capsys)
    assert code == 0 and len(list((course / "autograde/submitted/.replaced").iterdir())) == 3


def test_a_zip_bomb_is_refused_from_its_size(course, tmp_path, capsys):
    bomb = (
        '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5, "x": "'
        + " " * (30 * 2**20)
        + '"}'
    )
    zip_ = _zip(tmp_path / "bomb.zip", [(f"mallory/{NB}", bomb), (f"alice/{NB}", _nb("alice"))])
    assert zip_.stat().st_size < 2**20, "a small zip"
    code, out = _collect(course, zip_, "--max-notebook-mb", "1", capsys=capsys)
    assert _students(course) == ["alice"]
    assert f"mallory/{NB}: skipped, 30.0 MB, over the limit of 1 MB per notebook" in out
    # over the limit for the whole collect: nothing at all changes
    code, out = _collect(course, zip_, "--max-total-mb", "10", capsys=capsys)
    assert code == 1 and "over the limit of 10 MB for one collect" in out
    assert "nothing was collected" in out and _students(course) == ["alice"]
    assert not (course / "autograde/submitted/.replaced").exists()


def test_a_zip_entry_that_lies_about_its_size_is_cut_off(course, tmp_path, capsys):
    zip_ = tmp_path / "liar.zip"
    _zip(zip_, [(f"mallory/{NB}", "x" * (3 * 2**20)), (f"alice/{NB}", _nb("alice"))])
    raw = bytearray(zip_.read_bytes())
    # rewrite mallory's declared size (central directory) to 1 KB
    with zipfile.ZipFile(zip_) as zf:
        info = zf.getinfo(f"mallory/{NB}")
    name = f"mallory/{NB}".encode()
    central = next(
        i
        for i in range(len(raw))
        if raw[i : i + 4] == b"PK\x01\x02" and raw[i + 46 : i + 46 + len(name)] == name
    )
    raw[central + 24 : central + 28] = (1024).to_bytes(4, "little")  # its uncompressed size
    zip_.write_bytes(bytes(raw))
    assert info.file_size == 3 * 2**20
    code, out = _collect(course, zip_, "--max-notebook-mb", "1", capsys=capsys)
    assert _students(course) == ["alice"]
    assert "skipped, damaged or unreadable in the download" in _line(out, "mallory"), out


def test_links_are_never_followed(course, tmp_path, capsys):
    download = tmp_path / "unzipped"
    (download / "eve").mkdir(parents=True)
    (download / "eve" / NB).symlink_to(course / "solutions" / A / NB)
    (download / "mallory").mkdir()
    (download / "mallory" / NB).symlink_to("/etc/passwd")
    (download / "linked").symlink_to(course / "solutions" / A, target_is_directory=True)
    (download / "alice").mkdir()
    (download / "alice" / NB).write_text(_nb("alice"))
    code, out = _collect(course, download / "alice" / "..", capsys=capsys)
    assert _students(course) == ["alice"]
    assert f"eve/{NB}: skipped, a symbolic link, not a notebook: not followed" in out
    assert f"mallory/{NB}: skipped, a symbolic link" in out
    assert "linked: skipped, a symbolic link, not a folder: not followed" in out
    assert not any(p.is_symlink() for p in (course / "autograde").rglob("*"))


def test_a_link_inside_a_zip_is_named(course, tmp_path, capsys):
    zip_ = tmp_path / "d.zip"
    with zipfile.ZipFile(zip_, "w") as zf:
        link = zipfile.ZipInfo(f"eve/{NB}", date_time=WHEN)
        link.external_attr = 0o120777 << 16
        zf.writestr(link, "../../solutions/01-visual-cortex/01-visual-cortex.ipynb")
        zf.writestr(zipfile.ZipInfo(f"alice/{NB}", date_time=WHEN), _nb("alice"))
    code, out = _collect(course, zip_, capsys=capsys)
    assert _students(course) == ["alice"]
    assert f"eve/{NB}: skipped, a symbolic link, not a notebook" in out


def test_a_collect_that_fails_half_way_changes_nothing(course, tmp_path, capsys, monkeypatch):
    first = _zip(tmp_path / "1.zip", [(f"alice/{NB}", _nb("a1")), (f"bob/{NB}", _nb("b1"))])
    _collect(course, first, capsys=capsys)
    before = _tree(course / "autograde")
    second = _zip(tmp_path / "2.zip", [(f"alice/{NB}", _nb("a2")), (f"bob/{NB}", _nb("b2"))])
    real_rename, calls = Path.rename, []

    def failing_rename(self, target):
        calls.append(self)
        if len(calls) == 3:  # alice aside, alice in place, then bob aside fails
            raise OSError(28, "No space left on device")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", failing_rename)
    code, out = _collect(course, second, capsys=capsys)
    monkeypatch.undo()
    assert code == 1 and "nothing was changed" in out and "Traceback" not in out
    assert _tree(course / "autograde") == before
    assert _taken(course, "alice") == "a1" and _taken(course, "bob") == "b1"
    assert not list((course / "autograde/submitted").glob(".collecting-*"))


def test_nothing_collected_is_said_once(course, tmp_path, capsys):
    zip_ = _zip(tmp_path / "d.zip", [("readme.txt", "no notebooks here")])
    code, out = _collect(course, zip_, capsys=capsys)
    assert code == 1 and out.count("nothing collected") == 1
    assert "readme.txt: skipped, not a notebook" in out
    code = main(["--root", str(course), "grade", A, "--unsafe"])
    out = capsys.readouterr()
    assert code == 1 and "nothing to grade" in out.err and "graded 0" not in out.out


def test_not_a_zip_and_missing_sources(course, tmp_path, capsys):
    (tmp_path / "notes.zip").write_text("not a zip")
    assert main(["--root", str(course), "collect", A, "--from", str(tmp_path / "notes.zip")]) == 1
    assert "neither a folder nor a readable zip" in capsys.readouterr().err
    assert main(["--root", str(course), "collect", A, "--from", str(tmp_path / "nope")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_a_wrapper_folder_is_not_taken_for_a_student(course, tmp_path, capsys):
    zip_ = _zip(
        tmp_path / "d.zip",
        [(f"submissions/alice_{NB}", _nb("a")), (f"submissions/bob_{NB}", _nb("b"))],
    )
    _collect(course, zip_, capsys=capsys)
    assert _students(course) == ["alice", "bob"]


def test_a_folder_download_keeps_the_files_times(course, tmp_path, capsys):
    download = tmp_path / "unzipped"
    (download / "ann").mkdir(parents=True)
    newer, older = download / "ann" / NB, download / "ann" / f"{A} (1).ipynb"
    newer.write_text(_nb("newer"))
    older.write_text(_nb("older"))
    os.utime(newer, (1_800_000_000, 1_800_000_000))
    os.utime(older, (1_700_000_000, 1_700_000_000))
    _collect(course, download / "ann" / "..", capsys=capsys)
    assert _taken(course, "ann") == "newer"


def test_the_report_has_a_line_for_every_input_file(course, tmp_path, capsys):
    names = [f"alice/{NB}", f"alice/{A} (1).ipynb", "readme.txt", f"__MACOSX/._{NB}", f"{NB}"]
    zip_ = _zip(tmp_path / "d.zip", [(n, _nb()) for n in names])
    result = collect.from_download(zip_, A, root=course)
    assert len(result.lines) == len(names)
    assert f"  {NB}: skipped, its name does not say whose {A} it is" in result.lines


# --- found by a blind hostile run (helper, 40 experiments) -----------------------------------


@pytest.mark.parametrize(
    "wrapper",
    ["Course 2026/Lab 1/Submissions", "x/y", "Submissions\\"],
    ids=["three-levels", "two-levels", "windows-backslashes"],
)
def test_wrappers_of_any_depth_are_seen_through(course, tmp_path, capsys, wrapper):
    sep = "" if wrapper.endswith("\\") else "/"
    inner = "\\" if wrapper.endswith("\\") else "/"
    zip_ = _zip(
        tmp_path / "d.zip",
        [(f"{wrapper}{sep}{who}{inner}{NB}", _nb(who)) for who in ("alice", "bob", "carol")],
    )
    code, out = _collect(course, zip_, capsys=capsys)
    assert _students(course) == ["alice", "bob", "carol"] and _taken(course, "carol") == "carol"
    assert "taken as a folder around the students' files" in out


def test_a_lone_student_inside_a_wrapper_is_that_student(course, tmp_path, capsys):
    _collect(course, _zip(tmp_path / "d.zip", [(f"Lab1/alice/{NB}", _nb("a"))]), capsys=capsys)
    assert _students(course) == ["alice"]


def test_a_moodle_folder_with_sub_folders_is_one_student(course, tmp_path, capsys):
    folder = "Gina Smith_1234567_assignsubmission_file_"
    zip_ = _zip(
        tmp_path / "d.zip",
        [
            (f"{folder}/v1/{NB}", _nb("v1"), (2026, 11, 29, 0, 0, 0)),
            (f"{folder}/v2/{NB}", _nb("v2")),
        ],
    )
    _collect(course, zip_, capsys=capsys)
    assert (
        _students(course) == ["Gina_Smith_1234567"] and _taken(course, "Gina_Smith_1234567") == "v2"
    )


def test_a_roster_that_gives_two_students_one_email_is_refused(course, tmp_path, capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name,email\n1,Gina Smith,gina@uni.edu\n2,Eve Smith,gina@uni.edu\n")
    zip_ = _zip(
        tmp_path / "d.zip",
        [
            (f"Gina Smith_1_assignsubmission_file_{NB}", _nb()),
            (f"Eve Smith_2_assignsubmission_file_{NB}", _nb()),
        ],
    )
    code, out = _collect(course, zip_, "--roster", str(roster), capsys=capsys)
    assert code == 1 and "same email on more than one row (gina@uni.edu)" in out
    roster.write_text("id,name,email\n3,Ann,a@x\n3,Bo,b@x\n")
    code, out = _collect(course, zip_, "--roster", str(roster), capsys=capsys)
    assert code == 1 and "same id on more than one row (3)" in out
    assert not (course / "autograde/submitted").exists()


def test_a_roster_with_semicolons_and_capitals(course, tmp_path, capsys):
    roster = tmp_path / "roster.csv"
    roster.write_text("id;name;email\n1;Gina Smith;Gina.Smith@Uni.EDU\n")
    zip_ = _zip(tmp_path / "d.zip", [(f"Gina Smith_1_assignsubmission_file_{NB}", _nb())])
    code, out = _collect(course, zip_, "--roster", str(roster), capsys=capsys)
    assert code == 0 and _students(course) == ["gina.smith"]


def test_the_register_is_saved_with_the_submissions_or_not_at_all(course, tmp_path, capsys):
    _collect(course, _zip(tmp_path / "1.zip", [(f"alice/{NB}", _nb("a1"))]), capsys=capsys)
    before = _tree(course / "autograde")
    (course / "autograde" / "students.json.new").mkdir()  # writing the register fails
    zip_ = _zip(tmp_path / "2.zip", [(f"alice/{NB}", _nb("a2")), (f"bob/{NB}", _nb("b"))])
    code, out = _collect(course, zip_, capsys=capsys)
    assert code == 1 and "nothing was changed" in out and "Traceback" not in out
    assert _tree(course / "autograde") == before and _students(course) == ["alice"]
    assert _taken(course, "alice") == "a1"


@pytest.mark.parametrize("damage", ["{not json", "[1, 2, 3]", '{"alice": "oops"}'])
def test_a_damaged_register_stops_collect_instead_of_reassigning_ids(
    course, tmp_path, capsys, damage
):
    register = course / "autograde" / "students.json"
    register.write_text(damage)
    zip_ = _zip(tmp_path / "d.zip", [(f"alice/{NB}", _nb())])
    code, out = _collect(course, zip_, capsys=capsys)
    assert code == 1 and "students.json is damaged" in out and "Traceback" not in out
    assert register.read_text() == damage and not (course / "autograde/submitted").exists()


def test_two_unicode_spellings_of_one_name_are_one_student_and_said_so(course, tmp_path, capsys):
    nfd = unicodedata.normalize("NFD", "José")
    zip_ = _zip(
        tmp_path / "d.zip",
        [
            (f"José_{NB}", _nb("composed")),
            (f"{nfd}_{NB}", _nb("decomposed"), (2026, 12, 1, 0, 0, 0)),
        ],
    )
    code, out = _collect(course, zip_, capsys=capsys)
    assert _students(course) == ["José"]
    assert "differ only in how Unicode spells the same letters" in out


def test_an_older_download_does_not_replace_a_newer_submission(course, tmp_path, capsys):
    newer = _zip(tmp_path / "new.zip", [(f"alice/{NB}", _nb("new"), (2026, 12, 1, 0, 0, 0))])
    older = _zip(tmp_path / "old.zip", [(f"alice/{NB}", _nb("old"), (2026, 11, 1, 0, 0, 0))])
    _collect(course, newer, capsys=capsys)
    code, out = _collect(course, older, capsys=capsys)
    assert code == 0 and _taken(course, "alice") == "new"
    assert (
        "not taken, older than the submission collected before (2026-12-01 00:00:00, from new.zip)"
        in out
    )


def test_reasons_for_copies_not_taken(course, tmp_path, capsys):
    zip_ = _zip(
        tmp_path / "d.zip",
        [
            (f"ian/{NB}", _nb("named")),
            ("ian/Untitled.ipynb", _nb("untitled"), (2026, 12, 1, 0, 0, 0)),
            ("jo/01-Visual-Cortex.ipynb", _nb("first")),
            (f"jo/{NB}", _nb("second")),
            (f"kim/{NB}", _nb("no number")),
            (f"kim/{A} (1).ipynb", _nb("copy 1")),
        ],
    )
    code, out = _collect(course, zip_, capsys=capsys)
    assert f"its name is not {NB} (took ian/{NB})" in _line(out, "ian/Untitled")
    # same time: the one later in the download is taken, and the report says so
    assert _taken(course, "jo") == "second"
    assert "(same time: the later one in the download)" in _line(out, f"jo/{NB}")
    assert "a copy with the same time (took jo/" in _line(out, "jo/01-Visual")
    assert "later one in the download" in _line(out, "jo/01-Visual")
    assert _taken(course, "kim") == "copy 1"
    assert "(same time: the higher copy number)" in _line(out, f"kim/{A} (1)")
    assert "the newest of 2 copies" not in _line(out, f"ian/{NB}"), "Untitled is no copy"


def test_invisible_characters_are_shown_escaped(course, tmp_path, capsys):
    zip_ = _zip(tmp_path / "d.zip", [(f"ev\u202eil\u200b/{NB}", _nb())])
    code, out = _collect(course, zip_, capsys=capsys)
    assert "ev\\u202eil\\u200b/" in out and "\u202e" not in out
    assert _students(course) == ["ev_il"]


def test_bad_limits_and_unknown_assignments_are_refused(course, tmp_path, capsys):
    zip_ = _zip(tmp_path / "d.zip", [(f"alice/{NB}", _nb())])
    with pytest.raises(SystemExit):
        main(["--root", str(course), "collect", A, "--from", str(zip_), "--max-notebook-mb", "-5"])
    assert "must be a positive number of MB" in capsys.readouterr().err
    assert main(["--root", str(course), "collect", "../../etc", "--from", str(zip_)]) == 1
    assert "there is no assignment '../../etc'" in capsys.readouterr().err
    assert not (course / "autograde" / "students.json").exists()
