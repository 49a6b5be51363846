"""Feedback that teaches without giving the hidden tests away.

nbgrader's feedback page is the autograded notebook as HTML, and the autograded notebook
holds the full grading cells, hidden tests included, with IPython tracebacks that quote
the failing line. :class:`TeachingFeedback` runs before the HTML is made and, in every
grading cell,

* removes the hidden part of the source (everything from ``### BEGIN HIDDEN TESTS``);
* replaces each traceback by the error's message alone: the teaching message of
  ``utils.checks`` (what was expected, what was got, a hint), prefixed with whether a
  visible or a hidden test failed, and which exercise it belongs to;

and, in every markdown cell, removes the graders' rubric (the region between
``BEGIN MARK SCHEME`` and ``END MARK SCHEME``): nbgrader restores it in the autograded
notebook so that the formgrader shows it beside each written answer, and a rubric that
reached students would be next term's answer key.
"""

from __future__ import annotations

import re

from nbgrader.preprocessors import NbGraderPreprocessor

BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
BEGIN_MARK_SCHEME, END_MARK_SCHEME = "BEGIN MARK SCHEME", "END MARK SCHEME"
_LINE = re.compile(r"line (\d+)")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _failing_line(traceback: list[str]) -> int | None:
    """The line of the grading cell that raised, from an IPython traceback."""
    for frame in traceback:
        text = _ANSI.sub("", frame)
        if text.lstrip().startswith(("Cell In", "Input In")):
            match = _LINE.search(text)
            if match:
                return int(match.group(1))
    return None


def explain(cell) -> None:
    """Rewrite one grading cell in place (see the module docstring)."""
    meta = cell.metadata.get("nbgrader", {})
    source = cell.source
    hidden_from = None
    if BEGIN_HIDDEN in source:
        hidden_from = source[:source.index(BEGIN_HIDDEN)].count("\n") + 1
        cell.source = source[:source.index(BEGIN_HIDDEN)].rstrip() + "\n# (hidden tests)"
    for output in cell.get("outputs", []):
        if output.get("output_type") != "error":
            continue
        line = _failing_line(output.get("traceback", []))
        hidden = hidden_from is not None and line is not None and line >= hidden_from
        kind = "A hidden test" if hidden else "A test"
        message = _ANSI.sub("", f"{output.get('ename')}: {output.get('evalue')}")
        output["traceback"] = [f"{kind} of exercise '{meta.get('grade_id')}' failed.", message]


def without_mark_scheme(source: str) -> str:
    """``source`` without its mark-scheme regions (an unclosed one runs to the end)."""
    kept, inside = [], False
    for line in source.split("\n"):
        if BEGIN_MARK_SCHEME in line:
            inside = True
        elif END_MARK_SCHEME in line:
            inside = False
        elif not inside:
            kept.append(line)
    return "\n".join(kept).rstrip()


class TeachingFeedback(NbGraderPreprocessor):
    """nbgrader preprocessor for ``generate_feedback`` (see the module docstring)."""

    def preprocess_cell(self, cell, resources, index):
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            explain(cell)
        elif cell.cell_type == "markdown" and BEGIN_MARK_SCHEME in cell.source:
            cell.source = without_mark_scheme(cell.source)
        return cell, resources
