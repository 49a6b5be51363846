"""Bring submissions into ``autograde/submitted/<student>/<assignment>/``.

Two sources:

* nbgrader's filesystem exchange (students used *Submit* in JupyterLab or
  ``nbgrader submit``): :func:`from_exchange` runs ``nbgrader collect``;
* a folder or a zip downloaded from an LMS: :func:`from_download` recognises Moodle's,
  Canvas' and Blackboard's names and two plain layouts (:mod:`autograde.lms`), gives each
  student a safe, unique, stable id (:mod:`autograde.students`) and reports, for every
  file of the download, which student it became or why it was skipped.

What :func:`from_download` promises:

* **nobody merged, nobody mis-filed**: students are told apart by the LMS's number where
  it has one, two identities never share an id, and a path is judged by the same
  normalised form it is filed under (``alice/../bob/x`` is bob's);
* **the right copy**: when a student has several copies, the newest by the time the
  archive (or the LMS's name) records wins, and the report says which and why; the
  obvious variants of the notebook's name count (``01-Visual-Cortex.ipynb``,
  ``… (1).ipynb``, Canvas' ``…-1.ipynb``);
* **no file of the download is trusted**: nothing is extracted under its own name (so no
  path, link, long name or file/folder clash can touch the disk); links are never
  followed; sizes are checked before anything is read (``--max-notebook-mb``,
  ``--max-total-mb``); a bad entry is skipped and listed, the rest is collected;
* **all or nothing**: every submission is first written to a staging folder, then moved
  into place; if anything fails, nothing has changed. A student's earlier submission is
  moved aside into ``autograde/submitted/.replaced/``, never deleted, and the download is
  only read.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO

from . import download, lms
from .course import ROOT, Course
from .download import Entry
from .nbgrader_cli import run_nbgrader
from .notebook_file import MAX_NOTEBOOK_MB
from .students import Assigned, Register, Roster, safe_id

MAX_TOTAL_MB = 4096  # everything one collect takes from a download


@dataclass
class Limits:
    """Sizes a download may not exceed (``--max-notebook-mb``, ``--max-total-mb``)."""

    notebook_mb: int = MAX_NOTEBOOK_MB
    total_mb: int = MAX_TOTAL_MB


@dataclass
class _Candidate:
    entry: Entry
    who: lms.Owner
    rank: int  # lms.notebook_rank of the student's own file name

    def order(self) -> tuple:
        when = self.who.submitted or self.entry.time
        if when is not None and when.tzinfo is not None:
            when = when.astimezone(timezone.utc).replace(tzinfo=None)
        copy = re.search(r"(\d+)\)?\.ipynb$", self.who.filename)
        number = int(copy[1]) if copy else 0
        return (self.rank > 0, when or datetime.min, number, self.entry.index)

    def same_time(self, other: _Candidate) -> bool:
        return self.order()[:2] == other.order()[:2]

    def tie(self, other: _Candidate) -> str:
        """Why self won over ``other``, a copy with the same time."""
        if self.order()[2] != other.order()[2]:
            return "the higher copy number"
        return "the later one in the download"


@dataclass
class Collected:
    """What a collection found: one line per input file, and the students it filed."""

    students: list[str] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # files matched to no student, and why
    notes: list[str] = field(default_factory=list)  # collisions, roster, layouts
    source: str = ""
    register: Register | None = None

    def __str__(self) -> str:
        out = list(self.lines) + [f"note: {n}" for n in self.notes]
        out.append(
            f"collected {len(self.students)} student(s)"
            + (f" from {self.source}" if self.source else "")
            + (f"; skipped {len(self.skipped)} file(s) (listed above)" if self.skipped else "")
        )
        return "\n".join(out)


def _wrapper_depth(paths: list[tuple[str, ...]], notebook: str) -> int:
    """How many folders every notebook sits in above the students' own (``unzip -d x``).

    A folder is a wrapper when every notebook is inside it and, below it, in a folder of
    its own or in a file whose name says whose it is (``alice_01-….ipynb``). One student's
    download with sub-folders (``alice/v1/…``, ``alice/v2/…``) looks the same as a class in
    a wrapper; the report notes every wrapper it took, so that case shows."""
    depth = 0
    while paths and all(len(p) > depth + 1 for p in paths):
        if len({p[depth] for p in paths}) != 1 or lms.names_a_student(paths[0][depth]):
            break
        if not all(len(p) > depth + 2 or lms.owner(p[-1:], notebook) for p in paths):
            break
        depth += 1
    return depth


def _mb(size: int) -> str:
    return f"{size / 2**20:,.1f} MB"


class _Plan:
    """Which entry each student's submission comes from (nothing written yet)."""

    def __init__(self, entries, assignment, others, limits, register, roster):
        self.assignment, self.limits = assignment, limits
        self.register, self.roster = register, roster
        self.result = Collected()
        self.groups: dict[str, list[_Candidate]] = {}
        self.lines: dict[int, str] = {}
        self.kept: set[str] = set()  # students whose earlier submission stays
        notebooks = [
            e.parts for e in entries if not e.problem and not self._junk(e) and self._ipynb(e)
        ]
        depth = _wrapper_depth(notebooks, assignment)
        if depth:
            self.result.notes.append(
                f"every notebook is inside {'/'.join(notebooks[0][:depth])}/: taken as a folder "
                "around the students' files, not as a student"
            )
        for index, entry in enumerate(entries):
            entry.index = index
            reason = self._consider(entry, depth, others)
            if reason:
                self._skip(index, entry, reason)

    @staticmethod
    def _junk(entry: Entry) -> bool:
        return any(p.startswith(".") or p == "__MACOSX" for p in entry.parts)

    @staticmethod
    def _ipynb(entry: Entry) -> bool:
        return entry.parts[-1].lower().endswith(".ipynb")

    def _skip(self, index: int, entry: Entry, reason: str) -> None:
        self.lines[index] = f"  {entry.shown}: skipped, {reason}"
        self.result.skipped.append(f"{entry.shown} ({reason})")

    def _consider(self, entry: Entry, depth: int, others) -> str | None:
        if entry.problem:
            return entry.problem
        if self._junk(entry):
            return "hidden or macOS metadata, not a submission"
        if not self._ipynb(entry):
            return "not a notebook"
        who = lms.owner(entry.parts[depth:], self.assignment)
        if who is None:
            return f"its name does not say whose {self.assignment} it is"
        rank = lms.notebook_rank(Path(who.filename).name, self.assignment)
        if rank == 0:
            other = next((o for o in others if lms.notebook_rank(Path(who.filename).name, o)), None)
            if other:
                return f"the notebook of another assignment ({other})"
        if entry.size > self.limits.notebook_mb * 2**20:
            return (
                f"{_mb(entry.size)}, over the limit of {self.limits.notebook_mb} MB per "
                "notebook (--max-notebook-mb raises it)"
            )
        self.groups.setdefault(who.key, []).append(_Candidate(entry, who, rank))
        return None

    def choose(self) -> dict[str, tuple[Assigned, list[_Candidate]]]:
        """Each student's candidates, best first, under the id they are filed by."""
        chosen = {}

        def first(key: str) -> tuple:  # names that are already safe ids get them first
            name = self.groups[key][0].who.name
            return (safe_id(name) != name, min(c.entry.parts for c in self.groups[key]))

        used: dict[str, str] = {}
        for key in sorted(self.groups, key=first):
            ordered = sorted(self.groups[key], key=_Candidate.order, reverse=True)
            assigned = self.register.assign(ordered[0].who, self.roster)
            if assigned.student in used:  # e.g. two LMS numbers with one email on the roster
                raise ValueError(
                    f"two students of the download ({used[assigned.student]}, {key}) would both "
                    f"be {assigned.student}; nothing was collected"
                )
            used[assigned.student] = key
            spellings = {download.show(c.entry.shown) for c in ordered}
            raw_names = {c.entry.shown for c in ordered}
            if len({lms.nfc(n) for n in raw_names}) < len(raw_names):
                self.result.notes.append(
                    f"{assigned.student}: {len(spellings)} files whose names differ only in how "
                    "Unicode spells the same letters (composed or not, as macOS writes them) "
                    "were taken as one student's copies"
                )
            if assigned.wanted:
                self.result.notes.append(
                    f"two students would both be {assigned.wanted}: '{download.show(assigned.holder)}' "
                    f"keeps it, '{download.show(assigned.name)}' is {assigned.student} (never merged)"
                )
            chosen[key] = (assigned, ordered)
        total = sum(c[1][0].entry.size for c in chosen.values())
        if total > self.limits.total_mb * 2**20:
            raise ValueError(
                f"the notebooks to collect total {_mb(total)}, over the limit of "
                f"{self.limits.total_mb} MB for one collect (--max-total-mb raises it); "
                "nothing was collected"
            )
        return chosen


def _why(best: _Candidate, ordered: list[_Candidate], assignment: str) -> str:
    when = best.who.submitted or best.entry.time
    stamp = f"{when:%Y-%m-%d %H:%M:%S}" if when else "no time recorded"
    bits = [f"taken ({stamp})"]
    if best.rank == 1:
        bits.append(f"a variant of the name {assignment}.ipynb")
    elif best.rank == 0:
        bits.append(
            f"not named {assignment}.ipynb, but this student's only notebook"
            if len(ordered) == 1
            else f"none of this student's notebooks is named {assignment}.ipynb: the newest"
        )
    if best.who.late:
        bits.append("marked LATE by the LMS")
    peers = [c for c in ordered if (c.rank > 0) == (best.rank > 0)]
    if len(peers) > 1:
        same = peers[1].same_time(best)
        bits.append(
            f"the newest of {len(peers)} copies"
            + (f" (same time: {best.tie(peers[1])})" if same else "")
        )
    return ", ".join(bits)


def _copy_bounded(src: BinaryIO, dest: Path, limit: int) -> None:
    with dest.open("wb") as out:
        copied = 0
        while block := src.read(2**20):
            copied += len(block)
            if copied > limit:
                raise ValueError(f"larger than the limit of {limit // 2**20} MB per notebook")
            out.write(block)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""


def _earlier(course: Course, student: str, assignment: str, staged: Path) -> str | None:
    """Why the submission collected before stays (the same file, or a newer one), or None."""
    folder = course.submitted(student, assignment)
    name = f"{assignment}.ipynb"
    if not (folder / name).is_file():
        return None
    if _digest(folder / name) == _digest(staged / name):
        return "unchanged: the same file was collected before"
    try:
        before = json.loads((folder / "collected.json").read_text())
        now = json.loads((staged / "collected.json").read_text())
    except (OSError, json.JSONDecodeError):
        return None
    old, new = (str(r.get("time", "")).removesuffix(" UTC") for r in (before, now))
    if old and new and old > new:
        return (
            f"not taken, older than the submission collected before ({old[:19]}, "
            f"from {before.get('download')}), which stays"
        )
    return None


def _stage(plan: _Plan, chosen, staging: Path, course: Course, origin: str) -> dict[str, Path]:
    """Write each student's submission into ``staging``; return id -> staged folder."""
    staged = {}
    limit = plan.limits.notebook_mb * 2**20
    for assigned, ordered in chosen.values():
        for candidate in ordered:
            folder = staging / assigned.student / plan.assignment
            folder.mkdir(parents=True, exist_ok=True)
            try:
                with candidate.entry.open() as src:
                    _copy_bounded(src, folder / f"{plan.assignment}.ipynb", limit)
            except (OSError, ValueError, zipfile.BadZipFile, RuntimeError, EOFError) as exc:
                reason = f"damaged or unreadable in the download ({exc})"
                plan._skip(candidate.entry.index, candidate.entry, reason)
                continue
            _write_record(folder, candidate, assigned, origin)
            shown = f"  {candidate.entry.shown} -> {assigned.student}: "
            kept = _earlier(course, assigned.student, plan.assignment, folder)
            if kept:
                plan.kept.add(assigned.student)
                plan.lines[candidate.entry.index] = shown + kept
            else:
                staged[assigned.student] = folder
                plan.lines[candidate.entry.index] = shown + _why(
                    candidate, ordered, plan.assignment
                )
            for other in ordered:
                if other is not candidate and other.entry.index not in plan.lines:
                    plan.lines[other.entry.index] = (
                        f"  {other.entry.shown} -> {assigned.student}: not taken, "
                        + _passed_over(other, candidate, plan.assignment)
                    )
            break
    return staged


def _passed_over(other: _Candidate, taken: _Candidate, assignment: str) -> str:
    if other.rank == 0 and taken.rank > 0:
        return f"its name is not {assignment}.ipynb (took {taken.entry.shown})"
    if other.same_time(taken):
        return f"a copy with the same time (took {taken.entry.shown}: {taken.tie(other)})"
    return f"an older copy (took {taken.entry.shown})"


def _write_record(folder: Path, candidate: _Candidate, assigned: Assigned, origin: str) -> None:
    when = candidate.who.submitted or candidate.entry.time
    source = "the LMS's submission time" if candidate.who.submitted else candidate.entry.time_source
    if when is not None and when.tzinfo is not None:
        stamp = when.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f UTC")
    else:
        stamp = when.strftime("%Y-%m-%d %H:%M:%S.%f") if when else ""
    (folder / "timestamp.txt").write_text(stamp)
    record = {
        "download": origin,
        "file": candidate.entry.shown,
        "layout": candidate.who.layout,
        "identity": assigned.key,
        "name": assigned.name,
        "email": assigned.email,
        "lms_id": candidate.who.lms_id,
        "time": stamp,
        "time_source": source,
        "late": candidate.who.late,
    }
    (folder / "collected.json").write_text(json.dumps(record, indent=1, ensure_ascii=False))


def _move_into_place(
    course: Course, assignment: str, staged: dict[str, Path], commit: Callable[[], None]
) -> None:
    """Move every staged submission into place, the earlier one aside, then ``commit``;
    undo every move if any step fails."""
    done: list[tuple[Path, Path]] = []
    try:
        for student, folder in sorted(staged.items()):
            target = course.submitted(student, assignment)
            if target.exists():
                aside = course.replaced() / f"{student[:100]}-{assignment[:60]}-{time.time_ns()}"
                aside.parent.mkdir(parents=True, exist_ok=True)
                target.rename(aside)
                done.append((aside, target))
            target.parent.mkdir(parents=True, exist_ok=True)
            folder.rename(target)
            done.append((target, folder))
        commit()
    except OSError:
        for now, was in reversed(done):
            now.rename(was)
        raise


def from_download(
    source: Path,
    assignment: str,
    *,
    root: Path = ROOT,
    roster: Path | None = None,
    limits: Limits | None = None,
) -> Collected:
    """Import a folder or a zip downloaded from an LMS (see the module docstring)."""
    source, limits, course = Path(source), limits or Limits(), Course(root)
    if not source.exists():
        raise FileNotFoundError(
            f"{source} does not exist: give the folder or the .zip you downloaded from your LMS."
        )
    people = Roster.read(roster) if roster else None
    others = [a for a in course.assignments() if a != assignment]
    register = Register(course.autograde / "students.json")
    job = (source, assignment, others, limits, register, people, course)
    if source.is_dir():
        return _collect(download.entries(source), *job)
    try:
        zf = zipfile.ZipFile(source)
    except zipfile.BadZipFile:
        raise ValueError(f"{source} is neither a folder nor a readable zip file.") from None
    with zf:
        return _collect(download.entries(source, zf), *job)


def _collect(entries, source, assignment, others, limits, register, roster, course) -> Collected:
    plan = _Plan(entries, assignment, others, limits, register, roster)
    chosen = plan.choose()
    staging = course.submitted() / f".collecting-{os.getpid()}-{time.time_ns()}"
    pending = None
    try:
        staged = _stage(plan, chosen, staging, course, source.name)
        pending = register.write_pending()
        _move_into_place(course, assignment, staged, commit=register.commit)
    except OSError as exc:
        raise RuntimeError(
            f"collect could not write under {course.autograde} ({exc}); nothing was changed"
        ) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if pending is not None:
            pending.unlink(missing_ok=True)
    result = plan.result
    result.register = register
    result.source = source.name
    result.students = sorted(set(staged) | plan.kept)
    result.lines = [plan.lines[i] for i in sorted(plan.lines)]
    if roster is not None:
        _roster_notes(result, roster, chosen)
    return result


def _roster_notes(result: Collected, roster: Roster, chosen) -> None:
    found = {c[1][0].who.lms_id for c in chosen.values()} | {
        c[0].email for c in chosen.values() if c[0].email
    }
    missing = [p for p in roster.people.values() if p.lms_id not in found and p.email not in found]
    if missing:
        names = ", ".join(p.name or p.lms_id for p in missing[:20])
        more = f" and {len(missing) - 20} more" if len(missing) > 20 else ""
        result.notes.append(f"no submission from {len(missing)} on the roster: {names}{more}")
    unknown = [a.student for a, ordered in chosen.values() if roster.find(ordered[0].who) is None]
    if unknown:
        result.notes.append(
            f"not on the roster (filed by their name in the download): {', '.join(unknown)}"
        )


def from_exchange(assignment: str, *, root: Path = ROOT, db_url: str | None = None) -> Collected:
    """``nbgrader collect``: the latest submission of every student from the exchange."""
    course = Course(root)
    run_nbgrader(["collect", assignment, "--update"], course, db_url=db_url)
    return Collected(students=course.students(assignment))
