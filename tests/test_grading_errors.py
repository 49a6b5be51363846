"""When the grader itself fails on a submission (quick: nbgrader is not run)."""

from __future__ import annotations

import json

from autograde import grading
from autograde.__main__ import main
from autograde.course import Course


def test_a_grader_exception_is_recorded_and_reported(tmp_path, monkeypatch, capsys):
    course = Course(tmp_path)
    for student in ("ann", "bob"):
        course.submitted(student, "01-x").mkdir(parents=True)

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
