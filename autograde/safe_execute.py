"""nbgrader's Execute preprocessor, made to survive a kernel that dies mid-notebook.

nbclient raises ``DeadKernelError`` when the kernel process ends (``os._exit()``, a
segfault, the sandbox's memory or CPU limit), and nbgrader then gives up on the whole
notebook, so nothing is recorded, not even the exercises that passed before the crash.
:class:`SafeExecute` records the crash as an error in the cell that caused it, marks the
cells after it as not run (their tests score 0), and lets nbgrader save the grades of
everything that ran. ``nbgrader_config.py`` puts it in place of ``Execute``.
"""

from __future__ import annotations

from nbclient.exceptions import DeadKernelError
from nbclient.util import run_sync
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute

KERNEL_DIED = "KernelDied"


def _error(message: str) -> NotebookNode:
    return NotebookNode(output_type="error", ename=KERNEL_DIED, evalue=message,
                        traceback=[f"{KERNEL_DIED}: {message}"])


class SafeExecute(Execute):
    """Execute, but a dead or unresponsive kernel fails the current and the remaining
    cells only."""

    _dead: bool = False

    def preprocess(self, nb, resources=None, km=None):
        self._dead = False
        return super().preprocess(nb, resources, km)

    async def async_execute_cell(self, cell, cell_index, execution_count=None,
                                 store_history=True):
        if cell.cell_type != "code":
            return cell
        if self._dead:
            cell.outputs = [_error("not run: the notebook's Python process had already ended")]
            return cell
        try:
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
