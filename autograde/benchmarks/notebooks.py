"""Part ``notebooks``: each solution notebook run top to bottom, as a student would.

Every ``solutions/`` notebook is executed in a fresh kernel in the profile ``make bench``
runs in (``smoke``, offline), one after another, from the notebook's own folder. For each:
the wall time (the kernel's start included) and the kernel's peak resident memory (the
kernel process and its children, sampled every 0.2 s). The target is 90 s per notebook in
``smoke``.
"""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

from ..course import Course
from .table import Row

TARGET_S = 90


def _peak_rss(pid: int, stop: threading.Event, peak: list[float]) -> None:
    import psutil

    try:
        process = psutil.Process(pid)
    except psutil.Error:
        return
    while not stop.is_set():
        try:
            rss = process.memory_info().rss
            for child in process.children(recursive=True):
                try:
                    rss += child.memory_info().rss
                except psutil.Error:
                    pass
        except psutil.Error:
            return
        peak[0] = max(peak[0], rss / 2**20)
        stop.wait(0.2)


def run_one(path: Path, timeout: int = 900, cells: list | None = None) -> tuple[float, float]:
    """(seconds, peak MB) of executing the notebook at ``path`` (outputs discarded);
    ``cells``, if given, receives ``(seconds, index, first line)`` for every code cell."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    peak, stop = [0.0], threading.Event()
    with client.setup_kernel(stderr=subprocess.DEVNULL):  # (the kernel's own warnings)
        pid = client.km.provisioner.process.pid
        watcher = threading.Thread(target=_peak_rss, args=(pid, stop, peak), daemon=True)
        watcher.start()
        try:
            for index, cell in enumerate(nb.cells):
                began = time.perf_counter()
                client.execute_cell(cell, index)
                if cells is not None and cell.cell_type == "code":
                    first = cell.source.strip().splitlines()[0][:50] if cell.source.strip() else ""
                    cells.append((time.perf_counter() - began, index, first))
        finally:
            stop.set()
            watcher.join()
    return time.perf_counter() - start, peak[0]


def run(assignments: list[str] | None = None) -> list[Row]:
    """Every solution notebook (or ``assignments``); one row of time and memory each."""
    course = Course()
    rows, total = [], 0.0
    for name in assignments or course.assignments():
        cells: list = []
        seconds, peak = run_one(course.solution_notebook(name), cells=cells)
        total += seconds
        slowest = ", ".join(f"cell {i} {t:.0f} s" for t, i, _ in sorted(cells, reverse=True)[:3])
        over = (f"over the {TARGET_S} s target; " if seconds > TARGET_S else "") + (
            f"slowest: {slowest}"
        )
        rows += [
            Row("notebooks", f"{name}: top to bottom", seconds, "s", over),
            Row("notebooks", f"{name}: kernel's peak memory", peak, "MB", "RSS"),
        ]
    rows.append(Row("notebooks", "all solution notebooks", total, "s", "one after another"))
    return rows
