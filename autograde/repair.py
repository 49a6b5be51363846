"""Put a damaged submission back into a gradable shape before nbgrader sees it.

What breaks nbgrader batches in real classes is rarely malice: a student deletes or
edits a grading cell, changes a cell's type, pastes a cell so that a ``grade_id``
appears twice, or uploads a truncated file or another assignment's notebook. nbgrader
then stops on that notebook (or grades it wrongly). :func:`repair` compares the
submission with the released notebook (the reference: what the student was given) and

* restores every locked cell (tests, instructions) that is missing, retyped or edited,
  from the reference, at its place;
* restores the nbgrader metadata (``grade_id``, points, flags) of every answer cell while
  keeping the student's answer;
* drops extra copies of a ``grade_id`` (a pasted test cell) and strips nbgrader metadata
  from cells the reference does not know, keeping their code;
* restores the kernelspec;
* replaces an unreadable notebook, or one from another assignment, with the unanswered
  reference (so the student is graded, at zero, instead of stopping the batch).

Every change is described in one sentence, in the student's terms, for their feedback.
The submitted file itself is never modified: repair works on a copy.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import nbformat

from . import nbmeta

NOTE_CELL_TAG = "course-grader-notes"
# The nbgrader settings that decide how a cell is graded (nbgrader also stores a checksum
# and the cell type, which change legitimately between the source and the release).
GRADING_KEYS = ("grade", "grade_id", "locked", "points", "solution", "task")


@dataclass
class Repaired:
    """A notebook ready for nbgrader, and what had to be done to it."""

    notebook: nbformat.NotebookNode
    notes: list[str] = field(default_factory=list)
    replaced: bool = False  # True: nothing of the student's work could be used


_grade_id = nbmeta.grade_id
_is_answer = nbmeta.is_answer


def _settings(cell) -> dict:
    meta = nbmeta.nbgrader(cell)
    return {k: meta.get(k) for k in GRADING_KEYS}


def _describe(cell) -> str:
    gid = nbmeta.grade_id(cell)
    if nbmeta.is_grading_cell(cell):
        return f"the grading cell '{gid}'"
    if nbmeta.nbgrader(cell).get("solution"):
        return f"the answer cell '{gid}'"
    return f"the instructions cell '{gid}'"


def repair(
    submission: nbformat.NotebookNode | None,
    reference: nbformat.NotebookNode,
    problem: str | None = None,
) -> Repaired:
    """Return a gradable copy of ``submission`` (see the module docstring).

    Three phases, each adding its sentences to the notes: :func:`_match` walks the
    submission and keeps, restores or drops each cell that carries a ``grade_id``;
    :func:`_reinsert` puts back the reference's cells that are missing; the kernelspec is
    restored last. For example, a submission whose test cell ``t1`` was deleted and whose
    answer cell ``a2`` was pasted twice comes back with ``t1`` from the reference right
    after the cell that precedes it there, the first ``a2`` graded and the copy run as an
    ordinary cell.
    """
    ref_ids = {_grade_id(c): c for c in reference.cells if _grade_id(c)}
    if submission is None:
        return _blank(
            reference,
            f"{problem or 'your notebook could not be read'}; nothing "
            "could be graded, so every exercise scores 0 (the notebook below is the "
            "assignment as released, not your file)",
        )
    notes: list[str] = []
    submission = _adopt(submission, reference, notes)
    if ref_ids and not {_grade_id(c) for c in submission.cells} & set(ref_ids):
        return _blank(
            reference,
            "this notebook does not contain any of this assignment's "
            "exercises (is it another assignment's notebook?), so every "
            "exercise scores 0",
        )
    out, used = _match(submission.cells, ref_ids, notes)
    _reinsert(reference.cells, out, used, notes)
    fixed = copy.deepcopy(submission)
    fixed.cells = out
    ref_spec = reference.metadata.get("kernelspec")
    spec = fixed.metadata.get("kernelspec") or {}
    if ref_spec and spec.get("name") != ref_spec.get("name"):
        was = (
            f"The notebook's kernel was '{spec['name']}'"
            if spec.get("name")
            else "The notebook named no kernel"
        )
        notes.append(f"{was}; it was graded with '{ref_spec.get('name')}' as assigned.")
        fixed.metadata["kernelspec"] = copy.deepcopy(ref_spec)
    return Repaired(fixed, notes)


def _first_line(cell) -> str:
    return next((line.strip() for line in cell.get("source", "").splitlines() if line.strip()), "")


def _adopt(submission, reference, notes: list[str]):
    """A copy of ``submission`` whose cells that lost their grading settings (a tool that
    clears cell metadata, e.g. nbconvert's ClearMetadataPreprocessor) get them back from
    the reference: by cell id, or for an answer cell by its first line (``def f(x):``)."""
    present = {_grade_id(c) for c in submission.cells if _grade_id(c)}
    by_id = {c.get("id"): c for c in reference.cells if _grade_id(c) and c.get("id")}
    answers = {
        _first_line(c): c
        for c in reference.cells
        if _is_answer(c) and c.cell_type == "code" and _first_line(c).startswith(("def ", "class "))
    }
    fixed, adopted = copy.deepcopy(submission), 0
    for cell in fixed.cells:
        if _grade_id(cell) or _broken_metadata(cell):
            continue
        ref = by_id.get(cell.get("id"))
        if ref is None and cell.cell_type == "code":
            ref = answers.get(_first_line(cell))
        if ref is None or _grade_id(ref) in present or cell.cell_type != ref.cell_type:
            continue
        cell.setdefault("metadata", {})["nbgrader"] = copy.deepcopy(ref.metadata["nbgrader"])
        present.add(_grade_id(ref))
        adopted += 1
    if adopted:
        notes.append(
            f"{adopted} cell(s) had lost their grading settings (a tool cleared the cells' "
            "metadata); they were recognised and restored, and your answers were kept."
        )
    return fixed


def _match(cells: list, ref_ids: dict, notes: list[str]) -> tuple[list, set[str]]:
    """The submission's cells to grade, in its order, and the grade_ids they cover."""
    out: list = []
    used: set[str] = set()
    for cell in cells:
        gid = _grade_id(cell)
        if gid is None and _broken_metadata(cell):
            out.append(_ordinary(cell))
            notes.append(
                "A cell carried grading settings nbgrader cannot read; it was run as "
                "an ordinary cell."
            )
        elif gid is None:
            out.append(cell)
        elif gid not in ref_ids:
            out.append(_ordinary(cell))
            notes.append(
                f"A cell carried an unknown grading id '{gid}'; it was run as an "
                "ordinary cell and not graded."
            )
        elif gid in used:
            ref = ref_ids[gid]
            if _is_answer(ref) and cell["cell_type"] == "code":
                out.append(_ordinary(cell))
                notes.append(
                    f"A copy of {_describe(ref)} was run as an ordinary cell; only the "
                    "first copy is graded."
                )
            else:
                notes.append(f"A second copy of {_describe(ref)} was removed.")
        else:
            used.add(gid)
            out.append(_restore(cell, ref_ids[gid], notes))
    return out, used


def _broken_metadata(cell) -> bool:
    """nbgrader metadata that is not a mapping (a student's edit): nbgrader would crash."""
    metadata = cell.get("metadata")
    return (
        isinstance(metadata, dict)
        and "nbgrader" in metadata
        and not isinstance(metadata["nbgrader"], dict)
    )


def _ordinary(cell):
    """A copy of ``cell`` without nbgrader's metadata: it runs, and is not graded."""
    cell = copy.deepcopy(cell)
    del cell["metadata"]["nbgrader"]
    return cell


def _reinsert(ref_cells: list, out: list, used: set[str], notes: list[str]) -> None:
    """Put back each reference cell missing from ``out``, right after the reference cell
    that precedes it (the top when none of those is there)."""
    for index, ref in enumerate(ref_cells):
        gid = _grade_id(ref)
        if gid is None or gid in used:
            continue
        previous = [_grade_id(c) for c in ref_cells[:index] if _grade_id(c)]
        position = 0
        for prev in reversed(previous):
            hits = [i for i, c in enumerate(out) if _grade_id(c) == prev]
            if hits:
                position = hits[0] + 1
                break
        out.insert(position, copy.deepcopy(ref))
        used.add(gid)
        if _is_answer(ref):
            notes.append(
                f"{_describe(ref).capitalize()} was missing; the empty answer was put "
                "back, so that exercise scores 0."
            )
        else:
            notes.append(
                f"{_describe(ref).capitalize()} was missing and was restored from the assignment."
            )


def _restore(cell, ref, notes: list[str]):
    """The cell to grade for ``ref``'s grade_id, given what the student submitted."""
    ref_meta = ref["metadata"]["nbgrader"]
    if cell["cell_type"] != ref["cell_type"]:
        notes.append(
            f"{_describe(ref).capitalize()} had been changed from {ref['cell_type']} to "
            f"{cell['cell_type']}; "
            + ("your text was kept as code and graded." if _is_answer(ref) else "it was restored.")
        )
        if not _is_answer(ref):
            return copy.deepcopy(ref)
        fixed = copy.deepcopy(ref)
        fixed["source"] = cell.get("source", "")
        return fixed
    if not _is_answer(ref):
        if cell.get("source", "") != ref["source"] or _settings(cell) != _settings(ref):
            notes.append(
                f"{_describe(ref).capitalize()} had been edited; it was restored before grading."
            )
        return copy.deepcopy(ref)
    fixed = copy.deepcopy(cell)
    changed = [k for k in GRADING_KEYS if _settings(cell)[k] != _settings(ref)[k]]
    if changed:
        notes.append(
            f"The grading settings of {_describe(ref)} ({', '.join(changed)}) had "
            "been changed; they were restored."
        )
    fixed["metadata"]["nbgrader"] = copy.deepcopy(ref_meta)
    return fixed


def _blank(reference, note: str) -> Repaired:
    blank = copy.deepcopy(reference)
    return Repaired(blank, [note[0].upper() + note[1:] + "."], replaced=True)


def add_notes_cell(nb: nbformat.NotebookNode, notes: list[str]) -> None:
    """Put the grader's notes in a markdown cell at the top (shown in the feedback)."""
    nb.cells = [c for c in nb.cells if NOTE_CELL_TAG not in c.get("metadata", {}).get("tags", [])]
    if not notes:
        return
    text = "**Notes from the grader**\n\n" + "\n".join(f"* {n}" for n in notes)
    cell = nbformat.v4.new_markdown_cell(text)
    cell.metadata["tags"] = [NOTE_CELL_TAG]
    nb.cells.insert(0, cell)
