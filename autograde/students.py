"""Student ids: safe, unique and stable folder names for the people in a download.

A student's id names their folders (``autograde/submitted/<id>/``) and their row in the
gradebook, so it must be safe as a file name, never shared by two students, and the same
every time the same student is collected. :class:`Register` keeps, in
``autograde/students.json``, which identity (an LMS number, or a name) each id was given
to, so that

* an identity collected before gets the id it had, whatever its name looks like now;
* an id is never given to a second identity: ``x;y`` and ``x y`` both make ``x_y``, and
  ``李雷`` and ``王芳`` stay two students. The second identity gets the id with a short
  stable suffix (``x_y-3fa2b1``) and collect reports it.

:func:`safe_id` keeps letters and digits of every script (in Unicode form NFC), ``.``,
``_`` and ``-``; anything else (spaces, shell or control characters, ``/``) becomes ``_``,
and an id is at most :data:`MAX_ID_BYTES` bytes long.

:class:`Roster` reads an LMS's export of the class (a CSV with an id, a name and an
email column, e.g. Moodle's grading worksheet or Canvas' gradebook export) and maps
the LMS's numbers to names and emails; a student with an email is then identified by
it, so that Moodle's per-assignment participant numbers still give one id per student.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from .lms import Owner, nfc
from .nbgrader_cli import nbgrader_env

MAX_ID_BYTES = 64
_UNSAFE = re.compile(r"[^\w.-]+")  # \w: letters, digits and "_" of every script


def safe_id(text: str) -> str:
    """A file-name-safe id for ``text`` (``"Zoë Müller"`` -> ``"Zoë_Müller"``)."""
    out = _UNSAFE.sub("_", nfc(text)).strip("._-")
    while len(out.encode()) > MAX_ID_BYTES:
        out = out[:-1]
    return out.rstrip("._-") or "student"


def _role(text: str) -> str:
    """An LMS's role name as the kit's: ``instructor``, ``ta`` or ``student`` (Moodle's
    ``editingteacher``, Canvas' ``TeacherEnrollment`` and ``TaEnrollment`` included)."""
    folded = text.strip().casefold()
    if any(w in folded for w in ("instructor", "teacher", "lecturer", "professor")):
        return "instructor"
    words = set(re.split(r"[^a-z]+", folded))
    if (
        "ta" in words
        or folded.startswith("taenrollment")
        or any(w in folded for w in ("assistant", "tutor", "grader"))
    ):
        return "ta"
    return "student"


def _suffixed(wanted: str, key: str) -> str:
    tag = hashlib.sha256(key.encode()).hexdigest()[:6]
    while len(f"{wanted}-{tag}".encode()) > MAX_ID_BYTES:
        wanted = wanted[:-1]
    return f"{wanted}-{tag}"


@dataclass(frozen=True)
class Person:
    """One row of a roster."""

    lms_id: str
    name: str
    email: str = ""
    role: str = "student"  # or "instructor", "ta" (a roster's optional role column)


class Roster:
    """An LMS's class list: LMS id -> :class:`Person` (see the module docstring)."""

    ID_COLUMNS = ("id", "identifier", "user id", "userid", "student id", "participant")
    NAME_COLUMNS = ("name", "full name", "fullname", "student", "student name")
    EMAIL_COLUMNS = ("email", "email address", "e-mail", "mail")
    ROLE_COLUMNS = ("role", "roles", "course role")

    def __init__(self, people: list[Person]):
        self.people = {p.lms_id: p for p in people}

    @classmethod
    def read(cls, path: Path) -> Roster:
        """Read a roster CSV; a ValueError names what is missing."""
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise ValueError(f"cannot read the roster {path}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise ValueError(
                f"the roster {path} is not UTF-8 text (save it as CSV UTF-8)"
            ) from None
        try:  # Excel writes ";" where "," is the decimal comma
            dialect = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        rows = list(csv.DictReader(text.splitlines(), dialect=dialect))
        header = {(h or "").strip().casefold(): h for h in (rows[0].keys() if rows else [])}

        def column(names: tuple[str, ...]) -> str | None:
            return next((header[n] for n in names if n in header), None)

        id_col, name_col, email_col, role_col = (
            column(cls.ID_COLUMNS),
            column(cls.NAME_COLUMNS),
            column(cls.EMAIL_COLUMNS),
            column(cls.ROLE_COLUMNS),
        )
        if id_col is None or name_col is None:
            raise ValueError(
                f"the roster {path} needs an id column and a name column (its columns: "
                f"{', '.join(header.values()) or 'none'}); e.g. id,name,email"
            )
        people = []
        for row in rows:
            raw_id = (row.get(id_col) or "").strip()
            lms_id = re.sub(r"^participant\s*", "", raw_id, flags=re.IGNORECASE)
            if lms_id:
                email = (row.get(email_col) or "").strip() if email_col else ""
                role = _role((row.get(role_col) or "") if role_col else "")
                people.append(Person(lms_id, nfc((row.get(name_col) or "").strip()), email, role))
        for what, values in (
            ("id", [p.lms_id for p in people]),
            ("email", [p.email.casefold() for p in people if p.email]),
        ):
            twice = sorted({v for v in values if values.count(v) > 1})
            if twice:
                raise ValueError(
                    f"the roster {path} has the same {what} on more than one row "
                    f"({', '.join(twice[:5])}): two students cannot share one; fix the roster"
                )
        return cls(people)

    def find(self, who: Owner) -> Person | None:
        return self.people.get(who.lms_id or who.name)


@dataclass(frozen=True)
class Assigned:
    """The id an identity got, and why it is not the obvious one (or None)."""

    student: str
    key: str
    name: str
    email: str = ""
    wanted: str | None = None  # set when the obvious id belongs to another identity
    holder: str | None = None  # ...that identity's name


class Register:
    """``autograde/students.json``: which identity holds which id (see the module docstring)."""

    def __init__(self, path: Path):
        self.path = path
        self.ids: dict[str, dict] = {}
        if path.exists():
            self.ids = self._read(path)
        self._by_key = {v.get("key"): k for k, v in self.ids.items()}

    @staticmethod
    def _read(path: Path) -> dict[str, dict]:
        try:
            ids = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(ids, dict) or not all(
                isinstance(v, dict) and isinstance(v.get("key"), str) for v in ids.values()
            ):
                raise ValueError("not a table of ids")
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise ValueError(
                f"{path} is damaged ({exc}). It records which student holds which id, so "
                "collect stops rather than guess: restore it (the one before the last collect "
                f"is {path.name}.bak), or move it away to give every student a new id"
            ) from None
        return ids

    def assign(self, who: Owner, roster: Roster | None = None) -> Assigned:
        """The id for ``who``: the one it had, else a new one no other identity holds."""
        person = roster.find(who) if roster else None
        key, name, email = who.key, who.name, ""
        if person is not None:
            name, email = person.name or who.name, person.email
            if email:
                key = f"email:{email.casefold()}"
        if key in self._by_key:
            student = self._by_key[key]
            return Assigned(student, key, name, email)
        wanted = self._wanted(who, person)
        student, holder = wanted, None
        if wanted in self.ids:
            student = _suffixed(wanted, key)
            holder = self.ids[wanted].get("name") or wanted
        self.ids[student] = {"key": key, "name": name, "email": email, "lms_id": who.lms_id}
        self._by_key[key] = student
        return Assigned(student, key, name, email, wanted if holder else None, holder)

    @staticmethod
    def _wanted(who: Owner, person: Person | None) -> str:
        if person is not None and person.email:
            return safe_id(person.email.split("@")[0].casefold())
        if who.lms_id and who.lms_id != who.name:
            return safe_id(f"{(person.name if person else '') or who.name}_{who.lms_id}")
        return safe_id(who.name)

    def to_gradebook(self, db_url: str, students: list[str]) -> None:
        """Give ``students`` their roster names and emails in nbgrader's gradebook (what the
        formgrader and the exports show); ``"Smith, Gina"`` and ``"Gina Smith"`` both work."""
        from nbgrader.api import Gradebook

        os.environ["PATH"] = nbgrader_env()["PATH"]  # a new gradebook runs this env's alembic
        with Gradebook(db_url) as gb:
            for student in students:
                entry = self.ids.get(student, {})
                name = entry.get("name") or ""
                last, _, first = name.partition(", ")
                if not first:
                    first, _, last = name.rpartition(" ")
                    first, last = (first, last) if first else (last, "")
                gb.update_or_create_student(
                    student,
                    first_name=first or None,
                    last_name=last or None,
                    email=entry.get("email") or None,
                    lms_user_id=entry.get("lms_id") or None,
                )

    def write_pending(self) -> Path:
        """Write the register beside the current one (``.new``); :meth:`commit` puts it in
        place, so that it changes together with the submissions or not at all."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        pending = self.path.with_name(self.path.name + ".new")
        text = json.dumps(self.ids, indent=1, ensure_ascii=False, sort_keys=True)
        pending.write_text(text, encoding="utf-8")
        return pending

    def commit(self) -> None:
        if self.path.exists():
            shutil.copy2(self.path, self.path.with_name(self.path.name + ".bak"))
        self.path.with_name(self.path.name + ".new").replace(self.path)
