"""Part ``grading``: how long will grading my class take?

Builds a scratch course with N honest, fully solved submissions of every notebook in
``solutions/``, grades them with each worker count through the real pipeline (repair,
sandbox, nbgrader, the time limits measured at release), and reports the wall time per
batch and per submission. It then splits one submission's time into its parts, measured
on a sandboxed kernel directly: starting the kernel, running the notebook's setup cell
(imports), and running the rest.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from jupyter_client import KernelManager

from .. import grading, sandbox, scratch
from ..course import Course
from ..nbgrader_cli import nbgrader_env
from .table import Row, ratio


def _course(tmp: Path, assignments: list[str], n: int) -> Course:
    course = scratch.new_course(tmp / "course-repo", assignments)
    for name in assignments:
        nb = scratch.solved(course, name)
        for i in range(n):
            scratch.submit(course, f"student{i:03d}", name, nb)
    return course


def split_one(notebook: Path, tmp: Path) -> dict[str, float]:
    """Kernel start, setup cell (imports) and the rest, for one notebook, in the sandbox."""
    runtime = tmp / "runtime"
    (runtime / "k").mkdir(parents=True)
    policy = sandbox.default_policy(tmp / "scratch", runtime)
    name = sandbox.write_kernelspec(tmp / "jupyter", policy.save(tmp / "policy.json"))
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = str(tmp / "jupyter")
    km = KernelManager(kernel_name=name, transport="ipc", ip=str(runtime / "k" / "kernel-ipc"))
    km.connection_file = str(tmp / "kernel.json")
    work = tmp / "work"
    work.mkdir()
    times = {}
    try:
        start = time.perf_counter()
        km.start_kernel(cwd=str(work), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=120)
        times["kernel start"] = time.perf_counter() - start
        code = [
            c.source for c in nbformat.read(notebook, as_version=4).cells if c.cell_type == "code"
        ]
        setup = next(i for i, src in enumerate(code) if "setup(" in src)
        start = time.perf_counter()
        for src in code[: setup + 1]:
            kc.execute_interactive(src, timeout=600, output_hook=lambda msg: None)
        times["imports (setup cell)"] = time.perf_counter() - start
        start = time.perf_counter()
        for src in code[setup + 1 :]:
            kc.execute_interactive(src, timeout=600, output_hook=lambda msg: None)
        times["execution (other cells)"] = time.perf_counter() - start
        kc.stop_channels()
    finally:
        km.shutdown_kernel(now=True)
        if old is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = old
    return times


def stock_nbgrader(course: Course, assignments: list[str], tmp: Path) -> float:
    """Seconds for stock ``nbgrader autograde`` (its default configuration: no sandbox, the
    plain Execute preprocessor, every cell run, one process per assignment grading every
    student in turn) on the submissions of ``course``; into folders of its own."""
    from ..course import SOURCE, SUBMITTED

    config = tmp / "stock-config"  # nbgrader reads nbgrader_config.py from here: none
    config.mkdir()
    common = [
        f"--CourseDirectory.root={course.root}",
        f"--CourseDirectory.source_directory={SOURCE}",
        f"--CourseDirectory.submitted_directory={SUBMITTED}",
        "--CourseDirectory.autograded_directory=stock-autograded",
        f"--CourseDirectory.db_url=sqlite:///{tmp / 'stock-gradebook.db'}",
    ]
    env = dict(nbgrader_env(), COURSE_OFFLINE="1")
    # the tests recorded at release, as the kit's own generate_assignment wrote them
    shutil.copy(course.gradebook, tmp / "stock-gradebook.db")
    start = time.perf_counter()
    for name in assignments:
        subprocess.run(
            [sys.executable, "-m", "nbgrader", "autograde", name, "--force", *common],
            cwd=config, env=env, check=True, capture_output=True,
        )  # fmt: skip
    return time.perf_counter() - start


def run(
    submissions: int = 10,
    workers: tuple[int, ...] = (1, 2),
    assignments: list[str] | None = None,
) -> list[Row]:
    """Grade ``submissions`` honest notebooks of every assignment with each worker count,
    and the same with stock nbgrader."""
    assignments = assignments or Course().assignments()
    rows, rates = [], {}
    with tempfile.TemporaryDirectory(prefix="kit-bench-") as tmp:
        tmp = Path(tmp)
        stock_course = _course(tmp / "stock", assignments, submissions)
        stock_s = stock_nbgrader(stock_course, assignments, tmp)
        n_stock = submissions * len(assignments)
        rows.append(
            Row("grading", "stock nbgrader autograde, serial, no sandbox: per submission",
                stock_s / n_stock, "s", f"{n_stock} submissions, {stock_s:.0f} s in all")
        )  # fmt: skip
        for n_workers in workers:
            course = _course(tmp / f"w{n_workers}", assignments, submissions)
            settings = grading.GradingSettings(workers=n_workers, root=course.root)
            start = time.perf_counter()
            per = []
            for name in assignments:
                per += [
                    o.seconds for o in grading.grade(name, settings=settings, echo=lambda _: None)
                ]
            total = time.perf_counter() - start
            rates[n_workers] = len(per) / total
            rows += [
                Row(
                    "grading",
                    f"make grade, {n_workers} worker(s): wall per submission",
                    total / len(per),
                    "s",
                    f"{len(per)} submissions ({submissions} x {len(assignments)} notebooks), "
                    f"{total:.0f} s in all",
                ),
                Row("grading", f"  ... each inside its worker ({n_workers} worker(s))",
                    sum(per) / len(per), "s"),
            ]  # fmt: skip
        if len(workers) > 1:
            rows.append(
                ratio("grading", f"{workers[-1]} workers / {workers[0]}", rates[workers[-1]],
                      rates[workers[0]], "throughput")
            )  # fmt: skip
        rows.append(
            ratio("grading", f"make grade ({workers[-1]} workers, sandbox) / stock nbgrader",
                  rates[workers[-1]], n_stock / stock_s, "throughput; target >= 2x")
        )  # fmt: skip
        for name in assignments:
            split = split_one(Course().solution_notebook(name), tmp / f"s-{name}")
            for part, seconds in split.items():
                rows.append(Row("grading", f"one {name}: {part}", seconds, "s"))
    return rows
