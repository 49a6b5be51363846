"""Wrong-answer cases judged fast: many mutants of one notebook graded in one kernel.

The grading round trip (tests/test_notebooks.py) must show, for every notebook, that each
plausible wrong answer loses exactly its exercise's points. Grading each mutant as its own
submission costs a fresh kernel and the setup cell's TensorFlow import every time (about
10 s on a laptop core), which is most of ``make test`` for a notebook with 80 cases.

Here the cases of one notebook share a kernel. For each case the notebook built by
:func:`case_notebook` holds, in order: a namespace reset (``%reset -f``, so nothing a
previous case defined survives), the setup cell again (its imports are already loaded, so
it is quick), then only the cells the case needs: the mutated solution cell, the grading
cells that read what it defines (directly or through other cells, :func:`dependents`) and
the cells those read. The grading cells run through the same :class:`SafeExecute` as
``nbgrader autograde`` (split design: the verdict is reached outside the kernel) and are
scored with nbgrader's own ``determine_grade``. Grading cells that cannot be reached from
the mutated cell cannot lose points by it, except through side effects on modules, which
plausible wrong answers do not have; the round trip still grades the solution, the
student version and the solution without demos through nbgrader itself.
"""

from __future__ import annotations

import copy
import tempfile
from pathlib import Path

import nbformat

from .nbmeta import grade_id as _gid
from .nbmeta import is_grading_cell as is_grading
from .roundtrip import _names


def dependents(nb, solution_id: str) -> list[int]:
    """Indices of the grading cells whose result can depend on cell ``solution_id``: they
    read a name it binds, or a name bound by a later cell that read one, and so on."""
    start = next(i for i, c in enumerate(nb.cells) if _gid(c) == solution_id)
    affected = _names(nb.cells[start].source)[0]
    found = []
    for i in range(start + 1, len(nb.cells)):
        cell = nb.cells[i]
        if cell.cell_type != "code":
            continue
        bound, read = _names(cell.source)
        if read & affected:
            if is_grading(cell):
                found.append(i)
            else:
                affected |= bound
    return found


def _needed_cells(nb, targets: list[int]) -> list[int]:
    """``targets`` and every earlier code cell that binds a name they (transitively) read."""
    keep = set(targets)
    needed = set().union(*(_names(nb.cells[i].source)[1] for i in targets)) if targets else set()
    for i in range(max(targets, default=-1), -1, -1):
        cell = nb.cells[i]
        if i in keep or cell.cell_type != "code" or _gid(cell) == "setup":
            continue
        bound, read = _names(cell.source)
        if bound & needed:
            keep.add(i)
            needed |= read
    return sorted(keep)


def case_notebook(solution, cases: list[dict]):
    """One notebook judging every case in turn (see the module docstring).

    A case is ``{"cell": solution grade_id, "source": the cell's new source}``. Returns the
    notebook and, per case, ``{grade_id: index of its grading cell in the notebook}``."""
    nb = nbformat.v4.new_notebook(metadata=copy.deepcopy(solution.metadata))
    setup = next(c for c in solution.cells if _gid(c) == "setup")
    nb.cells.append(copy.deepcopy(setup))
    where = []
    for k, case in enumerate(cases):
        start = next(i for i, c in enumerate(solution.cells) if _gid(c) == case["cell"])
        graders = dependents(solution, case["cell"])
        nb.cells.append(nbformat.v4.new_code_cell("%reset -f"))
        nb.cells.append(nbformat.v4.new_code_cell(setup.source))
        placed = {}
        for i in _needed_cells(solution, [start, *graders]):
            cell = copy.deepcopy(solution.cells[i])
            if i == start:
                cell.source = case["source"]
            if i in graders:
                placed[_gid(cell)] = len(nb.cells)
                cell.metadata["nbgrader"]["grade_id"] = f"{_gid(cell)}@case{k}"
            nb.cells.append(cell)
        where.append(placed)
    return nb, where


def judge(
    solution, cases: list[dict], *, timeout: int = 300
) -> list[dict[str, tuple[float, float]]]:
    """Run every case; per case ``{grade_id: (score, max_score)}`` of the grading cells that
    depend on the mutated cell, scored as nbgrader scores them."""
    from nbgrader.utils import determine_grade

    from .safe_execute import SafeExecute

    nb, where = case_notebook(solution, cases)
    with tempfile.TemporaryDirectory(prefix="kit-cases-") as tmp:
        executor = SafeExecute(timeout=timeout, interrupt_on_timeout=True)
        nb, _ = executor.preprocess(nb, {"metadata": {"path": str(Path(tmp))}})
    return [{gid: determine_grade(nb.cells[i]) for gid, i in placed.items()} for placed in where]


def mutated_source(solution, case: dict) -> str:
    """The solution cell's source with ``case``'s ``find`` replaced by its ``replace``."""
    cell = next(c for c in solution.cells if _gid(c) == case["cell"])
    if case["find"] not in cell.source:
        raise ValueError(
            f"{case['name']}: {case['find']!r} is not in solution cell {case['cell']!r}"
        )
    return cell.source.replace(case["find"], case["replace"])
