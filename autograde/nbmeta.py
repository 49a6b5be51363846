"""What nbgrader's metadata says about a cell, asked in one place.

nbgrader marks cells in ``cell.metadata["nbgrader"]``; its own predicates
(``nbgrader.utils.is_grade``, ``is_solution``) read the flags. The grader also reads
submitted notebooks, whose metadata a student can have edited into anything, so every
question here tolerates a cell without metadata or with metadata of the wrong type
(it then has no nbgrader role) instead of raising.

The roles the kit uses:

* a **grading cell**: a code cell with points and no answer in it (tests; locked);
* an **answer cell**: where the student writes (``solution``), code or markdown;
* anything else with a ``grade_id``: locked instructions, the setup cell, rubrics.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from nbformat import NotebookNode
from nbgrader import utils as nbgrader_utils


def nbgrader(cell) -> dict:
    """The cell's nbgrader metadata; ``{}`` when it has none (or none that is a dict)."""
    metadata = cell.get("metadata") if isinstance(cell, dict) else None
    meta = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    return meta if isinstance(meta, dict) else {}


def _node(cell) -> NotebookNode:
    # nbgrader's predicates read cell.metadata["nbgrader"]: give them a well-formed view
    return NotebookNode(metadata=NotebookNode(nbgrader=NotebookNode(nbgrader(cell))))


def grade_id(cell) -> str | None:
    """The cell's nbgrader id, or None."""
    return nbgrader(cell).get("grade_id")


def is_grading_cell(cell) -> bool:
    """A code cell with points and no answer: its tests decide the score."""
    view = _node(cell)
    return (
        cell.get("cell_type") == "code"
        and bool(nbgrader_utils.is_grade(view))
        and not nbgrader_utils.is_solution(view)
    )


def is_answer(cell) -> bool:
    """A cell the student writes in (a solution cell that is not also marked locked)."""
    return bool(nbgrader_utils.is_solution(_node(cell))) and not nbgrader(cell).get("locked")


# ------------------------------------------------------------------ the grader's own notes
# How a graded cell failed travels from the grader's executor (safe_execute) to the
# feedback page (feedback) and the grader's notes (grading) as data in the cell's metadata,
# never as text to be parsed back out of a traceback. The executor clears what a
# submission brought under this key before it runs anything, so a student cannot forge it.

KIT_KEY = "course_kit"

TEST_FAILED = "test failed"  # a check of a grading cell failed (line: which)
GRADER_ERROR = "grader error"  # the grading cell could not be run safely
TIMEOUT = "timeout"  # the cell ran past the time limit per cell
KERNEL_DIED = "kernel died"  # the kernel process ended while this cell ran
KERNEL_HUNG = "kernel hung"  # the kernel stopped answering and was stopped
NOT_RUN = "not run"  # not run at all (why: the message)
COMPROMISED = "compromised"  # the kernel no longer ran the grader's code after this cell
FAILURE_KINDS = (
    TEST_FAILED,
    GRADER_ERROR,
    TIMEOUT,
    KERNEL_DIED,
    KERNEL_HUNG,
    NOT_RUN,
    COMPROMISED,
)


@dataclass(frozen=True)
class CellFailure:
    """Why a cell failed, as the grader recorded it."""

    kind: str  # one of FAILURE_KINDS
    line: int | None = None  # the grading cell's line that failed, when known
    message: str = ""  # the student-facing sentence(s)
    detail: str = ""  # for the instructor (grader.json), never shown to the student


def set_failure(cell, failure: CellFailure) -> None:
    """Record on ``cell`` why it failed (replacing any earlier record)."""
    cell.setdefault("metadata", {})[KIT_KEY] = {"failure": asdict(failure)}


def failure(cell) -> CellFailure | None:
    """The failure the grader recorded on ``cell``, or None."""
    metadata = cell.get("metadata") if isinstance(cell, dict) else None
    note = metadata.get(KIT_KEY) if isinstance(metadata, dict) else None
    data = note.get("failure") if isinstance(note, dict) else None
    if not isinstance(data, dict) or data.get("kind") not in FAILURE_KINDS:
        return None
    line = data.get("line")
    return CellFailure(
        data["kind"],
        line if isinstance(line, int) else None,
        str(data.get("message", "")),
        str(data.get("detail", "")),
    )


def clear_failures(nb) -> None:
    """Remove every note of the grader's from ``nb`` (what a submission brought along)."""
    for cell in nb.cells:
        metadata = cell.get("metadata")
        if isinstance(metadata, dict):
            metadata.pop(KIT_KEY, None)
