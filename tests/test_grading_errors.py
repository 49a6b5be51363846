"""When the grader itself fails on a submission (quick: nbgrader is not run)."""

from __future__ import annotations

import json

import pytest

from autograde import grading
from autograde.__main__ import main
from autograde.course import Course
from autograde.nbgrader_cli import nbgrader_env


def _released(course: Course, assignment: str, monkeypatch) -> None:
    """Record ``assignment`` in the course's gradebook, as make release does."""
    from nbgrader.api import Gradebook

    monkeypatch.setenv("PATH", nbgrader_env()["PATH"])  # a new gradebook runs alembic
    course.gradebook.parent.mkdir(parents=True, exist_ok=True)
    with Gradebook(course.gradebook_url) as gb:
        gb.add_assignment(assignment)


def test_grading_before_release_stops_at_once_in_one_line(tmp_path, monkeypatch, capsys):
    course = Course(tmp_path)
    course.submitted("ann", "01-x").mkdir(parents=True)
    monkeypatch.setattr(grading, "grade_one", lambda *a: pytest.fail("graded before release"))
    assert main(["--root", str(tmp_path), "grade", "01-x", "--unsafe"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == (
        "error: 01-x is not in the gradebook yet: run make release A=01-x first (it records "
        "the tests that grading restores)"
    )
    _released(course, "02-y", monkeypatch)  # a gradebook that lacks this assignment
    assert main(["--root", str(tmp_path), "grade", "01-x", "--unsafe"]) == 1
    assert "run make release A=01-x" in capsys.readouterr().err


def test_a_grader_exception_is_recorded_and_reported(tmp_path, monkeypatch, capsys):
    course = Course(tmp_path)
    for student in ("ann", "bob"):
        course.submitted(student, "01-x").mkdir(parents=True)
    _released(course, "01-x", monkeypatch)

    def grade_one(assignment, student, run):
        if student == "bob":
            raise KeyError("a bug in the grader")
        return grading.Outcome(student, "graded")

    monkeypatch.setattr(grading, "grade_one", grade_one)
    assert main(["--root", str(tmp_path), "grade", "01-x", "--unsafe", "--workers", "1"]) == 1
    captured = capsys.readouterr()
    printed = captured.out
    assert "graded 1, skipped 0 (already graded; --force to redo), could not grade 1" in printed
    assert "error: 1 of 2 submission(s) could not be graded: bob" in captured.err
    assert "the grader failed on bob: KeyError: 'a bug in the grader'" in printed
    record = json.loads(course.record("bob", "01-x").read_text())
    assert record["status"] == "failed"
    assert "KeyError" not in " ".join(record["notes"]), "the student sees no internals"
    assert "instructor has been told" in record["notes"][0]
    assert "Traceback" in record["log_tail"] and "a bug in the grader" in record["log_tail"]
