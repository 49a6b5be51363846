"""One benchmark table: rows of (what, value, unit, note), printed and saved as JSON."""

from __future__ import annotations

import json
import os
import platform
import time
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class Row:
    """One measured number, or a ratio of two (``unit`` "x")."""

    part: str
    what: str
    value: float
    unit: str
    note: str = ""

    def line(self) -> str:
        number = f"{self.value:,.2f}" if abs(self.value) < 100 else f"{self.value:,.0f}"
        return f"  {self.what:58} {number:>10} {self.unit:8} {self.note}"


def machine() -> str:
    """The machine in a few words, for the table's heading and the JSON."""
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        model = platform.processor() or platform.machine()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{cores} cores ({model}), {platform.system()} {platform.release()}"


def ratio(part: str, what: str, faster: float, slower: float, note: str = "") -> Row:
    """``faster / slower`` as a row (both rates, e.g. images per second)."""
    return Row(part, what, faster / slower if slower else float("nan"), "x", note)


def save(rows: list[Row], folder: Path, part: str) -> Path:
    """Write one part's rows as JSON (with the date and the machine); the file's path."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{part}.json"
    target.write_text(
        json.dumps(
            {
                "part": part,
                "date": time.strftime("%Y-%m-%d %H:%M"),
                "machine": machine(),
                "rows": [asdict(r) for r in rows],
            },
            indent=1,
        )
        + "\n"
    )
    return target
