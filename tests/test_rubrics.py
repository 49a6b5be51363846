"""Rubrics for written answers: graders see them in the formgrader, students never do.

A written answer's prompt is a locked markdown cell that ends with a region between
``<!-- BEGIN MARK SCHEME -->`` and ``<!-- END MARK SCHEME -->``. nbgrader stores the whole
cell when it generates the student version, removes the region from what students get, and
restores it in the autograded notebook (the one the formgrader shows); the feedback page
removes it again.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from autograde import release, roundtrip
from autograde.course import Course
from autograde.feedback import without_mark_scheme
from autograde.nbgrader_cli import run_nbgrader

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "solutions").glob("*/*.ipynb"))
_POINTS = re.compile(r"^\s*[-*]\s*(\d+(?:\.\d+)?)\s+points?\b", re.M)
RUBRIC_LINE = "- 1 point: names the tuning curve's peak as the preferred angle"


def _meta(cell) -> dict:
    return cell.metadata.get("nbgrader", {})


def written_answers(nb):
    """(prompt cell, answer cell) for every manually graded markdown answer."""
    pairs = []
    for i, cell in enumerate(nb.cells):
        meta = _meta(cell)
        if cell.cell_type == "markdown" and meta.get("solution") and meta.get("grade"):
            pairs.append((nb.cells[i - 1] if i else None, cell))
    return pairs


def rubric(source: str) -> str:
    """The text between the mark-scheme markers ('' if there is none)."""
    match = re.search(r"BEGIN MARK SCHEME[^\n]*\n(.*?)\n[^\n]*END MARK SCHEME", source, re.S)
    return match.group(1) if match else ""


def test_without_mark_scheme_keeps_the_prompt():
    text = f"Explain it.\n<!-- BEGIN MARK SCHEME -->\n{RUBRIC_LINE}\n<!-- END MARK SCHEME -->\n"
    assert without_mark_scheme(text) == "Explain it."
    assert rubric(text) == RUBRIC_LINE


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.parent.name for p in NOTEBOOKS])
def test_every_written_answer_has_a_rubric_that_adds_up(path):
    nb = nbformat.read(path, as_version=4)
    pairs = written_answers(nb)
    assert pairs, f"{path.name}: no written answer"
    for prompt, answer in pairs:
        gid = _meta(answer)["grade_id"]
        assert prompt is not None and prompt.cell_type == "markdown", f"{gid}: no prompt cell above"
        meta = _meta(prompt)
        assert meta.get("locked") and meta.get("grade_id") == f"{gid}_rubric", (
            f"{gid}: the prompt above it must be a locked nbgrader cell with grade_id "
            f"'{gid}_rubric' (so nbgrader restores the rubric for graders)"
        )
        text = rubric(prompt.source)
        assert text, f"{gid}: its prompt has no <!-- BEGIN MARK SCHEME --> region"
        points = sum(float(p) for p in _POINTS.findall(text))
        assert points == _meta(answer)["points"], (
            f"{gid}: the rubric's points add up to {points:g}, the answer is worth "
            f"{_meta(answer)['points']:g}"
        )


def _assignment(folder: Path, name: str) -> None:
    nb = nbformat.v4.new_notebook(
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        }
    )
    solution = nbformat.v4.new_code_cell(
        "def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION"
    )
    solution.metadata["nbgrader"] = {
        "grade": False,
        "solution": True,
        "locked": False,
        "grade_id": "double",
        "schema_version": 3,
    }
    test = nbformat.v4.new_code_cell("assert double(2) == 4")
    test.metadata["nbgrader"] = {
        "grade": True,
        "solution": False,
        "locked": True,
        "grade_id": "test_double",
        "points": 1,
        "schema_version": 3,
    }
    prompt = nbformat.v4.new_markdown_cell(
        "## Written answer (1 point)\n\nWhat does a tuning curve show?\n\n"
        f"<!-- BEGIN MARK SCHEME -->\n**Rubric (1 point, for graders).**\n{RUBRIC_LINE}\n"
        "<!-- END MARK SCHEME -->"
    )
    prompt.metadata["nbgrader"] = {
        "grade": False,
        "solution": False,
        "locked": True,
        "task": False,
        "grade_id": "answer_rubric",
        "schema_version": 3,
    }
    answer = nbformat.v4.new_markdown_cell("The response to each angle; it peaks at one.")
    answer.metadata["nbgrader"] = {
        "grade": True,
        "solution": True,
        "locked": False,
        "grade_id": "answer",
        "points": 1,
        "schema_version": 3,
    }
    nb.cells = [nbformat.v4.new_markdown_cell("# A rubric demo"), solution, test, prompt, answer]
    (folder / name).mkdir(parents=True)
    nbformat.write(nb, folder / name / f"{name}.ipynb")


@pytest.mark.slow
@pytest.mark.sandbox
def test_rubric_reaches_graders_not_students(tmp_path):
    name = "rubric-demo"
    _assignment(tmp_path / "solutions", name)
    released = release.generate(name, tmp_path / "course", source=tmp_path / "solutions")
    student = nbformat.read(released / f"{name}.ipynb", as_version=4)
    prompt = next(c for c in student.cells if _meta(c).get("grade_id") == "answer_rubric")
    assert "What does a tuning curve show?" in prompt.source
    assert "MARK SCHEME" not in prompt.source and RUBRIC_LINE not in prompt.source

    answered = nbformat.read(released / f"{name}.ipynb", as_version=4)
    for cell in answered.cells:
        if _meta(cell).get("grade_id") == "answer":
            cell.source = "It shows the response per angle."
    nbformat.write(answered, tmp_path / "answered.ipynb")
    work = tmp_path / "grading"
    result = roundtrip.autograde(
        name, {"ann": tmp_path / "answered.ipynb"}, work, source=tmp_path / "solutions"
    )["ann"]
    graded = nbformat.read(result.autograded_notebook, as_version=4)
    shown = next(c for c in graded.cells if _meta(c).get("grade_id") == "answer_rubric")
    assert RUBRIC_LINE in shown.source, "the formgrader's notebook lost the rubric"

    run_nbgrader(["generate_feedback", name, "--force"], Course(work))
    page = (work / "autograde" / "feedback" / "ann" / name / f"{name}.html").read_text()
    assert "It shows the response per angle." in page
    assert "tuning curve&#x27;s peak" not in page and "tuning curve's peak" not in page
    assert "MARK SCHEME" not in page
