"""The course layout (autograde.course), nbgrader metadata (autograde.nbmeta) and scratch
courses (autograde.scratch): quick checks, no nbgrader run."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbgrader import utils as nbgrader_utils
from traitlets.config import Config

from autograde import nbmeta, scratch
from autograde.course import Course

ROOT = Path(__file__).resolve().parents[1]


def _nbgrader_config() -> Config:
    config = Config()
    code = compile(
        (ROOT / "autograde" / "nbgrader_config.py").read_text(), "nbgrader_config.py", "exec"
    )
    exec(
        code,
        {"get_config": lambda: config, "__file__": str(ROOT / "autograde" / "nbgrader_config.py")},
    )
    return config


def test_nbgrader_is_configured_with_the_same_folders():
    """nbgrader (formgrader, feedback) and the kit's own commands use one layout."""
    cd = _nbgrader_config().CourseDirectory
    repo = Course()
    assert Path(cd.root) == repo.root == ROOT
    assert repo.root / cd.source_directory == repo.solutions
    assert repo.root / cd.release_directory == repo.release
    assert repo.root / cd.submitted_directory == repo.submitted()
    assert repo.root / cd.autograded_directory == repo.autograded()
    assert repo.root / cd.feedback_directory == repo.feedback()


def test_paths_of_one_submission(tmp_path):
    c = Course(tmp_path)
    assert c.submitted("ann", "01-x") == tmp_path / "autograde/submitted/ann/01-x"
    assert c.record("ann", "01-x") == tmp_path / "autograde/autograded/ann/01-x/grader.json"
    assert c.gradebook_url == f"sqlite:///{tmp_path}/autograde/gradebook.db?timeout=120"
    with pytest.raises(ValueError, match="student"):
        c.submitted(assignment="01-x")


def test_assignments_and_students_skip_what_is_not_theirs(tmp_path):
    c = Course(tmp_path)
    for name in ("02-b", "01-a", "_template", ".hidden"):
        (c.solutions / name).mkdir(parents=True)
        (c.solutions / name / f"{name}.ipynb").write_text("{}")
    (c.solutions / "03-empty").mkdir()
    assert c.assignments() == ["01-a", "02-b"]
    for student in ("bob", "ann"):
        c.submitted(student, "01-a").mkdir(parents=True)
    c.submitted("carl", "02-b").mkdir(parents=True)
    (c.replaced() / "01-a").mkdir(parents=True)  # never a student
    assert c.students("01-a") == ["ann", "bob"]
    assert Course(tmp_path / "none").students("01-a") == []


def test_the_repository_lists_its_notebooks_in_course_order():
    names = Course().assignments()
    assert names == sorted(names) and names[0].startswith("01-") and len(names) >= 10
    assert all(Course().solution_notebook(n).is_file() for n in names)
    assert Course().released_notebook(names[0]) == ROOT / "course" / names[0] / f"{names[0]}.ipynb"
    with pytest.raises(FileNotFoundError, match="make release"):
        Course().released_notebook("99-never")


def _cell(cell_type="code", **meta):
    make = nbformat.v4.new_code_cell if cell_type == "code" else nbformat.v4.new_markdown_cell
    cell = make("x = 1")
    if meta:
        cell.metadata["nbgrader"] = meta
    return cell


@pytest.mark.parametrize(
    "cell",
    [
        _cell(),
        _cell(grade=True, grade_id="t", points=2),
        _cell(solution=True, grade_id="a"),
        _cell(grade=True, solution=True, grade_id="a", points=1),
        _cell("markdown", grade=True, solution=True, grade_id="w", points=3),
        _cell("markdown", locked=True, grade_id="intro"),
    ],
)
def test_roles_agree_with_nbgraders_own_predicates(cell):
    assert nbmeta.is_grading_cell(cell) == (
        cell.cell_type == "code"
        and nbgrader_utils.is_grade(cell)
        and not nbgrader_utils.is_solution(cell)
    )
    assert nbmeta.is_answer(cell) == bool(nbgrader_utils.is_solution(cell))


@pytest.mark.parametrize(
    "metadata",
    [None, "nbgrader", {"nbgrader": "grade"}, {"nbgrader": ["grade_id"]}, {"nbgrader": None}],
)
def test_metadata_a_student_broke_means_no_role_not_a_crash(metadata):
    cell = {"cell_type": "code", "source": "", "metadata": metadata}
    assert nbmeta.nbgrader(cell) == {} and nbmeta.grade_id(cell) is None
    assert not nbmeta.is_grading_cell(cell) and not nbmeta.is_answer(cell)
    assert nbmeta.grade_id("not a cell") is None


def test_a_solved_notebook_has_every_answer_and_no_markers(tmp_path):
    name = Course().assignments()[0]
    c = scratch.new_course(tmp_path, [name], generate=False)
    assert c.solution_notebook(name).read_bytes() == Course().solution_notebook(name).read_bytes()
    nb = scratch.solved_student_notebook(
        Course().released_notebook(name), Course().solution_notebook(name)
    )
    answers = [cell for cell in nb.cells if nbmeta.is_answer(cell)]
    assert answers and all("BEGIN SOLUTION" not in cell.source for cell in answers)
    assert all("NotImplementedError" not in cell.source for cell in answers)
    path = scratch.submit(c, "ann", name, nb, timestamp="2026-12-01 10:00:00 UTC")
    assert path == c.submitted("ann", name) / f"{name}.ipynb"
    assert (path.parent / "timestamp.txt").read_text().startswith("2026-12-01")
    assert c.students(name) == ["ann"]
    scratch.submit(c, "bob", name, "{ not json")
    assert c.submitted("bob", name).joinpath(f"{name}.ipynb").read_text() == "{ not json"


def test_a_failure_note_round_trips_and_a_forged_one_is_cleared():
    cell = _cell(grade=True, grade_id="t", points=1)
    nbmeta.set_failure(cell, nbmeta.CellFailure(nbmeta.TEST_FAILED, 7, "expected 1, got 2"))
    assert nbmeta.failure(nbformat.from_dict(cell)) == nbmeta.CellFailure(
        nbmeta.TEST_FAILED, 7, "expected 1, got 2"
    )
    odd = _cell()
    odd.metadata[nbmeta.KIT_KEY] = {"failure": {"kind": "made up", "line": 3}}
    assert nbmeta.failure(odd) is None
    nb = nbformat.v4.new_notebook(cells=[cell, odd])
    nbmeta.clear_failures(nb)
    assert all(nbmeta.KIT_KEY not in c.metadata for c in nb.cells)
