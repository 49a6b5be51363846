"""Grading a class with broken and hostile submissions (tests/hostile.py).

One batch, graded in parallel through the sandbox: every student gets exactly what they
earned and a line in their feedback saying what happened; the solutions, the other
submissions and the gradebook are untouched by student code; an interrupted or repeated
run skips what is already graded.
"""

from __future__ import annotations

import hashlib
import math
import re
import socket
import sqlite3
import threading
from pathlib import Path

import nbformat
import pytest

from autograde import grading, repair, sandbox, scratch, timings
from autograde.course import Course
from tests import hostile

A = hostile.ASSIGNMENT
NB = f"{A}.ipynb"
pytestmark = [pytest.mark.slow, pytest.mark.sandbox]


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _auto_scores(db: Path, student: str) -> float:
    return sum(score for score, _ in _cell_scores(db, student).values())


def _cell_scores(db: Path, student: str) -> dict[str, tuple[float, float]]:
    """Per grading cell: (score, max_score)."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{db}") as gb:
        nb = gb.find_submission_notebook(A, A, student)
        return {g.name: (g.score, g.max_score) for g in nb.grades if g.cell_type == "code"}


def _hidden_lines(root: Path) -> set[str]:
    """Every line of the hidden tests (and of the code the grader sends into a kernel)
    that is long enough to be recognised."""
    solution = nbformat.read(root / "solutions" / A / NB, as_version=4)
    lines = set()
    for cell in solution.cells:
        inside = False
        for line in cell.source.splitlines():
            if "BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "END HIDDEN TESTS" in line:
                inside = False
            elif inside:
                lines.add(line.strip())
    emitter = (Path(grading.__file__).with_name("_emit.py")).read_text().splitlines()
    lines |= {line.strip() for line in emitter if "(" in line or "=" in line}
    released = nbformat.read(root / "course" / A / NB, as_version=4)
    shown = {line.strip() for cell in released.cells for line in cell.source.splitlines()}
    return {line for line in lines - shown if len(line) >= 16 and not line.startswith("#")}


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    course = scratch.new_course(tmp_path_factory.mktemp("course"), [A])
    root, db = course.root, course.gradebook
    honest = hostile.solved(root / "course" / A / NB, root / "solutions" / A / NB)

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.5)
    connections = []

    def accept():
        while True:
            try:
                connections.append(server.accept())
            except TimeoutError:
                continue
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()

    submitted = root / "autograde" / "submitted"
    paths = {
        "solutions": str(root / "solutions" / A / NB),
        "gradebook": str(db),
        "other": str(submitted / "honest" / A / NB),
    }
    students = {}
    for kind in hostile.KINDS:
        student = _slug(kind.name)
        folder = submitted / student / A
        folder.mkdir(parents=True)
        (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
        content = hostile.build(kind.name, honest, paths=paths, port=server.getsockname()[1])
        if isinstance(content, nbformat.NotebookNode):
            nbformat.write(content, folder / NB)
        elif isinstance(content, str):
            (folder / NB).write_text(content)
        students[student] = kind
    before = {"solutions": _digests(root / "solutions"), "submitted": _digests(submitted)}
    # another run's staging folder (another assignment graded at the same time)
    other_run = course.staging / "02-other-run" / "someone" / "02-other" / "02-other.ipynb"
    other_run.parent.mkdir(parents=True)
    other_run.write_text("{}")

    # the time limits are the ones make release measured on the solution (autograde/timings)
    settings = grading.GradingSettings(
        workers=2,
        root=root,
        limits=sandbox.Limits(memory_mb=1024, cpu_seconds=120),
    )
    lines: list[str] = []
    outcomes = {o.student: o for o in grading.grade(A, settings=settings, echo=lines.append)}
    server.close()
    return {
        "root": root,
        "db": db,
        "students": students,
        "outcomes": outcomes,
        "before": before,
        "connections": connections,
        "settings": settings,
        "progress": lines,
        "other_run": other_run,
    }


@pytest.mark.parametrize("kind", hostile.KINDS, ids=lambda k: _slug(k.name))
def test_each_student_gets_what_they_earned_and_a_note(graded_class, kind):
    student = _slug(kind.name)
    outcome = graded_class["outcomes"][student]
    assert outcome.status in ("graded", "replaced"), outcome
    scores = _cell_scores(graded_class["db"], student)
    assert sum(score for score, _ in scores.values()) == kind.score, (scores, outcome.notes)
    if kind.zero is not None:  # the attacked exercise scores 0, every other one in full
        expected = {cell: (0 if cell in kind.zero else top) for cell, (_, top) in scores.items()}
        assert {cell: score for cell, (score, _) in scores.items()} == expected, outcome.notes
    feedback = graded_class["root"] / "autograde" / "autograded" / student / A / NB
    nb = nbformat.read(feedback, as_version=4)
    if kind.note:  # in the grader's notes at the top, or in a failed test's message
        first = nb.cells[0]
        notes = first.source if repair.NOTE_CELL_TAG in first.metadata.get("tags", []) else ""
        messages = [  # a failed test's message, or what the grader wrote in the cell
            o.get("evalue", "") or o.get("text", "")
            for c in nb.cells
            for o in c.get("outputs", [])
            if o.get("output_type") in ("error", "stream")
        ]
        assert any(kind.note in text for text in [notes, *messages]), (notes, messages)


def test_student_code_changed_nothing_outside_its_sandbox(graded_class):
    root = graded_class["root"]
    assert _digests(root / "solutions") == graded_class["before"]["solutions"]
    assert _digests(root / "autograde" / "submitted") == graded_class["before"]["submitted"]
    assert not graded_class["connections"], "a student kernel reached the grader's network"
    with sqlite3.connect(graded_class["db"]) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    autograded = graded_class["root"] / "autograde" / "autograded"
    for student, error in [
        ("reads-the-solutions", "FileNotFoundError"),
        ("writes-another-submission", "FileNotFoundError"),
        ("opens-a-connection", "ConnectionRefusedError"),
    ]:
        nb = nbformat.read(autograded / student / A / NB, as_version=4)
        cell = next(
            c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == hostile.LAST
        )
        assert [o.get("ename") for o in cell.outputs if o.output_type == "error"] == [error]


def test_no_hidden_test_line_reaches_any_feedback_page(graded_class):
    """Whatever a student's code looked at (its caller's source, the input history,
    linecache, the frames, the garbage collector) and printed at once or later, the
    feedback pages hold no line of the hidden tests or of the grader's code."""
    import html

    from autograde.course import Course
    from autograde.nbgrader_cli import run_nbgrader

    root = graded_class["root"]
    run_nbgrader(["generate_feedback", A, "--force"], Course(root))
    pages = sorted((root / "autograde" / "feedback").glob(f"*/{A}/{A}.html"))
    assert len(pages) >= len([k for k in hostile.KINDS if k.score > 0]), pages
    hidden = _hidden_lines(root)
    assert len(hidden) > 20, hidden
    for page in pages:
        text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))
        found = sorted(line for line in hidden if line in text)
        assert not found, f"{page.parent.parent.name}'s feedback shows {found[:3]}"
    stash = (
        root / "autograde" / "feedback" / "stashes-what-it-sees-prints-it-later" / A / (A + ".html")
    )
    assert "stashed:" in html.unescape(stash.read_text())  # the later print did run


def _table(graded_class) -> str:
    """The batch as a table for the log: kind, points per test cell, seconds."""
    students, outcomes = graded_class["students"], graded_class["outcomes"]
    cells = list(_cell_scores(graded_class["db"], "honest"))
    rows = [f"{'kind':44} {' '.join(f'{c[5:13]:>8}' for c in cells)}  seconds"]
    for student, kind in sorted(students.items(), key=lambda s: -outcomes[s[0]].seconds):
        scores = _cell_scores(graded_class["db"], student)
        points = " ".join(f"{scores.get(c, (0, 0))[0]:>8g}" for c in cells)
        rows.append(f"{kind.name[:44]:44} {points}  {outcomes[student].seconds:7.1f}")
    return "\n".join(rows)


def test_a_hanging_function_holds_a_worker_briefly(graded_class, capsys):
    """A function that never returns costs its test's time limit once (the limit sized to
    the solution's own time for that cell): its demo cells are not run, and later tests
    that call it fail at once. No submission holds a worker longer than its notebook's
    budget, 3 x the solution's honest time + 60 s."""
    outcomes, root = graded_class["outcomes"], graded_class["root"]
    measured = timings.load(Course(root), A)
    assert measured is not None, "the scratch course has the committed timing record"
    budget = grading.time_budget(A, graded_class["settings"])
    assert budget.notebook == math.ceil(3 * measured.total_s + 60)
    assert budget.default_cell == timings.CELL_FLOOR_S  # notebook 01's cells are quick
    for name, outcome in outcomes.items():
        assert outcome.seconds <= budget.notebook + 5, (name, outcome.seconds, budget)
        assert outcome.time_limits == budget.describe(), name
    for name in ("a-function-that-hangs", "infinite-loop", "kernel-never-answers"):
        # one timed-out cell, then fail-fast: far less than the budget
        assert outcomes[name].seconds <= 3 * timings.CELL_FLOOR_S + 30, (name, outcomes[name])
    for name in ("a-function-that-hangs", "infinite-loop"):
        text = "\n".join(outcomes[name].notes + outcomes[name].details)
        feedback = (root / "autograde" / "autograded" / name / A / NB).read_text()
        assert f"time limit of {timings.CELL_FLOOR_S} s" in feedback, (name, text)
    with capsys.disabled():  # the table of the closing notes, in make test's log
        print(f"\nthe hostile batch (budget {budget.describe()}):\n{_table(graded_class)}")


def test_grader_json_records_the_limits_that_were_applied(graded_class):
    """What the sandbox's launcher enforced (not what was asked for) is in grader.json."""
    import json

    record = json.loads(
        (
            graded_class["root"] / "autograde" / "autograded" / "honest" / A / "grader.json"
        ).read_text()
    )
    limits = record["limits"]
    assert set(limits) == {"cpu", "file size", "memory", "processes"}, limits
    assert limits["memory"].startswith("1024 MB") and limits["cpu"] == "120 s (rlimit)"
    assert record["instructor_notes"] == [] or all(
        "not enforced" in n for n in record["instructor_notes"]
    )


def test_a_run_cleans_only_its_own_staging_folder(graded_class):
    """Two runs at once (two assignments) each stage repaired copies in a folder of their
    own; a run that ends removes its folder, not the other run's."""
    other = graded_class["other_run"]
    assert other.is_file(), "grading removed another run's staging folder"
    staging = graded_class["root"] / "autograde" / "staging"
    assert sorted(p.name for p in staging.iterdir()) == ["02-other-run"]


def test_progress_lines_count_up_with_an_eta(graded_class):
    lines = graded_class["progress"]
    assert len(lines) == len(hostile.KINDS)
    assert lines[-1].startswith(f"[{len(lines)}/{len(lines)}]") and "ETA" in lines[-1]


def test_a_second_run_skips_what_is_graded_and_force_regrades(graded_class, monkeypatch):
    settings = graded_class["settings"]
    repaired = []
    real_repair = repair.repair
    monkeypatch.setattr(
        repair, "repair", lambda *a, **k: repaired.append(1) or real_repair(*a, **k)
    )
    again = grading.grade(A, ["honest", "invalid-json"], settings, echo=lambda _: None)
    assert [o.status for o in again] == ["skipped", "skipped"]
    assert not repaired, "a submission that is skipped need not be read and repaired"
    folder = graded_class["root"] / "autograde" / "submitted" / "invalid-json" / A
    honest = graded_class["root"] / "autograde" / "submitted" / "honest" / A / NB
    (folder / NB).write_bytes(honest.read_bytes())  # the student re-submits a good notebook
    again = grading.grade(A, ["honest", "invalid-json"], settings, echo=lambda _: None)
    assert [o.status for o in again] == ["skipped", "graded"]
    assert _auto_scores(graded_class["db"], "invalid-json") == hostile.FULL


def test_refuses_to_grade_without_a_sandbox_unless_told(graded_class, monkeypatch):
    from autograde import sandbox

    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    settings = graded_class["settings"]
    with pytest.raises(sandbox.SandboxUnavailable, match="--unsafe"):
        grading.grade(A, ["honest"], settings, echo=lambda _: None)
