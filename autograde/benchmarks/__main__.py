"""``python -m autograde.benchmarks [PART ...]``: run benchmark parts, print one table."""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from ..course import ROOT
from . import table

PARTS = ("pipeline", "features", "conv", "epochs", "notebooks", "grading")


def _run(part: str, ns) -> list[table.Row]:
    results = ns.out
    if part == "pipeline":
        from . import pipeline

        return pipeline.run(results, images=ns.images, epochs=ns.epochs)
    if part == "features":
        from . import features

        return features.run(results)
    if part == "conv":
        from . import conv

        return conv.run()
    if part == "epochs":
        from . import epochs

        return epochs.run()
    if part == "notebooks":
        from . import notebooks

        return notebooks.run()
    from . import grading

    return grading.run(submissions=ns.submissions, assignments=ns.assignments or None)


def main(argv: list[str] | None = None) -> int:
    """Run the parts asked for (default: all) and print their table."""
    parser = argparse.ArgumentParser(prog="python -m autograde.benchmarks", description=__doc__)
    parser.add_argument("parts", nargs="*", choices=[*PARTS, []], help="default: all")
    parser.add_argument("--images", type=int, default=2000, help="pipeline: training images")
    parser.add_argument("--epochs", type=int, default=3, help="pipeline: epochs per side")
    parser.add_argument("--submissions", type=int, default=5, help="grading: per notebook")
    parser.add_argument("--assignments", nargs="+", metavar="A",
                        help="grading: these notebooks only (default: every one)")  # fmt: skip
    parser.add_argument("--out", type=lambda p: __import__("pathlib").Path(p),
                        default=ROOT / "autograde" / "bench-results")  # fmt: skip
    ns = parser.parse_args(argv)
    parts = ns.parts or list(PARTS)
    print(f"make bench, {time.strftime('%Y-%m-%d')}, {table.machine()}")
    for part in parts:
        start = time.perf_counter()
        rows = _run(part, ns)
        path = table.save(rows, ns.out, part)
        print(f"\n{part} ({time.perf_counter() - start:.0f} s; {path})")
        print("\n".join(row.line() for row in rows))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
