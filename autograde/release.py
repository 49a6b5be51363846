"""Regenerate the student notebooks in ``course/`` from the sources in ``solutions/``.

``python -m autograde.release [ASSIGNMENT ...]`` (what ``make release`` runs) calls
``nbgrader generate_assignment`` for each assignment folder in ``solutions/``, after
writing each notebook's header cells (Colab and Binder badges, the Colab install cell:
:mod:`autograde.header`) from ``pyproject.toml``. The work
happens in a temporary course directory, so a failed generation never leaves ``course/``
half-written, and the same function lets the tests regenerate into a scratch folder and
compare with what is committed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from autograde import header

ROOT = Path(__file__).resolve().parents[1]
AUTOGRADE = ROOT / "autograde"


def assignments(source: Path = ROOT / "solutions") -> list[str]:
    """The assignment ids: one folder per notebook in ``solutions/``, in course order."""
    return sorted(p.name for p in source.iterdir()
                  if p.is_dir() and not p.name.startswith((".", "_")) and any(p.glob("*.ipynb")))


def nbgrader_env() -> dict[str, str]:
    """The environment nbgrader needs: this interpreter's bin/ first on PATH (alembic)."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def run_nbgrader(args: list[str], *, root: Path, db: Path) -> subprocess.CompletedProcess:
    """Run ``nbgrader <args>`` with our config, on the course directory ``root``."""
    cmd = [sys.executable, "-m", "nbgrader", *args,
           f"--CourseDirectory.root={root}", f"--CourseDirectory.db_url=sqlite:///{db}"]
    proc = subprocess.run(cmd, cwd=AUTOGRADE, env=nbgrader_env(), capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"`nbgrader {' '.join(args)}` failed (exit {proc.returncode}):\n"
                           f"{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


def notebook_path(folder: str, assignment: str) -> str:
    """Where the repository keeps an assignment's notebook, e.g. ``course/01-x/01-x.ipynb``."""
    return f"{folder}/{assignment}/{assignment}.ipynb"


def update_headers(assignment: str, source: Path = ROOT / "solutions") -> bool:
    """Rewrite the header cells of ``solutions/<assignment>``; True if the file changed."""
    nb = source / assignment / f"{assignment}.ipynb"
    return header.apply_to_file(nb, notebook_path("solutions", assignment))


def generate(assignment: str, dest: Path, *, source: Path = ROOT / "solutions") -> Path:
    """Generate the student version of ``assignment`` into ``dest/<assignment>``; its header
    cells link to ``course/<assignment>``."""
    with tempfile.TemporaryDirectory(prefix="kit-release-") as tmp:
        tmp = Path(tmp)
        shutil.copytree(source / assignment, tmp / "solutions" / assignment,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        student = notebook_path("course", assignment)
        header.apply_to_file(tmp / "solutions" / assignment / f"{assignment}.ipynb", student)
        run_nbgrader(["generate_assignment", assignment, "--force"], root=tmp, db=tmp / "gb.db")
        header.apply_to_file(tmp / student, student)  # (nbgrader keeps cells as they are)
        out = dest / assignment
        staging = dest / f".{assignment}.new"
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(tmp / "course" / assignment, staging)
        shutil.rmtree(out, ignore_errors=True)
        staging.rename(out)
    return out


def main(argv: list[str] | None = None) -> int:
    """Command line entry point (``python -m autograde.release``, ``make release``)."""
    parser = argparse.ArgumentParser(description="Regenerate course/ from solutions/.")
    parser.add_argument("assignments", nargs="*", help="assignment ids (default: all)")
    parser.add_argument("--dest", type=Path, default=ROOT / "course")
    args = parser.parse_args(argv)
    args.dest.mkdir(parents=True, exist_ok=True)
    for name in args.assignments or assignments():
        if update_headers(name):
            print(f"updated the header cells of {notebook_path('solutions', name)}")
        out = generate(name, args.dest)
        print(f"released {name} -> {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
