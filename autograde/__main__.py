"""The instructor's commands, one per step of a grading cycle.

    python -m autograde release  [ASSIGNMENT ...]   regenerate course/; publish to the exchange
    python -m autograde collect  ASSIGNMENT [--from FOLDER_OR_ZIP [--roster CSV]]
                                 [--max-notebook-mb N] [--max-total-mb N]
    python -m autograde grade    ASSIGNMENT [--workers N] [--force] [--unsafe]
                                 [--isolation docker --image cnn-course-kit-grader]
                                 [--scheduler tcp://HOST:8786]  (on a Dask cluster)
    python -m autograde feedback ASSIGNMENT          one HTML page per student (released to
                                                     the exchange with COURSE_EXCHANGE set)
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

from . import collect, edition, grading, header, release, report, sandbox, timings
from .course import ROOT, Course
from .nbgrader_cli import nbgrader_env, run_nbgrader


def _db_url(ns) -> str:
    """The gradebook: ``COURSE_GRADEBOOK_URL`` (as for the formgrader), else the course's."""
    return os.environ.get("COURSE_GRADEBOOK_URL") or Course(ns.root).gradebook_url


def _nbgrader(ns, args: list[str]) -> None:
    run_nbgrader(args, Course(ns.root), db_url=_db_url(ns))


def cmd_release(ns) -> int:
    """Regenerate course/, record the tests in the gradebook, publish to the exchange."""
    if header.update_readme(ns.root / "README.md"):
        print("updated the Colab and Binder badges in README.md")
    untimed: list[str] = []
    for name in ns.assignments or Course(ns.root).assignments():
        if release.update_headers(name, source=ns.root / "solutions"):
            print(f"updated the header cells (badges, Colab install) of solutions/{name}")
        release.generate(name, ns.root / "course", source=ns.root / "solutions")
        print(f"regenerated course/{name}")
        # The gradebook keeps the graded cells (hidden tests included) that autograding
        # restores; nbgrader records them while generating (here into a scratch folder).
        with tempfile.TemporaryDirectory(prefix="kit-gradebook-") as tmp:
            _nbgrader(
                ns,
                [
                    "generate_assignment",
                    name,
                    "--force",
                    f"--CourseDirectory.release_directory={tmp}",
                ],
            )
        if not ns.no_timing:
            try:
                timings.ensure(Course(ns.root), name)
            except (ValueError, RuntimeError, OSError) as exc:
                untimed.append(name)
                print(f"error: {exc}", file=sys.stderr)
        if ns.publish or os.environ.get("COURSE_EXCHANGE"):
            _nbgrader(ns, ["release_assignment", name, "--force"])
            print(f"published {name} to the exchange ({os.environ.get('COURSE_EXCHANGE')})")
    if untimed:
        print(
            f"error: released, but not timed: {', '.join(untimed)} (make grade uses the fixed "
            "time limits for them until make release times them)",
            file=sys.stderr,
        )
        return 1
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of MB, not {value}")
    return value


def cmd_collect(ns) -> int:
    """Submissions from the exchange, or from an LMS download."""
    known = Course(ns.root).assignments()
    if known and ns.assignment not in known:
        raise ValueError(
            f"there is no assignment {ns.assignment!r} in solutions/ (there are: {', '.join(known)})"
        )
    if ns.source:
        result = collect.from_download(
            Path(ns.source),
            ns.assignment,
            root=ns.root,
            roster=Path(ns.roster) if ns.roster else None,
            limits=collect.Limits(ns.max_notebook_mb, ns.max_total_mb),
        )
    else:
        if ns.roster:
            raise ValueError("--roster goes with --from (an LMS download)")
        result = collect.from_exchange(ns.assignment, root=ns.root, db_url=_db_url(ns))
    if ns.roster and result.students and result.register is not None:
        try:
            result.register.to_gradebook(_db_url(ns), result.students)
        except Exception as exc:  # noqa: BLE001 - the collect itself is complete
            result.notes.append(f"the gradebook could not be given the roster's names ({exc})")
    print(result)
    if not result.students:
        print(f"error: nothing collected for {ns.assignment}", file=sys.stderr)
        return 1
    return 0


def _require_release(ns) -> None:
    """Stop at once, in one line, when the gradebook does not know the assignment: nbgrader
    would otherwise fail every submission with the reason buried in each grader.json."""
    course, url = Course(ns.root), _db_url(ns)
    missing = url == course.gradebook_url and not course.gradebook.exists()
    if not missing:
        from nbgrader.api import Gradebook, MissingEntry

        os.environ["PATH"] = nbgrader_env()["PATH"]  # a new gradebook runs this env's alembic
        with Gradebook(url) as gb:
            try:
                gb.find_assignment(ns.assignment)
            except MissingEntry:
                missing = True
    if missing:
        raise ValueError(
            f"{ns.assignment} is not in the gradebook yet: run make release A={ns.assignment} "
            "first (it records the tests that grading restores)"
        )


def cmd_grade(ns) -> int:
    """Autograde every collected submission (sandboxed, parallel, resumable)."""
    if not (ns.students or Course(ns.root).students(ns.assignment)):
        print(
            f"error: nothing to grade: no submission of {ns.assignment} in autograde/submitted/ "
            f"(make collect A={ns.assignment} first)",
            file=sys.stderr,
        )
        return 1
    _require_release(ns)
    limits = sandbox.Limits(
        cpu_seconds=ns.cpu_seconds,
        memory_mb=ns.memory_mb,
        max_processes=ns.max_processes,
        max_file_mb=ns.max_file_mb,
    )
    settings = grading.GradingSettings(
        workers=ns.workers,
        force=ns.force,
        unsafe=ns.unsafe,
        isolation=ns.isolation,
        image=ns.image,
        max_notebook_mb=ns.max_notebook_mb,
        cell_timeout=ns.cell_timeout,
        notebook_timeout=ns.notebook_timeout,
        fixed_limits=ns.fixed_limits,
        time_scale=ns.time_scale,
        limits=limits,
        root=ns.root,
        db_url=_db_url(ns),
        scheduler=ns.scheduler,
    )
    outcomes = grading.grade(ns.assignment, ns.students or None, settings)
    notes = [note for o in outcomes for note in o.instructor_notes]
    if notes:
        print("for you (the students' feedback says less):")
        print("\n".join(f"  - {note}" for note in dict.fromkeys(notes)))
    blank = [o.student for o in outcomes if o.status == "replaced"]
    if blank:
        print(
            f"graded as blank (0 points): {len(blank)} submission(s) that could not be read or "
            f"are not this assignment's notebook: {', '.join(blank)} (their feedback says why)"
        )
    failed = [o.student for o in outcomes if o.status == "failed"]
    print(
        f"graded {sum(o.status not in ('skipped', 'failed') for o in outcomes)}, skipped "
        f"{sum(o.status == 'skipped' for o in outcomes)} (already graded; --force to redo)"
        + (f", could not grade {len(failed)}" if failed else "")
    )
    if failed:
        print(
            f"error: {len(failed)} of {len(outcomes)} submission(s) could not be graded: "
            f"{', '.join(failed)} (see autograde/autograded/<student>/{ns.assignment}/"
            "grader.json; their feedback says so)",
            file=sys.stderr,
        )
        return 1
    return 0


def cmd_feedback(ns) -> int:
    """One HTML feedback page per student, in autograde/feedback/."""
    course = Course(ns.root)
    _nbgrader(ns, ["generate_feedback", ns.assignment, "--force"])
    pages = {
        s: course.feedback(s, ns.assignment) / f"{ns.assignment}.html"
        for s in course.students(ns.assignment)
    }
    written = [s for s, page in pages.items() if page.exists()]
    print(
        f"feedback for {len(written)} student(s) in autograde/feedback/<student>/{ns.assignment}/"
    )
    missing = sorted(set(pages) - set(written))
    if missing:
        print(
            f"error: no feedback page for {len(missing)} submitted student(s): "
            f"{', '.join(missing)} (not graded yet? run make grade A={ns.assignment})",
            file=sys.stderr,
        )
        return 1
    if getattr(ns, "publish", False) or os.environ.get("COURSE_EXCHANGE"):
        # students fetch it from the Assignments tab ("Fetch Feedback"); each page goes to
        # the exchange under a name made from that student's own submission
        _nbgrader(ns, ["release_feedback", ns.assignment])
        print(f"released the feedback to the exchange ({os.environ.get('COURSE_EXCHANGE')})")
    return 0


def cmd_export(ns) -> None:
    """Scores per exercise and totals, as CSV."""
    out = Path(ns.out) if ns.out else Course(ns.root).autograde / "grades.csv"
    print(f"wrote {report.export(_db_url(ns), out, ns.assignment)}")


def cmd_summary(ns) -> None:
    """Per-exercise averages and the most common failure messages."""
    print(report.summary(_db_url(ns), ns.assignment, root=ns.root))


def cmd_student_edition(ns) -> None:
    """Write the student edition (course/, utils/, no answers) to a folder outside the kit."""
    print(edition.write(Path(ns.dest), ns.repository, root=ns.root))


def _grade_options(p: argparse.ArgumentParser) -> None:
    """make grade's flags; every default comes from GradingSettings and sandbox.Limits."""
    defaults, limits = grading.GradingSettings(), sandbox.Limits()
    p.add_argument(
        "--workers",
        type=int,
        default=defaults.workers,
        help="submissions graded at once (default: one per core, %(default)s)",
    )
    p.add_argument("--force", action="store_true", help="re-grade what was graded before")
    p.add_argument("--unsafe", action="store_true", help="grade without the sandbox")
    p.add_argument(
        "--isolation",
        choices=sandbox.ISOLATIONS,
        default=defaults.isolation,
        help="bubblewrap (default) or a container engine",
    )
    p.add_argument(
        "--image", default=defaults.image, help="the grader image, with --isolation docker/podman"
    )
    p.add_argument(
        "--fixed-limits",
        action="store_true",
        help="every cell gets --cell-timeout and every submission --notebook-timeout, instead "
        "of limits sized to the solution's measured times (make release measures them)",
    )
    p.add_argument(
        "--time-scale",
        type=float,
        default=defaults.time_scale,
        help="multiply the sized limits (a grading machine slower than the one make release "
        "timed on; default %(default)s)",
    )
    p.add_argument(
        "--scheduler",
        default=os.environ.get("COURSE_DASK_SCHEDULER") or None,
        help="grade on the workers of this Dask scheduler (tcp://host:8786; the gradebook "
        "must then be PostgreSQL: see autograde/cluster.py)",
    )
    for flag, value, unit in (
        ("--cell-timeout", defaults.cell_timeout, "seconds per cell, at most"),
        ("--notebook-timeout", defaults.notebook_timeout, "seconds per submission, at most"),
        ("--cpu-seconds", limits.cpu_seconds, "CPU seconds per kernel"),
        ("--memory-mb", limits.memory_mb, "MB of memory per kernel"),
        ("--max-processes", limits.max_processes, "processes and threads per kernel"),
        ("--max-file-mb", limits.max_file_mb, "MB per file a kernel writes"),
        ("--max-notebook-mb", defaults.max_notebook_mb, "MB: larger submissions are not read"),
    ):
        p.add_argument(flag, type=int, default=value, help=f"{unit} (default %(default)s)")


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command."""
    parser = argparse.ArgumentParser(
        prog="python -m autograde",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="the course repository (default: this one)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("release", help=cmd_release.__doc__)
    p.add_argument("assignments", nargs="*")
    p.add_argument("--publish", action="store_true", help="publish even without COURSE_EXCHANGE")
    p.add_argument(
        "--no-timing",
        action="store_true",
        help="do not time the solution in the grader (make grade then uses the fixed limits)",
    )
    p.set_defaults(run=cmd_release)
    p = sub.add_parser("collect", help=cmd_collect.__doc__)
    p.add_argument("assignment")
    p.add_argument("--from", dest="source", help="a folder or .zip downloaded from an LMS")
    p.add_argument(
        "--roster", help="the class list from the LMS (CSV: id, name, email) to name students by"
    )
    limits = collect.Limits()
    p.add_argument(
        "--max-notebook-mb",
        type=_positive,
        default=limits.notebook_mb,
        help="the largest notebook collected, in MB (default %(default)s)",
    )
    p.add_argument(
        "--max-total-mb",
        type=_positive,
        default=limits.total_mb,
        help="the most one collect takes from a download, in MB (default %(default)s)",
    )
    p.set_defaults(run=cmd_collect)
    p = sub.add_parser("grade", help=cmd_grade.__doc__)
    p.add_argument("assignment")
    p.add_argument("students", nargs="*", help="only these students (default: all)")
    _grade_options(p)
    p.set_defaults(run=cmd_grade)
    for name, func in (("feedback", cmd_feedback), ("summary", cmd_summary)):
        p = sub.add_parser(name, help=func.__doc__)
        p.add_argument("assignment")
        p.set_defaults(run=func)
        if name == "feedback":
            p.add_argument(
                "--publish", action="store_true", help="release it even without COURSE_EXCHANGE"
            )
    p = sub.add_parser("export", help=cmd_export.__doc__)
    p.add_argument("assignment", nargs="?")
    p.add_argument("--out", help="default: autograde/grades.csv")
    p.set_defaults(run=cmd_export)
    p = sub.add_parser("student-edition", help=cmd_student_edition.__doc__)
    p.add_argument("dest", help="a new or empty folder, or an edition written there before")
    p.add_argument(
        "--repository",
        help="the student repository's GitHub address (default: "
        "[tool.cnn-course-kit] student-repository in pyproject.toml)",
    )
    p.set_defaults(run=cmd_student_edition)
    ns = parser.parse_args(argv)
    try:
        return ns.run(ns) or 0
    except (FileNotFoundError, ValueError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
