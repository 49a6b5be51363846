"""Grading cells leave the notebook's own names alone.

A grading cell runs in the student's kernel like any other cell (in JupyterLab, under
Validate, under nbval). If it binds a top-level name that a demo or exercise cell also
uses, running the tests silently changes what the rest of the notebook computes: notebook
02's "convolution is a neuron" demo once compared a vertical edge left behind by a grading
cell, printed two values that disagree, and proved nothing. So a name bound at the top
level of a grading cell (assignment, loop variable, ``with ... as``, ``def``, ``import``)
may appear in no non-grading code cell of the same notebook.
"""

from __future__ import annotations

import re
import symtable
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "solutions").glob("*/*.ipynb"))
_MAGIC = re.compile(r"^\s*[%!].*$", re.M)


def _source(cell) -> str:
    return _MAGIC.sub("", cell.source)


def bound_names(source: str) -> set[str]:
    """Names a cell binds at the top level of the kernel's namespace."""
    table = symtable.symtable(source, "<cell>", "exec")
    return {
        s.get_name()
        for s in table.get_symbols()
        if s.is_assigned() or s.is_imported() or s.is_namespace()
    }


def used_names(source: str) -> set[str]:
    """Names a cell looks up in, or stores into, the kernel's global namespace: every
    top-level name, and the globals that its functions and classes read or declare."""

    def walk(table, top):
        for sym in table.get_symbols():
            if top or sym.is_global() or sym.is_declared_global():
                yield sym.get_name()
        for child in table.get_children():
            yield from walk(child, False)

    return set(walk(symtable.symtable(source, "<cell>", "exec"), True))


def _is_grading(cell) -> bool:
    meta = cell.metadata.get("nbgrader", {})
    return cell.cell_type == "code" and meta.get("grade", False) and not meta.get("solution")


def clashes(nb) -> list[str]:
    """One line per grading-cell name that another (non-grading) code cell uses."""
    code = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    others = {i: used_names(_source(c)) for i, c in code if not _is_grading(c)}
    found = []
    for i, cell in code:
        if not _is_grading(cell):
            continue
        gid = cell.metadata["nbgrader"]["grade_id"]
        for name in sorted(bound_names(_source(cell))):
            users = [j for j, names in others.items() if name in names]
            if users:
                found.append(
                    f"grading cell {gid!r} (cell {i}) binds {name!r}, "
                    f"which cell(s) {users} also use"
                )
    return found


def test_the_rule_catches_a_grading_cell_that_rebinds_a_demo_name():
    nb = nbformat.v4.new_notebook()
    demo = nbformat.v4.new_code_cell("edge_image = make_edge()\nprint(edge_image.sum())")
    grading = nbformat.v4.new_code_cell(
        "for edge_image in [1, 2]:\n    check_equal(f(edge_image), 2)\ndef helper(): pass"
    )
    grading.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "t", "points": 1}
    later = nbformat.v4.new_code_cell("helper()")
    nb.cells = [demo, grading, later]
    found = clashes(nb)
    assert any("'edge_image'" in line for line in found), found
    assert any("'helper'" in line for line in found), found
    grading.source = "edge_image_t = [1, 2]\ncheck_equal(f(edge_image_t), 2)"
    assert clashes(nb) == []


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.parent.name for p in NOTEBOOKS])
def test_grading_cells_bind_no_name_the_notebook_uses(path):
    found = clashes(nbformat.read(path, as_version=4))
    assert not found, (
        f"{path.relative_to(ROOT)}: rename these names in the grading cell "
        "(e.g. add a suffix), so running the tests cannot change a demo:\n" + "\n".join(found)
    )
