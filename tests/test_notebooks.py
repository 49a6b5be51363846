"""Every notebook: it runs (nbval, smoke profile, offline), course/ is what nbgrader
generates from solutions/, and grading gives exactly the points that were earned."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

from autograde import cases, nbmeta, release, roundtrip
from autograde.course import Course
from tests.wrong_answers import WRONG_ANSWERS

ROOT = Path(__file__).resolve().parents[1]
ASSIGNMENTS = Course().assignments()


def _notebook(kind: str, assignment: str) -> Path:
    return ROOT / kind / assignment / f"{assignment}.ipynb"


def _comparable(path: Path) -> dict:
    nb = json.loads(path.read_text())
    return {
        "metadata": nb["metadata"],
        "cells": [{k: c.get(k) for k in ("cell_type", "source", "metadata")} for c in nb["cells"]],
    }


def test_there_are_notebooks():
    assert "01-visual-cortex" in ASSIGNMENTS


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_one_notebook_per_assignment_folder(assignment):
    for kind in ("solutions", "course"):
        found = sorted(p.name for p in (ROOT / kind / assignment).glob("*.ipynb"))
        assert found == [f"{assignment}.ipynb"], f"{kind}/{assignment}: {found}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_student_notebook_hides_answers_and_outputs(assignment):
    text = _notebook("course", assignment).read_text()
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    nb = nbformat.read(_notebook("course", assignment), as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_exercise_has_visible_and_hidden_tests(assignment):
    nb = nbformat.read(_notebook("solutions", assignment), as_version=4)
    tests = [
        c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"
    ]
    assert len(tests) >= 5, (
        f"{assignment}: {len(tests)} auto-graded exercises, the course promises 5"
    )
    for cell in tests:
        gid = cell.metadata["nbgrader"]["grade_id"]
        visible = cell.source.split("### BEGIN HIDDEN TESTS")[0]
        assert "check_" in visible, f"{gid}: no visible check"
        assert "### BEGIN HIDDEN TESTS" in cell.source, f"{gid}: no hidden tests"
        assert "assert " not in cell.source, f"{gid}: use cnn_course_kit.checks, not a bare assert"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_written_answers_show_the_student_one_prompt(assignment):
    """The solution's answer is the whole cell (nbgrader swaps it for one prompt); a stub line
    left above ### BEGIN SOLUTION would show the student the prompt twice."""

    def written(kind):
        nb = nbformat.read(_notebook(kind, assignment), as_version=4)
        return {
            c.metadata["nbgrader"]["grade_id"]: c.source
            for c in nb.cells
            if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("solution")
        }

    answers, prompts = written("solutions"), written("course")
    assert answers, f"{assignment}: no written answer"
    for gid, text in answers.items():
        assert "YOUR ANSWER HERE" not in text, f"{gid}: remove the stub from the solution"
        assert prompts[gid] == "YOUR ANSWER HERE", f"{gid}: the student sees {prompts[gid]!r}"


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_course_matches_a_fresh_generation(assignment, tmp_path):
    release.generate(assignment, tmp_path)
    fresh, committed = (
        tmp_path / assignment / f"{assignment}.ipynb",
        _notebook("course", assignment),
    )
    assert _comparable(fresh) == _comparable(committed), (
        f"course/{assignment} differs from what solutions/ generates: run `make release`."
    )


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_runs_under_nbval(assignment):
    env = dict(os.environ, COURSE_PROFILE="smoke", COURSE_OFFLINE="1")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--nbval-lax",
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(ROOT / "solutions"),
            str(_notebook("solutions", assignment)),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


@pytest.mark.slow
@pytest.mark.sandbox
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_grading_round_trip(assignment, tmp_path):
    """The grader, as make grade runs it (repair, sandbox, one worker per core), grades the
    solution (full marks), the untouched student notebook (none) and "graded-only", the
    solution without its demo cells (roundtrip.graded_cells_only: it must still earn full
    marks). Every wrong answer is judged by the same grading cells and the same SafeExecute,
    all cases of the notebook in one kernel (autograde.cases), while the grader works: it
    must lose exactly its exercise's points, each of them entirely."""
    wrongs = WRONG_ANSWERS.get(assignment, [])
    assert wrongs, (
        f"{assignment}: add plausible wrong answers to tests/wrong_answers/nb<assignment>.py"
    )
    solution = nbformat.read(_notebook("solutions", assignment), as_version=4)
    graded_only = tmp_path / "graded-only.ipynb"
    nbformat.write(roundtrip.graded_cells_only(solution), graded_only)
    submissions = {
        "solved": _notebook("solutions", assignment),
        "unsolved": _notebook("course", assignment),
        "graded-only": graded_only,
    }
    mutants = [{"cell": w["cell"], "source": cases.mutated_source(solution, w)} for w in wrongs]
    # The cases' kernel runs beside one grading worker: two kernels at a time, as many as the
    # unsandboxed round trip had (notebook 06 alone peaks at 4.7 GB; CI machines are small).
    with ThreadPoolExecutor(1) as pool:
        judging = pool.submit(cases.judge, solution, mutants)
        results = roundtrip.autograde(
            assignment, submissions, tmp_path / "course-dir", workers=1, time_scale=_sharing()
        )
        judged = judging.result()

    solved = results["solved"]
    assert solved.auto_max > 0 and solved.auto_score == solved.auto_max, _why_lost(solved)
    assert all(c.needs_manual_grade for c in solved.cells.values() if not c.auto)
    cut = results["graded-only"]
    assert cut.auto_score == cut.auto_max == solved.auto_max, (
        "without its demo cells the solution loses points: a graded cell needs a name that "
        f"roundtrip.graded_cells_only did not see being defined: {_why_lost(cut)}"
    )

    assert results["unsolved"].auto_score == 0, results["unsolved"].cells
    # A grading cell whose last line leaves a value is read by nbgrader as partial credit.
    assert "cannot be converted to" not in solved.log, solved.log[-3000:]
    # In the grader's kernel too, the setup cell prints the banner and nothing else.
    graded = nbformat.read(solved.autograded_notebook, as_version=4)
    setup = next(
        c for c in graded.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "setup"
    )
    shown = [(o.get("output_type"), o.get("name"), o.get("text", "")) for o in setup.outputs]
    assert (
        len(shown) == 1
        and shown[0][:2] == ("stream", "stdout")
        and shown[0][2].startswith("[course] ")
    ), f"the graded setup cell showed {shown}"

    for wrong, scores in zip(wrongs, judged):
        lost = {gid for gid, (score, most) in scores.items() if score < most}
        assert lost == wrong["loses"], f"{wrong['name']}: lost points in {lost or 'no cell'}"
        for gid in lost:
            assert scores[gid][0] == 0, f"{wrong['name']}: partial credit in {gid}"


def _why_lost(result) -> str:
    """The cells that lost points and what the grader's kernel printed there."""
    lost = {g for g, c in result.cells.items() if c.auto and c.score < c.max_score}
    graded = nbformat.read(result.autograded_notebook, as_version=4)
    shown = [
        f"{nbmeta.grade_id(c)}: {nbmeta.failure(c)} "
        + " ".join(o.get("text", "") or o.get("evalue", "") for o in c.get("outputs", []))[-1500:]
        for c in graded.cells
        if nbmeta.grade_id(c) in lost
    ]
    return f"{result.cells}\n" + "\n".join(shown)


def _sharing() -> float:
    """How much slower than measured a cell may run here: the sized time limits were timed
    on an idle machine, and pytest-xdist's ``-n N`` runs N of these tests side by side, each
    with two kernels (the cases' and the grader's) whose TensorFlow thread pools contend for
    the same cores, so a cell can take more than N times as long. The limits stretch by 1.5 N,
    as ``make grade --time-scale`` stretches them for a busy grading server."""
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    return 1.0 if workers <= 1 else 1.5 * workers


def _points(assignment: str) -> tuple[float, float]:
    nb = nbformat.read(_notebook("solutions", assignment), as_version=4)
    auto = manual = 0.0
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            if cell.cell_type == "code":
                auto += meta.get("points", 0)
            else:
                manual += meta.get("points", 0)
    return auto, manual


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_readme_course_map_states_the_real_points(assignment):
    auto, manual = _points(assignment)
    rows = [
        line
        for line in (ROOT / "README.md").read_text().splitlines()
        if line.startswith("|") and f"`{assignment}`" in line
    ]
    assert len(rows) == 1, f"README's course map needs one row for {assignment}"
    expected = f"{auto:g} auto + {manual:g} written" if manual else f"{auto:g} auto"
    assert expected in rows[0], f"README says {rows[0]!r}; the notebook has {expected}"
    header = nbformat.read(_notebook("solutions", assignment), as_version=4).cells[0].source
    assert f"{auto:g} auto-graded" in header and f"{manual:g} for a written answer" in header, (
        "the notebook's first cell should state its points"
    )


def test_readme_first_screen_states_the_course_totals():
    """The totals on the README's first screen are the sums over the notebooks."""
    auto = sum(_points(a)[0] for a in ASSIGNMENTS)
    manual = sum(_points(a)[1] for a in ASSIGNMENTS)
    intro = (ROOT / "README.md").read_text().split("## Quick start")[0]
    stated = f"{auto:g} auto-graded points and {manual:g} for written answers"
    assert stated in intro, f"the README's first screen should say {stated!r}"
    assert f"in {len(ASSIGNMENTS)} notebooks" in intro.replace("ten notebooks", "10 notebooks")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_notebook_states_the_time_the_course_map_gives(assignment):
    rows = [
        line
        for line in (ROOT / "README.md").read_text().splitlines()
        if line.startswith("|") and f"`{assignment}`" in line
    ]
    time = rows[0].strip().strip("|").split("|")[-1].strip()
    assert time, f"README's course map gives no time for {assignment}"
    header = nbformat.read(_notebook("solutions", assignment), as_version=4).cells[0].source
    stated = (
        f"About {time}".replace(" min", " minutes") if time.endswith(" min") else f"About {time}"
    )
    assert stated in header, f"the notebook's first cell should say {stated!r}, as the README does"
