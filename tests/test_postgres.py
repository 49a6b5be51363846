"""The gradebook in a PostgreSQL server (a class on a hub): the kit starts one from Debian's
package, and grading workers writing in parallel neither lose nor duplicate a grade."""

from __future__ import annotations

import os
import stat

import pytest

from autograde import grading, postgres, scratch
from autograde.nbgrader_cli import nbgrader_env
from tests.gradebook_server import gradebook_server

A = "01-visual-cortex"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server():
    """A PostgreSQL server of the kit's own, on a free port, stopped at the end."""
    with gradebook_server() as (srv, url):
        yield srv, url


def _rows(url: str, sql: str) -> list[tuple]:
    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    try:
        with engine.begin() as conn:
            result = conn.execute(sqlalchemy.text(sql))
            return [tuple(r) for r in result] if result.returns_rows else []
    finally:
        engine.dispose()


def test_start_makes_a_private_gradebook_server_and_is_idempotent(server):
    srv, url = server
    assert url.startswith("postgresql+psycopg://gradebook:") and f":{srv.port}/gradebook" in url
    mode = stat.S_IMODE(srv.url_file.stat().st_mode)
    assert mode & 0o007 == 0, f"the URL (it holds the password) is readable by all: {oct(mode)}"
    assert stat.S_IMODE(srv.cluster.stat().st_mode) == 0o700
    assert srv.running() and srv.start() == url  # a second start finds it running
    assert _rows(url, "SHOW listen_addresses") == [("127.0.0.1",)]
    import sqlalchemy

    wrong = sqlalchemy.engine.make_url(url).set(password="not-the-password")
    wrong = wrong.render_as_string(hide_password=False)
    with pytest.raises(Exception, match="password authentication failed"):
        _rows(wrong, "SELECT 1")


def test_stop_and_start_again_keep_the_grades(server):
    srv, url = server
    _rows(url, "CREATE TABLE IF NOT EXISTS kit_probe (x int)")
    _rows(url, "INSERT INTO kit_probe VALUES (7)")
    srv.stop()
    assert not srv.running()
    assert srv.start() == url
    assert (7,) in _rows(url, "SELECT x FROM kit_probe")


def test_a_data_folder_the_server_account_cannot_reach_is_refused(tmp_path):
    if os.geteuid() != 0:
        pytest.skip("only root hands the server to another account")
    hidden = tmp_path / "private"  # pytest's tmp_path lies in a folder only root may enter
    with pytest.raises(postgres.PostgresUnavailable, match="must be searchable"):
        postgres.Server(hidden / "gradebook", port=1).start()


def test_a_clear_message_without_postgresql(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setattr(postgres.glob, "glob", lambda pattern: [])
    with pytest.raises(postgres.PostgresUnavailable, match="make hub-deps"):
        postgres.binary("initdb")


@pytest.mark.sandbox
def test_parallel_workers_neither_lose_nor_duplicate_a_grade(server, tmp_path):
    """Eight students graded by four workers at once into the server, then all of them
    again (--force): every student has one submission, one grade per graded cell, the
    score their notebook earns."""
    _, url = server
    os.environ["PATH"] = nbgrader_env()["PATH"]  # the gradebook's migrations use alembic
    course = scratch.new_course(tmp_path / "course", [A], db_url=url)
    solved = scratch.solved(course, A)
    blank = course.released_notebook(A)
    students = {f"s{i:02d}": (solved if i % 3 else blank) for i in range(8)}
    for student, nb in students.items():
        scratch.submit(course, student, A, nb)
    settings = grading.GradingSettings(root=course.root, workers=4, db_url=url, force=True)
    for _round in range(2):
        outcomes = grading.grade(A, list(students), settings, echo=lambda _: None)
        assert [o.status for o in outcomes] == ["graded"] * len(students), [
            (o.student, o.notes) for o in outcomes
        ]
        graded_cells = _rows(url, "SELECT count(*) FROM grade_cells")[0][0]
        per_student = dict(
            _rows(
                url,
                "SELECT st.id, count(g.id) FROM student st "
                "JOIN submitted_assignment sa ON sa.student_id = st.id "
                "JOIN submitted_notebook sn ON sn.assignment_id = sa.id "
                "JOIN grade g ON g.notebook_id = sn.id GROUP BY st.id",
            )
        )
        assert per_student == {s: graded_cells for s in students}
        submissions = _rows(
            url, "SELECT student_id, count(*) FROM submitted_assignment GROUP BY student_id"
        )
        assert sorted(submissions) == [(s, 1) for s in sorted(students)]
        scores = dict(
            _rows(
                url,
                "SELECT st.id, sum(coalesce(g.manual_score, g.auto_score, 0)) FROM student st "
                "JOIN submitted_assignment sa ON sa.student_id = st.id "
                "JOIN submitted_notebook sn ON sn.assignment_id = sa.id "
                "JOIN grade g ON g.notebook_id = sn.id "
                "JOIN grade_cells gc ON gc.id = g.cell_id WHERE gc.cell_type = 'code' "
                "GROUP BY st.id",
            )
        )
        full = max(scores.values())
        assert full > 0
        assert scores == {s: (full if nb is solved else 0) for s, nb in students.items()}
