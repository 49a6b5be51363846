"""Cells named so that a student finds them (autograde.where), and the grader's notes."""

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograde import grading, nbmeta, where


def _graded(source, grade_id, **meta):
    cell = new_code_cell(source)
    cell.metadata["nbgrader"] = {"grade_id": grade_id, "schema_version": 3, **meta}
    return cell


def _notebook():
    return new_notebook(
        cells=[
            new_markdown_cell("# Notebook\n\n## 2. Orientation *tuning*\n\nSome text."),
            new_code_cell("# a comment first\n\nplt.plot(tuning_curve(respond, angles, bar))"),
            _graded("def make_bar(size):\n    pass", "make_bar", solution=True),
            _graded(
                "check_equal(make_bar(3).shape, (3, 3))", "test_make_bar", grade=True, points=2
            ),
            new_code_cell("x = " + "1 + " * 40 + "1"),
        ]
    )


def test_cells_are_named_by_test_id_answer_id_or_heading_and_first_line():
    nb = _notebook()
    assert where.describe(nb, nb.cells[3]) == "the test 'test_make_bar'"
    assert where.describe(nb, nb.cells[2]) == "your answer 'make_bar'"
    assert where.describe(nb, nb.cells[1]) == (
        'the cell under "2. Orientation tuning" that starts '
        '"plt.plot(tuning_curve(respond, angles, bar))"'
    )
    long = where.describe(nb, nb.cells[4])
    assert long.endswith('..."') and len(where.first_line(nb.cells[4])) == 60


def test_a_cell_above_every_heading_has_no_heading():
    nb = new_notebook(cells=[new_code_cell("print(1)")])
    assert where.describe(nb, nb.cells[0]) == 'the cell that starts "print(1)"'


def test_notes_name_cells_and_keep_details_for_the_instructor():
    nb = _notebook()
    nbmeta.set_failure(
        nb.cells[3],
        nbmeta.CellFailure(nbmeta.TIMEOUT, 1, "Your code ran too long.", "timeout at step 0"),
    )
    nbmeta.set_failure(nb.cells[1], nbmeta.CellFailure(nbmeta.NOT_RUN, None, "Not run: budget."))
    nbmeta.set_failure(nb.cells[4], nbmeta.CellFailure(nbmeta.NOT_RUN, None, "Not run: budget."))
    nbmeta.set_failure(nb.cells[2], nbmeta.CellFailure(nbmeta.TEST_FAILED, 1, "expected 1"))
    notes, details = grading._notes_from_cells(nb)
    assert notes[0] == "The test 'test_make_bar': Your code ran too long."
    assert (
        notes[1].startswith("Not run: budget. (the cell under") and notes[1].count("the cell") == 2
    )
    assert len(notes) == 2  # a failed check explains itself under its cell
    assert details == ["the test 'test_make_bar': timeout: timeout at step 0"]
    assert not any("Error" in note or "Interrupt" in note for note in notes)
