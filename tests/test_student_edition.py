"""The student edition (`make student-edition`): a repository for students that gives no
answer away, points at its own address, and works from a fresh clone.

The leak scan. A *secret line* is a line of a graded region of a notebook in
``solutions/``: a solution (``### BEGIN SOLUTION`` ... ``### END SOLUTION``, or a whole
written-answer markdown cell), a hidden-test block (``### BEGIN HIDDEN TESTS`` ... ``END``)
or a mark scheme (``<!-- BEGIN MARK SCHEME -->`` ... ``<!-- END MARK SCHEME -->``). Left out
are trivial lines (under 12 characters that are not spaces: ``return out``, brackets) and
lines that the notebooks show anyway, i.e. that occur in some source notebook *outside*
its graded regions (the text the student notebooks are made of). That public text is taken
from ``solutions/``, not from ``course/``: ``course/`` ships, so a leak there must not
count as public. A secret line is found when it occurs anywhere in a file of the edition
(any string of a notebook's JSON: sources, outputs, metadata). The scan is only worth
something if it looks for much: every graded region must give it lines to look for, and a
region that is mostly visible elsewhere anyway is named (it would pass the scan while
being given away).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import nbformat
import pytest

from autograde import edition, header
from autograde.scratch import solved_student_notebook
from tests.lab_server import Lab, _stop, _wait_until_up, free_port, student_env

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted(ROOT.glob("solutions/*/*.ipynb"))
REPO = "https://github.com/kit-test-org/course-student"
DELIMITERS = (
    ("### BEGIN SOLUTION", "### END SOLUTION", "solution"),
    ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS", "hidden tests"),
    ("BEGIN MARK SCHEME", "END MARK SCHEME", "mark scheme"),
)
MIN_CHARS = 12
# Lines that every NumPy function of this shape starts with; they say nothing about an
# answer (the signatures and hints say as much), and utils/ is full of them.
IDIOMS = (
    re.compile(r"(\w+) = np\.asarray\(\1(, dtype=(float|np\.float64))?\)"),
    re.compile(r"stride = size if stride is None else stride"),
    re.compile(r"raise \w+\("),
)  # the opening line of a raise whose message follows
# utils/ files that implement an exercise on purpose, with the reason in their docstring
# (one library call away for any student): their lines of that exercise's solution are
# expected there.
ACCEPTED = {"utils/reference.py": {"conv2d_valid", "max_pool_backward"}}
# Graded regions most of whose lines a notebook shows anyway in a visible cell (so the
# scan, rightly ignoring visible lines, cannot protect them). Listed so that a new one
# fails here; when one is fixed, take it out (the test fails until you do).
KNOWN_MOSTLY_VISIBLE = {
    # cell `oriented_receptive_field` (after the exercise) builds the same coordinate grid
    ("01-visual-cortex", "make_bar", "solution"),
}


# -- the secret lines -------------------------------------------------------------------


def _regions(cell) -> list[str | None]:
    """The kind of graded region each line of ``cell`` is in (None: visible; "" : a
    delimiter line)."""
    lines = cell.source.splitlines()
    kinds: list[str | None] = [None] * len(lines)
    for begin, end, kind in DELIMITERS:
        inside = False
        for i, line in enumerate(lines):
            if begin in line or (inside and end in line):
                inside = begin in line
                kinds[i] = ""
            elif inside and kinds[i] is None:
                kinds[i] = kind
    meta = cell.metadata.get("nbgrader", {})
    if cell.cell_type == "markdown" and meta.get("solution") and "solution" not in kinds:
        kinds = ["written answer" if k is None else k for k in kinds]
    return kinds


def _trivial(line: str) -> bool:
    return len(re.sub(r"\s", "", line)) < MIN_CHARS


def _graded_lines():
    """{(assignment, grade_id, kind): [stripped lines]} and the visible text of all
    source notebooks."""
    regions: dict[tuple, list[str]] = defaultdict(list)
    visible: list[str] = []
    for path in SOLUTIONS:
        for cell in nbformat.read(path, as_version=4).cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", cell.get("id"))
            for line, kind in zip(cell.source.splitlines(), _regions(cell)):
                if kind is None:
                    visible.append(line)
                elif kind:
                    regions[path.parent.name, grade_id, kind].append(line.strip())
    return dict(regions), "\n".join(visible)


REGIONS, VISIBLE = _graded_lines()


def _secrets() -> dict[str, set[tuple]]:
    """Secret line -> the graded regions it comes from."""
    out: dict[str, set[tuple]] = defaultdict(set)
    for key, lines in REGIONS.items():
        for line in lines:
            if not _trivial(line) and line not in VISIBLE:
                out[line].add(key)
    return dict(out)


SECRETS = _secrets()


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _scanned(line: str) -> bool:
    return line in SECRETS and not any(p.fullmatch(line) for p in IDIOMS)


def edition_files(dest: Path) -> list[Path]:
    """Every file of the edition (git's own folder left out)."""
    return sorted(
        p for p in dest.rglob("*") if p.is_file() and ".git" not in p.relative_to(dest).parts
    )


def file_text(path: Path) -> str:
    """What a reader of ``path`` can see: every string of a notebook's JSON, else the text."""
    if path.suffix == ".ipynb":
        return "\n".join(_strings(json.loads(path.read_text())))
    return path.read_bytes().decode("utf-8", errors="replace")


def leaks(dest: Path) -> list[str]:
    """``"file: line (from assignment/grade_id kind)"`` for each secret line found."""
    found = []
    for path in edition_files(dest):
        rel, text = path.relative_to(dest).as_posix(), file_text(path)
        for line, origins in SECRETS.items():
            if not _scanned(line) or line not in text:
                continue
            if {grade_id for _, grade_id, _ in origins} & ACCEPTED.get(rel, set()):
                continue
            where = ", ".join(sorted(f"{a}/{g} {k}" for a, g, k in origins))
            found.append(f"{rel}: {line!r} (from {where})")
    return found


# -- building -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """One edition for the read-only checks (built once: it takes a few seconds)."""
    dest = tmp_path_factory.mktemp("edition") / "course-student"
    edition.write(dest, REPO)
    return dest


def _edition_copy(built: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "copy"
    shutil.copytree(built, dest)
    return dest


def _git(path: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(path), *args], capture_output=True, text=True, check=True
    ).stdout


# -- nothing that gives an answer away ------------------------------------------------------


def test_the_scan_has_something_to_look_for():
    kinds = {kind for _, _, kind in REGIONS}
    assert {"solution", "hidden tests", "written answer"} <= kinds, kinds
    empty = [key for key, lines in REGIONS.items() if not any(_scanned(line) for line in lines)]
    assert not empty, (
        f"graded regions without one line the scan could look for (all trivial "
        f"or visible elsewhere): {empty}"
    )
    for path in SOLUTIONS:
        per_kind = defaultdict(int)
        for origins in SECRETS.values():
            for assignment, _, kind in origins:
                per_kind[kind] += assignment == path.parent.name
        assert per_kind["solution"] >= 10 and per_kind["hidden tests"] >= 10, (path, per_kind)


def test_no_graded_region_is_mostly_visible_elsewhere():
    mostly = set()
    for key, lines in REGIONS.items():
        lines = [line for line in lines if not _trivial(line)]
        if lines and sum(line in VISIBLE for line in lines) > len(lines) / 2:
            mostly.add(key)
    assert mostly == KNOWN_MOSTLY_VISIBLE, (
        f"regions whose lines the notebooks mostly show in visible cells: {sorted(mostly)}; "
        f"listed as known: {sorted(KNOWN_MOSTLY_VISIBLE)}"
    )


def test_no_solution_hidden_test_or_mark_scheme_line_is_in_the_edition(built):
    found = leaks(built)
    assert not found, "the student edition gives answers away:\n" + "\n".join(found)


@pytest.mark.parametrize("where", ["utils/plots.py", "README.md", "course-notebook"])
def test_the_scan_catches_a_planted_leak(built, tmp_path, where):
    dest = _edition_copy(built, tmp_path)
    answer = next(
        lines
        for (a, g, k), lines in REGIONS.items()
        if a == "04-pooling" and g == "max_pool_backward" and k == "solution"
    )
    hidden = next(
        lines
        for (a, g, k), lines in REGIONS.items()
        if a == "03-padding-stride-channels" and k == "hidden tests"
    )
    if where == "course-notebook":  # a whole solution pasted into a markdown cell
        nb_path = dest / "course/04-pooling/04-pooling.ipynb"
        nb = nbformat.read(nb_path, as_version=4)
        nb.cells.append(nbformat.v4.new_markdown_cell("```python\n" + "\n".join(answer) + "\n```"))
        nbformat.write(nb, nb_path)
        planted = [line for line in answer if _scanned(line)]
        where = nb_path.relative_to(dest).as_posix()
    else:
        line = next(line for line in hidden if _scanned(line))
        with (dest / where).open("a") as f:
            f.write(f"\n# {line}\n")
        planted = [line]
    found = [f for f in leaks(dest) if f.startswith(f"{where}: ")]
    assert len(found) == len(planted) > 0, (planted, found)
    assert all(any(repr(line) in f for f in found) for line in planted), (planted, found)


def test_no_instructor_file_is_in_the_edition(built):
    files = {p.relative_to(built).as_posix() for p in edition_files(built)}
    tops = {f.split("/")[0] for f in files}
    assert not tops & {"solutions", "autograde", "tests", ".ci"}, sorted(tops)
    # Nor any file of those folders under another name's folder (a copy in utils/, say).
    student_names = {p.name for top in ("course", "utils") for p in (ROOT / top).rglob("*")}
    instructor = {
        p.name
        for top in ("solutions", "autograde", "tests")
        for p in (ROOT / top).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert "nb01_visual_cortex.py" in instructor  # a module of tests/wrong_answers/
    present = sorted({Path(f).name for f in files} & (instructor - student_names))
    assert not present, f"instructor-side files in the edition: {present}"
    for notebook in built.glob("course/*/*.ipynb"):
        text = notebook.read_text()
        assert not [m for m in edition.ANSWER_MARKERS if m in text], notebook


def test_the_edition_holds_what_students_need(built):
    files = {p.relative_to(built).as_posix() for p in edition_files(built)}
    for name in (
        "README.md",
        "Makefile",
        "pyproject.toml",
        "environment.yml",
        "postBuild",
        "setup.py",  # ships the .pth that keeps old notebooks' `import utils` working
        "utils/cnn_course_kit_legacy.pth",
        ".gitignore",
        "utils/__init__.py",
        "utils/checks.py",
        edition.MANIFEST,
    ):
        assert name in files, name
    course = sorted(p.relative_to(ROOT).as_posix() for p in ROOT.glob("course/*/*.ipynb"))
    assert course and set(course) <= files
    assert os.access(built / "postBuild", os.X_OK)
    assert (built / "environment.yml").read_text() == (ROOT / "environment.yml").read_text()
    ignored = (built / ".gitignore").read_text().split()
    assert {"workspace/", ".venv/"} <= set(ignored) and not any("autograde" in i for i in ignored)


# -- its own address ------------------------------------------------------------------------


def test_badges_colab_cells_and_clone_command_point_at_the_student_repository(built):
    assert header.repository_url(built / "pyproject.toml") == REPO
    for notebook in sorted(built.glob("course/*/*.ipynb")):
        rel = notebook.relative_to(built).as_posix()
        cells = nbformat.read(notebook, as_version=4).cells
        assert cells[1].get("id") == header.BADGES_ID and cells[2].get("id") == header.COLAB_ID
        assert header.colab_url(REPO, rel) in cells[1].source, rel
        assert header.binder_url(REPO, rel) in cells[1].source, rel
        assert cells[2].source == header.colab_cell_source(REPO), rel
    readme = (built / "README.md").read_text()
    assert header.readme_badges(readme, REPO, header.first_notebook()) == readme
    assert f"git clone {REPO}.git\ncd course-student\n" in readme


def test_the_kits_own_address_appears_nowhere(built):
    kit = header.github_slug(header.repository_url())
    # The download User-Agent names the kit's home page (utils/datasets/sources.py).
    expected = {"utils/datasets/sources.py"}
    named = {p.relative_to(built).as_posix() for p in edition_files(built) if kit in file_text(p)}
    assert named <= expected, f"files naming the kit's repository {kit}: {sorted(named - expected)}"


# -- the student README and Makefile --------------------------------------------------------


def test_the_student_readme_is_the_readmes_student_parts(built):
    readme = re.sub(r"<!--.*?-->", "", (built / "README.md").read_text())
    kit = (ROOT / "README.md").read_text()
    for heading in ("## Quick start", "## Course map", "## Colab and Binder", "## GPUs"):
        assert heading in readme
    for heading in ("## For instructors", "## For maintainers", "make test", "make release"):
        assert heading in kit and heading not in readme, heading
    assert not re.search(r"\b(solutions|autograde|tests)/", readme)
    # The course map's rows are the kit's, word for word.
    rows = [line for line in kit.splitlines() if re.match(r"\| 0\d \|", line)]
    assert rows and all(row in readme for row in rows)
    targets = _make_targets((built / "Makefile").read_text())
    mentioned = set(re.findall(r"\bmake ([a-z][\w-]*)", readme))
    assert mentioned and mentioned <= targets, mentioned - targets


def _make_targets(makefile: str) -> set[str]:
    return {
        t
        for m in re.finditer(r"^([\w][\w .-]*?)\s*:(?![:=])", makefile, flags=re.M)
        for t in m.group(1).split()
    }


def test_the_student_makefile_has_the_student_targets_only(built):
    makefile = (built / "Makefile").read_text()
    targets = _make_targets(makefile)
    assert {"help", "lab", "update-notebooks", "data"} <= targets, targets
    assert not targets & {
        "test",
        "test-quick",
        "release",
        "collect",
        "grade",
        "feedback",
        "export",
        "summary",
        "bench",
        "formgrader",
        "student-edition",
    }
    assert not re.search(r"autograde|solutions|pytest|student-edition", makefile)
    helped = set(re.findall(r"^#\s+make ([\w-]+)", makefile, flags=re.M))
    assert helped == {"lab", "update-notebooks", "data"}, helped
    out = subprocess.run(
        ["make", "-C", str(built), "--no-print-directory", "help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "make lab" in out and "make test" not in out
    dry = subprocess.run(["make", "-C", str(built), "-n", "lab"], capture_output=True, text=True)
    assert dry.returncode == 0 and "jupyter lab" in dry.stdout, dry.stdout + dry.stderr


def test_the_kits_make_target_runs_the_edition_command():
    dry = subprocess.run(
        [
            "make",
            "-C",
            str(ROOT),
            "-n",
            "--no-print-directory",
            "student-edition",
            "DEST=/tmp/x",
            f"REPO={REPO}",
        ],
        capture_output=True,
        text=True,
    )
    assert f'-m autograde student-edition "/tmp/x" --repository "{REPO}"' in dry.stdout, (
        dry.stdout + dry.stderr
    )


# -- a git repository, rebuilt safely --------------------------------------------------------


def test_the_edition_is_a_git_repository_with_one_commit(built, tmp_path):
    assert _git(built, "rev-list", "--count", "HEAD").strip() == "1"
    assert _git(built, "branch", "--show-current").strip() == header.BRANCH
    assert _git(built, "status", "--porcelain") == ""
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", built.as_uri(), str(clone)], check=True)
    assert {p.relative_to(clone) for p in edition_files(clone)} == {
        p.relative_to(built) for p in edition_files(built)
    }


def test_rebuilding_replaces_only_the_editions_files(built, tmp_path):
    dest = _edition_copy(built, tmp_path)
    (dest / "LICENSE").write_text("the lecturer's licence\n")
    _git(dest, "add", "LICENSE")
    _git(dest, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "licence")
    # An older edition had a file the kit no longer has.
    manifest = json.loads((dest / edition.MANIFEST).read_text())
    (dest / "utils/retired.py").write_text('"""gone from the kit"""\n')
    manifest["files"]["utils/retired.py"] = edition._sha256(dest / "utils/retired.py")
    (dest / edition.MANIFEST).write_text(json.dumps(manifest))
    _git(dest, "add", "-A")
    _git(dest, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", "old")
    (dest / "workspace").mkdir()
    (dest / "workspace" / "mine.ipynb").write_text("{}")  # git-ignored student work
    message = edition.write(dest, REPO)
    assert "committed" in message
    assert not (dest / "utils/retired.py").exists()
    assert (dest / "LICENSE").read_text() == "the lecturer's licence\n"
    assert (dest / "workspace" / "mine.ipynb").exists()
    assert _git(dest, "rev-list", "--count", "HEAD").strip() == "4"
    assert _git(dest, "status", "--porcelain") == ""
    assert "nothing changed" in edition.write(dest, REPO)
    assert _git(dest, "rev-list", "--count", "HEAD").strip() == "4"


def test_rebuilding_refuses_an_edited_edition_file(built, tmp_path):
    dest = _edition_copy(built, tmp_path)
    (dest / "README.md").write_text("my notes\n")
    with pytest.raises(ValueError, match="changed since it was written.*README.md"):
        edition.write(dest, REPO)
    assert (dest / "README.md").read_text() == "my notes\n"


def test_rebuilding_refuses_to_overwrite_a_file_it_did_not_write(built, tmp_path):
    dest = _edition_copy(built, tmp_path)
    manifest = json.loads((dest / edition.MANIFEST).read_text())
    del manifest["files"]["utils/plots.py"]  # as if the lecturer had put it there
    (dest / edition.MANIFEST).write_text(json.dumps(manifest))
    (dest / "utils/plots.py").write_text("mine\n")
    with pytest.raises(ValueError, match="would overwrite.*utils/plots.py"):
        edition.write(dest, REPO)
    assert (dest / "utils/plots.py").read_text() == "mine\n"


def test_refuses_a_folder_that_is_not_an_edition(tmp_path):
    (tmp_path / "notes.txt").write_text("keep me\n")
    with pytest.raises(ValueError, match="not empty and is not a student edition"):
        edition.write(tmp_path, REPO)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


@pytest.mark.parametrize("inside", [".", "build/student-edition-test", "course"])
def test_refuses_a_folder_inside_the_kit(inside):
    dest = ROOT / inside
    existed = dest.exists()
    with pytest.raises(ValueError, match="inside the course kit's repository"):
        edition.write(dest, REPO)
    assert dest.exists() == existed


@pytest.mark.parametrize(
    "url, match",
    [
        (None, "needs the student repository's address"),
        ("https://gitlab.com/org/course", "GitHub address"),
        (header.repository_url(), "the kit's own repository"),
    ],
)
def test_refuses_a_missing_or_wrong_address(tmp_path, url, match):
    pyproject = tmp_path / "pyproject.toml"  # the kit's, without a student-repository setting
    text = (ROOT / "pyproject.toml").read_text()
    pyproject.write_text(re.sub(r"(?ms)^\[tool\.cnn-course-kit\].*?(?=^\[|\Z)", "", text))
    with pytest.raises(ValueError, match=match):
        edition.student_repository(url, pyproject)


def test_a_refused_address_writes_nothing(tmp_path):
    with pytest.raises(ValueError, match="GitHub address"):
        edition.write(tmp_path / "dest", "https://gitlab.com/org/course")
    assert not (tmp_path / "dest").exists()


def test_the_address_can_be_set_in_pyproject(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    text = (ROOT / "pyproject.toml").read_text()
    pyproject.write_text(text + f'\n[tool.cnn-course-kit]\nstudent-repository = "{REPO}/"\n')
    assert edition.student_repository(None, pyproject) == REPO
    assert (
        edition.student_repository("https://github.com/a/b.git", pyproject)
        == "https://github.com/a/b"
    )


def test_the_command_line(tmp_path, capsys):
    from autograde.__main__ import main

    assert main(["student-edition", str(tmp_path / "e"), "--repository", REPO]) == 0
    assert "wrote the student edition" in capsys.readouterr().out
    assert main(["student-edition", str(ROOT / "build" / "x"), "--repository", REPO]) == 1
    assert "inside the course kit's repository" in capsys.readouterr().err


# -- from a fresh clone: make lab, and Validate in the edition's own environment ------------


def _fresh_env(home: Path) -> dict[str, str]:
    """A student's shell: nothing of this kit's .venv on PATH, no make variables of an outer
    `make test`, Jupyter's per-user folders in ``home``."""
    env = student_env(home)
    for name in (
        "MAKEFLAGS",
        "MFLAGS",
        "MAKELEVEL",
        "MAKEOVERRIDES",
        "VIRTUAL_ENV",
        "PYTHONPATH",
        "PYTHONHOME",
    ):
        env.pop(name, None)
    env["PATH"] = os.pathsep.join(
        p for p in env["PATH"].split(os.pathsep) if p and not Path(p).resolve().is_relative_to(ROOT)
    )
    env["JUPYTER_DATA_DIR"] = str(home / "data")
    return env


def _site_packages() -> list[str]:
    return sorted(os.listdir(next(Path(sys.prefix).glob("lib/python*/site-packages"))))


@pytest.fixture(scope="module")
def clone(built, tmp_path_factory):
    """A fresh `git clone` of the edition; its .venv (2 GB, some 44,000 files) is removed
    afterwards, in the background (deleting it took two minutes on a busy machine)."""
    path = tmp_path_factory.mktemp("student") / "course-student"
    subprocess.run(["git", "clone", "-q", built.as_uri(), str(path)], check=True)
    yield path
    if (path / ".venv").exists():
        gone = path.parent / ".venv-deleted"
        (path / ".venv").rename(gone)
        subprocess.Popen(
            ["rm", "-rf", str(gone)],
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )


def _make(clone: Path, *args: str, env: dict, **kwargs):
    python = getattr(sys, "_base_executable", "") or "python3"
    return [
        "make",
        "--no-print-directory",
        "-C",
        str(clone),
        *args,
        f"PYTHON={python}",
        "VENV=.venv",
    ], dict(cwd=clone, env=env, **kwargs)


@pytest.mark.slow
def test_make_lab_from_a_fresh_clone_serves_the_course(clone, tmp_path):
    before = _site_packages()
    lab = Lab(port=free_port(), log=tmp_path / "lab.log")
    args = (
        f"--no-browser --ip=127.0.0.1 --port={lab.port} --IdentityProvider.token={lab.token} "
        "--ServerApp.port_retries=0"
    )
    cmd, kw = _make(clone, "lab", f"LAB_ARGS={args}", env=_fresh_env(tmp_path / "home"))
    with lab.log.open("w") as out:
        proc = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, **kw
        )
        try:  # the first make lab installs everything: minutes
            _wait_until_up(lab, proc, timeout=1800)
            nb = json.loads(lab.get("api/contents/01-visual-cortex/01-visual-cortex.ipynb"))
            cells = nb["content"]["cells"]
            assert header.colab_url(REPO, "course/01-visual-cortex/01-visual-cortex.ipynb") in (
                "".join(cells[1]["source"])
            )
            assert "@jupyter/nbgrader" in lab.get("lab").decode()
        finally:
            _stop(proc)
    assert (clone / ".venv" / "bin" / "jupyter").exists(), lab.log_tail()
    assert (clone / "workspace" / "01-visual-cortex" / "01-visual-cortex.ipynb").exists()
    where = subprocess.run(
        [
            str(clone / ".venv/bin/python"),
            "-c",
            "import cnn_course_kit; print(cnn_course_kit.__file__)",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout
    assert Path(where.strip()).is_relative_to(clone), where
    assert _site_packages() == before, "the kit's own .venv changed"


@pytest.mark.slow
def test_validate_in_the_editions_environment(clone, tmp_path):
    """nbgrader validate (the Validate button's code) from the edition's own environment:
    a notebook with the solutions' answers typed in passes, the untouched one fails."""
    env = _fresh_env(tmp_path / "home")
    cmd, kw = _make(clone, ".venv/.installed-cpu", env=env, capture_output=True, text=True)
    proc = subprocess.run(cmd, **kw)  # nothing to do after the test above
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    env["PATH"] = str(clone / ".venv" / "bin") + os.pathsep + env["PATH"]
    specs = json.loads(
        subprocess.run(
            ["jupyter", "kernelspec", "list", "--json"],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    python3 = specs["kernelspecs"]["python3"]
    kernel = python3["spec"]["argv"][0]  # "python": the server's own interpreter
    assert kernel == "python" or Path(kernel).is_relative_to(clone), python3
    assert not Path(python3["resource_dir"]).is_relative_to(ROOT), python3
    assignment = "01-visual-cortex"  # the quickest to run (the utils code is the same)
    untouched = clone / "course" / assignment / f"{assignment}.ipynb"
    solved = tmp_path / "solved" / f"{assignment}.ipynb"
    solved.parent.mkdir()
    nbformat.write(
        solved_student_notebook(untouched, ROOT / "solutions" / assignment / f"{assignment}.ipynb"),
        solved,
    )
    results = {}
    for name, notebook in (("solved", solved), ("untouched", untouched)):
        run = subprocess.run(
            ["nbgrader", "validate", str(notebook)],
            cwd=notebook.parent,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        results[name] = run.stdout + run.stderr
    assert "Success! Your notebook passes all the tests." in results["solved"], results["solved"][
        -3000:
    ]
    assert "VALIDATION FAILED" in results["untouched"], results["untouched"][-3000:]
    assert "NotImplementedError" in results["untouched"]


def test_a_course_notebook_with_answers_left_in_is_refused(tmp_path):
    """course/ regenerated by hand from solutions/ (say), with the markers still in it."""
    kit = tmp_path / "kit"  # a copy outside git: the files are found without git too
    for name in (
        "README.md",
        "Makefile",
        "pyproject.toml",
        ".gitignore",
        "environment.yml",
        "postBuild",
        "setup.py",
    ):
        (kit / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, kit / name)
    for folder in ("course", "utils", "solutions"):
        shutil.copytree(
            ROOT / folder,
            kit / folder,
            ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"),
        )
    (tmp_path / "ok").mkdir()
    assert "course/01-visual-cortex/01-visual-cortex.ipynb" in edition.build(
        tmp_path / "ok", REPO, kit
    )
    shutil.copy(SOLUTIONS[0], kit / "course" / SOLUTIONS[0].parent.name / SOLUTIONS[0].name)
    (tmp_path / "bad").mkdir()
    with pytest.raises(ValueError, match="### BEGIN SOLUTION.*make release"):
        edition.build(tmp_path / "bad", REPO, kit)
