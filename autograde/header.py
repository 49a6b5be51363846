"""The cells every notebook starts with, generated from one template.

After the title cell come two cells the kit writes itself (found again by their cell id):

* ``kit-badges``: "Open in Colab" and "Binder" badges for this notebook;
* ``kit-colab``: a code cell that, on Google Colab only, installs the kit from its
  repository, and does nothing anywhere else (your computer, Binder, the grader).

The repository's address is written in exactly one place, ``pyproject.toml``'s
``[project.urls] Repository``. `make release` (:mod:`autograde.release`) rewrites these
cells in ``solutions/`` and ``course/`` from it, so a fork changes that one line and runs
`make release`. The README's badges come from the same functions.
"""

from __future__ import annotations

import re
import sys
import urllib.parse
from pathlib import Path

import nbformat

from .course import ROOT, Course, notebook_path

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser, from PyPI (the `lab` extra installs it)
    import tomli as tomllib

BADGES_ID = "kit-badges"
COLAB_ID = "kit-colab"
BRANCH = "main"
COLAB_BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
BINDER_BADGE = "https://mybinder.org/badge_logo.svg"

COLAB_TEMPLATE = """\
# Google Colab only: install the course kit (the `cnn_course_kit` package every notebook imports)
# from its repository. Anywhere else (your computer, Binder, the grader) this does nothing.
import sys

if "google.colab" in sys.modules:
    import subprocess

    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet",
                    "{requirement}"], check=True)"""


def _project(pyproject: Path = ROOT / "pyproject.toml") -> dict:
    return tomllib.loads(pyproject.read_text())["project"]


def repository_url(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """The kit's GitHub address, from ``[project.urls] Repository`` (no trailing slash)."""
    url = _project(pyproject).get("urls", {}).get("Repository", "").strip().rstrip("/")
    github_slug(url)  # fail early, with the reason, when it is not a GitHub repository
    return url.removesuffix(".git")


def github_slug(url: str) -> str:
    """``"owner/name"`` of a ``https://github.com/owner/name`` address."""
    m = re.fullmatch(r"https://github\.com/([\w.-]+)/([\w.-]+?)(?:\.git)?/?", url)
    if not m:
        raise ValueError(
            "pyproject.toml's [project.urls] Repository must be a GitHub address "
            f"like https://github.com/OWNER/NAME (Colab and Binder open notebooks "
            f"from GitHub). Received: {url!r}"
        )
    return f"{m.group(1)}/{m.group(2)}"


def requirement(url: str, pyproject: Path = ROOT / "pyproject.toml") -> str:
    """The pip requirement that installs the kit from ``url``: ``NAME @ git+URL``."""
    return f"{_project(pyproject)['name']} @ git+{url}"


def colab_cell_source(url: str) -> str:
    """The Colab-only install cell for the repository at ``url``."""
    return COLAB_TEMPLATE.format(requirement=requirement(url))


def colab_url(url: str, path: str) -> str:
    """Open ``path`` (a notebook in the repository) in Colab."""
    return f"https://colab.research.google.com/github/{github_slug(url)}/blob/{BRANCH}/{path}"


def binder_url(url: str, path: str | None = None) -> str:
    """Start the repository on mybinder.org, in JupyterLab, opened on ``path`` if given."""
    base = f"https://mybinder.org/v2/gh/{github_slug(url)}/HEAD"
    return base + (f"?labpath={urllib.parse.quote(path, safe='')}" if path else "")


def badges_markdown(url: str, path: str) -> str:
    """The two badges, each opening the notebook at ``path``."""
    return (
        f"[![Open in Colab]({COLAB_BADGE})]({colab_url(url, path)}) "
        f"[![Launch on Binder]({BINDER_BADGE})]({binder_url(url, path)})"
    )


def _badges_cell_source(url: str, path: str) -> str:
    return (
        badges_markdown(url, path) + "\n\n"
        "*On Colab, run the next cell first: it installs the kit. "
        "On your own machine (`make lab`) or on Binder everything is already installed.*"
    )


README_START, README_END = "<!-- kit-badges: written by make release -->", "<!-- /kit-badges -->"


def readme_badges(readme_text: str, url: str, path: str) -> str:
    """``readme_text`` with the badges between the README's two markers rewritten to open
    ``path`` (the course's first notebook)."""
    start, end = readme_text.find(README_START), readme_text.find(README_END)
    if start < 0 or end < start:
        raise ValueError(f"README.md needs the markers {README_START!r} and {README_END!r}.")
    block = f"{README_START}\n{badges_markdown(url, path)}\n"
    text = readme_text[:start] + block + readme_text[end:]
    # The quick start's clone command names the repository too.
    name = github_slug(url).split("/")[1]
    return re.sub(r"^git clone \S+\ncd \S+$", f"git clone {url}.git\ncd {name}", text, flags=re.M)


def first_notebook(root: Path = ROOT) -> str:
    """The course's first notebook, e.g. ``course/01-visual-cortex/01-visual-cortex.ipynb``."""
    return notebook_path("course", Course(root).assignments()[0])


def update_readme(readme: Path = ROOT / "README.md", url: str | None = None) -> bool:
    """Rewrite the README's badges and clone command from ``pyproject.toml``; True if the
    file changed. A course repository without a README, or whose README has no badge
    markers, is left alone."""
    text = readme.read_text() if readme.is_file() else ""
    if README_START not in text:
        return False
    new = readme_badges(text, url or repository_url(), first_notebook(readme.parent))
    if new != text:
        readme.write_text(new)
    return new != text


def apply(nb: nbformat.NotebookNode, path: str, url: str) -> bool:
    """Put the badge and Colab cells right after the title cell of ``nb`` (a notebook at
    ``path`` in the repository), replacing older versions. Returns True if ``nb`` changed."""
    before = nbformat.writes(nb)
    cells = [c for c in nb.cells if c.get("id") not in (BADGES_ID, COLAB_ID)]
    if not cells or cells[0].cell_type != "markdown":
        raise ValueError(f"{path}: the first cell must be the title (a markdown cell).")
    badges = nbformat.v4.new_markdown_cell(_badges_cell_source(url, path))
    colab = nbformat.v4.new_code_cell(colab_cell_source(url))
    badges["id"], colab["id"] = BADGES_ID, COLAB_ID
    nb.cells = [cells[0], badges, colab, *cells[1:]]
    return nbformat.writes(nb) != before


def apply_to_file(notebook: Path, path: str, url: str | None = None) -> bool:
    """:func:`apply` to a notebook file that the repository has at ``path`` (which the badges
    link to); the file is rewritten only when something changed."""
    nb = nbformat.read(notebook, as_version=4)
    changed = apply(nb, path, url or repository_url())
    if changed:
        nbformat.write(nb, notebook)
    return changed
