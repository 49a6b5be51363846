"""A whole grading cycle through nbgrader's real exchange, as an instructor runs it:
release -> (students) fetch, answer, submit -> collect -> grade -> feedback -> export,
plus how the names of an LMS download are read (tests/test_collect.py collects them)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograde import lms, scratch
from autograde.__main__ import main
from tests import hostile

A = hostile.ASSIGNMENT
NB = f"{A}.ipynb"


def _student_nbgrader(args, cwd: Path, exchange: Path):
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "nbgrader",
            *args,
            "--course=cnn-course-kit",
            f"--Exchange.root={exchange}",
        ],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def _answer(nb, answers: dict[str, str]):
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
    return nb


@pytest.mark.slow
@pytest.mark.sandbox
def test_release_fetch_submit_collect_grade_feedback_export(tmp_path, monkeypatch, capsys):
    exchange = tmp_path / "exchange"
    root = scratch.new_course(tmp_path / "course-repo", [A], generate=False).root
    exchange.mkdir()
    monkeypatch.setenv("COURSE_EXCHANGE", str(exchange))

    assert main(["--root", str(root), "release", A]) == 0
    assert (root / "course" / A / NB).exists()

    solved = hostile.solved(root / "course" / A / NB, root / "solutions" / A / NB)
    answers = {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in solved.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    wrong = dict(
        answers,
        preferred_orientation=answers["preferred_orientation"].replace(
            "return float(angles[int(np.argmax(responses))] % 180)",
            "return float(np.argmax(responses))",
        ),
    )
    plans = {"alice": answers, "bob": wrong, "carol": {}}
    for student, plan in plans.items():
        home = tmp_path / "homes" / student
        home.mkdir(parents=True)
        _student_nbgrader(["fetch_assignment", A], home, exchange)
        fetched = home / A / NB
        nbformat.write(_answer(nbformat.read(fetched, as_version=4), plan), fetched)
        _student_nbgrader(["submit", A, f"--student={student}"], home, exchange)

    assert main(["--root", str(root), "collect", A]) == 0
    assert sorted(p.name for p in (root / "autograde" / "submitted").iterdir()) == sorted(plans)

    assert main(["--root", str(root), "grade", A, "--workers", "2", "--cell-timeout", "30"]) == 0
    assert main(["--root", str(root), "feedback", A]) == 0
    for student in plans:
        assert (root / "autograde" / "feedback" / student / A / f"{A}.html").exists()
    bob = (root / "autograde" / "feedback" / "bob" / A / f"{A}.html").read_text()
    assert (
        "A test of exercise &#x27;test_preferred_orientation&#x27; failed" in bob
        or "A test of exercise 'test_preferred_orientation' failed" in bob
    )
    assert "Hint: Find the index of the largest response" in bob
    assert "BEGIN HIDDEN TESTS" not in bob and "make_bar(4, 0, width=2)" not in bob

    out = root / "grades.csv"
    assert main(["--root", str(root), "export", A, "--out", str(out)]) == 0
    table = {r["student"]: r for r in csv.DictReader(out.open())}
    assert float(table["alice"]["auto"]) == hostile.FULL
    assert float(table["bob"]["auto"]) == hostile.FULL - 1
    assert float(table["bob"]["test_preferred_orientation"]) == 0
    assert float(table["carol"]["auto"]) == 0
    assert float(table["(max)"]["auto"]) == hostile.FULL

    capsys.readouterr()
    assert main(["--root", str(root), "summary", A]) == 0
    text = capsys.readouterr().out
    assert "3 graded submission(s)" in text and "test_preferred_orientation" in text
    assert "most common failures" in text and "NotImplementedError" in text


@pytest.mark.parametrize(
    "name,student",
    [
        (f"alice/{A}.ipynb", "name:alice"),
        (f"bob_{A}.ipynb", "name:bob"),
        (f"mary_jane_{A}.ipynb", "name:mary_jane"),
        (f"Jane Doe_123_assignsubmission_file_{A}-2.ipynb", "moodle:123"),
        (f"doejane_LATE_42_77_{A}.ipynb", "canvas:42"),
        (f"{A}.ipynb", None),
        ("other.ipynb", None),
    ],
)
def test_download_names(name, student):
    who = lms.owner(tuple(name.split("/")), A)
    assert (who.key if who else None) == student
