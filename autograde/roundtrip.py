"""Autograde one notebook in a scratch course directory and read back its scores.

Grading goes through :func:`autograde.grading.grade`, the path ``make grade`` takes:
repair, the sandbox, one worker per core. Used by the tests (every notebook: the solution
earns full marks, the untouched student version earns zero auto-graded points, one wrong
exercise loses exactly its points) and handy for an instructor checking a notebook before
release::

    python -m autograde.roundtrip 01-visual-cortex path/to/submission.ipynb
"""

from __future__ import annotations

import argparse
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import grading, scratch
from .course import Course
from .needed import names as _names  # noqa: F401 - cases and the tests use it
from .needed import needed


@dataclass(frozen=True)
class CellScore:
    """The outcome of one graded cell."""

    grade_id: str
    score: float
    max_score: float
    auto: bool  # a code cell graded by its tests (markdown answers are graded by hand)
    needs_manual_grade: bool


@dataclass
class Result:
    """Scores of one autograded submission, keyed by grade_id."""

    cells: dict[str, CellScore]
    autograded_notebook: Path
    log: str = ""  # what nbgrader printed while grading this submission

    @property
    def auto_score(self) -> float:
        return sum(c.score for c in self.cells.values() if c.auto)

    @property
    def auto_max(self) -> float:
        return sum(c.max_score for c in self.cells.values() if c.auto)

    def __repr__(self) -> str:
        return f"Result(auto {self.auto_score:g}/{self.auto_max:g}, cells={len(self.cells)})"


def graded_cells_only(nb):
    """A copy of ``nb`` without the demo code cells the graded cells do not need.

    Kept: every markdown cell, every nbgrader cell (setup, solutions, grading cells) and each
    ungraded code cell that binds a name one of those, or an earlier kept cell, reads (a
    kernel the exercise is given, say): :func:`autograde.needed.needed`. What goes is the
    teaching around the exercises: plots, timings, training runs. A wrong answer graded this
    way is judged by exactly the same grading cells in the same order, in a fraction of the
    time; the round trip checks that the solution still earns full marks this way, so
    nothing the tests need was cut.
    """
    import copy

    nb = copy.deepcopy(nb)
    nb.cells = [c for c, k in zip(nb.cells, needed(nb)) if k]
    return nb


def default_workers() -> int:
    """How many submissions grade at once: one per core, at most 4
    (``COURSE_ROUNDTRIP_WORKERS`` overrides)."""
    return int(os.environ.get("COURSE_ROUNDTRIP_WORKERS", min(4, os.cpu_count() or 1)))


def autograde(
    assignment: str,
    submissions: dict[str, Path],
    workdir: Path,
    *,
    source: Path | None = None,
    workers: int | None = None,
    time_scale: float = 1.0,
) -> dict[str, Result]:
    """Generate ``assignment`` from ``source`` (default: this repository's ``solutions/``)
    in a scratch course at ``workdir``, submit each notebook in ``submissions`` (student id
    -> notebook path), grade them as ``make grade`` does (sandboxed, ``workers`` at once)
    and return each student's scores from the gradebook. ``time_scale`` stretches the
    sized time limits as ``make grade --time-scale`` does (a machine busy with other work)."""
    from nbgrader.api import Gradebook

    course = Course(Path(workdir))
    if not (course.release / assignment).exists():
        scratch.new_course(course.root, [assignment], source=source)
    for student, notebook in submissions.items():
        scratch.submit(course, student, assignment, Path(notebook))
    settings = grading.GradingSettings(
        root=course.root,
        force=True,
        workers=max(1, workers or default_workers()),
        time_scale=time_scale,
    )
    outcomes = {
        o.student: o
        for o in grading.grade(assignment, list(submissions), settings, echo=lambda _: None)
    }
    notebook_id = course.released_notebook(assignment).stem
    results = {}
    with Gradebook(course.gradebook_url) as gb:
        for student in submissions:
            outcome = outcomes[student]
            if outcome.status == "failed":
                raise RuntimeError(
                    f"grading {student}'s {assignment} failed: {outcome.notes}\n{outcome.log_tail}"
                )
            nb = gb.find_submission_notebook(notebook_id, assignment, student)
            cells = {
                g.name: CellScore(
                    g.name, g.score, g.max_score, g.cell_type == "code", bool(g.needs_manual_grade)
                )
                for g in nb.grades
            }
            results[student] = Result(
                cells, course.autograded(student, assignment) / f"{notebook_id}.ipynb", outcome.log
            )
    return results


def main(argv: list[str] | None = None) -> int:
    """Command line entry point (``python -m autograde.roundtrip``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("assignment")
    parser.add_argument("submission", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kit-grade-") as tmp:
        result = autograde(args.assignment, {"student": args.submission}, Path(tmp))["student"]
        for cell in result.cells.values():
            score = "manual" if cell.needs_manual_grade else f"{cell.score:g}"
            print(f"{cell.grade_id:32s} {score:>6} / {cell.max_score:g}")
        print(f"auto-graded total: {result.auto_score:g} / {result.auto_max:g}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
