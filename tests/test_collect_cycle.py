"""An LMS download of a class, through collect, grade and feedback, as an instructor runs it.

One zip holds the cases that used to lose, merge or mis-grade students: two Moodle students
with one name, a solved copy with a later time but an earlier place in the archive than a
blank one, a capitalised file name, CJK names, and notebooks that are valid but not as
Jupyter writes them (format 3, no metadata, a numeric source, a BOM, UTF-16) or empty.
Every student gets the score their work earns, a note saying what was done, and a feedback
page; nothing outside ``autograde/`` changes.
"""

from __future__ import annotations

import copy
import hashlib
import json
import zipfile

import nbformat
import pytest

from autograde import scratch
from autograde.__main__ import main
from tests import hostile

A = hostile.ASSIGNMENT
NB = f"{A}.ipynb"
pytestmark = [pytest.mark.slow, pytest.mark.sandbox]
EARLY, LATE = (2026, 11, 30, 9, 0, 0), (2026, 11, 30, 18, 0, 0)


def _tree(folder):
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and "autograde" not in p.relative_to(folder).parts[:1]
    }


def _variants(solved, blank) -> list[tuple[str, bytes, tuple]]:
    text = nbformat.writes(solved)
    v3 = nbformat.writes(nbformat.convert(copy.deepcopy(solved), 3), version=3)
    bare = json.loads(text)
    del bare["metadata"]
    for cell in bare["cells"]:
        if cell["cell_type"] == "markdown":
            del cell["metadata"]
    cleared = json.loads(text)  # nbconvert --ClearMetadataPreprocessor: the ids stay
    for cell in cleared["cells"]:
        cell["metadata"] = {}
    numeric = json.loads(text)
    next(c for c in numeric["cells"] if c["cell_type"] == "markdown")["source"] = 42
    return [
        (f"Gina Smith_1234567_assignsubmission_file_{NB}", text.encode(), EARLY),
        (f"Gina Smith_7654321_assignsubmission_file_{NB}", nbformat.writes(blank).encode(), EARLY),
        (f"carol/{NB}", text.encode(), LATE),  # solved, uploaded last, first in the archive
        (f"carol/{A} (1).ipynb", nbformat.writes(blank).encode(), EARLY),
        ("dave/01-Visual-Cortex.ipynb", text.encode(), EARLY),
        (f"李雷_{NB}", text.encode(), EARLY),
        (f"王芳_{NB}", nbformat.writes(blank).encode(), EARLY),
        (f"oliver/{NB}", v3.encode(), EARLY),
        (f"mona/{NB}", json.dumps(bare).encode(), EARLY),
        (f"nina/{NB}", json.dumps(numeric).encode(), EARLY),
        (f"cleo/{NB}", json.dumps(cleared).encode(), EARLY),
        (f"bea/{NB}", b"\xef\xbb\xbf" + text.encode(), EARLY),
        (f"uma/{NB}", text.encode("utf-16"), EARLY),
        (f"ed/{NB}", b"", EARLY),
        (f"mallory/{NB}", b'{"cells": [], "x": "' + b" " * (8 * 2**20) + b'"}', EARLY),
    ]


# student id -> (score, a phrase of the note at the top of their feedback, or None)
EXPECTED = {
    "Gina_Smith_1234567": (hostile.FULL, None),
    "Gina_Smith_7654321": (0, None),
    "carol": (hostile.FULL, None),
    "dave": (hostile.FULL, None),
    "李雷": (hostile.FULL, None),
    "王芳": (0, None),
    "oliver": (hostile.FULL, "old notebook format 3"),
    "mona": (hostile.FULL, "notebook metadata was missing"),
    "nina": (hostile.FULL, "source was 42, not text"),
    "cleo": (hostile.FULL, "had lost their grading settings"),
    "bea": (hostile.FULL, None),
    "uma": (hostile.FULL, "saved as UTF-16"),
    "ed": (0, "is empty (0 bytes)"),  # and the released notebook is graded in its place
    "zed": (0, "over the limit of 2 MB for one notebook"),  # put in submitted/ by hand
}


def _score(root, student) -> float:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'autograde' / 'gradebook.db'}") as gb:
        nb = gb.find_submission_notebook(A, A, student)
        return sum(g.score for g in nb.grades if g.cell_type == "code")


def test_a_downloaded_class_through_collect_grade_and_feedback(tmp_path, capsys):
    root = scratch.new_course(tmp_path / "repo", [A]).root
    release = root / "course" / A / NB
    solved = hostile.solved(release, root / "solutions" / A / NB)
    blank = nbformat.read(release, as_version=4)
    download = tmp_path / "moodle.zip"
    with zipfile.ZipFile(download, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data, when in _variants(solved, blank):
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
        link = zipfile.ZipInfo(f"eve/{NB}", date_time=LATE)
        link.external_attr = 0o120777 << 16
        zf.writestr(link, f"../../solutions/{A}/{NB}")
    before = _tree(root)

    collect = ["collect", A, "--from", str(download), "--max-notebook-mb", "2"]
    assert main(["--root", str(root), *collect]) == 0
    out = capsys.readouterr().out
    assert f"eve/{NB}: skipped, a symbolic link, not a notebook" in out
    assert f"mallory/{NB}: skipped, 8.0 MB, over the limit of 2 MB per notebook" in out
    zed = root / "autograde/submitted/zed" / A
    zed.mkdir(parents=True)
    with (zed / NB).open("wb") as f:
        f.truncate(3 * 2**30)  # 3 GiB, sparse: the grader must not read it
    assert f"carol/{NB} -> carol: taken (2026-11-30 18:00:00), the newest of 2 copies" in out
    assert "dave/01-Visual-Cortex.ipynb -> dave: taken" in out and "a variant of the name" in out
    assert f"collected {len(EXPECTED) - 1} student(s) from moodle.zip" in out
    submitted = sorted(p.name for p in (root / "autograde/submitted").iterdir() if p.name[0] != ".")
    assert submitted == sorted(EXPECTED)

    grade = ["grade", A, "--workers", "2", "--cell-timeout", "60", "--max-notebook-mb", "2"]
    assert main(["--root", str(root), *grade]) == 0
    out = capsys.readouterr().out
    assert "graded as blank (0 points): 2 submission(s)" in out and "ed, zed" in out
    assert main(["--root", str(root), "feedback", A]) == 0
    capsys.readouterr()
    for student, (score, note) in EXPECTED.items():
        assert _score(root, student) == score, student
        page = (root / "autograde/feedback" / student / A / f"{A}.html").read_text()
        if note:
            assert note in page.replace("&#x27;", "'"), student
    assert _tree(root) == before, "nothing outside autograde/ changed"
