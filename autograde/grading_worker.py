"""Long-lived grading processes: nbgrader imported once per worker, not once per student.

Starting ``python -m nbgrader autograde`` costs over a second before the first cell runs
(the interpreter, nbgrader, nbconvert, traitlets, SQLAlchemy and the kit's configuration);
stock nbgrader pays it once per assignment, and so does the kit now, once per worker. Each
:class:`Worker` is one process (``python -m autograde.grading_worker``, in its own session)
that grades one submission after another: for each job it reads one JSON line on stdin (the
``nbgrader`` arguments and environment the command line would have had), points its
stdout and stderr (and so the log of nbgrader and of the student's kernel, which inherits
them) at that job's log file, runs nbgrader's application in-process exactly as nbgrader's
own test suite does (``NbGraderApp.instance()``, ``initialize``, ``start``, ``reset``),
and answers with one JSON line: the exit code.

What does not change: every student's kernel is a fresh sandboxed process with a runtime
folder of its own; student code never runs in the worker (the worker is nbgrader, on the
grader's side of the sandbox). A job that runs past its time budget gets the whole worker
killed (its session: nbgrader and the kernel with it), exactly like the one process per
student of before; the next job starts a fresh worker. A worker also retires after
:data:`JOBS_PER_WORKER` jobs, so that nothing can pile up in a long batch.
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

JOBS_PER_WORKER = 40


class Worker:
    """One long-lived grading process (started on the first job, restarted when needed)."""

    def __init__(self, cwd: Path, env: dict[str, str]):
        self.cwd, self.env = cwd, env
        self.proc: subprocess.Popen | None = None
        self.jobs = 0
        self.starts = 0

    def _start(self) -> subprocess.Popen:
        self.proc = subprocess.Popen(
            # started where ``autograde`` can be imported; nbgrader then runs in ``cwd``
            [sys.executable, "-m", "autograde.grading_worker", str(self.cwd)],
            cwd=Path(__file__).resolve().parent.parent,
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # a job's own output goes to its log file
            start_new_session=True,
        )
        self.jobs = 0
        self.starts += 1
        return self.proc

    def stop(self, *, kill: bool = False) -> None:
        """End the process: politely (stdin closed), or its whole session at once."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if not kill:
            try:
                proc.stdin.close()
                proc.wait(timeout=10)
                return
            except (OSError, subprocess.TimeoutExpired):
                pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()

    def run(self, argv: list[str], env: dict[str, str], timeout: float) -> tuple[int | None, str]:
        """Run ``nbgrader <argv>``; (exit code, or None when it ran out of time; its log)."""
        if self.proc is None or self.proc.poll() is not None or self.jobs >= JOBS_PER_WORKER:
            self.stop()
            self._start()
        proc = self.proc
        deadline = time.monotonic() + timeout
        with tempfile.NamedTemporaryFile(mode="r", prefix="nbgrader-", suffix=".log") as log:
            job = {"argv": argv, "env": env, "log": log.name}
            try:
                proc.stdin.write((json.dumps(job) + "\n").encode())
                proc.stdin.flush()
                answer = _read_line(proc, deadline)
            except (BrokenPipeError, OSError):
                answer = b""
            self.jobs += 1
            if answer is None:  # out of time: the session goes, the kernel with it
                self.stop(kill=True)
                code = None
            else:
                try:
                    code = int(json.loads(answer)["code"])
                except (ValueError, KeyError, TypeError):  # the worker itself died
                    self.stop(kill=True)
                    code = -1
            return code, log.read()


def _read_line(proc: subprocess.Popen, deadline: float) -> bytes | None:
    """One line from the worker before ``deadline`` (None: time is up; b"": it ended)."""
    fd = proc.stdout.fileno()
    buffer = b""
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while not buffer.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(left):
                return None
            chunk = os.read(fd, 65536)
            if not chunk:
                return b""
            buffer += chunk
    return buffer


# --- the worker process -------------------------------------------------------------------


def _grade(argv: list[str]) -> int:
    """``nbgrader <argv>`` in this process, the way nbgrader's own tests run it."""
    from jupyter_core.application import NoStart
    from nbgrader.apps.nbgraderapp import NbGraderApp

    app = NbGraderApp.instance()
    try:
        app.initialize(argv)
        app.start()
    except NoStart:  # how jupyter_core's start() ends after a subcommand ran
        return 0
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except Exception:  # noqa: BLE001 - reported in the job's log, the worker goes on
        import traceback

        traceback.print_exc()
        return 1
    finally:
        app.reset()
    return 0


def serve(cwd: str) -> None:
    """Grade jobs from stdin until it closes; one JSON answer line per job on stdout."""
    os.chdir(cwd)  # nbgrader reads nbgrader_config.py from the folder it runs in
    answers = os.fdopen(os.dup(1), "w")  # the protocol; fds 1 and 2 become each job's log
    saved_path = list(sys.path)
    import nbgrader.apps.nbgraderapp  # noqa: F401 - the cost paid once, before the first job

    for line in sys.stdin:
        job = json.loads(line)
        with open(job["log"], "w") as log:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(log.fileno(), 1)
            os.dup2(log.fileno(), 2)
            os.environ.clear()
            os.environ.update(job["env"])
            try:
                code = _grade(job["argv"])
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                sys.path[:] = saved_path  # nbgrader puts its folder first on each start
        answers.write(json.dumps({"code": code}) + "\n")
        answers.flush()


if __name__ == "__main__":
    serve(sys.argv[1])
