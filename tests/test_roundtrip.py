"""roundtrip.graded_cells_only: what the wrong-answer round trips grade (quick checks)."""

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograde import roundtrip


def _cell(source, grade_id=None, **meta):
    cell = new_code_cell(source)
    if grade_id:
        cell.metadata["nbgrader"] = {"grade_id": grade_id, "schema_version": 3, **meta}
    return cell


def _notebook():
    return new_notebook(
        cells=[
            _cell("import numpy as np\ncfg = 1", "setup", grade=False, locked=True),
            new_markdown_cell("## A kernel"),
            _cell("BASE = np.ones(3)"),  # read by DOUBLE's cell
            _cell("DOUBLE = 2 * BASE"),  # read by the solution
            _cell("import matplotlib.pyplot as plt\nplt.plot(DOUBLE)"),  # a plot: not needed
            _cell("def f(x):\n    total = x + DOUBLE\n    return total", "f", solution=True),
            _cell("for total in range(3):\n    print(f(total))"),  # binds `total`, a local of f
            _cell("x_t = 1.0\ncheck_close(f(x_t), 3.0)", "test_f", grade=True, points=1),
            _cell("x_t = 5\nprint(x_t)"),  # binds a name the grading cell binds before reading
        ]
    )


def test_keeps_the_graded_cells_and_what_they_read_transitively():
    kept = roundtrip.graded_cells_only(_notebook())
    sources = [c.source for c in kept.cells if c.cell_type == "code"]
    assert sources[0].startswith("import numpy")
    assert "BASE = np.ones(3)" in sources and "DOUBLE = 2 * BASE" in sources
    assert not any("plt.plot" in s for s in sources)
    assert not any(s.startswith("for total") for s in sources)  # a function's local is not a global
    assert "x_t = 5\nprint(x_t)" not in sources
    assert [c.cell_type for c in kept.cells].count("markdown") == 1


def test_keeps_what_a_definition_reads_when_it_runs():
    """A default value, a decorator or a base class is evaluated when the def or class runs,
    at the top level: the cells that bind those names are needed (notebook 10's
    ``def shallow_cnn(input_shape=BUDGET_SHAPE)``)."""
    nb = _notebook()
    nb.cells[1:1] = [
        _cell("SIZE = (150, 150, 3)"),
        _cell("def tag(f):\n    return f"),
        _cell("class Base:\n    pass"),
        _cell("UNUSED_DEFAULT = 4"),
    ]
    nb.cells.append(
        _cell(
            "@tag\ndef build(shape=SIZE):\n    return shape\n\n\n"
            "class Model(Base):\n    def size(self, n=UNUSED_INSIDE):\n        return n",
            "build",
            solution=True,
        )
    )
    nb.cells.append(
        _cell("check_equal(build(), (150, 150, 3))", "test_build", grade=True, points=1)
    )
    sources = [c.source for c in roundtrip.graded_cells_only(nb).cells if c.cell_type == "code"]
    assert {"SIZE = (150, 150, 3)", "def tag(f):\n    return f", "class Base:\n    pass"} <= set(
        sources
    )
    assert "UNUSED_DEFAULT = 4" not in sources


def test_a_comprehension_reads_its_first_iterable_at_the_top_level():
    """``[f(b) for b in (g, h)]`` evaluates ``(g, h)`` in the cell's own scope: a grading cell
    written that way depends on the solution cell that defines g and h."""
    from autograde import cases
    from autograde.roundtrip import _names

    assert {"g", "h", "f"} <= _names("x = [f(b) for b in (g, h)]")[1]
    assert "g" in _names("x = {k: v for k, v in g.items()}")[1]
    assert "b" not in _names("x = [f(b) for b in (g, h)]")[1]
    nb = _notebook()
    nb.cells.append(
        _cell("def g():\n    return 1\n\n\ndef h():\n    return 2", "gh", solution=True)
    )
    nb.cells.append(
        _cell("check_equal([build() for build in (g, h)], [1, 2])", "test_gh", grade=True, points=1)
    )
    assert cases.dependents(nb, "gh") == [len(nb.cells) - 1]


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


def test_dependents_are_the_grading_cells_that_read_what_a_solution_defines():
    from autograde import cases

    nb = _notebook()
    nb.cells.append(_cell("def g():\n    return 1", "g", solution=True))
    nb.cells.append(_cell("check_close(g(), 1.0)", "test_g", grade=True, points=1))
    nb.cells.append(_cell("via_f = f(0)"))  # a demo that uses f ...
    nb.cells.append(_cell("check_close(via_f, 2.0)", "test_via", grade=True, points=1))
    ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells]
    assert [ids[i] for i in cases.dependents(nb, "f")] == ["test_f", "test_via"]
    assert [ids[i] for i in cases.dependents(nb, "g")] == ["test_g"]


def test_a_case_notebook_resets_between_cases_and_renames_the_grading_cells():
    from autograde import cases

    nb = _notebook()
    built, where = cases.case_notebook(
        nb,
        [
            {"cell": "f", "source": "def f(x):\n    return x"},
            {"cell": "f", "source": "def f(x):\n    return 0"},
        ],
    )
    sources = [c.source for c in built.cells]
    assert sources.count("%reset -f") == 2
    assert "def f(x):\n    return x" in sources and "def f(x):\n    return 0" in sources
    assert "DOUBLE = 2 * BASE" in sources and not any("plt.plot" in s for s in sources)
    assert [list(w) for w in where] == [["test_f"], ["test_f"]]
    assert built.cells[where[1]["test_f"]].metadata["nbgrader"]["grade_id"] == "test_f@case1"
    with pytest.raises(ValueError, match="not in solution cell"):
        cases.mutated_source(nb, {"name": "n", "cell": "f", "find": "nowhere", "replace": ""})


def test_the_grader_keeps_cells_it_cannot_read():
    """A magic (``%reset -f`` between the wrong-answer cases) may do anything: the grader
    runs it; the round trips' cut drops it."""
    from autograde import needed

    nb = _notebook()
    nb.cells.insert(2, _cell("%reset -f"))
    assert needed.needed(nb, keep_unparsed=True)[2] is True
    assert needed.needed(nb)[2] is False
