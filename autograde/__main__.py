"""The instructor's commands, one per step of a grading cycle.

    python -m autograde release  [ASSIGNMENT ...]   regenerate course/; publish to the exchange
    python -m autograde collect  ASSIGNMENT [--from FOLDER_OR_ZIP]
    python -m autograde grade    ASSIGNMENT [--workers N] [--force] [--unsafe]
                                 [--isolation docker --image cnn-course-kit-grader]
    python -m autograde feedback ASSIGNMENT          one HTML page per student
    python -m autograde export   [ASSIGNMENT]        CSV: every exercise, and totals
    python -m autograde summary  ASSIGNMENT          averages and the most common failures
    python -m autograde student-edition DEST [--repository URL]
                                 a repository for students: the course without its answers

The Makefile wraps each (``make grade A=01-visual-cortex``). Everything runs on this
repository's ``autograde/`` folder and gradebook; see the README's instructor section.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from . import collect, edition, grading, header, release, report, sandbox


def _gradebook(ns) -> Path:
    return ns.root / "autograde" / "gradebook.db"


def _db_url(ns) -> str:
    return f"sqlite:///{_gradebook(ns)}?timeout=120"


def _nbgrader(ns, args: list[str]) -> None:
    release.run_nbgrader(args, root=ns.root, db=_gradebook(ns))


def cmd_release(ns) -> None:
    """Regenerate course/, record the tests in the gradebook, publish to the exchange."""
    if header.update_readme(ns.root / "README.md"):
        print("updated the Colab and Binder badges in README.md")
    for name in ns.assignments or release.assignments(ns.root / "solutions"):
        if release.update_headers(name, source=ns.root / "solutions"):
            print(f"updated the header cells (badges, Colab install) of solutions/{name}")
        release.generate(name, ns.root / "course", source=ns.root / "solutions")
        print(f"regenerated course/{name}")
        # The gradebook keeps the graded cells (hidden tests included) that autograding
        # restores; nbgrader records them while generating (here into a scratch folder).
        with tempfile.TemporaryDirectory(prefix="kit-gradebook-") as tmp:
            _nbgrader(ns, ["generate_assignment", name, "--force",
                           f"--CourseDirectory.release_directory={tmp}"])
        if ns.publish or os.environ.get("COURSE_EXCHANGE"):
            _nbgrader(ns, ["release_assignment", name, "--force"])
            print(f"published {name} to the exchange ({os.environ.get('COURSE_EXCHANGE')})")


def cmd_collect(ns) -> None:
    """Submissions from the exchange, or from an LMS download."""
    if ns.source:
        result = collect.from_download(Path(ns.source), ns.assignment, root=ns.root)
    else:
        result = collect.from_exchange(ns.assignment, root=ns.root, db=_gradebook(ns))
    print(result)


def cmd_grade(ns) -> None:
    """Autograde every collected submission (sandboxed, parallel, resumable)."""
    settings = grading.Settings(workers=ns.workers, force=ns.force, unsafe=ns.unsafe,
                                isolation=ns.isolation, image=ns.image,
                                cell_timeout=ns.cell_timeout,
                                notebook_timeout=ns.notebook_timeout, root=ns.root,
                                db_url=_db_url(ns))
    outcomes = grading.grade(ns.assignment, ns.students or None, settings)
    failed = [o.student for o in outcomes if o.status == "failed"]
    print(f"graded {sum(o.status != 'skipped' for o in outcomes)}, skipped "
          f"{sum(o.status == 'skipped' for o in outcomes)} (already graded; --force to redo)"
          + (f", FAILED: {', '.join(failed)} (see autograde/autograded/<student>/"
             f"{ns.assignment}/grader.json)" if failed else ""))


def cmd_feedback(ns) -> None:
    """One HTML feedback page per student, in autograde/feedback/."""
    _nbgrader(ns, ["generate_feedback", ns.assignment, "--force"])
    print(f"feedback written to autograde/feedback/<student>/{ns.assignment}/")


def cmd_export(ns) -> None:
    """Scores per exercise and totals, as CSV."""
    out = Path(ns.out) if ns.out else ns.root / "autograde" / "grades.csv"
    print(f"wrote {report.export(_db_url(ns), out, ns.assignment)}")


def cmd_summary(ns) -> None:
    """Per-exercise averages and the most common failure messages."""
    print(report.summary(_db_url(ns), ns.assignment, root=ns.root))


def cmd_student_edition(ns) -> None:
    """Write the student edition (course/, utils/, no answers) to a folder outside the kit."""
    print(edition.write(Path(ns.dest), ns.repository, root=ns.root))


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command."""
    parser = argparse.ArgumentParser(prog="python -m autograde", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=release.ROOT,
                        help="the course repository (default: this one)")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("release", help=cmd_release.__doc__)
    p.add_argument("assignments", nargs="*")
    p.add_argument("--publish", action="store_true", help="publish even without COURSE_EXCHANGE")
    p.set_defaults(run=cmd_release)
    p = sub.add_parser("collect", help=cmd_collect.__doc__)
    p.add_argument("assignment")
    p.add_argument("--from", dest="source", help="a folder or .zip downloaded from an LMS")
    p.set_defaults(run=cmd_collect)
    p = sub.add_parser("grade", help=cmd_grade.__doc__)
    p.add_argument("assignment")
    p.add_argument("students", nargs="*", help="only these students (default: all)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    p.add_argument("--force", action="store_true", help="re-grade what was graded before")
    p.add_argument("--unsafe", action="store_true", help="grade without the sandbox")
    p.add_argument("--isolation", choices=sandbox.ENGINES, default="bwrap",
                   help="bubblewrap (default) or a container engine")
    p.add_argument("--image", default="", help="the grader image, with --isolation docker/podman")
    p.add_argument("--cell-timeout", type=int, default=120)
    p.add_argument("--notebook-timeout", type=int, default=900)
    p.set_defaults(run=cmd_grade)
    for name, func in (("feedback", cmd_feedback), ("summary", cmd_summary)):
        p = sub.add_parser(name, help=func.__doc__)
        p.add_argument("assignment")
        p.set_defaults(run=func)
    p = sub.add_parser("export", help=cmd_export.__doc__)
    p.add_argument("assignment", nargs="?")
    p.add_argument("--out", help="default: autograde/grades.csv")
    p.set_defaults(run=cmd_export)
    p = sub.add_parser("student-edition", help=cmd_student_edition.__doc__)
    p.add_argument("dest", help="a new or empty folder, or an edition written there before")
    p.add_argument("--repository", help="the student repository's GitHub address (default: "
                   "[tool.cnn-course-kit] student-repository in pyproject.toml)")
    p.set_defaults(run=cmd_student_edition)
    ns = parser.parse_args(argv)
    try:
        ns.run(ns)
    except (FileNotFoundError, ValueError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
