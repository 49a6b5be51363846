"""Whose file is this? The names LMSs give files in "download all submissions".

Each LMS names a downloaded file after the student in its own way, and most add a
unique number that is safer than the name (two students called Gina Smith are common in
a class of 300). :func:`owner` recognises, from the file's place in the download:

=====================  ===========================================================
Moodle, flat           ``Gina Smith_1234567_assignsubmission_file_01-visual-cortex.ipynb``
Moodle, folders        ``Gina Smith_1234567_assignsubmission_file_/01-visual-cortex.ipynb``
Canvas                 ``smithgina_340934_208490284_01-visual-cortex.ipynb``, late
                       ``smithgina_LATE_340934_…``; a re-upload ``…_01-visual-cortex-1.ipynb``
Blackboard             ``Lab 1_gsmith_attempt_2026-11-30-14-02-06_01-visual-cortex.ipynb``
a folder per student   ``<student>/01-visual-cortex.ipynb``
one file per student   ``<student>_01-visual-cortex.ipynb``
=====================  ===========================================================

Moodle's number is the assignment's *participant* number (its ``assign_user_mapping``
id): unique, also between assignments, but a student gets a new one in each assignment.
Moodle replaces ``_`` in names by spaces, so the first ``_`` ends the name. Canvas' first
number is the user id, the same in every course and assignment. Blackboard's name part
is the username; its attempt time is the submission time.

:func:`notebook_rank` says whether a file name is the assignment's notebook, allowing for
the variants browsers and LMSs make (``01-Visual-Cortex.ipynb``, ``… (1).ipynb``,
``…-1.ipynb``, ``… copy.ipynb``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

MOODLE_FLAT = "Moodle (flat)"
MOODLE_FOLDERS = "Moodle (folders)"
CANVAS = "Canvas"
BLACKBOARD = "Blackboard"
FOLDERS = "a folder per student"
FLAT = "one file per student"

_MOODLE = r"(?P<name>[^_/]+)_(?P<id>\d+)_assign(?:submission|feedback)_(?:(?P<plugin>[a-z]+)_)?"
_MOODLE_FILE = re.compile(_MOODLE + r"(?P<file>.+)$")
_MOODLE_FOLDER = re.compile(_MOODLE.replace("_)?", "_?)?") + r"$")
_CANVAS = re.compile(
    r"(?P<name>[^_]+?)(?P<late>_LATE)?_(?P<id>\d+)_(?P<attachment>\d+)_(?P<file>.+)$"
)
_BLACKBOARD = re.compile(
    r"(?P<assignment>.+)_(?P<user>[^_]+)_attempt_"
    r"(?P<time>\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2})(?:_(?P<file>.+))?$"
)
_COPY = re.compile(r"(?:\s*\(\d+\)|\s*-\s*copy|\s+copy|-\d+|_\d+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Owner:
    """Whose a file is, as far as its place in the download says."""

    key: str  # one per student in this download: "moodle:1234567", "name:alice"
    name: str  # as the download spells it (NFC), e.g. "Gina Smith"
    layout: str  # one of the layouts above
    lms_id: str | None = None  # Moodle participant, Canvas user id, Blackboard username
    filename: str = ""  # the student's own file name (the LMS prefix removed)
    submitted: datetime | None = None  # the LMS's submission time, where the name has it
    late: bool = False  # Canvas marks late submissions


def nfc(text: str) -> str:
    """``text`` in Unicode normal form C (macOS writes names decomposed: ``e`` + ``¨``)."""
    return unicodedata.normalize("NFC", text)


def _folded(stem: str) -> str:
    return re.sub(r"[\s_-]+", "-", nfc(stem).casefold()).strip("-")


def notebook_rank(filename: str, notebook: str) -> int:
    """2: ``filename`` is the notebook ``notebook``; 1: a variant of its name; 0: neither."""
    if not filename.lower().endswith(".ipynb"):
        return 0
    stem = filename[: -len(".ipynb")]
    if stem == notebook:
        return 2
    want = _folded(notebook)
    while True:
        if _folded(stem) == want:
            return 1
        shorter = _COPY.sub("", stem)
        if shorter == stem:
            return 0
        stem = shorter


def owner(parts: tuple[str, ...], notebook: str) -> Owner | None:
    """The owner of the file at ``parts`` (a normalised path in the download), or None.

    None means the path does not say whose the file is (``notes.ipynb`` at the top).
    """
    parts = tuple(nfc(p) for p in parts)
    filename, parent = parts[-1], parts[-2] if len(parts) > 1 else None
    if m := _MOODLE_FILE.match(filename):
        return _moodle(m, MOODLE_FLAT, m["file"])
    for depth, folder in enumerate(parts[:-1]):  # the student's folder, at any depth
        if m := _MOODLE_FOLDER.match(folder):
            return _moodle(m, MOODLE_FOLDERS, "/".join(parts[depth + 1 :]))
    if m := _BLACKBOARD.match(filename):
        when = datetime.strptime(m["time"], "%Y-%m-%d-%H-%M-%S")
        user = m["user"]
        return Owner(f"blackboard:{user}", user, BLACKBOARD, user, m["file"] or "", when)
    if m := _CANVAS.match(filename):
        return Owner(
            f"canvas:{m['id']}", m["name"], CANVAS, m["id"], m["file"], late=bool(m["late"])
        )
    if parent is not None and len(parts) >= 2:
        top = parts[0]
        return Owner(f"name:{top}", top, FOLDERS, filename="/".join(parts[1:]))
    stem = filename[: -len(".ipynb")] if filename.lower().endswith(".ipynb") else filename
    for cut in range(len(stem)):  # the first "_" after which the rest names the notebook
        if stem[cut] == "_" and notebook_rank(stem[cut + 1 :] + ".ipynb", notebook):
            name = stem[:cut]
            if name.strip():
                return Owner(f"name:{name}", name, FLAT, filename=stem[cut + 1 :] + ".ipynb")
    return None


def names_a_student(folder: str) -> bool:
    """Whether the LMS made ``folder`` for one student (Moodle's download in folders)."""
    return bool(_MOODLE_FOLDER.match(nfc(folder)))


def _moodle(m: re.Match, layout: str, filename: str) -> Owner:
    return Owner(f"moodle:{m['id']}", m["name"].strip(), layout, m["id"], filename)
