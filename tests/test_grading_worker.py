"""The long-lived grading process (autograde.grading_worker): many jobs in one process, a
job's own log, a failed job leaves the worker usable, a job out of time takes the whole
session with it and the next job gets a fresh process."""

from __future__ import annotations

import os
import time

import pytest

from autograde import grading_worker
from autograde.course import CONFIG_DIR
from autograde.nbgrader_cli import nbgrader_env


@pytest.fixture
def worker():
    w = grading_worker.Worker(CONFIG_DIR, nbgrader_env())
    yield w
    w.stop(kill=True)


def _alive(pid: int) -> bool:
    try:
        os.killpg(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_jobs_share_one_process_and_each_has_its_own_log(worker):
    code, log = worker.run(["--version"], nbgrader_env(), timeout=120)
    assert code == 0 and log.strip(), log
    first = worker.proc.pid
    code, log = worker.run(["list", "--help"], nbgrader_env(), timeout=120)
    assert code == 0 and "list" in log.lower() and "--version" not in log
    assert worker.proc.pid == first and worker.starts == 1


def test_a_failing_job_reports_its_code_and_the_worker_goes_on(worker):
    code, log = worker.run(["autograde"], nbgrader_env(), timeout=120)
    assert code not in (0, None), log
    pid = worker.proc.pid
    assert worker.run(["--version"], nbgrader_env(), timeout=120)[0] == 0
    assert worker.proc.pid == pid


def test_a_job_out_of_time_kills_the_session_and_the_next_job_starts_afresh(worker):
    # a job that cannot answer in time: a fresh worker is still importing nbgrader (over a
    # second). (A warm worker can answer `--help` within the millisecond on a busy machine:
    # descheduled between reading the clock and waiting, the grader then finds it done.)
    worker._start()
    pid = worker.proc.pid
    code, _ = worker.run(["list", "--help"], nbgrader_env(), timeout=0.001)
    assert code is None and worker.proc is None
    for _ in range(50):
        if not _alive(pid):
            break
        time.sleep(0.1)
    assert not _alive(pid), "the timed-out worker's session outlived it"
    assert worker.run(["--version"], nbgrader_env(), timeout=120)[0] == 0
    assert worker.starts == 2 and worker.proc.pid != pid


def test_a_worker_that_dies_is_replaced(worker):
    assert worker.run(["--version"], nbgrader_env(), timeout=120)[0] == 0
    os.killpg(worker.proc.pid, 9)
    worker.proc.wait()
    assert worker.run(["--version"], nbgrader_env(), timeout=120)[0] == 0
    assert worker.starts == 2


def test_a_worker_retires_after_its_quota(worker, monkeypatch):
    monkeypatch.setattr(grading_worker, "JOBS_PER_WORKER", 2)
    for _ in range(3):
        assert worker.run(["--version"], nbgrader_env(), timeout=120)[0] == 0
    assert worker.starts == 2


def test_a_subcommand_that_succeeds_reports_0_every_time(worker, tmp_path):
    """nbgrader's subcommands end by raising jupyter_core's NoStart: that is success."""
    args = [
        "db",
        "student",
        "add",
        "ada",
        f"--CourseDirectory.root={tmp_path}",
        f"--CourseDirectory.db_url=sqlite:///{tmp_path}/gradebook.db",
    ]
    for student in ("ada", "bob"):
        args[3] = student
        code, log = worker.run(args, nbgrader_env(), timeout=120)
        assert code == 0, log
    code, log = worker.run(["db", "student", "list", *args[4:]], nbgrader_env(), timeout=120)
    assert code == 0 and "ada" in log and "bob" in log, log
    assert worker.starts == 1
