"""Where a course keeps what: one place for every folder and file the grader reads or writes.

A course is a folder laid out the way ``nbgrader_config.py`` tells nbgrader::

    solutions/<assignment>/<assignment>.ipynb    the source: answers and hidden tests
    course/<assignment>/<assignment>.ipynb       the release: what students get
    autograde/submitted/<student>/<assignment>/  what students handed in (never modified)
    autograde/staging/<run>/<student>/<assignment>/   repaired copies, one folder per run
    autograde/autograded/<student>/<assignment>/ graded notebooks and grader.json
    autograde/feedback/<student>/<assignment>/   HTML feedback pages
    autograde/gradebook.db                       nbgrader's gradebook (SQLite)

This repository is one such course (:data:`ROOT`); the tests and the benchmark build
scratch ones (:mod:`autograde.scratch`). Every module asks a :class:`Course` for a path
instead of joining the names itself, so the layout can change in one place.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG_DIR = Path(__file__).resolve().parent  # nbgrader reads nbgrader_config.py from here

# Folders relative to the course root, as nbgrader_config.py gives them to nbgrader.
SOURCE = "solutions"
RELEASE = "course"
SUBMITTED = "autograde/submitted"
AUTOGRADED = "autograde/autograded"
FEEDBACK = "autograde/feedback"
STAGING = "autograde/staging"
GRADEBOOK = "autograde/gradebook.db"
REPLACED = ".replaced"  # under SUBMITTED: earlier submissions moved aside by collect
RECORD = "grader.json"  # beside each autograded notebook

# Parallel graders share one SQLite gradebook; a busy timeout makes their writes queue up.
SQLITE_BUSY_TIMEOUT_S = 120


def sqlite_url(path: Path) -> str:
    """The SQLAlchemy URL of the SQLite gradebook at ``path``, with the busy timeout."""
    return f"sqlite:///{path}?timeout={SQLITE_BUSY_TIMEOUT_S}"


def _folders(parent: Path, hidden: tuple[str, ...] = (".",)) -> list[Path]:
    """The sub-folders of ``parent`` whose names do not start with ``hidden``, sorted."""
    return (
        sorted(p for p in parent.iterdir() if p.is_dir() and not p.name.startswith(hidden))
        if parent.is_dir()
        else []
    )


@dataclass(frozen=True)
class Course:
    """The folders of the course at ``root`` (see the module docstring)."""

    root: Path = ROOT

    @property
    def solutions(self) -> Path:
        return self.root / SOURCE

    @property
    def release(self) -> Path:
        return self.root / RELEASE

    @property
    def autograde(self) -> Path:
        return self.root / "autograde"

    @property
    def gradebook(self) -> Path:
        return self.root / GRADEBOOK

    @property
    def gradebook_url(self) -> str:
        return sqlite_url(self.gradebook)

    @property
    def staging(self) -> Path:
        return self.root / STAGING

    def submitted(self, student: str | None = None, assignment: str | None = None) -> Path:
        """``autograde/submitted``, or one student's folder, or one submission's folder."""
        return _below(self.root / SUBMITTED, student, assignment)

    def autograded(self, student: str | None = None, assignment: str | None = None) -> Path:
        """``autograde/autograded``, or one student's folder, or one submission's folder."""
        return _below(self.root / AUTOGRADED, student, assignment)

    def feedback(self, student: str | None = None, assignment: str | None = None) -> Path:
        """``autograde/feedback``, or one student's folder, or one submission's folder."""
        return _below(self.root / FEEDBACK, student, assignment)

    def replaced(self) -> Path:
        """Where collect moves a student's earlier submission before a newer one lands."""
        return self.submitted() / REPLACED

    def record(self, student: str, assignment: str) -> Path:
        """The grader's record of one graded submission (``grader.json``)."""
        return self.autograded(student, assignment) / RECORD

    def assignments(self) -> list[str]:
        """The assignment ids: one folder with a notebook in ``solutions/``, in course order."""
        return [p.name for p in _folders(self.solutions, (".", "_")) if any(p.glob("*.ipynb"))]

    def students(self, assignment: str) -> list[str]:
        """Students with a submission of ``assignment`` in ``autograde/submitted``."""
        return [p.name for p in _folders(self.submitted()) if (p / assignment).is_dir()]

    def solution_notebook(self, assignment: str) -> Path:
        return self.solutions / assignment / f"{assignment}.ipynb"

    def released_notebook(self, assignment: str) -> Path:
        """The notebook students were given; FileNotFoundError if it was never released."""
        folder = self.release / assignment
        notebooks = sorted(folder.glob("*.ipynb"))
        if not notebooks:
            raise FileNotFoundError(f"No released notebook in {folder}: run `make release` first.")
        return notebooks[0]


def _below(base: Path, student: str | None, assignment: str | None) -> Path:
    if assignment is not None and student is None:
        raise ValueError("an assignment's folder is inside a student's: give the student too")
    return base.joinpath(*(p for p in (student, assignment) if p is not None))


def notebook_path(folder: str, assignment: str) -> str:
    """How the repository names an assignment's notebook, e.g. ``course/01-x/01-x.ipynb``."""
    return f"{folder}/{assignment}/{assignment}.ipynb"
