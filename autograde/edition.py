"""The student edition: a repository for students with the course and none of its answers.

    python -m autograde student-edition DEST [--repository URL]
    make student-edition DEST=../course-student REPO=https://github.com/ORG/course-student

This repository holds ``solutions/`` (every answer, every hidden test), ``autograde/`` and
``tests/`` (whose wrong-answer cases name the right answers): right for self-study, wrong
for a class graded for credit. The edition written to ``DEST`` is what a lecturer
publishes to students instead: ``course/``, ``utils/``, ``environment.yml``, ``postBuild``,
``pyproject.toml``, a ``.gitignore``, and two files made from the kit's own:

* ``README.md``: the parts of the kit's README between ``<!-- student-edition -->`` and
  ``<!-- /student-edition -->`` (quick start, course map, settings, Colab and Binder);
* ``Makefile``: the parts of the kit's Makefile between ``# student-edition`` and
  ``# /student-edition`` lines (the venv and install rules, lab, update-notebooks, data),
  after the help text, from which only the lines of targets the edition has are kept.

The edition's badges, Colab install cells and clone command point at the student
repository's address, given as ``--repository`` or set once in the kit's pyproject.toml as
``[tool.cnn-course-kit] student-repository``; the edition's own pyproject.toml names it as
``[project.urls] Repository``, so :mod:`autograde.header` writes them exactly as
`make release` does for the kit.

``DEST`` must be outside this repository, and new, empty, or an edition written earlier
(it has ``.student-edition.json``, which lists the files written and their checksums).
Rebuilding replaces only those files, refuses when one of them was edited since, and
keeps everything else (a LICENSE you added, ``.venv/``, ``workspace/``). The edition is a
git repository on branch ``main`` (the branch the badges name): the first build makes
its first commit, each rebuild one more commit, so students can ``git pull``.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from . import header

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ".student-edition.json"
README_MARKERS = ("<!-- student-edition -->", "<!-- /student-edition -->")
MAKEFILE_MARKERS = ("# student-edition", "# /student-edition")
FOLDERS = ("course", "utils")  # copied as git sees them: tracked or untracked, never ignored
FILES = ("environment.yml", "postBuild", "setup.py")  # copied as they are
# What the kit keeps for instructors and maintainers: never part of an edition.
INSTRUCTOR_ONLY = ("solutions", "autograde", "tests", ".ci")
# Markers of what nbgrader removes from the student version: none may be left in course/.
ANSWER_MARKERS = (
    "### BEGIN SOLUTION",
    "### END SOLUTION",
    "### BEGIN HIDDEN TESTS",
    "### END HIDDEN TESTS",
    "BEGIN MARK SCHEME",
    "END MARK SCHEME",
)
_SKIP_PARTS = {"__pycache__", ".ipynb_checkpoints"}
_SKIP_SUFFIXES = {".pyc", ".pyo"}


def student_repository(url: str | None = None, pyproject: Path = ROOT / "pyproject.toml") -> str:
    """The student repository's GitHub address: ``url`` if given, else the kit's
    ``[tool.cnn-course-kit] student-repository``; never the kit's own repository."""
    setting = (
        header.tomllib.loads(pyproject.read_text())
        .get("tool", {})
        .get("cnn-course-kit", {})
        .get("student-repository", "")
    )
    url = (url or setting or "").strip().rstrip("/").removesuffix(".git")
    if not url:
        raise ValueError(
            "the student edition needs the student repository's address: "
            "make student-edition DEST=... REPO=https://github.com/OWNER/NAME (or "
            "set [tool.cnn-course-kit] student-repository in pyproject.toml)"
        )
    slug = header.github_slug(url)
    if slug.lower() == header.github_slug(header.repository_url(pyproject)).lower():
        raise ValueError(
            f"{url} is the kit's own repository, which holds the solutions; the "
            "student edition needs a repository of its own"
        )
    return url


def marked_parts(text: str, markers: tuple[str, str], what: str) -> list[str]:
    """The parts of ``text`` between each pair of marker lines (the markers left out)."""
    start, end = markers
    parts: list[str] = []
    current: list[str] | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip() == start:
            if current is not None:
                raise ValueError(f"{what}, line {number}: {start!r} again before {end!r}")
            current = []
        elif line.strip() == end:
            if current is None:
                raise ValueError(f"{what}, line {number}: {end!r} without {start!r} before it")
            parts.append("\n".join(current))
            current = None
        elif current is not None:
            current.append(line)
    if current is not None:
        raise ValueError(f"{what}: {start!r} is never closed by {end!r}")
    if not parts:
        raise ValueError(f"{what} marks no part for the student edition ({start!r} ... {end!r})")
    return parts


def student_readme(readme: str, url: str, root: Path = ROOT) -> str:
    """The student README: the README's student parts, badges and clone command for ``url``."""
    text = "\n\n".join(p.strip("\n") for p in marked_parts(readme, README_MARKERS, "README.md"))
    text = header.readme_badges(text, url, header.first_notebook(root))
    if f"git clone {url}.git" not in text:
        raise ValueError("README.md's student parts need the quick start's `git clone` command")
    note = (
        "<!-- Written by `make student-edition` from the course kit's README.md: "
        "edit that one, not this copy. -->\n"
    )
    return note + text + "\n"


def student_makefile(makefile: str) -> str:
    """The student Makefile: the help text (lines of targets the edition lacks left out),
    then the Makefile's student parts."""
    lines = makefile.splitlines()
    n = next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))
    body = "\n\n".join(p.strip("\n") for p in marked_parts(makefile, MAKEFILE_MARKERS, "Makefile"))
    targets = set()
    for line in body.splitlines():
        m = re.match(r"^([\w .-]+?)\s*:(?![:=])", line)  # a rule, not `X := ...`
        if m and not line.startswith((".", "\t")):
            targets.update(m.group(1).split())
    help_lines: list[str] = []
    for line in lines[:n]:
        m = re.match(r"^#\s+make ([\w-]+)", line)
        if m and m.group(1) not in targets:
            continue
        if line.rstrip() == "#" and help_lines and help_lines[-1].rstrip() == "#":
            continue  # a group of help lines left out entirely: one blank line, not two
        help_lines.append(line)

    def phony(m: re.Match) -> str:
        return ".PHONY: " + " ".join(t for t in m.group(1).split() if t in targets)

    body = re.sub(r"^\.PHONY:(.*)$", phony, body, flags=re.M)
    return "\n".join(help_lines) + "\n\n" + body + "\n"


def student_pyproject(pyproject: str, url: str) -> str:
    """pyproject.toml with ``[project.urls] Repository`` set to ``url``."""
    text, n = re.subn(
        r'(?m)^(Repository\s*=\s*)"[^"]*"', lambda m: f'{m.group(1)}"{url}"', pyproject
    )
    if n != 1 or header.tomllib.loads(text)["project"]["urls"]["Repository"] != url:
        raise ValueError(
            'pyproject.toml needs exactly one `Repository = "..."` line, under [project.urls]'
        )
    return text


def student_gitignore(gitignore: str) -> str:
    """The kit's .gitignore without the instructor-only folders (and comments that describe
    only those)."""
    out: list[str] = []
    comments: list[str] = []  # the comment lines above the next pattern
    after_pattern = False
    for line in gitignore.splitlines():
        text = line.strip()
        if text.startswith("#"):
            if after_pattern:
                comments, after_pattern = [], False
            comments.append(line)
        elif not text:
            comments, after_pattern = [], False
            if out and out[-1]:
                out.append("")
        else:
            after_pattern = True
            if text.lstrip("/").split("/")[0] in INSTRUCTOR_ONLY:
                continue
            out += comments + [line]
            comments = []
    return "\n".join(out).strip("\n") + "\n"


def _files(root: Path, folder: str) -> list[str]:
    """The files of ``root/folder`` that git would commit (tracked, or untracked and not
    ignored), as paths relative to ``root``; without git, every file but caches."""
    try:
        proc = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
                "--",
                folder,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        names = sorted(set(filter(None, proc.stdout.split("\0"))))
    except (OSError, subprocess.CalledProcessError):
        names = sorted(p.relative_to(root).as_posix() for p in (root / folder).rglob("*"))
    return [
        n
        for n in names
        if (root / n).is_file()
        and not (root / n).is_symlink()
        and not _SKIP_PARTS & set(Path(n).parts)
        and Path(n).suffix not in _SKIP_SUFFIXES
    ]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(stage: Path, url: str, root: Path = ROOT) -> dict[str, str]:
    """Write the edition for ``url`` into the empty folder ``stage``; return its files
    (relative path -> sha256), the manifest left out."""
    for folder in FOLDERS:
        for name in _files(root, folder):
            (stage / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(root / name, stage / name)
    for name in FILES:
        shutil.copy(root / name, stage / name)  # (keeps postBuild executable)
    (stage / "README.md").write_text(student_readme((root / "README.md").read_text(), url, root))
    (stage / "Makefile").write_text(student_makefile((root / "Makefile").read_text()))
    (stage / "pyproject.toml").write_text(
        student_pyproject((root / "pyproject.toml").read_text(), url)
    )
    (stage / ".gitignore").write_text(student_gitignore((root / ".gitignore").read_text()))
    for notebook in sorted((stage / "course").glob("*/*.ipynb")):
        header.apply_to_file(notebook, notebook.relative_to(stage).as_posix(), url)
    files = sorted(p for p in stage.rglob("*") if p.is_file())
    for path in files:  # a last guard; tests/test_student_edition.py scans line by line
        left = [m for m in ANSWER_MARKERS if m in path.read_text(errors="replace")]
        if left:
            raise ValueError(
                f"{path.relative_to(stage)} has {left}: is course/ the student "
                "version? Run `make release`, then build the edition again."
            )
    return {p.relative_to(stage).as_posix(): _sha256(p) for p in files}


def check_dest(dest: Path, root: Path = ROOT) -> dict:
    """Refuse a ``dest`` that would mix the edition with other files; return the manifest of
    the edition already there (``{}`` for a new or empty folder)."""
    if dest == root or root in dest.parents:
        raise ValueError(
            f"{dest} is inside the course kit's repository ({root}); write the "
            "student edition outside it, e.g. DEST=../course-student"
        )
    if dest.exists() and not dest.is_dir():
        raise ValueError(f"{dest} is a file, not a folder")
    if not dest.exists() or not any(dest.iterdir()):
        return {}
    if not (dest / MANIFEST).is_file():
        raise ValueError(
            f"{dest} is not empty and is not a student edition written before "
            f"(it has no {MANIFEST}); nothing was changed. Choose a new or empty "
            "folder."
        )
    old = json.loads((dest / MANIFEST).read_text())
    edited = [
        name
        for name, sha in old.get("files", {}).items()
        if (dest / name).is_file() and _sha256(dest / name) != sha
    ]
    if edited:
        raise ValueError(
            f"{len(edited)} file(s) of the edition in {dest} changed since it was "
            f"written, and rebuilding would replace them: {', '.join(edited[:8])}. "
            "Make the change in the kit (or move the files away), then rebuild."
        )
    return old


def _git(dest: Path, *args: str) -> str:
    proc = subprocess.run(["git", "-C", str(dest), *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"`git {' '.join(args)}` failed in {dest}:\n{proc.stderr[-2000:]}")
    return proc.stdout


def _source_commit(root: Path) -> str:
    """The kit's commit, e.g. ``a5e3640``, with ``+ uncommitted changes`` when it has some."""
    try:
        commit = _git(root, "rev-parse", "--short", "HEAD").strip()
        dirty = _git(
            root,
            "status",
            "--porcelain",
            "--",
            *FOLDERS,
            *FILES,
            "README.md",
            "Makefile",
            "pyproject.toml",
            ".gitignore",
        ).strip()
    except (OSError, RuntimeError):
        return "unknown"
    return commit + (" + uncommitted changes" if dirty else "")


def _commit(dest: Path, old: list[str], new: list[str], source: str) -> str:
    """Commit the edition's files (and the removal of files it no longer has); returns
    what happened, in words."""
    if shutil.which("git") is None:
        return "git is not installed: the edition is not a git repository yet (git init it)"
    if not (dest / ".git").exists():
        _git(dest, "init", "-q")
        _git(dest, "symbolic-ref", "HEAD", f"refs/heads/{header.BRANCH}")
    gone = sorted(set(old) - set(new))
    if gone:
        _git(dest, "rm", "-q", "--cached", "--ignore-unmatch", "--", *gone)
    _git(dest, "add", "--", *new)
    unchanged = subprocess.run(["git", "-C", str(dest), "diff", "--cached", "--quiet"])
    has_head = subprocess.run(
        ["git", "-C", str(dest), "rev-parse", "--verify", "-q", "HEAD"], capture_output=True
    )
    if unchanged.returncode == 0 and has_head.returncode == 0:
        return "nothing changed since the last build: no new commit"
    identity = []
    if not _git(dest, "config", "--default", "", "user.email").strip():
        identity = ["-c", "user.name=cnn-course-kit", "-c", "user.email=student-edition@localhost"]
    message = (
        f"Student edition of the course kit at {source}\n\n"
        "Written by `make student-edition`: course/ and utils/ without solutions/, hidden "
        "tests or answer keys."
    )
    _git(dest, *identity, "commit", "-q", "-m", message)
    return f"committed on branch {_git(dest, 'branch', '--show-current').strip()}"


def write(dest: Path, url: str | None = None, root: Path = ROOT) -> str:
    """Write (or rebuild) the student edition in ``dest``; returns a summary to print."""
    dest = Path(dest).expanduser().resolve()
    url = student_repository(url, root / "pyproject.toml")
    old = check_dest(dest, root)
    source = _source_commit(root)
    with tempfile.TemporaryDirectory(prefix="kit-edition-") as tmp:
        files = build(Path(tmp), url, root)
        taken = [n for n in files if n not in old.get("files", {}) and (dest / n).exists()]
        if taken:
            raise ValueError(
                f"{dest} has files the edition would overwrite and did not write "
                f"itself: {', '.join(taken[:8])}; nothing was changed. Move them "
                "away, then rebuild."
            )
        dest.mkdir(parents=True, exist_ok=True)
        for name in old.get("files", {}):  # unchanged since written (check_dest): replaceable
            (dest / name).unlink(missing_ok=True)
        for name in files:
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(Path(tmp) / name, dest / name)
    for folder in sorted({(dest / n).parent for n in old.get("files", {})}, reverse=True):
        while folder != dest and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    manifest = {
        "written_by": "make student-edition (autograde/edition.py of the course kit)",
        "source": source,
        "repository": url,
        "files": files,
    }
    (dest / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    committed = _commit(dest, list(old.get("files", {})) + [MANIFEST], [*files, MANIFEST], source)
    return (
        f"wrote the student edition for {url} to {dest}: {len(files)} files "
        f"(course/, utils/, README.md, Makefile, ...); {committed}.\n"
        f"Publish it: cd {dest} && git remote add origin {url}.git && git push -u origin "
        f"{header.BRANCH}  (later rebuilds: git push)"
    )
