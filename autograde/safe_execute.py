"""nbgrader's Execute preprocessor, made to survive broken kernels and hostile code.

Two changes to how nbgrader runs a submission:

* **Grading cells are judged outside the student's kernel.** A grading cell is split
  (:mod:`autograde.split`): the student's kernel computes only the values that come from
  the student's code and sends them back as data; the expected values and the checks
  run in this process (:mod:`autograde.verdict`), and the cell's outputs are written from
  that verdict. Whatever the student's code did to ``check_close``, ``utils.checks``,
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

``nbgrader_config.py`` puts :class:`SafeExecute` in place of ``Execute``.
"""

from __future__ import annotations

import ast

import nbformat
from nbclient.exceptions import DeadKernelError
from nbclient.util import run_sync
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute

from . import split, verdict

KERNEL_DIED = "KernelDied"


def _error(message: str, ename: str = KERNEL_DIED, line: int | None = None) -> NotebookNode:
    # "Cell In [...], line N" is how IPython names the failing line; the feedback reads it
    # to say whether a visible or a hidden test failed.
    where = [f"Cell In[grading], line {line}"] if line else []
    return NotebookNode(output_type="error", ename=ename, evalue=message,
                        traceback=where + [f"{ename}: {message}"])


def is_grading_cell(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


class SafeExecute(Execute):
    """Execute with grading cells judged outside the kernel (see the module docstring)."""

    _dead: bool = False

    def preprocess(self, nb, resources=None, km=None):
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
        grade_id = cell.metadata["nbgrader"].get("grade_id")
        where = f"grading cell '{grade_id}'"
        try:
            plan = split.plan(cell.source, self._trusted, where=where)
        except split.GradingCellError as exc:
            self.log.error("Cannot grade %s safely: %s", where, exc)
            cell.outputs = [_error("This test could not be run safely; your instructor has "
                                   "been told.", "GraderError")]
            return cell
        program = plan.student_program()
        messages, kept, student_error = {}, [], None
        if program:
            probe = nbformat.v4.new_code_cell(program)
            try:
                probe = await super().async_execute_cell(probe, cell_index, execution_count,
                                                         store_history=False)
            finally:
                self.nb.cells[cell_index] = cell
            cell.execution_count = probe.get("execution_count")
            messages, rest = verdict.payloads(probe.outputs)
            for output in rest:
                kind = output.get("output_type")
                if kind == "error":
                    student_error = student_error or {"ename": output.get("ename"),
                                                      "evalue": output.get("evalue")}
                elif kind == "stream":
                    kept.append(nbformat.v4.new_output("stream", name="stdout",
                                                       text=output.get("text", "")))
                elif kind == "display_data":
                    kept.append(output)
        failure = verdict.judge(plan, messages, student_error, self._namespace(plan),
                                where=where)
        if failure:
            kept.append(_error(failure.message, failure.ename, failure.line))
        cell.outputs = kept
        return cell

    async def async_execute_cell(self, cell, cell_index, execution_count=None,
                                 store_history=True):
        if cell.cell_type != "code":
            return cell
        if self._dead:
            cell.outputs = [_error("not run: the notebook's Python process had already ended")]
            return cell
        try:
            if is_grading_cell(cell):
                return await self._execute_grading(cell, cell_index, execution_count)
            return await super().async_execute_cell(cell, cell_index, execution_count,
                                                    store_history)
        except DeadKernelError:
            self._dead = True
            cell.outputs.append(_error(
                "the notebook's Python process ended while running this cell (sys.exit(), "
                "os._exit(), a crash, or the memory or CPU-time limit)"))
            return cell
        except Exception as exc:  # noqa: BLE001 - e.g. no reply even after an interrupt
            # The kernel is alive but no longer answers (a fork bomb's children talking on
            # its sockets, signals blocked in C code): stop it and fail the rest.
            self._dead = True
            cell.outputs.append(_error(
                f"the notebook's Python process stopped answering ({type(exc).__name__}); it "
                "was stopped"))
            try:
                await self.km._async_shutdown_kernel(now=True)
            except Exception:  # noqa: BLE001 - it may be gone already
                pass
            return cell

    execute_cell = run_sync(async_execute_cell)
