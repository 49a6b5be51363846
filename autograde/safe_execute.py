"""nbgrader's Execute preprocessor, made to survive broken kernels and hostile code.

Two changes to how nbgrader runs a submission:

* **Grading cells are judged outside the student's kernel.** A grading cell is split
  (:mod:`autograde.split`): the student's kernel computes only the values that come from
  the student's code and sends them back as data; the expected values and the checks
  run in this process (:mod:`autograde.verdict`), and the cell's outputs are written from
  that verdict. Whatever the student's code did to ``check_close``, ``cnn_course_kit.checks``,
  ``numpy``, ``builtins`` or IPython's error display, a wrong answer stays wrong. The
  student's own printed output is kept; a warning their code prints to stderr does not
  cost points (nbgrader would otherwise score any stderr output as a failure), and an
  output that nbgrader would read as partial credit is dropped.
* **A dead or unresponsive kernel fails the current and the remaining cells only.**
  nbclient raises ``DeadKernelError`` when the kernel process ends (``os._exit()``, a
  segfault, the sandbox's memory or CPU limit), and nbgrader then gives up on the whole
  notebook, so nothing is recorded, not even the exercises that passed before the crash.
  Here the crash is recorded as an error in the cell that caused it, the cells after it
  are marked as not run (their tests score 0), and nbgrader saves the grades of
  everything that ran.

Why a cell failed is recorded as data in the cell's metadata
(:class:`autograde.nbmeta.CellFailure`), which the feedback page and the grader's notes
read; the error output itself carries the student-facing message only.

``nbgrader_config.py`` puts :class:`SafeExecute` in place of ``Execute``.
"""

from __future__ import annotations

import ast

import nbformat
from nbclient.exceptions import DeadKernelError
from nbclient.util import run_sync
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute

from . import nbmeta, split, verdict

KERNEL_DIED = "KernelDied"  # the error name of the outputs written for a dead kernel


def _error(message: str, ename: str = KERNEL_DIED) -> NotebookNode:
    return NotebookNode(
        output_type="error", ename=ename, evalue=message, traceback=[f"{ename}: {message}"]
    )


def _fail(
    cell, kind: str, message: str, ename: str = KERNEL_DIED, line: int | None = None
) -> NotebookNode:
    """Record on ``cell`` why it failed; return the error output that says so."""
    nbmeta.set_failure(cell, nbmeta.CellFailure(kind, line, message))
    return _error(message, ename)


class SafeExecute(Execute):
    """Execute with grading cells judged outside the kernel (see the module docstring)."""

    _dead: bool = False

    def preprocess(self, nb, resources=None, km=None):
        nbmeta.clear_failures(nb)  # only this run's notes count
        self._dead = False
        self._imports = split.setup_imports(nb)
        self._trusted = split.imported_names(self._imports)
        self._base: dict = {}
        self._imported: set[int] = set()
        return super().preprocess(nb, resources, km)

    def _namespace(self, plan: split.Plan) -> dict:
        """The setup cell's imports that ``plan`` needs, run here, in a fresh namespace."""
        needed: set[str] = set()
        for step in plan.steps:
            if step.trusted:
                needed |= split._names(ast.unparse(step.stmt))[0]
        for i, stmt in enumerate(self._imports):
            if i not in self._imported and split.imported_names([stmt]) & needed:
                exec(compile(ast.Module([stmt], []), "<setup cell>", "exec"), self._base)
                self._imported.add(i)
        return dict(self._base)

    async def _execute_grading(self, cell, cell_index, execution_count):
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
                )
            ]
            return cell
        program = plan.student_program()
        messages, kept, student_error = {}, [], None
        if program:
            probe = nbformat.v4.new_code_cell(program)
            try:
                probe = await super().async_execute_cell(
                    probe, cell_index, execution_count, store_history=False
                )
            finally:
                self.nb.cells[cell_index] = cell
            cell.execution_count = probe.get("execution_count")
            messages, rest = verdict.payloads(probe.outputs)
            for output in rest:
                kind = output.get("output_type")
                if kind == "error":
                    student_error = student_error or {
                        "ename": output.get("ename"),
                        "evalue": output.get("evalue"),
                        "timeout": self._timed_out(output),
                    }
                elif kind == "stream":
                    kept.append(
                        nbformat.v4.new_output("stream", name="stdout", text=output.get("text", ""))
                    )
                elif kind == "display_data":
                    kept.append(output)
        failure = verdict.judge(plan, messages, student_error, self._namespace(plan), where=where)
        if failure:
            timed_out = bool(student_error and student_error["timeout"])
            kept.append(
                _fail(
                    cell,
                    nbmeta.TIMEOUT if timed_out else nbmeta.TEST_FAILED,
                    failure.message,
                    failure.ename,
                    failure.line,
                )
            )
        cell.outputs = kept
        return cell

    def _timed_out(self, output) -> bool:
        """An error output that nbclient wrote because the cell ran past the limit."""
        expected = self.error_on_timeout or {}
        return output.get("ename") == expected.get("ename") and output.get(
            "traceback"
        ) == expected.get("traceback")

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        if cell.cell_type != "code":
            return cell
        if self._dead:
            cell.outputs = [
                _fail(
                    cell, nbmeta.NOT_RUN, "not run: the notebook's Python process had already ended"
                )
            ]
            return cell
        try:
            if nbmeta.is_grading_cell(cell):
                return await self._execute_grading(cell, cell_index, execution_count)
            cell = await super().async_execute_cell(
                cell, cell_index, execution_count, store_history
            )
            if any(self._timed_out(o) for o in cell.get("outputs", [])):
                nbmeta.set_failure(cell, nbmeta.CellFailure(nbmeta.TIMEOUT))
            return cell
        except DeadKernelError:
            self._dead = True
            cell.outputs.append(
                _fail(
                    cell,
                    nbmeta.KERNEL_DIED,
                    "the notebook's Python process ended while running this cell (sys.exit(), "
                    "os._exit(), a crash, or the memory or CPU-time limit)",
                )
            )
            return cell
        except Exception as exc:  # noqa: BLE001 - e.g. no reply even after an interrupt
            # The kernel is alive but no longer answers (a fork bomb's children talking on
            # its sockets, signals blocked in C code): stop it and fail the rest.
            self._dead = True
            cell.outputs.append(
                _fail(
                    cell,
                    nbmeta.KERNEL_HUNG,
                    f"the notebook's Python process stopped answering ({type(exc).__name__}); it "
                    "was stopped",
                )
            )
            try:
                await self.km._async_shutdown_kernel(now=True)
            except Exception:  # noqa: BLE001 - it may be gone already
                pass
            return cell

    execute_cell = run_sync(async_execute_cell)
