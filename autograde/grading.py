"""Grade every submission of an assignment: repaired, sandboxed, in parallel, resumable.

For each student, in a worker of its own:

1. the submitted notebook is read and repaired (:mod:`autograde.repair`) into a staging
   copy; the submitted file is never modified;
2. ``nbgrader autograde`` runs on that copy for that student only, in a subprocess with
   a time limit, its kernel started through the sandbox (:mod:`autograde.sandbox`) with a
   runtime folder of its own (a kernel could otherwise reach another student's kernel
   through the IPC sockets);
3. the grader's notes (repairs, time-outs, a crashed kernel) go into a cell at the top of
   the autograded notebook, where the feedback shows them, and into ``grader.json`` beside
   it, which is also how an interrupted run knows what is already done.

nbgrader's SQLite gradebook is shared by the workers: each nbgrader process opens it with
a generous busy timeout, so writes queue up instead of failing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat

from . import repair, sandbox
from .release import AUTOGRADE, ROOT, nbgrader_env

STAGING = "autograde/staging"
RECORD = "grader.json"
MAX_OUTPUT_CHARS = 20_000  # per output in the autograded notebook (the feedback page)


@dataclass
class Settings:
    """How a batch is graded."""

    cell_timeout: int = 120          # seconds per cell (nbgrader's Execute.timeout)
    notebook_timeout: int = 900      # seconds for one whole submission
    workers: int = os.cpu_count() or 1
    force: bool = False              # re-grade submissions graded before
    unsafe: bool = False             # grade without the sandbox (must be asked for)
    memory_mb: int = 4096
    cpu_seconds: int = 900
    max_processes: int = 256
    isolation: str = "bwrap"         # or a container engine: "docker", "podman"
    image: str = ""                  # the grader image, for a container engine
    root: Path = ROOT
    db_url: str | None = None        # default: the gradebook in nbgrader_config.py


@dataclass
class Outcome:
    """What happened to one student's submission."""

    student: str
    status: str                      # graded | replaced | failed | skipped
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    submission_sha256: str | None = None
    log_tail: str = ""               # the end of nbgrader's log, for the instructor only


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _reference(root: Path, assignment: str) -> tuple[Path, nbformat.NotebookNode]:
    """The released notebook of ``assignment`` (what students were given)."""
    folder = root / "course" / assignment
    notebooks = sorted(folder.glob("*.ipynb"))
    if not notebooks:
        raise FileNotFoundError(f"No released notebook in {folder}: run `make release` first.")
    return notebooks[0], nbformat.read(notebooks[0], as_version=4)


def students_of(root: Path, assignment: str) -> list[str]:
    """Students with a folder for ``assignment`` under ``autograde/submitted``."""
    submitted = root / "autograde" / "submitted"
    return sorted(p.name for p in submitted.iterdir()
                  if (p / assignment).is_dir()) if submitted.is_dir() else []


def _record_path(root: Path, student: str, assignment: str) -> Path:
    return root / "autograde" / "autograded" / student / assignment / RECORD


def _already_graded(root: Path, student: str, assignment: str, digest: str | None) -> bool:
    try:
        record = json.loads(_record_path(root, student, assignment).read_text())
    except (OSError, json.JSONDecodeError):
        return False
    return record.get("submission_sha256") == digest and record.get("status") in (
        "graded", "replaced")


def _stage(root: Path, student: str, assignment: str, ref_path: Path, reference) -> tuple[
        repair.Repaired, str | None]:
    """Repair the submission into the staging folder; returns the repair and its digest."""
    source = root / "autograde" / "submitted" / student / assignment / ref_path.name
    digest = _sha256(source)
    nb, problem = repair.read_submission(source)
    fixed = repair.repair(nb, reference, problem)
    stage = root / STAGING / student / assignment
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir(parents=True)
    timestamp = source.parent / "timestamp.txt"
    if timestamp.is_file():
        shutil.copy(timestamp, stage / "timestamp.txt")
    nbformat.write(fixed.notebook, stage / ref_path.name)
    return fixed, digest


def _nbgrader_command(assignment: str, student: str, settings: Settings, kernel: str | None,
                      runtime: str):
    # IPC sockets live next to the connection file, in this student's own runtime folder
    # (the only host folder the sandbox binds besides the read-only Python installation).
    cmd = [sys.executable, "-m", "nbgrader", "autograde", assignment, f"--student={student}",
           "--force", "--create", f"--CourseDirectory.root={settings.root}",
           f"--CourseDirectory.submitted_directory={STAGING}",
           f"--Execute.timeout={settings.cell_timeout}",
           f"--SafeExecute.timeout={settings.cell_timeout}", "--KernelManager.transport=ipc",
           f"--KernelManager.ip={runtime}/kernel-ipc"]
    if settings.db_url:
        cmd.append(f"--CourseDirectory.db_url={settings.db_url}")
    if kernel:
        cmd += [f"--Execute.kernel_name={kernel}", f"--SafeExecute.kernel_name={kernel}"]
    return cmd


def _run_nbgrader(cmd: list[str], env: dict, timeout: int) -> tuple[int | None, str]:
    """Run nbgrader in its own process group; kill the whole group on time-out."""
    with tempfile.TemporaryFile(mode="w+") as log:
        proc = subprocess.Popen(cmd, cwd=AUTOGRADE, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            code = None
        log.seek(0)
        return code, log.read()


def _notes_from_outputs(nb: nbformat.NotebookNode) -> list[str]:
    """Student-facing sentences for what went wrong while their notebook ran."""
    from .safe_execute import KERNEL_DIED

    notes = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error":
                continue
            where = _where(nb, cell)
            if output.get("ename") == "CellTimeoutError":
                notes.append(f"The cell {where} ran longer than the time limit per cell and "
                             "was stopped; the tests that depend on it score 0.")
            elif output.get("ename") == KERNEL_DIED and "not run" not in output.get("evalue", ""):
                notes.append(f"While running the cell {where}, {output.get('evalue')}. The cells "
                             "after it could not run and score 0.")
    return notes


def _where(nb: nbformat.NotebookNode, cell) -> str:
    grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
    if grade_id:
        return f"'{grade_id}'"
    return f"number {nb.cells.index(cell) + 1}"


def _cap_outputs(nb: nbformat.NotebookNode) -> bool:
    """Shorten huge outputs in place (a 100 MB print must not become the feedback page)."""
    capped = False
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and len(output.get("text", "")) > MAX_OUTPUT_CHARS:
                output["text"] = (output["text"][:MAX_OUTPUT_CHARS]
                                  + f"\n... [output cut at {MAX_OUTPUT_CHARS:,} characters]\n")
                capped = True
            data = output.get("data", {})
            text = data.get("text/plain")
            if isinstance(text, str) and len(text) > MAX_OUTPUT_CHARS:
                data["text/plain"] = text[:MAX_OUTPUT_CHARS] + " ... [cut]"
                capped = True
    return capped


def _finish(root: Path, student: str, assignment: str, notebook_name: str,
            outcome: Outcome) -> None:
    folder = root / "autograde" / "autograded" / student / assignment
    target = folder / notebook_name
    if target.exists():
        nb = nbformat.read(target, as_version=4)
        outcome.notes += _notes_from_outputs(nb)
        if _cap_outputs(nb):
            outcome.notes.append(f"Some output was longer than {MAX_OUTPUT_CHARS:,} characters "
                                 "and was shortened.")
        repair.add_notes_cell(nb, outcome.notes)
        nbformat.write(nb, target)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / RECORD).write_text(json.dumps(asdict(outcome), indent=1))


def grade_one(assignment: str, student: str, settings: Settings, kernel: str | None,
              env: dict[str, str]) -> Outcome:
    """Grade one student's submission (the body of a worker)."""
    start = time.time()
    ref_path, reference = _reference(settings.root, assignment)
    fixed, digest = _stage(settings.root, student, assignment, ref_path, reference)
    if not settings.force and _already_graded(settings.root, student, assignment, digest):
        return Outcome(student, "skipped", seconds=0.0, submission_sha256=digest)
    outcome = Outcome(student, "replaced" if fixed.replaced else "graded", list(fixed.notes),
                      submission_sha256=digest)
    with tempfile.TemporaryDirectory(prefix=f"{student[:20]}-", dir=env["COURSE_RUNTIME_ROOT"]
                                     ) as runtime:
        run_env = dict(env, JUPYTER_RUNTIME_DIR=runtime)
        cmd = _nbgrader_command(assignment, student, settings, kernel, runtime)
        code, log = _run_nbgrader(cmd, run_env, settings.notebook_timeout)
        if kernel and settings.isolation != "bwrap":
            sandbox.remove_containers(settings.isolation, Path(runtime).name)
    outcome.log_tail = log[-4000:]
    if code is None:
        outcome.status = "failed"
        outcome.notes.append(f"Grading your notebook took longer than "
                             f"{settings.notebook_timeout} s in total and was stopped.")
    elif code != 0:
        outcome.status = "failed"
        outcome.notes.append("The grader could not finish your notebook; your instructor has "
                             "been told.")
        outcome.notes.append("(grader log: " + log.strip().splitlines()[-1][:300] + ")"
                             if log.strip() else "(no grader log)")
    outcome.seconds = round(time.time() - start, 2)
    _finish(settings.root, student, assignment, ref_path.name, outcome)
    return outcome


def _kernel_setup(settings: Settings, workdir: Path) -> tuple[str | None, dict[str, str]]:
    env = nbgrader_env()
    env["COURSE_RUNTIME_ROOT"] = str(workdir / "runtime")
    (workdir / "runtime").mkdir()
    if settings.unsafe:
        print("WARNING: grading WITHOUT a sandbox (--unsafe): student code runs with your "
              "privileges and can read the solutions and change the gradebook.", file=sys.stderr)
        return None, env
    if settings.isolation == "bwrap":
        sandbox.check_available()
        sandbox.remove_stale_cgroups()
    elif settings.isolation in sandbox.ENGINES:
        sandbox.check_engine(settings.isolation, settings.image)
    else:
        raise sandbox.SandboxUnavailable(f"Unknown isolation {settings.isolation!r}: choose one "
                                         f"of {', '.join(sandbox.ENGINES)}.")
    policy = sandbox.default_policy(
        workdir / "scratch", workdir / "runtime", data_dir=os.environ.get("COURSE_DATA_DIR"),
        memory_mb=settings.memory_mb, cpu_seconds=settings.cpu_seconds,
        max_processes=settings.max_processes, engine=settings.isolation, image=settings.image)
    kernel = sandbox.write_kernelspec(workdir / "jupyter", policy.save(workdir / "policy.json"))
    env["JUPYTER_PATH"] = str(workdir / "jupyter")
    return kernel, env


def _progress(done: int, total: int, started: float, outcome: Outcome) -> str:
    elapsed = time.time() - started
    eta = elapsed / done * (total - done) if done else 0
    return (f"[{done}/{total}] {outcome.student}: {outcome.status} in {outcome.seconds:.1f} s"
            f" | elapsed {elapsed:.0f} s, ETA {eta:.0f} s")


def grade(assignment: str, students: list[str] | None = None,
          settings: Settings | None = None, *, echo=print) -> list[Outcome]:
    """Grade ``students`` (default: everyone who submitted) and return their outcomes."""
    settings = settings or Settings()
    students = students if students is not None else students_of(settings.root, assignment)
    if not students:
        echo(f"No submissions for {assignment} in autograde/submitted/.")
        return []
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="kit-grade-") as tmp:
        kernel, env = _kernel_setup(settings, Path(tmp))
        started = time.time()
        with ThreadPoolExecutor(max_workers=max(1, settings.workers)) as pool:
            futures = {pool.submit(grade_one, assignment, s, settings, kernel, env): s
                       for s in students}
            for future in as_completed(futures):
                try:
                    outcome = future.result()
                except Exception as exc:  # noqa: BLE001 - one student never stops the batch
                    outcome = Outcome(futures[future], "failed", [f"grader error: {exc!r}"])
                outcomes.append(outcome)
                echo(_progress(len(outcomes), len(students), started, outcome))
        shutil.rmtree(settings.root / STAGING, ignore_errors=True)
    return sorted(outcomes, key=lambda o: o.student)
