"""Bring submissions into ``autograde/submitted/<student>/<assignment>/``.

Two sources:

* nbgrader's filesystem exchange (students used *Submit* in JupyterLab or
  ``nbgrader submit``): :func:`from_exchange` runs ``nbgrader collect``;
* a folder or a zip downloaded from an LMS (Moodle, Canvas, ...): :func:`from_download`
  understands ``<student>/<notebook>.ipynb`` and ``<student>_<notebook>.ipynb`` (also
  ``<student>_<anything>_<notebook>-1.ipynb``, Canvas' name for a re-submission).

Nothing is ever deleted: a student's earlier submission is moved aside into
``autograde/submitted/.replaced/`` before a newer one takes its place, the download is only
read, and every file that could not be matched to a student is listed.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .course import ROOT, Course
from .nbgrader_cli import run_nbgrader

_SAFE_ID = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class Collected:
    """What a collection found."""

    students: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files matched to no student, and why

    def __str__(self) -> str:
        lines = [f"collected {len(self.students)} submission(s)"]
        lines += [f"  skipped {s}" for s in self.skipped]
        return "\n".join(lines)


def student_id(raw: str) -> str:
    """A file-system-safe student id (``"Jane Doe"`` -> ``"Jane_Doe"``)."""
    return _SAFE_ID.sub("_", raw.strip()).strip("._") or "unknown"


def match(relative: Path, notebook: str) -> str | None:
    """The student a downloaded file belongs to, or None (see the module docstring)."""
    if relative.suffix != ".ipynb" or any(p.startswith((".", "__MACOSX")) for p in relative.parts):
        return None
    stem = re.sub(r"-\d+$", "", relative.stem)  # Canvas: notebook-1.ipynb
    if len(relative.parts) >= 2 and stem == notebook:
        return student_id(relative.parts[0])
    if stem.endswith(notebook):
        owner = stem[: -len(notebook)].rstrip("_")
        if owner:
            return student_id(owner.split("_")[0])
    return None


def _timestamp(path: Path) -> str:
    moment = datetime.fromtimestamp(path.stat().st_mtime, tz=timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f %Z")


def _place(course: Course, assignment: str, student: str, notebook: Path) -> None:
    folder = course.submitted(student, assignment)
    if folder.exists():
        aside = course.replaced() / f"{student}-{assignment}-{time.time_ns()}"
        aside.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(folder), aside)
    folder.mkdir(parents=True)
    shutil.copy2(notebook, folder / f"{assignment}.ipynb")
    (folder / "timestamp.txt").write_text(_timestamp(notebook))


def _safe_extract(archive: Path, dest: Path) -> None:
    with zipfile.ZipFile(archive) as zf:
        for member in zf.infolist():
            target = (dest / member.filename).resolve()
            if dest.resolve() not in target.parents and target != dest.resolve():
                raise ValueError(
                    f"{archive.name} contains a path outside the archive: "
                    f"{member.filename!r}; refusing to extract it."
                )
        zf.extractall(dest)


def from_download(source: Path, assignment: str, *, root: Path = ROOT) -> Collected:
    """Import a folder or a zip of notebooks downloaded from an LMS."""
    source = Path(source)
    if not source.exists():
        raise FileNotFoundError(
            f"{source} does not exist: give the folder or the .zip you downloaded from your LMS."
        )
    with tempfile.TemporaryDirectory(prefix="kit-collect-") as tmp:
        folder = source
        if source.is_file():
            try:
                _safe_extract(source, Path(tmp))
            except zipfile.BadZipFile:
                raise ValueError(f"{source} is neither a folder nor a readable zip file.") from None
            folder = Path(tmp)
        found: dict[str, Path] = {}
        result = Collected()
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            relative = path.relative_to(folder)
            owner = match(relative, assignment)
            if owner is None:
                if path.suffix == ".ipynb":
                    result.skipped.append(
                        f"{relative} (name does not say whose {assignment} it is)"
                    )
                continue
            if owner in found and found[owner].stat().st_mtime >= path.stat().st_mtime:
                result.skipped.append(f"{relative} (an older file of {owner})")
                continue
            if owner in found:
                result.skipped.append(
                    f"{found[owner].relative_to(folder)} (an older file of {owner})"
                )
            found[owner] = path
        for owner, path in sorted(found.items()):
            _place(Course(root), assignment, owner, path)
            result.students.append(owner)
    return result


def from_exchange(assignment: str, *, root: Path = ROOT, db_url: str | None = None) -> Collected:
    """``nbgrader collect``: the latest submission of every student from the exchange."""
    course = Course(root)
    run_nbgrader(["collect", assignment, "--update"], course, db_url=db_url)
    return Collected(students=course.students(assignment))
