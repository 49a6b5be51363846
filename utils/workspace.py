"""The student's working copy of ``course/``: created by ``make lab``, refreshed by
``make update-notebooks``, never overwriting what the student wrote.

``course/`` belongs to the kit (``git pull`` updates it); ``workspace/`` belongs to the
student and is git-ignored. A manifest in ``workspace/.kit-manifest.json`` remembers the
checksum of every file as it was copied, which is how an update tells a notebook the
student never touched (safe to replace) from one they edited (kept as it is; the new
version is written beside it as ``<name>.kit-new.ipynb``).

Command line: ``python -m cnn_course_kit.workspace [--update] [--course DIR] [--workspace DIR]``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = ".kit-manifest.json"
NEW_SUFFIX = ".kit-new"
_SKIP_PARTS = {".ipynb_checkpoints", "__pycache__"}


@dataclass
class SyncReport:
    """What :func:`sync` did, path by path (relative to the workspace)."""

    copied: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept_edited: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [
            f"workspace: {len(self.copied)} new, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.kept_edited)} kept as you edited them"
        ]
        lines += [f"  new:     {p}" for p in self.copied]
        lines += [f"  updated: {p}" for p in self.updated]
        for p in self.kept_edited:
            new = _new_name(Path(p))
            lines.append(f"  kept your edited {p}; the kit's newer version is in {new}")
        return "\n".join(lines)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _new_name(rel: Path) -> Path:
    return rel.with_name(rel.stem + NEW_SUFFIX + rel.suffix)


def _course_files(course: Path):
    for path in sorted(course.rglob("*")):
        rel = path.relative_to(course)
        if path.is_file() and not (_SKIP_PARTS & set(rel.parts)) and NEW_SUFFIX not in path.stem:
            yield rel


def _load_manifest(workspace: Path) -> dict[str, str]:
    try:
        return json.loads((workspace / MANIFEST).read_text())
    except FileNotFoundError:
        return {}
    except (json.JSONDecodeError, OSError):
        # A damaged manifest only costs us the ability to replace untouched files:
        # treat every existing file as edited (safe), and rebuild the manifest.
        print(
            f"warning: {workspace / MANIFEST} is unreadable; existing notebooks are kept as they are.",
            file=sys.stderr,
        )
        return {}


def _copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(dst.name + ".tmp-kit")
    shutil.copy2(src, tmp)
    os.replace(tmp, dst)  # atomic: a crash never leaves a half-written notebook


def sync(
    course: str | Path = "course", workspace: str | Path = "workspace", *, update: bool = False
) -> SyncReport:
    """Copy the kit's notebooks into the workspace without losing student work.

    Always: files missing from the workspace are copied in. With ``update=True``, a file
    the student never changed is replaced by the kit's newer version; an edited one is
    left alone and the newer version is written beside it. Nothing is ever deleted.
    """
    course, workspace = Path(course), Path(workspace)
    if not course.is_dir():
        raise FileNotFoundError(
            f"No course folder at {course.resolve()}: run this from the "
            "repository root (where README.md is)."
        )
    workspace.mkdir(parents=True, exist_ok=True)
    manifest = _load_manifest(workspace)
    report = SyncReport()
    for rel in _course_files(course):
        src, dst, key = course / rel, workspace / rel, rel.as_posix()
        src_hash = _digest(src)
        if not dst.exists():
            _copy(src, dst)
            manifest[key] = src_hash
            report.copied.append(key)
            continue
        dst_hash = _digest(dst)
        if dst_hash == src_hash:
            manifest[key] = src_hash
            report.unchanged.append(key)
        elif not update:
            report.unchanged.append(key)
        elif manifest.get(key) == dst_hash:  # untouched since we copied it: safe to replace
            _copy(src, dst)
            manifest[key] = src_hash
            report.updated.append(key)
        else:
            _copy(src, workspace / _new_name(rel))
            report.kept_edited.append(key)
    tmp = workspace / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True))
    os.replace(tmp, workspace / MANIFEST)
    return report


def main(argv: list[str] | None = None) -> int:
    """Command line entry point (``python -m cnn_course_kit.workspace``)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--course", default="course", help="the kit's notebooks (default: course)")
    parser.add_argument("--workspace", default="workspace", help="your copy (default: workspace)")
    parser.add_argument(
        "--update",
        action="store_true",
        help="also bring in newer versions of notebooks you have not edited",
    )
    args = parser.parse_args(argv)
    print(sync(args.course, args.workspace, update=args.update))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
