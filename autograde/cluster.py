"""Grading past one machine: every submission one task on a Dask cluster.

One multi-core server grades a 300-student class in minutes (``make grade``); a class of
tens of thousands of submissions wants many machines. Rather than a scheduler of our own,
the kit hands the submissions to `Dask <https://distributed.dask.org>`_'s: a scheduler and
any number of workers, which ``dask-jobqueue`` starts as Slurm, PBS, SGE or LSF jobs and
``dask-kubernetes`` as pods (``dask scheduler`` and ``dask worker`` by hand work too).
``make grade A=... SCHEDULER=tcp://host:8786`` then grades each submission as one task:

- on the worker, :func:`autograde.grading.grade_one` runs exactly as on one machine: the
  submission repaired, nbgrader in a long-lived grading process (one per worker thread),
  the student's kernel in *that machine's* sandbox, the time limits sized at release;
- every worker writes to the one gradebook, which must be a database server
  (PostgreSQL: :mod:`autograde.postgres`; SQLite on a shared disk loses writes);
- the course folder is where every machine sees it at the same path (a shared file system,
  as on every Slurm or PBS cluster; on Kubernetes a ReadWriteMany volume): submissions are
  read from it, autograded notebooks and ``grader.json`` written to it, so resuming an
  interrupted batch (a graded submission is skipped) works as it does locally;
- failure isolation is the same: one student's task failing (or its worker dying: Dask
  retries the task once on another worker) gives that student a "the grader failed" note
  and the batch goes on; progress is printed as tasks finish.

Before anything is graded every worker is asked for the kit's version (a hash of the
grader's own code) and whether it sees the course folder: a worker that differs is named
and nothing is submitted.
"""

from __future__ import annotations

import contextlib
import hashlib
import socket
import threading
import time
import uuid
from pathlib import Path

from distributed.diagnostics.plugin import WorkerPlugin

from . import grading

PLUGIN = "cnn-course-kit-grading"
KIT = Path(__file__).resolve().parent


def fingerprint() -> str:
    """The grader's own code on this machine (every module of ``autograde/``)."""
    digest = hashlib.sha256()
    for path in sorted(KIT.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def worker_facts(root: str) -> dict:
    """What the client checks on each worker before it submits anything."""
    course = Path(root)
    return {
        "host": socket.gethostname(),
        "kit": fingerprint(),
        "course": course.is_dir() and (course / "autograde").is_dir(),
    }


class GradingPlugin(WorkerPlugin):
    """Installed on every worker: the open grading runs (sandbox, limits, nbgrader
    processes) of each batch, shared by the worker's threads, closed when the batch ends
    or the worker stops. Registered once per worker (``idempotent``): a second
    instructor's batch shares it instead of replacing it (which would end the first)."""

    name = PLUGIN
    idempotent = True

    def setup(self, worker) -> None:
        self.worker = worker
        self.lock = threading.Lock()
        self.batches: dict[str, tuple[contextlib.ExitStack, grading._Run]] = {}

    def teardown(self, worker) -> None:
        for batch in list(self.batches):
            self.close(batch)

    def run_for(self, batch: str, assignment: str, settings: grading.GradingSettings):
        with self.lock:
            if batch not in self.batches:
                stack = contextlib.ExitStack()
                run = stack.enter_context(
                    grading.open_run(
                        assignment, settings, self.worker.state.nthreads, echo=lambda _: None
                    )
                )
                run.grader = f"{socket.gethostname()} (Dask worker {self.worker.name})"
                self.batches[batch] = (stack, run)
            return self.batches[batch][1]

    def close(self, batch: str) -> None:
        with self.lock:
            entry = self.batches.pop(batch, None)
        if entry:
            entry[0].close()


def _plugin():
    from distributed import get_worker

    return get_worker().plugins[PLUGIN]


def grade_task(
    batch: str, assignment: str, student: str, settings: grading.GradingSettings
) -> grading.Outcome:
    """One submission, graded on the worker this task runs on."""
    return grading.grade_one(assignment, student, _plugin().run_for(batch, assignment, settings))


def close_batch(batch: str, dask_worker=None) -> None:
    """On each worker (``Client.run`` passes it): stop the batch's nbgrader processes,
    remove its folders."""
    plugin = dask_worker.plugins.get(PLUGIN)
    if plugin is not None:  # a worker that joined after the batch began has none
        plugin.close(batch)


def check_workers(facts: dict[str, dict]) -> None:
    """Refuse a cluster whose workers cannot grade like this machine would."""
    if not facts:
        raise RuntimeError("the Dask scheduler has no workers: start some (see the README)")
    mine = fingerprint()
    wrong = [
        f"{address} on {f['host']}: "
        + ("runs another version of the kit" if f["kit"] != mine else "cannot see the course")
        for address, f in sorted(facts.items())
        if f["kit"] != mine or not f["course"]
    ]
    if wrong:
        raise RuntimeError(
            "these Dask workers cannot grade this course: "
            + "; ".join(wrong)
            + " (install the same version of the kit on every worker, with the course folder"
            " at the same path: a shared file system)"
        )


def grade(
    assignment: str, students: list[str], settings: grading.GradingSettings, *, echo=print
) -> list[grading.Outcome]:
    """Grade ``students`` on the Dask cluster at ``settings.scheduler``."""
    from distributed import Client, as_completed

    if not settings.db_url or settings.db_url.startswith("sqlite"):
        raise ValueError(
            "grading on a cluster needs the gradebook in a database server that every worker "
            "reaches: set COURSE_GRADEBOOK_URL to a PostgreSQL URL (python -m "
            "autograde.postgres start --data FOLDER prints one)"
        )
    course = settings.course
    grading.time_budget(assignment, settings, echo)  # says which limits apply, here
    batch = f"{assignment}-{uuid.uuid4().hex[:8]}"
    outcomes: list[grading.Outcome] = []
    with Client(settings.scheduler, timeout=30) as client:
        check_workers(client.run(worker_facts, str(course.root)))
        client.register_plugin(GradingPlugin(), name=PLUGIN)
        started = time.time()
        futures = {
            client.submit(
                grade_task,
                batch,
                assignment,
                student,
                settings,
                key=f"grade-{batch}-{student}",
                pure=False,
                retries=1,  # a worker that died: once more, elsewhere
            ): student
            for student in students
        }
        echo(
            f"grading {len(students)} submission(s) on {len(client.scheduler_info()['workers'])}"
            f" Dask worker(s) at {settings.scheduler}"
        )
        try:
            for future in as_completed(futures):
                student = futures[future]
                try:
                    outcome = future.result()
                except Exception as exc:  # noqa: BLE001 - one student never stops the batch
                    outcome = grading._grader_failed(course, assignment, student, exc)
                outcomes.append(outcome)
                echo(grading._progress(len(outcomes), len(students), started, outcome))
        finally:
            client.run(close_batch, batch)
    return sorted(outcomes, key=lambda o: o.student)
