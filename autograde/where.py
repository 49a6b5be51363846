"""Name a cell so that a student finds it in their own notebook.

Cell numbers do not work: JupyterLab shows none, the feedback page has a notes cell at the
top that the student's notebook lacks, and execution counts change with every run. What
a student sees is the exercise's test id (the feedback names failed tests by it), the
heading above a cell and the cell's first line.
"""

from __future__ import annotations

import re

from . import nbmeta

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")


def heading_above(nb, cell) -> str | None:
    """The text of the last markdown heading above ``cell``, or None."""
    index = next((i for i, c in enumerate(nb.cells) if c is cell), None)
    for above in reversed(nb.cells[:index] if index is not None else []):
        if above.get("cell_type") != "markdown":
            continue
        for line in reversed(str(above.get("source", "")).splitlines()):
            match = _HEADING.match(line)
            if match:
                return re.sub(r"[*_`]", "", match.group(1)).strip()
    return None


def first_line(cell, width: int = 60) -> str:
    """The cell's first line that is not blank or a comment, shortened to ``width``."""
    lines = [ln.strip() for ln in str(cell.get("source", "")).splitlines()]
    text = next((ln for ln in lines if ln and not ln.startswith("#")), lines[0] if lines else "")
    return text if len(text) <= width else text[: width - 3].rstrip() + "..."


def describe(nb, cell) -> str:
    """``the test 'test_make_bar'``, ``your answer 'make_bar'``, or ``the cell under
    "Orientation tuning" that starts "plt.plot(...)"``."""
    grade_id = nbmeta.grade_id(cell)
    if grade_id and nbmeta.is_grading_cell(cell):
        return f"the test '{grade_id}'"
    if grade_id and nbmeta.is_answer(cell):
        return f"your answer '{grade_id}'"
    heading = heading_above(nb, cell)
    where = f' under "{heading}"' if heading else ""
    return f'the cell{where} that starts "{first_line(cell)}"'
