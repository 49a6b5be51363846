"""Scratch courses: a throwaway course folder with some of the kit's assignments in it.

Releasing (:mod:`autograde.release`), the notebook round trips (:mod:`autograde.roundtrip`),
the grading benchmark (:mod:`autograde.benchmarks.grading`) and the grader's tests all need a course of
their own, so that nothing they do touches this repository's ``course/`` or gradebook::

    course = new_course(tmp, ["01-visual-cortex"])        # solutions/ copied, course/ generated
    nb = solved_student_notebook(course, "01-visual-cortex")
    submit(course, "alice", "01-visual-cortex", nb)       # autograde/submitted/alice/...
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from . import nbmeta
from .course import Course
from .nbgrader_cli import run_nbgrader

_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")


def new_course(
    dest: Path,
    assignments: list[str],
    *,
    source: Path | None = None,
    generate: bool = True,
    db_url: str | None = None,
) -> Course:
    """A course at ``dest`` with ``assignments`` copied from the ``solutions/`` folder
    ``source`` (default: this repository's), each generated into ``course/`` and recorded
    in the scratch gradebook (or the one at ``db_url``) unless ``generate`` is False."""
    course = Course(Path(dest))
    course.autograde.mkdir(parents=True, exist_ok=True)
    source = source or Course().solutions
    for name in assignments:
        shutil.copytree(
            source / name,
            course.solutions / name,
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
        )
        for timing in (source.parent / "autograde" / "timings").glob(f"*/{name}.json"):
            # the solution's measured times, per profile: the grading limits come from them
            target = course.autograde / "timings" / timing.parent.name
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy(timing, target / timing.name)
        if generate:
            generate_assignment(course, name, db_url=db_url)
    return course


def generate_assignment(course: Course, assignment: str, *, db_url: str | None = None) -> Path:
    """``nbgrader generate_assignment``: the student version into ``course/<assignment>``."""
    run_nbgrader(["generate_assignment", assignment, "--force"], course, db_url=db_url)
    return course.release / assignment


def solved_student_notebook(release_nb: Path, solution_nb: Path) -> nbformat.NotebookNode:
    """The released notebook with every answer typed in from the solutions (without
    nbgrader's markers): what a student who solved everything submits."""
    answers = {
        nbmeta.grade_id(c): "\n".join(
            line for line in c.source.splitlines() if line.strip() not in _MARKERS
        )
        for c in nbformat.read(solution_nb, as_version=4).cells
        if nbmeta.nbgrader(c).get("solution")
    }
    nb = nbformat.read(release_nb, as_version=4)
    for cell in nb.cells:
        if nbmeta.nbgrader(cell).get("solution") and nbmeta.grade_id(cell) in answers:
            cell.source = answers[nbmeta.grade_id(cell)]
    return nb


def solved(course: Course, assignment: str) -> nbformat.NotebookNode:
    """:func:`solved_student_notebook` for an assignment of ``course``."""
    return solved_student_notebook(
        course.released_notebook(assignment), course.solution_notebook(assignment)
    )


def submit(
    course: Course,
    student: str,
    assignment: str,
    notebook: nbformat.NotebookNode | Path | str,
    *,
    timestamp: str | None = None,
) -> Path:
    """Put ``notebook`` (a notebook, a file to copy, or raw text) where collect would:
    ``autograde/submitted/<student>/<assignment>/<assignment>.ipynb``. Returns its path."""
    folder = course.submitted(student, assignment)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{assignment}.ipynb"
    if isinstance(notebook, nbformat.NotebookNode):
        nbformat.write(notebook, target)
    elif isinstance(notebook, Path):
        shutil.copy(notebook, target)
    else:
        target.write_text(notebook)
    if timestamp is not None:
        (folder / "timestamp.txt").write_text(timestamp)
    return target
