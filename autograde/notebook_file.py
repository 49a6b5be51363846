"""Read a submitted notebook file, whatever state it arrived in.

Students' files reach the grader through browsers, LMS uploads, Colab, editors and
scripts, and some arrive in shapes Jupyter itself would never write: a byte-order mark,
UTF-16 text, the old notebook format 3, a notebook without its ``metadata``, a cell whose
``source`` is a number. Each of those still holds the student's work, so :func:`read`
reads what can be read and says, in one sentence for the student, what it had to fix.
What cannot be read (an empty file, a PDF, a zip, JSON cut off while uploading) gets a
precise reason instead, and the grader scores the notebook as blank with that reason as
its note.

A file larger than the limit is refused from its size alone, before any of it is read,
so a 2 GiB "notebook" never reaches the grader's own memory (collect refuses it too).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

MAX_NOTEBOOK_MB = 100  # the default limit per submitted notebook (collect and grade)
_CELL_TYPES = ("code", "markdown", "raw")
# The first bytes of files students upload instead of their notebook, and what they are.
_MAGIC = (
    (b"PK\x03\x04", "a zip archive"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"\xd0\xcf\x11\xe0", "a Microsoft Office document"),
)


@dataclass
class Submission:
    """What :func:`read` made of a file: a notebook (and what was fixed), or why not."""

    notebook: nbformat.NotebookNode | None
    problem: str | None = None  # why nothing could be read (for the student's feedback)
    fixes: list[str] = field(default_factory=list)  # what was fixed to read it


def read(path: Path, max_bytes: int = MAX_NOTEBOOK_MB * 2**20) -> Submission:
    """Read the submitted file at ``path`` (see the module docstring)."""
    name = path.name
    try:
        if path.is_symlink():
            return Submission(None, f"{name} is a symbolic link, not a notebook")
        size = path.stat().st_size
        if size > max_bytes:
            return Submission(None, _too_large(name, size, max_bytes))
        raw = path.read_bytes()
    except FileNotFoundError:
        return Submission(None, f"no notebook named {name} was found in your submission")
    except OSError as exc:
        return Submission(None, f"your notebook could not be read ({exc.strerror})")
    return parse(raw, name)


def _too_large(name: str, size: int, limit: int) -> str:
    return (
        f"{name} is {size / 2**20:,.1f} MB, over the limit of {limit / 2**20:,.0f} MB "
        "for one notebook (clear large outputs, then save and submit again)"
    )


def parse(raw: bytes, name: str) -> Submission:
    """A notebook from the bytes of a file called ``name`` (see the module docstring)."""
    text, problem, fixes = _decode(raw, name)
    if problem:
        return Submission(None, problem)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return Submission(None, _json_problem(text, name, exc))
    if not isinstance(data, dict) or not (
        isinstance(data.get("cells"), list) or isinstance(data.get("worksheets"), list)
    ):
        return Submission(None, f"{name} is JSON but not a Jupyter notebook (it has no cells)")
    fixes += _sanitise(data)
    try:
        # reads() joins multi-line sources and upgrades format 3 (worksheets) to format 4
        nb = nbformat.reads(json.dumps(data), as_version=4, capture_validation_error={})
    except Exception as exc:  # noqa: BLE001 - any structure left malformed ends the same way
        return Submission(None, f"{name} is not a well-formed notebook ({exc})")
    if data.get("nbformat") == 3:
        fixes.append("it was saved in the old notebook format 3 and was upgraded to format 4")
    for cell in nb.cells:
        cell.setdefault("metadata", {})
        cell.setdefault("source", "")
    return Submission(nb, None, fixes)


def _decode(raw: bytes, name: str) -> tuple[str, str | None, list[str]]:
    """The file's text, or why it is not text; UTF-8 (with or without a BOM), UTF-16, UTF-32."""
    if not raw:
        return "", f"{name} is empty (0 bytes): the upload may have failed", []
    if not raw.strip():
        return "", f"{name} holds only blank space, no notebook", []
    for magic, what in _MAGIC:
        if raw.startswith(magic):
            return "", f"{name} is {what}, not a Jupyter notebook", []
    encoding = json.detect_encoding(raw)  # BOMs and the NUL-byte patterns of UTF-16/32
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError:
        return "", f"{name} is binary data, not text, so it is not a Jupyter notebook", []
    fixes = []
    if encoding not in ("utf-8", "utf-8-sig"):
        fixes.append(f"it was saved as {encoding.upper()} text, not UTF-8, and was read as such")
    stripped = text.lstrip()
    if stripped[:1] == "<":
        kind = (
            "an HTML page"
            if stripped[:15].lower().startswith(("<!doctype", "<html"))
            else ("an XML or HTML file")
        )
        return "", f"{name} is {kind} (perhaps the notebook exported or saved from a browser)", []
    return text, None, fixes


def _json_problem(text: str, name: str, exc: json.JSONDecodeError) -> str:
    if exc.pos >= len(text.rstrip()) - 1 or not text.rstrip().endswith("}"):
        return (
            f"{name} is not valid notebook JSON: it ends in the middle, so it may have been "
            "cut off while uploading"
        )
    return f"{name} is not valid notebook JSON (line {exc.lineno}: {exc.msg})"


def _sanitise(data: dict) -> list[str]:
    """Fill in, in place, what a notebook must have and Jupyter always writes."""
    fixes = []
    if not isinstance(data.get("metadata"), dict):
        data["metadata"] = {}
        fixes.append("its notebook metadata was missing and was filled in")
    if "worksheets" in data:  # format 3: nbformat's upgrade needs these two
        data.setdefault("nbformat", 3)
        data.setdefault("nbformat_minor", 0)
        for sheet in data["worksheets"]:
            if isinstance(sheet, dict):
                sheet.setdefault("metadata", {})
        return fixes
    if not isinstance(data.get("nbformat"), int) or data["nbformat"] < 4:
        data["nbformat"], data["nbformat_minor"] = 4, 5
    data.setdefault("nbformat_minor", 5)
    kept, dropped, missing = [], 0, 0
    for index, cell in enumerate(data["cells"], start=1):
        if not isinstance(cell, dict):
            dropped += 1
            continue
        missing += not isinstance(cell.get("metadata"), dict)
        fixes += _sanitise_cell(cell, index)
        kept.append(cell)
    data["cells"] = kept
    seen: set[str] = set()
    renamed = 0
    for cell in kept:  # the first cell keeps an id; later copies get new ones
        cell_id = cell.get("id")
        if isinstance(cell_id, str) and cell_id in seen:
            cell["id"] = uuid.uuid4().hex[:8]
            renamed += 1
        elif isinstance(cell_id, str):
            seen.add(cell_id)
    if renamed:
        fixes.append(f"{renamed} cell(s) had the id of an earlier cell and were given new ones")
    if dropped:
        fixes.append(
            f"{dropped} entr{'y' if dropped == 1 else 'ies'} of its cell list were not cells and were left out"
        )
    if missing:
        fixes.append(f"{missing} cell(s) had no metadata, which was filled in")
    return fixes


def _sanitise_cell(cell: dict, index: int) -> list[str]:
    fixes = []
    if not isinstance(cell.get("metadata"), dict):
        cell["metadata"] = {}
    source = cell.get("source", "")
    if isinstance(source, list):
        if not all(isinstance(s, str) for s in source):
            fixes.append(f"cell {index}'s source held pieces that were not text, read as text")
        source = "".join(s if isinstance(s, str) else "" if s is None else str(s) for s in source)
    elif not isinstance(source, str):
        fixes.append(f"cell {index}'s source was {source!r}, not text, and was read as text")
        source = "" if source is None else str(source)
    cell["source"] = source
    if cell.get("cell_type") not in _CELL_TYPES:
        fixes.append(f"cell {index} had no valid cell type and was read as a code cell")
        cell["cell_type"] = "code"
    if cell["cell_type"] == "code":
        if not isinstance(cell.get("outputs"), list):
            cell["outputs"] = []
        if not isinstance(cell.get("execution_count"), (int, type(None))):
            cell["execution_count"] = None
    else:
        cell.pop("outputs", None)
        cell.pop("execution_count", None)
    return fixes
