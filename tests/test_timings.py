"""Time limits sized to the notebook (autograde/timings.py): the formula, the record's
freshness, and that every assignment has an up-to-date record for the profile CI grades in."""

from __future__ import annotations

import json
import shutil

import nbformat
import pytest

from autograde import grading, scratch, timings
from autograde.course import Course

A = "01-visual-cortex"

# Tests whose floating-point results are whole numbers by their nature, each with why (the
# rule below flags every other test that never expects a fraction).
WHOLE_NUMBERS_ARE_THE_ANSWER = {
    "01-visual-cortex": {"test_make_bar": "a bar image is a mask of 0s and 1s"},
    "05-training-cnns": {"test_build_lenet5": "its float check: softmax rows sum to 1"},
    "06-classic-architectures": {
        "test_build_vgg16": "its float check: softmax rows sum to 1",
        "test_build_resnet50": "its float check: softmax rows sum to 1",
    },
    "10-capstone": {"test_architectures": "its float check: softmax rows sum to 1"},
}


def _timings(**cells) -> timings.Timings:
    return timings.Timings(A, "x", cells, total_s=20.0, measured="test")


def test_the_budget_is_a_multiple_of_the_honest_time_with_a_floor_and_a_ceiling():
    b = timings.budget(_timings(quick=0.1, slow=8.0, slowest=50.0), 120, 900)
    assert b.cells == {"quick": timings.CELL_FLOOR_S, "slow": 32, "slowest": 120}
    assert b.default_cell == 120  # a cell nobody measured gets the longest one's limit
    assert b.notebook == 3 * 20 + 60
    assert b.source.startswith("measured on the solution")
    assert timings.budget(_timings(a=1.0), 120, 100).notebook == 100  # the ceiling wins
    scaled = timings.budget(_timings(slow=8.0), 120, 900, scale=2)
    assert scaled.cells == {"slow": 64} and scaled.notebook == 240
    assert "scaled by 2" in scaled.source
    fixed = timings.budget(None, 120, 900)
    assert (fixed.cells, fixed.default_cell, fixed.notebook, fixed.source) == (
        {},
        120,
        900,
        "fixed",
    )
    assert fixed.describe() == {"per cell": "120 s", "per notebook": "900 s", "chosen": "fixed"}


def test_the_limits_file_is_what_the_executor_reads(tmp_path):
    b = timings.budget(_timings(quick=0.1, slow=8.0), 120, 900)
    data = json.loads(b.write(tmp_path / "limits.json").read_text())
    assert data == {"cells": {"quick": 10, "slow": 32}, "default": 32}
    assert b.describe()["per cell"] == "10-32 s"


def test_the_fingerprint_follows_the_code_only():
    nb = nbformat.read(Course().solution_notebook(A), as_version=4)
    before = timings.fingerprint(nb)
    markdown = next(c for c in nb.cells if c.cell_type == "markdown")
    markdown.source += "\nmore prose"
    code = next(c for c in nb.cells if c.cell_type == "code")
    code.outputs = [nbformat.v4.new_output("stream", text="hello")]
    assert timings.fingerprint(nb) == before
    code.source += "\nx = 1"
    assert timings.fingerprint(nb) != before


@pytest.mark.parametrize("assignment", Course().assignments())
def test_every_assignment_has_an_up_to_date_timing_for_the_smoke_profile(assignment, monkeypatch):
    """CI grades in smoke: without a fresh record its limits would be the fixed ones."""
    monkeypatch.setenv("COURSE_PROFILE", "smoke")
    record = timings.load(Course(), assignment)
    assert record is not None, (
        f"autograde/timings/smoke/{assignment}.json is missing or older than the solution: "
        f"run COURSE_PROFILE=smoke make release A={assignment} and commit it"
    )
    nb = nbformat.read(Course().solution_notebook(assignment), as_version=4)
    graded = {timings.cell_key(c) for c in nb.cells if c.get("metadata", {}).get("nbgrader")}
    graded_code = {
        timings.cell_key(c)
        for c in nb.cells
        if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")
    }
    assert graded_code <= set(record.cells), "every test cell was timed"
    assert set(record.cells) <= {timings.cell_key(c) for c in nb.cells} | graded
    assert 0 < sum(record.cells.values()) < record.total_s
    assert "smoke profile" in record.measured
    flagged = set(record.whole_number_tests) - set(WHOLE_NUMBERS_ARE_THE_ANSWER.get(assignment, {}))
    assert not flagged, (
        f"in {assignment}, {sorted(flagged)} check floating-point results against whole "
        "numbers only: an answer that rounds or uses // passes; add a fractional case"
    )


def test_a_stale_or_missing_record_gives_the_fixed_limits_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "smoke")
    course = scratch.new_course(tmp_path, [A], generate=False)
    assert timings.load(course, A) is not None  # the committed record came along
    lines: list[str] = []
    settings = grading.GradingSettings(root=course.root)
    assert grading.time_budget(A, settings, lines.append).source.startswith("measured")
    assert lines == []
    fixed = grading.GradingSettings(root=course.root, fixed_limits=True)
    assert grading.time_budget(A, fixed, lines.append).source == "fixed" and lines == []

    monkeypatch.setenv("COURSE_PROFILE", "full")  # measured in smoke only
    if timings.load(course, A) is None:
        assert grading.time_budget(A, settings, lines.append).source == "fixed"
        assert "make release" in lines[-1] and "120 s per cell" in lines[-1]
    monkeypatch.setenv("COURSE_PROFILE", "smoke")

    solution = course.solution_notebook(A)
    nb = nbformat.read(solution, as_version=4)
    next(c for c in nb.cells if c.cell_type == "code").source += "\n# changed"
    nbformat.write(nb, solution)
    assert timings.load(course, A) is None
    timings.path(course, A).write_text("{not json")
    assert timings.load(course, A) is None
    shutil.rmtree(course.autograde / "timings")
    assert timings.load(course, A) is None


@pytest.mark.slow
@pytest.mark.sandbox
def test_make_release_times_the_solution_and_refuses_one_that_fails(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "smoke")
    course = scratch.new_course(tmp_path, [A])
    shutil.rmtree(course.autograde / "timings")
    lines: list[str] = []
    record = timings.ensure(course, A, echo=lines.append)
    assert timings.load(course, A) == record and "timing the solution" in lines[0]
    assert record.total_s > sum(record.cells.values()) > 0
    said = len(lines)
    assert timings.ensure(course, A, echo=lines.append) == record and len(lines) == said

    solution = course.solution_notebook(A)
    nb = nbformat.read(solution, as_version=4)
    answer = next(c for c in nb.cells if timings.cell_key(c) == "make_bar")
    answer.source = answer.source.replace("return", "return 0 *", 1)
    nbformat.write(nb, solution)
    with pytest.raises(ValueError, match="does not pass its own tests: .*test_make_bar"):
        timings.ensure(course, A, echo=lines.append)


def test_a_float_check_that_expects_whole_numbers_only_is_spotted():
    """The rule behind make release's warning (issue 18, point 7): a test whose every
    expected value is a whole number passes an answer that uses // or rounds."""
    import numpy as np

    from autograde.verdict import whole_numbers_only

    assert whole_numbers_only("check_close", [np.array([0.0, 1.0])], {"expected": [0, 1]})
    assert (
        whole_numbers_only("check_close", [np.array([0.0, 0.5])], {"expected": [0, 0.5]}) is False
    )
    assert whole_numbers_only("check_equal", [2.0, 2], {}) is True
    assert whole_numbers_only("check_close", [np.array([1, 2])], {"expected": [1, 2]}) is None
    assert whole_numbers_only("check_close", [3], {"expected": 3}) is None  # an int result
    assert whole_numbers_only("check_shape", [np.zeros(2), (2,)], {}) is None
    assert whole_numbers_only("check_close", [np.zeros(2)], {"expected": [np.nan, 1]}) is None
    assert whole_numbers_only("check_equal", ["a", "a"], {}) is None


@pytest.mark.slow
def test_each_cell_gets_its_own_limit_whatever_ran_before(tmp_path):
    """A cell's sized limit is not capped by the cell before it: running a cell sets the
    executor's ``timeout`` to that cell's limit, and the next cell's limit once came out of
    it (a 10 s floor cell before VGG16's 34 s: VGG16 timed out on a busy machine)."""
    from autograde import nbmeta
    from autograde.safe_execute import SafeExecute

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("x = 1", id="quick"),
        nbformat.v4.new_code_cell("import time\ntime.sleep(3)\ny = 2", id="slow"),
    ]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    limits = tmp_path / "limits.json"
    limits.write_text(json.dumps({"cells": {"quick": 1, "slow": 20}, "default": 20}))
    executor = SafeExecute(timeout=120, limits_file=str(limits), run_demos=True)
    executor.preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    assert nbmeta.failure(nb.cells[1]) is None, nbmeta.failure(nb.cells[1])
