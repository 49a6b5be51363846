"""Running nbgrader's command line on a course, with the kit's configuration.

nbgrader reads ``nbgrader_config.py`` from the folder it runs in, so every call runs in
:data:`autograde.course.CONFIG_DIR` and names the course root and its gradebook on the
command line. nbgrader shells out to ``alembic`` (gradebook migrations), which must come
from this interpreter's environment: its ``bin/`` goes first on ``PATH``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .course import CONFIG_DIR, Course


def nbgrader_env() -> dict[str, str]:
    """This process's environment with this interpreter's ``bin/`` first on ``PATH``."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def nbgrader_command(args: list[str], course: Course, *, db_url: str | None = None) -> list[str]:
    """``python -m nbgrader <args>`` on ``course`` and its gradebook (or ``db_url``)."""
    return [
        sys.executable,
        "-m",
        "nbgrader",
        *args,
        f"--CourseDirectory.root={course.root}",
        f"--CourseDirectory.db_url={db_url or course.gradebook_url}",
    ]


def run_nbgrader(
    args: list[str], course: Course, *, db_url: str | None = None
) -> subprocess.CompletedProcess:
    """Run ``nbgrader <args>`` on ``course``; RuntimeError with its output if it fails."""
    if db_url is None:
        course.gradebook.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(
        nbgrader_command(args, course, db_url=db_url),
        cwd=CONFIG_DIR,
        env=nbgrader_env(),
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0:
        raise RuntimeError(
            f"`nbgrader {' '.join(args)}` failed (exit {proc.returncode}):\n"
            f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
        )
    return proc
