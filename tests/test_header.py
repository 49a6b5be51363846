"""Every notebook's header (badges + Colab install cell) comes from one template and the one
repository address in pyproject.toml; the install command it runs is a valid requirement."""

from __future__ import annotations

import ast
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest

from autograde import header

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "solutions").glob("*/*.ipynb")) + sorted(
    (ROOT / "course").glob("*/*.ipynb")
)
URL = header.repository_url()


def _cells(path: Path):
    return nbformat.read(path, as_version=4).cells


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_header_cells_come_from_the_template(path):
    cells = _cells(path)
    rel = path.relative_to(ROOT).as_posix()
    ids = [c.get("id") for c in cells]
    assert ids.count(header.COLAB_ID) == 1 and ids.count(header.BADGES_ID) == 1, ids[:5]
    assert ids.index(header.BADGES_ID) == 1 and ids.index(header.COLAB_ID) == 2, (
        "the badges and the Colab cell come right after the title"
    )
    colab = cells[2]
    assert colab.source == header.colab_cell_source(URL), (
        f"{rel}: the Colab cell is not the template's; run `make release`"
    )
    assert header.colab_url(URL, rel) in cells[1].source, (
        f"{rel}: its badges do not open this notebook; run `make release`"
    )
    assert header.binder_url(URL, rel) in cells[1].source
    # Not an nbgrader cell: it is not graded, and grading never depends on it.
    assert "nbgrader" not in colab.metadata


def test_colab_cell_is_identical_everywhere():
    sources = {_cells(p)[2].source for p in NOTEBOOKS}
    assert len(sources) == 1, "the Colab cells differ between notebooks"


def _run_colab_cell(modules: dict) -> list:
    """Execute the Colab cell with ``sys.modules`` extended by ``modules``; return the
    commands it would have run (subprocess.run is replaced by a recorder)."""
    calls = []
    fake_subprocess = types.SimpleNamespace(run=lambda cmd, **kw: calls.append((cmd, kw)))
    saved = dict(sys.modules)
    sys.modules.update(modules)
    sys.modules["subprocess"] = fake_subprocess
    try:
        exec(compile(header.colab_cell_source(URL), "<colab cell>", "exec"), {})
    finally:
        sys.modules.clear()
        sys.modules.update(saved)
    return calls


def test_colab_cell_does_nothing_outside_colab():
    assert "google.colab" not in sys.modules
    assert _run_colab_cell({}) == []


def test_colab_cell_installs_the_kit_on_colab():
    calls = _run_colab_cell({"google.colab": types.ModuleType("google.colab")})
    assert len(calls) == 1
    cmd, kwargs = calls[0]
    assert cmd[:4] == [sys.executable, "-m", "pip", "install"] and kwargs == {"check": True}
    assert cmd[-1] == f"cnn-course-kit @ git+{URL}"


def _requirement_in_cell() -> str:
    tree = ast.parse(header.colab_cell_source(URL))
    strings = [
        n.value
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and " @ git+" in n.value
    ]
    assert len(strings) == 1, strings
    return strings[0]


@pytest.mark.slow
def test_the_install_command_resolves_against_a_local_copy():
    """The same requirement, with the repository replaced by this checkout, is one pip can
    install: a dry run, offline (no index), building with the installed setuptools."""
    name, _, url = _requirement_in_cell().partition(" @ ")
    assert url == f"git+{URL}"
    local = f"{name} @ {ROOT.as_uri()}"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--dry-run",
            "--no-index",
            "--no-build-isolation",
            local,
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "Would install cnn-course-kit" in proc.stdout, proc.stdout[-2000:]


def test_a_fork_changes_one_line(tmp_path):
    fork = "https://github.com/someone/my-cnn-course"
    nb = nbformat.read(NOTEBOOKS[0], as_version=4)
    assert header.apply(nb, "course/x/x.ipynb", fork)
    assert "git+https://github.com/someone/my-cnn-course" in nb.cells[2].source
    assert (
        "colab.research.google.com/github/someone/my-cnn-course/blob/main/course/x/x.ipynb"
        in nb.cells[1].source
    )
    assert (
        "mybinder.org/v2/gh/someone/my-cnn-course/HEAD?labpath=course%2Fx%2Fx.ipynb"
        in nb.cells[1].source
    )
    assert not header.apply(nb, "course/x/x.ipynb", fork), "applying twice changes nothing"
    assert [c.get("id") for c in nb.cells].count(header.COLAB_ID) == 1


@pytest.mark.parametrize("bad", ["https://gitlab.com/a/b", "git@github.com:a/b.git", ""])
def test_repository_must_be_on_github(bad):
    with pytest.raises(ValueError, match="GitHub address"):
        header.github_slug(bad)


def test_readme_badges_are_current():
    text = (ROOT / "README.md").read_text()
    assert header.readme_badges(text, URL, header.first_notebook()) == text, (
        "README.md's badges are out of date: run `make release`"
    )
