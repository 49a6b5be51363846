"""nbgrader's Execute preprocessor, made fair to every exercise whatever one of them does.

How a submission runs here, and why:

* **Only what the tests need runs.** The setup cell, the answer cells, the grading cells
  and the cells those need for their definitions (:func:`autograde.needed.needed`) run;
  the examples and plots between them do not (``run_demos`` turns them back on). Demo
  cells are where a broken answer used to kill the kernel for everyone after it, and they
  cost most of the grading time.
* **Grading cells are judged outside the student's kernel.** A grading cell is split
  (:mod:`autograde.split`): the student's kernel computes only the values that come from
  the student's code and sends them back as data; the expected values and the checks run
  in this process (:mod:`autograde.verdict`), and the cell's outputs are written from that
  verdict. The student's side arrives as compiled code, never as text
  (:mod:`autograde.sealed`), and what the student's code prints while a cell with hidden
  tests runs is counted, not shown.
* **One exercise's failure costs that exercise only.** When the kernel dies, stops
  answering, runs past a time limit or stops running the grader's code (checked after
  every answer cell), the grader starts a fresh sandboxed kernel, runs the answer cells
  again (definitions only: the cell that broke the kernel is left out) and goes on with
  the next cell. A student function that ran out of time or ended the kernel is not called
  again: later tests that call it fail at once. At most ``max_restarts`` fresh kernels per
  submission, and the whole notebook within ``notebook_timeout`` seconds.
* **Limits sized to the notebook.** ``limits_file`` gives each cell its own time limit
  (:mod:`autograde.timings`: a multiple of the solution's time for it); how long each
  cell took is recorded in the notebook's metadata (``course_kit.cell_seconds``), which
  the grader moves into ``grader.json``.

Why a cell failed is recorded as data in the cell's metadata
(:class:`autograde.nbmeta.CellFailure`: a sentence for the student, details for the
instructor), which the feedback page and the grader's notes read.

``nbgrader_config.py`` puts :class:`SafeExecute` in place of ``Execute``.
"""

from __future__ import annotations

import ast
import json
import time

import nbformat
from nbclient.exceptions import DeadKernelError
from nbclient.util import ensure_async, run_sync
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Bool, Integer, Unicode

from . import nbmeta, needed, sealed, split, timings, verdict
from .feedback import BEGIN_HIDDEN

KERNEL_DIED = "KernelDied"  # the error name of the outputs written for a broken kernel
LIVENESS_TIMEOUT_S = 15  # how long the check after an answer cell may take

# What the student reads when their code broke the kernel; {what} says how.
_RESTARTED = (
    "The grader started a new Python process, ran your answer cells again without this "
    "one, and went on with the next cell."
)
_RESTARTED_TEST = (
    "The grader started a new Python process, ran your answer cells again and went on with "
    "the next cell."
)
_HOW = {
    "died": "ended the notebook's Python process (sys.exit(), os._exit(), a crash, or the "
    "memory or CPU-time limit)",
    "hung": "made the notebook's Python process stop answering, even to an interrupt",
    "timeout": "ran longer than the time limit of {seconds} s",
}


def _error(message: str, ename: str = KERNEL_DIED) -> NotebookNode:
    return NotebookNode(output_type="error", ename=ename, evalue=message, traceback=[message])


def _fail(
    cell,
    kind: str,
    message: str,
    ename: str = KERNEL_DIED,
    line: int | None = None,
    detail: str = "",
) -> NotebookNode:
    """Record on ``cell`` why it failed; return the error output that says so."""
    nbmeta.set_failure(cell, nbmeta.CellFailure(kind, line, message, detail))
    return _error(message, ename)


def _names(names) -> str:
    names = sorted(names)
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)


class SafeExecute(Execute):
    """Execute that grades each exercise as far as it honestly can (see the module doc)."""

    run_demos = Bool(False, help="Also run the cells the tests do not need (examples, plots).").tag(
        config=True
    )
    max_restarts = Integer(
        3, help="Fresh kernels one submission may need before the rest is not run."
    ).tag(config=True)
    notebook_timeout = Integer(
        0, help="Seconds for the whole notebook, restarts included (0: no limit)."
    ).tag(config=True)
    limits_file = Unicode(
        "", help="JSON with per-cell time limits: {'cells': {id: s}, 'default': s} (see timings)."
    ).tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        nbmeta.clear_failures(nb)  # only this run's notes count
        self._imports = split.setup_imports(nb)
        self._trusted = split.imported_names(self._imports)
        self._base: dict = {}
        self._imported: set[int] = set()
        self._needed = (
            [True] * len(nb.cells) if self.run_demos else needed.needed(nb, keep_unparsed=True)
        )
        # the ceiling of every cell's limit (--cell-timeout): kept apart, because running a
        # cell sets ``timeout`` to that cell's own limit (nbclient reads it from there)
        self._ceiling = self.timeout
        self._cell_timeout = self.timeout
        self._started = time.monotonic()
        self._replay: list[int] = []  # cells that ran well, in order: what a new kernel reruns
        self._broken: str | None = None  # why the kernel must be replaced before the next cell
        self._given_up: str | None = None  # why no further cell runs
        self._poisoned: dict[str, str] = {}  # student name -> what calling it did
        self._restarts = 0
        self._timed_out = False
        self._last_limit = self.timeout
        self._cell_limits: dict[str, int] = {}
        self._default_limit = self.timeout
        if self.limits_file:
            with open(self.limits_file) as f:
                limits = json.load(f)
            self._cell_limits, self._default_limit = limits["cells"], limits["default"]
        self._seconds: dict[str, float] = {}
        self._whole_numbers: list[str] = []  # tests whose float checks expect whole numbers only
        try:
            return super().preprocess(nb, resources, km)
        finally:
            nb.metadata.setdefault("course_kit", {}).update(
                cell_seconds=self._seconds, whole_number_tests=self._whole_numbers
            )

    def _limit_for(self, cell) -> int:
        """This cell's own time limit: measured (limits_file), never above ``timeout``."""
        limit = self._cell_limits.get(timings.cell_key(cell), self._default_limit)
        return min(limit, self._ceiling) if self._ceiling else limit

    # ------------------------------------------------------------------ running one cell

    def _remaining(self) -> float | None:
        if not self.notebook_timeout:
            return None
        return self.notebook_timeout - (time.monotonic() - self._started)

    def _limit(self, cap: float | None = None) -> int:
        """The time limit for the next cell: the per-cell limit, within what is left."""
        limits = [x for x in (self._cell_timeout, cap, self._remaining()) if x]
        return max(1, int(min(limits))) if limits else 0

    async def _async_handle_timeout(self, timeout, cell=None):
        self._timed_out = True
        return await super()._async_handle_timeout(timeout, cell)

    async def _run(
        self, cell, index: int, *, store_history=True, limit=None, execution_count=None
    ) -> str:
        """Run ``cell`` in the kernel: "ok", "timeout", "died" or "hung"."""
        self._timed_out = False
        self.timeout = self._last_limit = limit if limit is not None else self._limit()
        try:
            await super().async_execute_cell(cell, index, execution_count, store_history)
        except DeadKernelError:
            return "died"
        except Exception as exc:  # noqa: BLE001 - e.g. no reply even after an interrupt
            # The kernel is alive but does not answer (a fork bomb's children talking on its
            # sockets, signals blocked in C code): stop it.
            self.log.warning("kernel stopped answering: %r", exc)
            await self._stop_kernel()
            return "hung"
        finally:
            self.timeout = self._cell_timeout
        return "timeout" if self._timed_out else "ok"

    async def _run_aside(self, source: str, index: int, **kwargs):
        """Run ``source`` in a throwaway cell at ``index``; (outcome, the throwaway cell)."""
        aside = nbformat.v4.new_code_cell(source)
        cell = self.nb.cells[index]
        try:
            outcome = await self._run(aside, index, **kwargs)
        finally:
            self.nb.cells[index] = cell  # nbclient puts the cell it ran in the notebook
        return outcome, aside

    async def _probe(self, program: sealed.Program, index: int, limit=None):
        """Run a sealed program; (outcome, its outputs, its execution count)."""
        outcome, probe = await self._run_aside(
            program.cell, index, store_history=False, limit=limit
        )
        return outcome, probe.get("outputs", []), probe.get("execution_count")

    # ------------------------------------------------------------------ new kernels

    async def _stop_kernel(self) -> None:
        # restart=True keeps the manager's ZeroMQ context, which the next kernel uses
        try:
            await ensure_async(self.km.shutdown_kernel(now=True, restart=True))
        except Exception:  # noqa: BLE001 - it may be gone already
            pass

    async def _new_kernel(self) -> None:
        await self._stop_kernel()
        if self.kc is not None:
            try:
                await ensure_async(self.kc.stop_channels())
            except Exception:  # noqa: BLE001
                pass
            self.kc = None
        await self.async_start_new_kernel()
        await self.async_start_new_kernel_client()

    async def _recover(self, index: int) -> bool:
        """A fresh kernel with the answer cells run again; False when none can be had."""
        while True:
            if self._restarts >= self.max_restarts:
                self._given_up = (
                    f"your code stopped the notebook's Python process {self._restarts + 1} "
                    "times; the grader does not start another one"
                )
                return False
            remaining = self._remaining()
            if remaining is not None and remaining < 5:
                self._given_up = self._out_of_time()
                return False
            self._restarts += 1
            self.log.info("restart %d: %s", self._restarts, self._broken)
            try:
                await self._new_kernel()
            except Exception as exc:  # noqa: BLE001 - the sandbox refused, say
                self._given_up = "the grader could not start a new Python process"
                self.log.error("no new kernel: %r", exc)
                return False
            for j in list(self._replay):
                self._cell_timeout = self._limit_for(self.nb.cells[j])
                outcome, _ = await self._run_aside(self.nb.cells[j].source, index)
                self._cell_timeout = self._limit_for(self.nb.cells[index])
                if outcome != "ok":
                    self._replay.remove(j)
                    self._broke(self.nb.cells[j], outcome, "when it was run again")
                    break
            else:
                self._broken = None
                return True

    def _out_of_time(self) -> str:
        return (
            f"grading your notebook used up its time budget of {self.notebook_timeout} s "
            "(your code ran too long)"
        )

    def _broke(self, cell, outcome: str, when: str = "") -> None:
        """Note on a non-grading cell that it broke the kernel and is left out from now on."""
        how = _HOW[outcome].format(seconds=self._last_limit)
        kind = {"died": nbmeta.KERNEL_DIED, "hung": nbmeta.KERNEL_HUNG}.get(outcome, nbmeta.TIMEOUT)
        message = f"This cell {how}{' ' + when if when else ''}. {_RESTARTED}"
        cell.setdefault("outputs", []).append(
            _fail(cell, kind, message, detail=f"{outcome} {when}".strip())
        )
        self._broken = outcome

    # ------------------------------------------------------------------ the cells

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        if cell.cell_type != "code" or not cell.source.strip():
            return cell
        if not self._needed[cell_index]:
            cell.outputs = []
            return cell
        started = time.monotonic()
        self._cell_timeout = self._limit_for(cell)
        try:
            return await self._execute(cell, cell_index, execution_count, store_history)
        finally:
            key = timings.cell_key(cell)
            self._seconds[key] = round(self._seconds.get(key, 0) + time.monotonic() - started, 3)

    async def _execute(self, cell, cell_index, execution_count, store_history):
        remaining = self._remaining()
        if not self._given_up and remaining is not None and remaining < 1:
            self._given_up = self._out_of_time()
        if self._broken and not self._given_up:
            await self._recover(cell_index)
        if self._given_up:
            cell.outputs = [_fail(cell, nbmeta.NOT_RUN, f"Not run: {self._given_up}.", "NotRun")]
            return cell
        if nbmeta.is_grading_cell(cell):
            return await self._execute_grading(cell, cell_index)
        return await self._execute_code(cell, cell_index, execution_count, store_history)

    async def _execute_code(self, cell, cell_index, execution_count, store_history):
        outcome = await self._run(
            cell, cell_index, store_history=store_history, execution_count=execution_count
        )
        if outcome != "ok":
            self._broke(cell, outcome)
            return cell
        alive = await self._still_answers(cell_index)
        if alive == "ok":
            self._replay.append(cell_index)
            return cell
        message = (
            "After this cell ran, the notebook's Python no longer ran the grader's code in "
            f"time (did it replace part of IPython, or leave threads running?). {_RESTARTED}"
        )
        cell.outputs.append(
            _fail(cell, nbmeta.COMPROMISED, message, detail=f"liveness check: {alive}")
        )
        self._broken = "compromised"
        return cell

    async def _still_answers(self, index: int) -> str:
        """Does the kernel still run the grader's code, promptly? "ok" or what went wrong."""
        outcome, outputs, _ = await self._probe(
            sealed.liveness(), index, self._limit(LIVENESS_TIMEOUT_S)
        )
        marks = sealed.marks(outputs)
        if outcome == "ok" and not (sealed.START in marks and sealed.END in marks):
            return "no marks"
        return outcome

    def _namespace(self, plan: split.Plan) -> dict:
        """The setup cell's imports that ``plan`` needs, run here, in a fresh namespace."""
        needed_names: set[str] = set()
        for step in plan.steps:
            if step.trusted:
                needed_names |= split._names(ast.unparse(step.stmt))[0]
        for i, stmt in enumerate(self._imports):
            if i not in self._imported and split.imported_names([stmt]) & needed_names:
                exec(compile(ast.Module([stmt], []), "<setup cell>", "exec"), self._base)
                self._imported.add(i)
        return dict(self._base)

    async def _execute_grading(self, cell, cell_index):
        grade_id = nbmeta.grade_id(cell)
        where = f"grading cell '{grade_id}'"
        try:
            plan = split.plan(cell.source, self._trusted, where=where)
        except split.GradingCellError as exc:
            self.log.error("Cannot grade %s safely: %s", where, exc)
            cell.outputs = [
                _fail(
                    cell,
                    nbmeta.GRADER_ERROR,
                    "This test could not be run safely; your instructor has been told.",
                    "GraderError",
                    detail=str(exc),
                )
            ]
            return cell
        program = sealed.program(plan, self._trusted)
        calls = program.names(None) if program else frozenset()
        stopped = sorted(calls & set(self._poisoned))
        if stopped:
            name = stopped[0]
            cell.outputs = [
                _fail(
                    cell,
                    nbmeta.NOT_RUN,
                    f"Not run: this test calls {name}, which {self._poisoned[name]}.",
                    "NotRun",
                )
            ]
            return cell
        messages, kept, student_error, outcome = {}, [], None, "ok"
        if program:
            outcome, outputs, count = await self._probe(program, cell_index)
            cell.execution_count = count
            marks = sealed.marks(outputs)
            messages, rest = verdict.payloads(outputs)
            kept, student_error = self._student_outputs(cell, rest)
            if outcome != "ok":
                return self._broken_by_test(cell, program, marks, outcome, kept)
            if sealed.START not in marks:
                cell.outputs = kept + [
                    _fail(
                        cell,
                        nbmeta.COMPROMISED,
                        "No result came back from your code: the notebook's Python no longer "
                        "ran the grader's code (did your code replace part of IPython or "
                        f"Python?). This test scores 0. {_RESTARTED_TEST}",
                        "NoResult",
                        detail=f"no start mark; marks {marks[:5]}",
                    )
                ]
                self._broken = "compromised"
                return cell
            if student_error and str(student_error.get("evalue", "")).startswith(sealed.MISMATCH):
                cell.outputs = [
                    _fail(
                        cell,
                        nbmeta.GRADER_ERROR,
                        "This test could not be run; your instructor has been told.",
                        "GraderError",
                        detail=str(student_error.get("evalue")),
                    )
                ]
                return cell
        if program:
            alive = await self._still_answers(cell_index)
            if alive != "ok":
                return self._left_broken(cell, program, alive, kept)
        seen: list[bool] = []

        def observe(check, args, kwargs):
            whole = verdict.whole_numbers_only(check, args, kwargs)
            if whole is not None:
                seen.append(whole)

        failure = verdict.judge(
            plan, messages, student_error, self._namespace(plan), where=where, observe=observe
        )
        if seen and all(seen):
            self._whole_numbers.append(grade_id)
        if failure:
            kept.append(
                _fail(cell, nbmeta.TEST_FAILED, failure.message, failure.ename, failure.line)
            )
        cell.outputs = kept
        return cell

    def _left_broken(self, cell, program, alive: str, kept):
        """A test after which the kernel no longer answered promptly."""
        names = program.names(None)
        for name in names:
            self._poisoned.setdefault(
                name,
                f"left the notebook's Python unable to answer in the test '{nbmeta.grade_id(cell)}'",
            )
        message = (
            f"After this test called {_names(names) or 'your code'}, the notebook's Python no "
            "longer answered in time (threads or processes left running?), so this test scores "
            f"0. {_RESTARTED_TEST}"
        )
        cell.outputs = kept + [
            _fail(cell, nbmeta.KERNEL_HUNG, message, KERNEL_DIED, detail=f"liveness: {alive}")
        ]
        self._broken = "compromised"
        return cell

    def _student_outputs(self, cell, outputs) -> tuple[list, dict | None]:
        """What the student's code showed while the tests ran (their own prints, kept unless
        the cell has hidden tests) and the error it ended with."""
        kept, lines, shown, student_error = [], 0, 0, None
        for output in outputs:
            kind = output.get("output_type")
            if kind == "error":
                student_error = student_error or {
                    "ename": output.get("ename"),
                    "evalue": output.get("evalue"),
                }
            elif kind == "stream":
                text = output.get("text", "")
                lines += text.count("\n") + (not text.endswith("\n"))
                kept.append(nbformat.v4.new_output("stream", name="stdout", text=text))
            elif kind == "display_data" and not sealed.is_grader_output(output):
                shown += 1
                kept.append(output)
        if BEGIN_HIDDEN in cell.source and (lines or shown):
            what = [f"{lines} line{'s' * (lines != 1)}"] if lines else []
            what += [f"{shown} display{'s' * (shown != 1)}"] if shown else []
            kept = [
                nbformat.v4.new_output(
                    "stream",
                    name="stdout",
                    text=f"[Your code printed {' and '.join(what)} while this cell's tests ran. "
                    "They are not shown, because the cell has hidden tests.]\n",
                )
            ]
        return kept, student_error

    def _broken_by_test(self, cell, program, marks, outcome, kept):
        """A grading cell during which the kernel died, hung or ran out of time."""
        steps = [m for m in marks if isinstance(m, int)]
        names = program.names(steps[-1] if steps else None)
        how = _HOW[outcome].format(seconds=self._last_limit)
        for name in names:
            self._poisoned.setdefault(name, f"{how} in the test '{nbmeta.grade_id(cell)}'")
        calling = f"While this test called {_names(names)}, your code" if names else "Your code"
        kind = {"died": nbmeta.KERNEL_DIED, "hung": nbmeta.KERNEL_HUNG}.get(outcome, nbmeta.TIMEOUT)
        message = f"{calling} {how}, so this test scores 0. {_RESTARTED_TEST}"
        if names:
            message += f" Later tests that call {_names(names)} are not run."
        line = program.steps[steps[-1]][0] if steps and steps[-1] < len(program.steps) else None
        cell.outputs = kept + [
            _fail(
                cell,
                kind,
                message,
                "TimeLimit" if outcome == "timeout" else KERNEL_DIED,
                line,
                detail=f"{outcome} at step {steps[-1] if steps else '?'}",
            )
        ]
        self._broken = outcome
        return cell

    execute_cell = run_sync(async_execute_cell)
