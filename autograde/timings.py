"""Time limits sized to the notebook: measured on the solution at ``make release``.

A fixed limit per cell (nbgrader's 120 s) lets a function that never returns hold a
grading worker for two minutes in every cell that calls it. Instead, ``make release``
grades the solution notebook in the sandbox, as a student who solved everything, and
records how long each cell took and how long the whole submission took
(``autograde/timings/<profile>/<assignment>.json``, committed with the course: a notebook
takes longer in the ``full`` profile than in ``smoke``, so each has its own). ``make grade``
then gives each cell ``max(CELL_FLOOR_S, CELL_FACTOR x its honest time)`` (never more
than ``--cell-timeout``) and the whole submission ``NOTEBOOK_FACTOR x the honest total +
NOTEBOOK_EXTRA_S`` (never more than ``--notebook-timeout``); ``--time-scale`` stretches
both for a grading machine slower than the one that measured, ``--fixed-limits`` goes
back to the fixed limits.

The record is keyed by a fingerprint of the solution's code cells: a changed solution
makes it stale, ``make release`` measures again, and until then ``make grade`` uses the
fixed limits and says so.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import platform
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from . import nbmeta
from .course import Course

CELL_FACTOR = 4  # a cell may take this many times its honest time ...
CELL_FLOOR_S = 10  # ... and never less than this (kernel start, a busy machine)
NOTEBOOK_FACTOR = 3  # a submission may take this many times the honest one's total ...
NOTEBOOK_EXTRA_S = 60  # ... plus this
MEASURED_STUDENT = "kit-solution-timing"


def cell_key(cell) -> str:
    """How a cell is known in a timing record: its nbgrader id, else its cell id."""
    return nbmeta.grade_id(cell) or cell.get("id") or ""


def fingerprint(solution: nbformat.NotebookNode) -> str:
    """The solution's code cells (ids and sources): what the honest times depend on."""
    digest = hashlib.sha256()
    for cell in solution.cells:
        if cell.cell_type == "code":
            digest.update(cell_key(cell).encode() + b"\0" + cell.source.encode() + b"\0")
    return digest.hexdigest()


@dataclass
class Timings:
    """The honest run of one assignment's solution, as graded."""

    assignment: str
    solution: str  # fingerprint() of the solution notebook measured
    cells: dict[str, float]  # cell_key -> seconds, for every cell the grader ran
    total_s: float  # the whole submission: nbgrader's start, kernel, cells, gradebook
    measured: str  # when and where, for the instructor
    # tests whose checks of floating-point results expect whole numbers only: they cannot
    # tell a right answer from one that rounds or uses // (verdict.whole_numbers_only)
    whole_number_tests: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        """The record as written to its file."""
        return json.dumps(asdict(self), indent=1, sort_keys=True) + "\n"


def profile() -> str:
    """The profile grading runs in: the kernel inherits ``COURSE_PROFILE`` (see sandbox)."""
    from cnn_course_kit.config import settings

    return settings().profile


def path(course: Course, assignment: str) -> Path:
    """Where the timing record of ``assignment`` is kept, for the profile in use."""
    return course.autograde / "timings" / profile() / f"{assignment}.json"


def load(course: Course, assignment: str) -> Timings | None:
    """The timing record of ``assignment`` if it matches its solution now, else None."""
    try:
        timings = Timings(**json.loads(path(course, assignment).read_text()))
        solution = nbformat.read(course.solution_notebook(assignment), as_version=4)
    except (OSError, ValueError, TypeError):
        return None
    return timings if timings.solution == fingerprint(solution) else None


@dataclass
class Budget:
    """The time limits one batch grades with."""

    cells: dict[str, int]  # cell_key -> seconds
    default_cell: int  # a cell with no measurement (e.g. one a student added)
    notebook: int  # the whole submission
    source: str  # how they were chosen, for grader.json and make grade's output

    def write(self, target: Path) -> Path:
        """The per-cell limits as the executor reads them (``SafeExecute.limits_file``)."""
        target.write_text(json.dumps({"cells": self.cells, "default": self.default_cell}))
        return target

    def describe(self) -> dict[str, str]:
        longest = max([self.default_cell, *self.cells.values()])
        shortest = min([self.default_cell, *self.cells.values()])
        per_cell = f"{shortest} s" if shortest == longest else f"{shortest}-{longest} s"
        return {"per cell": per_cell, "per notebook": f"{self.notebook} s", "chosen": self.source}


def budget(
    timings: Timings | None, cell_timeout: int, notebook_timeout: int, scale: float = 1.0
) -> Budget:
    """Limits from an honest run (within the fixed ceilings), or the ceilings themselves."""
    if timings is None:
        return Budget({}, cell_timeout, notebook_timeout, "fixed")

    def cell(seconds: float) -> int:
        return min(cell_timeout, max(CELL_FLOOR_S, math.ceil(CELL_FACTOR * seconds * scale)))

    cells = {key: cell(s) for key, s in timings.cells.items()}
    whole = math.ceil((NOTEBOOK_FACTOR * timings.total_s + NOTEBOOK_EXTRA_S) * scale)
    return Budget(
        cells,
        max(cells.values(), default=cell_timeout),
        min(notebook_timeout, whole),
        f"measured on the solution ({timings.measured}; honest total {timings.total_s:.0f} s)"
        + (f", scaled by {scale:g}" if scale != 1 else ""),
    )


def measure(course: Course, assignment: str, *, unsafe: bool | None = None) -> Timings:
    """Grade the solution of ``assignment`` as a student would be graded and record the
    times; refuses (ValueError) when the solution does not earn full marks."""
    from . import grading, sandbox, scratch

    if unsafe is None:  # the solution is the instructor's code: no sandbox, if there is none
        try:
            sandbox.check_available()
            unsafe = False
        except sandbox.SandboxUnavailable:
            unsafe = True
    with tempfile.TemporaryDirectory(prefix="kit-timing-") as tmp:
        scratch_course = scratch.new_course(Path(tmp), [assignment], source=course.solutions)
        solved = scratch.solved(scratch_course, assignment)
        scratch.submit(scratch_course, MEASURED_STUDENT, assignment, solved)
        settings = grading.GradingSettings(
            root=scratch_course.root, workers=1, unsafe=unsafe, fixed_limits=True
        )
        (outcome,) = grading.grade(assignment, [MEASURED_STUDENT], settings, echo=lambda _: None)
        if outcome.status != "graded":
            raise ValueError(
                f"the solution of {assignment} could not be graded to time it: "
                + " ".join(outcome.notes)
            )
        lost = grading.points_lost(scratch_course, assignment, MEASURED_STUDENT)
        if lost:
            raise ValueError(
                f"the solution of {assignment} does not pass its own tests: {', '.join(lost)}"
            )
        solution = nbformat.read(course.solution_notebook(assignment), as_version=4)
        return Timings(
            assignment=assignment,
            solution=fingerprint(solution),
            cells=outcome.cell_seconds,
            total_s=outcome.seconds,
            whole_number_tests=outcome.whole_number_tests,
            measured=f"{time.strftime('%Y-%m-%d')}, {profile()} profile, {os.cpu_count()} CPUs, "
            f"{platform.machine()}, {'no sandbox' if unsafe else 'sandbox'}",
        )


def ensure(course: Course, assignment: str, echo=print) -> Timings:
    """The up-to-date timing record of ``assignment``, measured and written if needed."""
    timings = load(course, assignment)
    if timings is not None:
        return timings
    echo(f"timing the solution of {assignment} in the grader (its time limits come from it) ...")
    timings = measure(course, assignment)
    target = path(course, assignment)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(timings.to_json())
    echo(
        f"  {assignment}: {timings.total_s:.1f} s in all; a submission may take "
        f"{budget(timings, 10**6, 10**6).notebook} s"
    )
    if timings.whole_number_tests:
        echo(
            f"  warning: in {assignment}, every floating-point value that "
            f"{', '.join(timings.whole_number_tests)} checks is a whole number, so an answer "
            "that rounds or uses // passes too: add a case with a fractional result"
        )
    return timings
