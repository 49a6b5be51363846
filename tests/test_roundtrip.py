"""roundtrip.graded_cells_only: what the wrong-answer round trips grade (quick checks)."""

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograde import roundtrip


def _cell(source, grade_id=None, **meta):
    cell = new_code_cell(source)
    if grade_id:
        cell.metadata["nbgrader"] = {"grade_id": grade_id, "schema_version": 3, **meta}
    return cell


def _notebook():
    return new_notebook(cells=[
        _cell("import numpy as np\ncfg = 1", "setup", grade=False, locked=True),
        new_markdown_cell("## A kernel"),
        _cell("BASE = np.ones(3)"),                                  # read by DOUBLE's cell
        _cell("DOUBLE = 2 * BASE"),                                  # read by the solution
        _cell("import matplotlib.pyplot as plt\nplt.plot(DOUBLE)"),  # a plot: not needed
        _cell("def f(x):\n    total = x + DOUBLE\n    return total", "f", solution=True),
        _cell("for total in range(3):\n    print(f(total))"),        # binds `total`, a local of f
        _cell("x_t = 1.0\ncheck_close(f(x_t), 3.0)", "test_f", grade=True, points=1),
        _cell("x_t = 5\nprint(x_t)"),        # binds a name the grading cell binds before reading
    ])


def test_keeps_the_graded_cells_and_what_they_read_transitively():
    kept = roundtrip.graded_cells_only(_notebook())
    sources = [c.source for c in kept.cells if c.cell_type == "code"]
    assert sources[0].startswith("import numpy")
    assert "BASE = np.ones(3)" in sources and "DOUBLE = 2 * BASE" in sources
    assert not any("plt.plot" in s for s in sources)
    assert not any(s.startswith("for total") for s in sources)  # a function's local is not a global
    assert "x_t = 5\nprint(x_t)" not in sources
    assert [c.cell_type for c in kept.cells].count("markdown") == 1


def test_leaves_the_notebook_it_was_given_alone():
    nb = _notebook()
    before = nbformat.writes(nb)
    roundtrip.graded_cells_only(nb)
    assert nbformat.writes(nb) == before


def test_a_cell_that_does_not_parse_is_dropped_not_fatal():
    nb = _notebook()
    nb.cells.insert(2, _cell("%matplotlib inline\nBROKEN ="))
    kept = roundtrip.graded_cells_only(nb)
    assert not any("BROKEN" in c.source for c in kept.cells)
