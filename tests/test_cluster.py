"""Grading on a Dask cluster: a real scheduler and two worker processes on 127.0.0.1, each
grading in its own sandbox and writing to the shared PostgreSQL gradebook, with the resume,
progress and failure isolation of make grade on one machine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograde import cluster, grading, scratch
from autograde.nbgrader_cli import nbgrader_env
from tests.gradebook_server import gradebook_server
from tests.lab_server import free_port

ROOT = Path(__file__).resolve().parents[1]
A = "01-visual-cortex"
pytestmark = pytest.mark.slow


def _dask(*args: str, log: Path) -> subprocess.Popen:
    """``dask scheduler`` / ``dask worker`` as an instructor starts them (see the README)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))  # the workers import autograde from here
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "dask"), *args],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


@pytest.fixture(scope="module")
def dask_cluster(tmp_path_factory):
    """A scheduler and two single-threaded workers, each its own process."""
    tmp = tmp_path_factory.mktemp("dask")
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = [
        _dask(
            "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard",
            log=tmp / "scheduler.log",
        )
    ]  # fmt: skip
    for name in ("w1", "w2"):
        procs.append(
            _dask(
                "worker", address, "--name", name, "--nthreads", "1", "--nworkers", "1",
                "--no-dashboard", "--local-directory", str(tmp / name),
                log=tmp / f"{name}.log",
            )
        )  # fmt: skip
    from distributed import Client

    try:
        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=90)
        yield address, tmp
    finally:
        for proc in procs[::-1]:
            try:
                os.killpg(proc.pid, 15)
            except ProcessLookupError:
                pass
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)


@pytest.fixture(scope="module")
def gradebook_url():
    with gradebook_server() as (_, url):
        yield url


def _grading_processes() -> list[int]:
    """On a Dask worker: its grading processes (children running autograde.grading_worker)."""
    import psutil

    return [
        p.pid
        for p in psutil.Process().children(recursive=True)
        if "autograde.grading_worker" in " ".join(p.cmdline())
    ]


HOSTILE_EXIT = "import os\nos._exit(3)\n"


@pytest.mark.sandbox
def test_a_class_graded_on_two_dask_workers(dask_cluster, gradebook_url, tmp_path):
    address, logs = dask_cluster
    os.environ["PATH"] = nbgrader_env()["PATH"]
    course = scratch.new_course(tmp_path / "course", [A], db_url=gradebook_url)
    solved = scratch.solved(course, A)
    hostile = scratch.solved(course, A)
    first_solution = next(
        c for c in hostile.cells if c.metadata.get("nbgrader", {}).get("solution")
    )
    first_solution.source = HOSTILE_EXIT + first_solution.source
    students = {f"s{i}": solved for i in range(5)}
    students["blank"] = course.released_notebook(A)
    students["hostile"] = hostile
    for student, nb in students.items():
        scratch.submit(course, student, A, nb)
    settings = grading.GradingSettings(
        root=course.root, db_url=gradebook_url, scheduler=address, workers=1
    )
    said: list[str] = []
    outcomes = grading.grade(A, list(students), settings, echo=said.append)

    assert [o.student for o in outcomes] == sorted(students)
    assert all(o.status == "graded" for o in outcomes), [
        (o.student, o.status, o.notes) for o in outcomes
    ]
    graders = {o.student: o.grader for o in outcomes}
    assert {g.split("Dask worker ")[-1].rstrip(")") for g in graders.values()} == {"w1", "w2"}, (
        f"both workers should have graded: {graders}"
    )
    assert any("on 2 Dask worker(s)" in line for line in said), said
    progress = [line for line in said if line.startswith("[")]
    assert len(progress) == len(students) and progress[-1].startswith(
        f"[{len(students)}/{len(students)}]"
    )

    # the scores in the shared gradebook: full marks, none, and the hostile student loses
    # only what their own code cost (os._exit at the top of the first solution cell)
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url) as gb:
        scores = {s: gb.find_submission(A, s).code_score for s in students}
        full = gb.find_assignment(A).max_code_score
    assert {s: scores[s] for s in students if s.startswith("s")} == {
        f"s{i}": full for i in range(5)
    }
    assert scores["blank"] == 0
    assert 0 < scores["hostile"] < full
    # every autograded notebook and grader.json is in the (shared) course folder
    for student in students:
        record = json.loads(course.record(student, A).read_text())
        assert record["status"] == "graded" and "Dask worker" in record["grader"]
        assert (course.autograded(student, A) / f"{A}.ipynb").is_file()

    # resume: a second run skips every submission already graded
    again = grading.grade(A, list(students), settings, echo=lambda _: None)
    assert {o.status for o in again} == {"skipped"}
    # nothing is left behind on the workers: no grading process, no staging folder
    from distributed import Client

    time.sleep(1)
    with Client(address, timeout=30) as client:
        leftovers = client.run(_grading_processes)
    assert not any(leftovers.values()), f"grading processes left running: {leftovers}"
    assert not list(course.staging.glob("*/*")), list(course.staging.glob("*/*"))


def test_the_cluster_must_share_a_gradebook_server(tmp_path):
    settings = grading.GradingSettings(root=tmp_path, scheduler="tcp://127.0.0.1:1")
    with pytest.raises(ValueError, match="PostgreSQL"):
        cluster.grade(A, ["s"], settings)


def test_workers_that_cannot_grade_are_named():
    mine = cluster.fingerprint()
    good = {"host": "a", "kit": mine, "course": True}
    cluster.check_workers({"tcp://a:1": good})
    with pytest.raises(RuntimeError, match="no workers"):
        cluster.check_workers({})
    with pytest.raises(RuntimeError, match=r"tcp://b:1 on b: runs another version"):
        cluster.check_workers({"tcp://a:1": good, "tcp://b:1": {**good, "host": "b", "kit": "x"}})
    with pytest.raises(RuntimeError, match=r"tcp://c:1 on c: cannot see the course"):
        cluster.check_workers({"tcp://c:1": {**good, "host": "c", "course": False}})
