"""Feedback that teaches without giving the hidden tests away.

nbgrader's feedback page is the autograded notebook as HTML, and the autograded notebook
holds the full grading cells, hidden tests included, and the grader's record of which
line of each failed (:class:`autograde.nbmeta.CellFailure`). :class:`TeachingFeedback`
runs before the HTML is made and, in every grading cell,

* removes the hidden part of the source (everything from ``### BEGIN HIDDEN TESTS``);
* replaces each traceback by the error's message alone: the teaching message of
  ``cnn_course_kit.checks`` (what was expected, what was got, a hint), prefixed with whether a
  visible or a hidden test failed, and which exercise it belongs to;

and, in every markdown cell, removes the graders' rubric (the region between
``BEGIN MARK SCHEME`` and ``END MARK SCHEME``): nbgrader restores it in the autograded
notebook so that the formgrader shows it beside each written answer, and a rubric that
reached students would be next term's answer key.
"""

from __future__ import annotations

import re

from nbgrader.preprocessors import NbGraderPreprocessor

from . import nbmeta

BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
BEGIN_MARK_SCHEME, END_MARK_SCHEME = "BEGIN MARK SCHEME", "END MARK SCHEME"
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def explain(cell) -> None:
    """Rewrite one grading cell in place (see the module docstring)."""
    source = cell.source
    hidden_from = None
    if BEGIN_HIDDEN in source:
        hidden_from = source[: source.index(BEGIN_HIDDEN)].count("\n") + 1
        cell.source = source[: source.index(BEGIN_HIDDEN)].rstrip() + "\n# (hidden tests)"
    for output in cell.get("outputs", []):
        if output.get("output_type") != "error":
            continue
        failure = nbmeta.failure(cell)  # what the grader recorded (safe_execute)
        line = failure.line if failure else None
        hidden = hidden_from is not None and line is not None and line >= hidden_from
        kind = "A hidden test" if hidden else "A test"
        message = _ANSI.sub("", f"{output.get('ename')}: {output.get('evalue')}")
        output["traceback"] = [f"{kind} of exercise '{nbmeta.grade_id(cell)}' failed.", message]


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
        if nbmeta.is_grading_cell(cell):
            explain(cell)
        elif cell.cell_type == "markdown" and BEGIN_MARK_SCHEME in cell.source:
            cell.source = without_mark_scheme(cell.source)
        return cell, resources
