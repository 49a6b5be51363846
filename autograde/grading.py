"""Grade every submission of an assignment: repaired, sandboxed, in parallel, resumable.

For each student, in a worker of its own:

1. the submitted notebook is read and repaired (:mod:`autograde.repair`) into a staging
   copy; the submitted file is never modified;
2. ``nbgrader autograde`` runs on that copy for that student only, with a time limit, in
   one of the batch's long-lived grading processes (:mod:`autograde.grading_worker`: one
   per worker, killed and replaced when a submission runs out of time), its kernel started
   through the sandbox (:mod:`autograde.sandbox`) with a runtime folder of its own (a
   kernel could otherwise reach another student's kernel through the IPC sockets);
3. the grader's notes (repairs, time-outs, a crashed kernel) go into a cell at the top of
   the autograded notebook, where the feedback shows them, and into ``grader.json`` beside
   it, which is also how an interrupted run knows what is already done.

nbgrader's SQLite gradebook is shared by the workers: each nbgrader process opens it with
a generous busy timeout, so writes queue up instead of failing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import queue
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from . import grading_worker, nbmeta, notebook_file, repair, sandbox, timings, where
from .course import CONFIG_DIR, ROOT, Course
from .nbgrader_cli import nbgrader_command, nbgrader_env

MAX_OUTPUT_CHARS = 20_000  # per output in the autograded notebook (the feedback page)


# The ceilings; within them, each cell and submission gets a limit sized to the solution's
# own time (autograde.timings), unless fixed_limits.
CELL_TIMEOUT_S = 120  # per cell: the default of make grade, the formgrader and nbgrader
NOTEBOOK_TIMEOUT_S = 900  # per submission, everything included


@dataclass
class GradingSettings:
    """How a batch is graded: every default of ``make grade`` (each has a flag)."""

    cell_timeout: int = CELL_TIMEOUT_S
    notebook_timeout: int = NOTEBOOK_TIMEOUT_S
    fixed_limits: bool = False  # the two above as they are, not sized to the solution's times
    time_scale: float = 1.0  # sized limits x this (a grading machine slower than release's)
    workers: int = os.cpu_count() or 1
    force: bool = False  # re-grade submissions graded before
    unsafe: bool = False  # grade without the sandbox (must be asked for)
    limits: sandbox.Limits = field(default_factory=sandbox.Limits)  # per student's kernel
    isolation: str = "bwrap"  # or a container engine: "docker", "podman"
    image: str = ""  # the grader image, for a container engine
    max_notebook_mb: int = notebook_file.MAX_NOTEBOOK_MB  # larger submissions are not read
    root: Path = ROOT
    db_url: str | None = None  # default: the course's gradebook
    scheduler: str | None = None  # a Dask scheduler's address: grade on its workers

    @property
    def course(self) -> Course:
        return Course(self.root)


@dataclass
class Outcome:
    """What happened to one student's submission (``grader.json``)."""

    student: str
    status: str  # graded | replaced | failed | skipped
    notes: list[str] = field(default_factory=list)  # for the student (the feedback's top)
    seconds: float = 0.0
    submission_sha256: str | None = None
    limits: dict[str, str] | None = None  # what the sandbox enforced, as its launcher said
    instructor_notes: list[str] = field(default_factory=list)  # printed by make grade
    details: list[str] = field(default_factory=list)  # per cell, for the instructor only
    time_limits: dict[str, str] | None = None  # the time limits this submission had
    cell_seconds: dict[str, float] = field(default_factory=dict)  # how long each cell took
    whole_number_tests: list[str] = field(default_factory=list)  # see verdict.whole_numbers_only
    log_tail: str = ""  # the end of nbgrader's log, for the instructor only
    grader: str = ""  # the machine (and Dask worker) that graded it
    log: str = field(default="", repr=False)  # all of it (not in grader.json)

    def record(self) -> str:
        """The JSON of ``grader.json``."""
        return json.dumps({k: v for k, v in asdict(self).items() if k != "log"}, indent=1)


@dataclass
class _Run:
    """What every worker of one batch shares."""

    settings: GradingSettings
    kernel: str | None  # the sandbox's kernelspec (None: --unsafe)
    env: dict[str, str]  # nbgrader's environment
    runtime_root: Path  # each student's runtime folder is made in here
    staging: str  # this batch's folder of repaired copies (course-relative)
    budget: timings.Budget  # the time limits
    limits_file: Path  # the per-cell ones, for the executor
    workers: queue.Queue = field(default_factory=queue.Queue)  # idle grading processes
    grader: str = field(default_factory=socket.gethostname)  # who grades, for grader.json


def _sha256(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as f:  # in blocks: a huge file never sits in memory whole
            for block in iter(lambda: f.read(2**20), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def _reference(course: Course, assignment: str) -> tuple[Path, nbformat.NotebookNode]:
    """The released notebook of ``assignment`` (what students were given)."""
    path = course.released_notebook(assignment)
    return path, nbformat.read(path, as_version=4)


def _already_graded(course: Course, student: str, assignment: str, digest: str | None) -> bool:
    try:
        record = json.loads(course.record(student, assignment).read_text())
    except (OSError, json.JSONDecodeError):
        return False
    return record.get("submission_sha256") == digest and record.get("status") in (
        "graded",
        "replaced",
    )


def _stage(source: Path, stage: Path, reference, max_mb: int) -> repair.Repaired:
    """Repair the submission ``source`` into the folder ``stage``."""
    read = notebook_file.read(source, max_mb * 2**20)
    fixed = repair.repair(read.notebook, reference, read.problem)
    if read.fixes:
        fixed.notes.insert(
            0,
            "Your notebook file was not quite in the form Jupyter writes ("
            + "; ".join(read.fixes)
            + "). It was fixed before grading; your answers were kept.",
        )
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    # what nbgrader's exchange put beside the notebook: the submission time, and the secret
    # that names this student's feedback in the exchange (nbgrader release_feedback)
    for name in ("timestamp.txt", "submission_secret.txt"):
        if (source.parent / name).is_file():
            shutil.copy(source.parent / name, stage / name)
    nbformat.write(fixed.notebook, stage / source.name)
    return fixed


def _nbgrader_command(assignment: str, student: str, run: _Run, runtime: str):
    # IPC sockets live next to the connection file, in this student's own runtime folder
    # (the only host folder the sandbox binds besides the read-only Python installation).
    settings, kernel = run.settings, run.kernel
    cmd = nbgrader_command(
        [
            "autograde",
            assignment,
            f"--student={student}",
            "--force",
            "--create",
            f"--CourseDirectory.submitted_directory={run.staging}",
            f"--Execute.timeout={settings.cell_timeout}",
            f"--SafeExecute.timeout={settings.cell_timeout}",
            f"--SafeExecute.limits_file={run.limits_file}",
            # the executor's own budget ends before the process is killed, so what ran is saved
            f"--SafeExecute.notebook_timeout={_executor_budget(run.budget.notebook)}",
            "--KernelManager.transport=ipc",
            f"--KernelManager.ip={runtime}/kernel-ipc",
        ],
        settings.course,
        db_url=settings.db_url,
    )
    if kernel:
        cmd += [f"--Execute.kernel_name={kernel}", f"--SafeExecute.kernel_name={kernel}"]
    return cmd


def _executor_budget(notebook: int) -> int:
    """The executor's share of a submission's time: the rest saves the grades."""
    return notebook - max(10, min(30, notebook // 4))


def _notes_from_cells(nb: nbformat.NotebookNode) -> tuple[list[str], list[str]]:
    """Sentences for the student about what went wrong while their notebook ran, and the
    details for the instructor, from what the executor recorded on each cell
    (:class:`autograde.nbmeta.CellFailure`). A failed test explains itself under the cell;
    what is noted here is a cell that broke the kernel, ran out of time or was not run."""
    notes, details = [], []
    not_run: dict[str, list[str]] = {}
    for cell in nb.cells:
        failure = nbmeta.failure(cell)
        if failure is None:
            continue
        name = where.describe(nb, cell)
        if failure.detail:
            details.append(f"{name}: {failure.kind}: {failure.detail}")
        if failure.kind in (nbmeta.TEST_FAILED, nbmeta.GRADER_ERROR):
            continue
        if failure.kind == nbmeta.NOT_RUN:
            not_run.setdefault(failure.message, []).append(name)
            continue
        notes.append(f"{name[0].upper()}{name[1:]}: {failure.message}")
    for message, names in not_run.items():
        notes.append(f"{message} ({'; '.join(names)})")
    return notes, details


def _cap_outputs(nb: nbformat.NotebookNode) -> bool:
    """Shorten huge outputs in place (a 100 MB print must not become the feedback page)."""
    capped = False
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if (
                output.get("output_type") == "stream"
                and len(output.get("text", "")) > MAX_OUTPUT_CHARS
            ):
                output["text"] = (
                    output["text"][:MAX_OUTPUT_CHARS]
                    + f"\n... [output cut at {MAX_OUTPUT_CHARS:,} characters]\n"
                )
                capped = True
            data = output.get("data", {})
            text = data.get("text/plain")
            if isinstance(text, str) and len(text) > MAX_OUTPUT_CHARS:
                data["text/plain"] = text[:MAX_OUTPUT_CHARS] + " ... [cut]"
                capped = True
    return capped


def _finish(
    course: Course, student: str, assignment: str, notebook_name: str, outcome: Outcome
) -> None:
    folder = course.autograded(student, assignment)
    target = folder / notebook_name
    if target.exists():
        nb = nbformat.read(target, as_version=4)
        kit = nb.metadata.get("course_kit", {})
        outcome.cell_seconds = kit.pop("cell_seconds", {})
        outcome.whole_number_tests = kit.pop("whole_number_tests", [])
        if not nb.metadata.get("course_kit", True):
            del nb.metadata["course_kit"]
        notes, details = _notes_from_cells(nb)
        outcome.notes += notes
        outcome.details += details
        if _cap_outputs(nb):
            outcome.notes.append(
                f"Some output was longer than {MAX_OUTPUT_CHARS:,} characters and was shortened."
            )
        repair.add_notes_cell(nb, outcome.notes)
        nbformat.write(nb, target)
    folder.mkdir(parents=True, exist_ok=True)
    course.record(student, assignment).write_text(outcome.record())


def grade_one(assignment: str, student: str, run: _Run) -> Outcome:
    """Grade one student's submission (the body of a worker)."""
    start = time.time()
    settings = run.settings
    course = settings.course
    ref_path, reference = _reference(course, assignment)
    source = course.submitted(student, assignment) / ref_path.name
    digest = _sha256(source)
    if not settings.force and _already_graded(course, student, assignment, digest):
        return Outcome(student, "skipped", seconds=0.0, submission_sha256=digest)
    fixed = _stage(
        source,
        course.root / run.staging / student / assignment,
        reference,
        settings.max_notebook_mb,
    )
    outcome = Outcome(
        student,
        "replaced" if fixed.replaced else "graded",
        list(fixed.notes),
        submission_sha256=digest,
        time_limits=run.budget.describe(),
        grader=run.grader,
    )
    with tempfile.TemporaryDirectory(prefix=f"{student[:20]}-", dir=run.runtime_root) as runtime:
        env = dict(run.env, JUPYTER_RUNTIME_DIR=runtime)
        cmd = _nbgrader_command(assignment, student, run, runtime)
        worker = run.workers.get()
        try:
            code, log = worker.run(cmd[3:], env, run.budget.notebook)  # cmd[:3]: python -m nbgrader
        finally:
            run.workers.put(worker)
        if run.kernel and settings.isolation != "bwrap":
            sandbox.remove_containers(settings.isolation, Path(runtime).name)
    outcome.log, outcome.log_tail = log, log[-4000:]
    if run.kernel:
        outcome.limits = sandbox.read_limits_report(log)
        unenforced = [
            f"{k}: {v}"
            for k, v in (outcome.limits or {}).items()
            if v.startswith(sandbox.NOT_ENFORCED)
        ]
        outcome.instructor_notes += [f"limit not enforced for {student}: {u}" for u in unenforced]
    if code is None:
        outcome.status = "failed"
        outcome.notes.append(
            f"Grading your notebook took longer than "
            f"{run.budget.notebook} s in total and was stopped."
        )
    elif code != 0:
        outcome.status = "failed"
        outcome.notes.append(
            "The grader could not finish your notebook; your instructor has been told."
        )
        outcome.notes.append(
            "(grader log: " + log.strip().splitlines()[-1][:300] + ")"
            if log.strip()
            else "(no grader log)"
        )
        outcome.instructor_notes.append(
            f"nbgrader failed on {student}'s notebook (exit {code}): see its grader.json"
        )
    outcome.seconds = round(time.time() - start, 2)
    _finish(course, student, assignment, ref_path.name, outcome)
    return outcome


def _kernel_setup(settings: GradingSettings, workdir: Path) -> tuple[str | None, dict[str, str]]:
    """The sandbox's kernelspec (None with --unsafe) and nbgrader's environment for it."""
    env = nbgrader_env()
    (workdir / "runtime").mkdir()
    if settings.unsafe:
        print(
            "WARNING: grading WITHOUT a sandbox (--unsafe): student code runs with your "
            "privileges and can read the solutions and change the gradebook.",
            file=sys.stderr,
        )
        return None, env
    if settings.isolation == "bwrap":
        sandbox.check_available()
        sandbox.remove_stale_cgroups()
    elif settings.isolation in sandbox.ISOLATIONS:
        sandbox.check_engine(settings.isolation, settings.image)
    else:
        raise sandbox.SandboxUnavailable(
            f"Unknown isolation {settings.isolation!r}: choose one "
            f"of {', '.join(sandbox.ISOLATIONS)}."
        )
    policy = sandbox.default_policy(
        workdir / "scratch",
        workdir / "runtime",
        data_dir=os.environ.get("COURSE_DATA_DIR"),
        limits=settings.limits,
        isolation=settings.isolation,
        image=settings.image,
    )
    kernel = sandbox.write_kernelspec(workdir / "jupyter", policy.save(workdir / "policy.json"))
    env["JUPYTER_PATH"] = str(workdir / "jupyter")
    return kernel, env


def _grader_failed(course: Course, assignment: str, student: str, exc: Exception) -> Outcome:
    """The outcome of a submission the grader itself failed on: the student is told that
    their instructor knows, the instructor gets the error, and grader.json records it."""
    import traceback

    outcome = Outcome(
        student,
        "failed",
        [
            "The grader itself failed while grading your notebook (not your code's fault); your "
            "instructor has been told and will grade it again."
        ],
        instructor_notes=[
            f"the grader failed on {student}: {type(exc).__name__}: {exc} "
            "(traceback in its grader.json)"
        ],
        log_tail="".join(traceback.format_exception(exc))[-4000:],
    )
    try:
        course.autograded(student, assignment).mkdir(parents=True, exist_ok=True)
        course.record(student, assignment).write_text(outcome.record())
    except OSError as err:
        outcome.instructor_notes.append(f"(and its grader.json could not be written: {err})")
    return outcome


def _progress(done: int, total: int, started: float, outcome: Outcome) -> str:
    elapsed = time.time() - started
    eta = elapsed / done * (total - done) if done else 0
    return (
        f"[{done}/{total}] {outcome.student}: {outcome.status} in {outcome.seconds:.1f} s"
        f" | elapsed {elapsed:.0f} s, ETA {eta:.0f} s"
    )


def time_budget(assignment: str, settings: GradingSettings, echo=print) -> timings.Budget:
    """The time limits for grading ``assignment`` (see :mod:`autograde.timings`)."""
    measured = None if settings.fixed_limits else timings.load(settings.course, assignment)
    if not settings.fixed_limits and measured is None:
        echo(
            f"note: {assignment} has no up-to-date timing of its solution (make release "
            f"A={assignment} measures it): grading with the fixed limits of "
            f"{settings.cell_timeout} s per cell and {settings.notebook_timeout} s per submission"
        )
    return timings.budget(
        measured, settings.cell_timeout, settings.notebook_timeout, settings.time_scale
    )


def points_lost(course: Course, assignment: str, student: str) -> list[str]:
    """The graded cells of ``student``'s ``assignment`` that did not earn full marks."""
    from nbgrader.api import Gradebook

    with Gradebook(course.gradebook_url) as gb:
        nb = gb.find_submission_notebook(assignment, assignment, student)
        return [
            f"{g.name} ({g.score:g}/{g.max_score:g})"
            for g in nb.grades
            if g.cell_type == "code" and g.max_score and (g.score or 0) < g.max_score
        ]


@contextlib.contextmanager
def open_run(
    assignment: str, settings: GradingSettings, n_workers: int, echo=print
) -> Iterator[_Run]:
    """What ``n_workers`` graders of ``assignment`` share: the sandbox's kernel, the time
    limits, a staging folder of this run's own and ``n_workers`` long-lived nbgrader
    processes, all cleaned up when the block ends."""
    course = settings.course
    course.staging.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="kit-grade-") as tmp,
        tempfile.TemporaryDirectory(prefix=f"{assignment}-", dir=course.staging) as stage,
    ):
        # this run's own staging folder: another run (another assignment) has its own
        kernel, env = _kernel_setup(settings, Path(tmp))
        budget = time_budget(assignment, settings, echo)
        run = _Run(
            settings,
            kernel,
            env,
            Path(tmp) / "runtime",
            str(Path(stage).relative_to(course.root)),
            budget,
            budget.write(Path(tmp) / "cell-limits.json"),
        )
        processes = [grading_worker.Worker(CONFIG_DIR, env) for _ in range(n_workers)]
        for worker in processes:
            run.workers.put(worker)
        try:
            yield run
        finally:
            for worker in processes:
                worker.stop()


def grade(
    assignment: str,
    students: list[str] | None = None,
    settings: GradingSettings | None = None,
    *,
    echo=print,
) -> list[Outcome]:
    """Grade ``students`` (default: everyone who submitted) and return their outcomes."""
    settings = settings or GradingSettings()
    course = settings.course
    students = students if students is not None else course.students(assignment)
    if not students:
        echo(f"No submissions for {assignment} in autograde/submitted/.")
        return []
    if settings.scheduler:
        from . import cluster

        return cluster.grade(assignment, students, settings, echo=echo)
    outcomes: list[Outcome] = []
    n_workers = max(1, min(settings.workers, len(students)))
    with open_run(assignment, settings, n_workers, echo) as run:
        started = time.time()
        with ThreadPoolExecutor(max_workers=n_workers) as pool:
            futures = {pool.submit(grade_one, assignment, s, run): s for s in students}
            for future in as_completed(futures):
                try:
                    outcome = future.result()
                except Exception as exc:  # noqa: BLE001 - one student never stops the batch
                    outcome = _grader_failed(course, assignment, futures[future], exc)
                outcomes.append(outcome)
                echo(_progress(len(outcomes), len(students), started, outcome))
    return sorted(outcomes, key=lambda o: o.student)
