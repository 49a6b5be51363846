"""How long will grading my class take? A benchmark that prints numbers.

``python -m autograde.bench [--submissions 40] [--workers 1 2]`` (``make bench``) builds a
scratch course with N honest, fully solved submissions of every notebook in
``solutions/``, grades them with each worker count through the real pipeline (repair,
sandbox, nbgrader), and prints the wall time per batch and per submission. It then
splits one submission's time into its parts, measured on a sandboxed kernel directly:
starting the kernel, running the notebook's setup cell (imports), and running the rest.
Nothing here is asserted: machines differ; read the numbers.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from pathlib import Path

import nbformat
from jupyter_client import KernelManager

from . import grading, sandbox, scratch
from .course import Course


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


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=40)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args(argv)
    assignments = Course().assignments()
    print(
        f"grading benchmark: {args.submissions} submissions x {len(assignments)} notebook(s) "
        f"({', '.join(assignments)})"
    )
    with tempfile.TemporaryDirectory(prefix="kit-bench-") as tmp:
        tmp = Path(tmp)
        for workers in args.workers:
            course = _course(tmp / f"w{workers}", assignments, args.submissions)
            settings = grading.GradingSettings(workers=workers, root=course.root)
            start = time.perf_counter()
            per = []
            for name in assignments:
                per += [
                    o.seconds for o in grading.grade(name, settings=settings, echo=lambda _: None)
                ]
            total = time.perf_counter() - start
            n = len(per)
            print(
                f"  {workers} worker(s): {total:7.1f} s for {n} submissions | "
                f"{total / n:5.2f} s per submission (wall) | each took {sum(per) / n:5.2f} s"
            )
        for name in assignments:
            split = split_one(Course().solution_notebook(name), tmp / f"s-{name}")
            parts = " | ".join(f"{k} {v:5.2f} s" for k, v in split.items())
            print(f"  one {name} submission: {parts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
