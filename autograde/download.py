"""The files of an LMS download, read without trusting any of them.

:func:`entries` lists a zip's entries or a folder's files as :class:`Entry` objects,
each with its path normalised (``\\`` read as ``/``, ``.`` and ``..`` resolved), its size
and time, and the reason it cannot be a submission when that is known from the entry
alone: a path outside the download, a symbolic link (never followed), an encrypted entry,
something that is not a regular file. Nothing is extracted: a notebook is read later,
through :attr:`Entry.open`, by a caller that bounds how much it reads.
"""

from __future__ import annotations

import os
import posixpath
import re
import stat
import struct
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO


@dataclass
class Entry:
    """One file of a download, before anything of it is read."""

    shown: str  # its name as the download spells it (control characters escaped)
    parts: tuple[str, ...]  # its normalised path, the one it is judged and filed by
    size: int = 0
    time: datetime | None = None
    time_source: str = ""
    problem: str | None = None  # why it cannot be a submission, known from the entry alone
    open: Callable[[], BinaryIO] | None = None
    index: int = -1  # its place in the report


def show(name: str) -> str:
    """``name`` printable on one line: control and invisible format characters (newlines,
    ANSI escapes, right-to-left overrides, zero-width spaces) escaped."""
    return "".join(
        f"\\u{ord(c):04x}" if unicodedata.category(c) in ("Cc", "Cf") else c for c in name
    )


def _normalise(name: str) -> tuple[tuple[str, ...], str | None]:
    """The path's parts after resolving ``.``/``..`` (and ``\\``), or why it is refused."""
    name = name.replace("\\", "/")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return (), "an absolute path, outside the download"
    norm = posixpath.normpath(name)
    if norm == ".." or norm.startswith("../"):
        return (), "a path outside the download"
    return tuple(p for p in norm.split("/") if p not in ("", ".")), None


def _zip_time(info: zipfile.ZipInfo) -> tuple[datetime, str]:
    """The entry's modification time: the UTC time of Info-ZIP's extended timestamp when the
    archiver wrote one, else the DOS time (the archiving machine's local time, no zone)."""
    extra = info.extra
    while len(extra) >= 4:
        kind, size = struct.unpack("<HH", extra[:4])
        body = extra[4 : 4 + size]
        if kind == 0x5455 and len(body) >= 5 and body[0] & 1:
            moment = datetime.fromtimestamp(struct.unpack("<i", body[1:5])[0], tz=timezone.utc)
            return moment, "the zip entry's time (UTC)"
        extra = extra[4 + size :]
    return datetime(*info.date_time), "the zip entry's time (the archiving machine's clock)"


def _zip_entries(zf: zipfile.ZipFile) -> list[Entry]:
    out = []
    for info in zf.infolist():
        if info.is_dir():
            continue
        parts, problem = _normalise(info.filename)
        when, source = _zip_time(info)
        mode = info.external_attr >> 16
        if problem is None and stat.S_ISLNK(mode):
            problem = "a symbolic link, not a notebook"
        elif problem is None and info.flag_bits & 0x1:
            problem = "encrypted in the zip (password protected), so it cannot be read"
        out.append(
            Entry(
                show(info.filename),
                parts,
                info.file_size,
                when,
                source,
                problem,
                lambda info=info: zf.open(info),
            )
        )
    return out


def _folder_entries(folder: Path) -> list[Entry]:
    out = []
    for here, dirs, files in os.walk(folder, followlinks=False):
        for name in sorted(dirs + files):
            path = Path(here) / name
            shown = show(str(path.relative_to(folder)))
            parts = path.relative_to(folder).parts
            try:
                info = path.lstat()
            except OSError as exc:
                out.append(Entry(shown, parts, problem=f"cannot be read ({exc.strerror})"))
                continue
            if stat.S_ISLNK(info.st_mode):
                what = "a folder" if name in dirs else "a notebook"
                out.append(
                    Entry(shown, parts, problem=f"a symbolic link, not {what}: not followed")
                )
            elif stat.S_ISREG(info.st_mode):
                moment = datetime.fromtimestamp(info.st_mtime, tz=timezone.utc)
                out.append(
                    Entry(
                        shown,
                        parts,
                        info.st_size,
                        moment,
                        "the file's modification time (UTC)",
                        None,
                        lambda path=path: open(  # closed by the caller (with)
                            os.open(path, os.O_RDONLY | os.O_NOFOLLOW), "rb"
                        ),
                    )
                )
            elif name in files:
                out.append(Entry(shown, parts, problem="not a regular file"))
    return out


def entries(source: Path, zf: zipfile.ZipFile | None = None) -> list[Entry]:
    """The files of the folder ``source``, or of the open zip ``zf``, in path order."""
    found = _zip_entries(zf) if zf is not None else _folder_entries(source)
    return sorted(found, key=lambda e: (e.parts, e.shown))
