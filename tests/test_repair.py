"""autograde.repair on small notebooks built here: each way a submission gets damaged, and
the sentence the student reads about it (quick; the hostile batch in test_grading.py
grades the same damage end to end)."""

from __future__ import annotations

import copy

import nbformat
import pytest

from autograde import nbmeta, repair


def _meta(gid, **flags):
    return {
        "nbgrader": {
            "grade_id": gid,
            "grade": False,
            "locked": False,
            "points": 0,
            "solution": False,
            "task": False,
            **flags,
        }
    }


def _reference():
    v4 = nbformat.v4
    nb = v4.new_notebook(
        cells=[
            v4.new_markdown_cell("Intro", metadata=_meta("intro", locked=True)),
            v4.new_code_cell("# YOUR CODE HERE", metadata=_meta("a1", solution=True)),
            v4.new_code_cell(
                "check_equal(f(1), 2)", metadata=_meta("t1", grade=True, locked=True, points=2)
            ),
            v4.new_code_cell("# YOUR CODE HERE", metadata=_meta("a2", solution=True)),
            v4.new_code_cell(
                "check_equal(g(1), 3)", metadata=_meta("t2", grade=True, locked=True, points=1)
            ),
        ]
    )
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


def _answered():
    nb = copy.deepcopy(_reference())
    nb.cells[1].source = "def f(x):\n    return 2 * x"
    nb.cells[3].source = "def g(x):\n    return 3 * x"
    return nb


def _ids(nb):
    return [nbmeta.grade_id(c) for c in nb.cells]


def test_an_intact_submission_is_graded_as_it_is():
    nb = _answered()
    fixed = repair.repair(nb, _reference())
    assert fixed.notes == [] and not fixed.replaced

    def content(cells):
        return [(c.cell_type, c.source, c.metadata) for c in cells]

    assert content(fixed.notebook.cells) == content(nb.cells)


def test_the_docstrings_example_deleted_test_and_pasted_answer():
    nb = _answered()
    del nb.cells[2]  # t1 deleted
    nb.cells.insert(3, copy.deepcopy(nb.cells[2]))  # a2 pasted twice
    fixed = repair.repair(nb, _reference())
    assert _ids(fixed.notebook) == ["intro", "a1", "t1", "a2", None, "t2"]
    assert fixed.notebook.cells[2].source == "check_equal(f(1), 2)"
    assert fixed.notebook.cells[4].source == nb.cells[2].source  # the copy still runs
    assert any("test" in n or "grading cell 't1'" in n for n in fixed.notes)
    assert any("only the first copy is graded" in n for n in fixed.notes)


def test_edited_tests_are_restored_and_answers_keep_the_students_code():
    nb = _answered()
    nb.cells[2].source = "pass  # no more test"
    nb.cells[1].metadata["nbgrader"]["points"] = 100
    fixed = repair.repair(nb, _reference())
    assert fixed.notebook.cells[2].source == "check_equal(f(1), 2)"
    assert fixed.notebook.cells[1].metadata["nbgrader"]["points"] == 0
    assert fixed.notebook.cells[1].source.startswith("def f")
    assert any("had been edited" in n for n in fixed.notes)
    assert any("grading settings" in n and "points" in n for n in fixed.notes)


def test_a_retyped_answer_is_graded_as_code_and_a_retyped_test_restored():
    nb = _answered()
    nb.cells[1] = nbformat.v4.new_markdown_cell(nb.cells[1].source, metadata=nb.cells[1].metadata)
    nb.cells[4] = nbformat.v4.new_markdown_cell("gone", metadata=nb.cells[4].metadata)
    fixed = repair.repair(nb, _reference())
    assert fixed.notebook.cells[1].cell_type == "code"
    assert fixed.notebook.cells[1].source.startswith("def f")
    assert fixed.notebook.cells[4].source == "check_equal(g(1), 3)"


@pytest.mark.parametrize("broken", ["grade", ["a1"], 3])
def test_metadata_nbgrader_cannot_read_makes_an_ordinary_cell(broken):
    nb = _answered()
    extra = nbformat.v4.new_code_cell("x = 1")
    extra.metadata["nbgrader"] = broken
    nb.cells.insert(2, extra)
    fixed = repair.repair(nb, _reference())
    assert "nbgrader" not in fixed.notebook.cells[2].metadata
    assert _ids(fixed.notebook) == ["intro", "a1", None, "t1", "a2", "t2"]
    assert any("cannot read" in n for n in fixed.notes)


def test_unknown_ids_and_a_changed_kernel():
    nb = _answered()
    nb.cells.append(nbformat.v4.new_code_cell("y = 2", metadata=_meta("made_up", grade=True)))
    nb.metadata["kernelspec"] = {"name": "julia-1.9"}
    fixed = repair.repair(nb, _reference())
    assert "nbgrader" not in fixed.notebook.cells[-1].metadata
    assert fixed.notebook.metadata["kernelspec"]["name"] == "python3"
    assert any("unknown grading id 'made_up'" in n for n in fixed.notes)
    assert any("julia-1.9" in n for n in fixed.notes)


def test_unreadable_or_foreign_notebooks_score_zero_with_a_reason():
    blank = repair.repair(None, _reference(), "it ends in the middle")
    assert blank.replaced and blank.notes[0].startswith("It ends in the middle")
    other = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x", metadata=_meta("q"))])
    foreign = repair.repair(other, _reference())
    assert foreign.replaced and "another assignment" in foreign.notes[0]
    assert _ids(foreign.notebook) == _ids(_reference())


def test_cells_whose_metadata_was_cleared_are_recognised_by_their_ids():
    reference = _reference()
    submission = copy.deepcopy(reference)  # the same cell ids, as a fetched notebook has
    submission.cells[1].source = "def f(x):\n    return 2 * x"
    for cell in submission.cells:  # e.g. nbconvert --ClearMetadataPreprocessor.enabled=True
        cell.metadata = {}
    fixed = repair.repair(submission, reference)
    assert not fixed.replaced and _ids(fixed.notebook) == ["intro", "a1", "t1", "a2", "t2"]
    assert fixed.notebook.cells[1].source == "def f(x):\n    return 2 * x"
    assert "5 cell(s) had lost their grading settings" in fixed.notes[0]
    assert not any("scores 0" in n for n in fixed.notes)


def test_an_answer_without_metadata_or_id_is_recognised_by_its_first_line():
    reference = _reference()
    reference.cells[1].source = "def f(x):\n    # YOUR CODE HERE\n    raise NotImplementedError()"
    submission = _answered()
    del submission.cells[1].metadata["nbgrader"]
    submission.cells[1].id = "other-id"
    fixed = repair.repair(submission, reference)
    assert fixed.notebook.cells[1].source == "def f(x):\n    return 2 * x"
    assert nbmeta.grade_id(fixed.notebook.cells[1]) == "a1"
    assert [nbmeta.grade_id(c) for c in fixed.notebook.cells].count("a1") == 1


def test_a_missing_kernelspec_is_named_so():
    submission = _answered()
    del submission.metadata["kernelspec"]
    fixed = repair.repair(submission, _reference())
    assert "The notebook named no kernel; it was graded with 'python3' as assigned." in fixed.notes
