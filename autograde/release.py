"""Regenerate the student notebooks in ``course/`` from the sources in ``solutions/``.

``python -m autograde release [ASSIGNMENT ...]`` (``make release``) calls :func:`generate`
for each assignment, after :func:`update_headers` has written the notebook's header cells
(Colab and Binder badges, the Colab install cell: :mod:`autograde.header`) from
``pyproject.toml``. Generation happens in a scratch course (:mod:`autograde.scratch`), so
a failed generation never leaves ``course/`` half-written, and the tests regenerate into
a scratch folder and compare with what is committed.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from . import header, scratch
from .course import Course, notebook_path


def update_headers(assignment: str, source: Path | None = None) -> bool:
    """Rewrite the header cells of ``solutions/<assignment>``; True if the file changed."""
    source = source or Course().solutions
    nb = source / assignment / f"{assignment}.ipynb"
    return header.apply_to_file(nb, notebook_path("solutions", assignment))


def generate(assignment: str, dest: Path, *, source: Path | None = None) -> Path:
    """Generate the student version of ``assignment`` into ``dest/<assignment>``; its header
    cells link to ``course/<assignment>``."""
    with tempfile.TemporaryDirectory(prefix="kit-release-") as tmp:
        course = scratch.new_course(Path(tmp), [assignment], source=source, generate=False)
        student = notebook_path("course", assignment)
        header.apply_to_file(course.solution_notebook(assignment), student)
        scratch.generate_assignment(course, assignment)
        header.apply_to_file(course.root / student, student)  # (nbgrader keeps cells as they are)
        out = dest / assignment
        staging = dest / f".{assignment}.new"
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(course.release / assignment, staging)
        shutil.rmtree(out, ignore_errors=True)
        staging.rename(out)
    return out
