"""Grades out of the gradebook: a CSV per exercise, and a summary for the instructor.

``export`` writes one row per student and assignment: the score of every graded cell
(auto-graded tests and hand-graded answers), the auto-graded total, the hand-graded total
and the total. ``summary`` prints, per exercise, the average score and how many students
got full marks, and the failure messages seen most often in the autograded notebooks,
which is where a lecture needs another example.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import nbformat

from . import nbmeta
from .course import ROOT, Course


@dataclass
class Row:
    """One student's scores on one assignment."""

    student: str
    assignment: str
    cells: dict[str, float]
    auto: float
    manual: float

    @property
    def total(self) -> float:
        return self.auto + self.manual


@dataclass
class Scores:
    """Every student's scores, and what each graded cell is worth."""

    rows: list[Row]
    maxima: dict[str, float]  # grade_id -> points, in the gradebook's order
    auto: set[str]  # the grade_ids of auto-graded (code) cells


def rows(db_url: str, assignment: str | None = None) -> Scores:
    """Scores from the gradebook (every assignment, or only ``assignment``)."""
    from nbgrader.api import Gradebook

    out, maxima, auto_cells = [], {}, set()
    with Gradebook(db_url) as gb:
        for assign in gb.assignments:
            if assignment and assign.name != assignment:
                continue
            for submission in gb.assignment_submissions(assign.name):
                cells, auto, manual = {}, 0.0, 0.0
                for notebook in submission.notebooks:
                    for grade in notebook.grades:
                        cells[grade.name] = grade.score
                        maxima[grade.name] = grade.max_score
                        if grade.cell_type == "code":
                            auto += grade.score
                            auto_cells.add(grade.name)
                        else:
                            manual += grade.score
                out.append(Row(submission.student.id, assign.name, cells, auto, manual))
    return Scores(sorted(out, key=lambda r: (r.assignment, r.student)), maxima, auto_cells)


def export(db_url: str, dest: Path, assignment: str | None = None) -> Path:
    """Write the CSV (see the module docstring) and return its path."""
    scores = rows(db_url, assignment)
    data, maxima, auto_cells = scores.rows, scores.maxima, scores.auto
    cells = list(maxima)
    dest.parent.mkdir(parents=True, exist_ok=True)
    with dest.open("w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["student", "assignment", *cells, "auto", "manual", "total"])
        writer.writerow(
            [
                "(max)",
                "",
                *[maxima[c] for c in cells],
                sum(maxima[c] for c in cells if c in auto_cells),
                sum(maxima[c] for c in cells if c not in auto_cells),
                sum(maxima.values()),
            ]
        )
        for row in data:
            writer.writerow(
                [
                    row.student,
                    row.assignment,
                    *[row.cells.get(c, "") for c in cells],
                    row.auto,
                    row.manual,
                    row.total,
                ]
            )
    return dest


def failure_messages(root: Path, assignment: str) -> Counter:
    """How often each first line of a failed test's message appears, over all students."""
    counts: Counter = Counter()
    for path in Course(root).autograded().glob(f"*/{assignment}/*.ipynb"):
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception:  # noqa: BLE001 - a damaged file is reported by grading, not here
            continue
        for cell in nb.cells:
            if not nbmeta.is_grading_cell(cell):
                continue
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    first = (output.get("evalue") or "").strip().splitlines()
                    counts[
                        (
                            nbmeta.grade_id(cell),
                            f"{output.get('ename')}: {first[0] if first else ''}",
                        )
                    ] += 1
    return counts


def summary(db_url: str, assignment: str, *, root: Path = ROOT, top: int = 5) -> str:
    """A plain-text summary: per-exercise averages, then the most common failures."""
    scores = rows(db_url, assignment)
    data, maxima = scores.rows, scores.maxima
    if not data:
        return f"No graded submissions for {assignment}."
    lines = [
        f"{assignment}: {len(data)} graded submission(s)",
        "",
        f"{'exercise':34s} {'average':>8s} {'max':>5s} {'full marks':>11s}",
    ]
    for cell, best in maxima.items():
        scores = [r.cells.get(cell, 0.0) for r in data]
        full = sum(s >= best for s in scores)
        lines.append(
            f"{cell:34s} {sum(scores) / len(scores):8.2f} {best:5g} {full:5d} of {len(scores):<3d}"
        )
    totals = [r.auto for r in data]
    lines.append(f"{'auto-graded total':34s} {sum(totals) / len(totals):8.2f}")
    common = failure_messages(root, assignment).most_common(top)
    if common:
        lines += ["", "most common failures:"]
        lines += [f"  {n:4d} x {gid}: {msg[:100]}" for (gid, msg), n in common]
    return "\n".join(lines)
