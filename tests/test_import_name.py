"""The kit's import name (``cnn_course_kit``) and the old one (``utils``) for old notebooks.

The evidence for the rename (issue 16): with the kit imported as ``utils``, a student's own
``utils.py`` beside the notebook won, so the notebook's first cell failed with "cannot import
name 'setup' from 'utils' (.../utils.py)" and so did the kernel extension. These tests put such a
file beside real notebooks and check that the kit is still found, that the student's module is
the one ``import utils`` gives them, and that a notebook written before the rename still runs.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
STUDENT_UTILS = "WHO = 'the student'\n\n\ndef helper():\n    return 7\n"


def _python(code: str, cwd: Path) -> subprocess.CompletedProcess:
    # cwd outside the repository: its root (where the utils/ folder is) is not on sys.path.
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=120
    )


def test_a_students_utils_py_does_not_hide_the_kit(tmp_path):
    (tmp_path / "utils.py").write_text(STUDENT_UTILS)
    proc = _python(
        "import cnn_course_kit\n"
        "from cnn_course_kit.checks import check_close\n"
        "cnn_course_kit.setup(use_tensorflow=False)\n"
        "import utils\n"
        "print(utils.WHO, utils.helper(), utils.__file__)\n",
        tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == f"the student 7 {tmp_path / 'utils.py'}"


def test_old_notebooks_import_utils_as_the_same_modules(tmp_path):
    proc = _python(
        "import utils\n"
        "from utils.checks import check_close\n"
        "import utils.datasets.standin\n"
        "import cnn_course_kit, cnn_course_kit.checks as checks\n"
        "import cnn_course_kit.datasets.standin as standin\n"
        "assert utils is cnn_course_kit and utils.checks is checks\n"
        "assert utils.datasets.standin is standin and check_close is checks.check_close\n"
        "assert checks.__spec__.name == 'cnn_course_kit.checks', checks.__spec__\n"
        "assert utils.setup is cnn_course_kit.setup\n"
        "print('ok')\n",
        tmp_path,
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


def test_the_legacy_name_never_shadows_a_real_module(tmp_path):
    """``utils.x`` is the kit's only while ``utils`` is the kit: a student's package keeps its own
    submodules, and an unknown name is an ordinary ModuleNotFoundError."""
    pkg = tmp_path / "utils"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "checks.py").write_text("MINE = True\n")
    proc = _python(
        "import cnn_course_kit.checks\nimport utils.checks\nprint(utils.checks.MINE)\n", tmp_path
    )
    assert proc.returncode == 0 and proc.stdout.strip() == "True", proc.stderr
    proc = _python("import utils.no_such_module\n", tmp_path.parent)
    assert "No module named 'utils.no_such_module'" in proc.stderr


def test_this_environment_has_the_legacy_pth():
    """make installs it beside the editable install (a wheel ships it: test_install)."""
    installed = Path(sysconfig.get_paths()["purelib"]) / "cnn_course_kit_legacy.pth"
    assert installed.is_file(), "run make (the Makefile copies utils/cnn_course_kit_legacy.pth)"
    assert installed.read_text() == (ROOT / "utils" / "cnn_course_kit_legacy.pth").read_text()


def test_nothing_in_the_kit_imports_the_old_name():
    old = re.compile(r"^\s*(from utils[\s.]|import utils\b)", re.M)
    found = []
    for path in [*ROOT.glob("utils/**/*.py"), *ROOT.glob("autograde/**/*.py")]:
        if path.name != "legacy.py" and old.search(path.read_text()):
            found.append(str(path.relative_to(ROOT)))
    for path in [*ROOT.glob("solutions/*/*.ipynb"), *ROOT.glob("course/*/*.ipynb")]:
        cells = json.loads(path.read_text())["cells"]
        if any(old.search("".join(c["source"])) for c in cells if c["cell_type"] == "code"):
            found.append(str(path.relative_to(ROOT)))
    assert not found, f"still `import utils` (the kit is cnn_course_kit now): {found}"


def _run(cells: list[str], folder: Path) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    resources = {"metadata": {"path": str(folder)}}
    NotebookClient(nb, timeout=300, kernel_name="python3", resources=resources).execute()
    return nb


def _stderr(nb) -> list[str]:
    return [o.text for c in nb.cells for o in c.outputs if o.get("name") == "stderr"]


def test_a_kernel_beside_a_students_utils_py(tmp_path):
    """The kernel extension (cnn_course_kit.quiet, every kernel of the environment) and the
    setup cell both find the kit; the student's module is theirs."""
    (tmp_path / "utils.py").write_text(STUDENT_UTILS)
    nb = _run(
        [
            "import cnn_course_kit\ncfg = cnn_course_kit.setup(use_tensorflow=False)",
            "import utils\nprint(utils.helper())",
        ],
        tmp_path,
    )
    assert _stderr(nb) == []
    assert nb.cells[1].outputs[0].text == "7\n"


def test_a_notebook_written_before_the_rename_still_runs(tmp_path):
    nb = _run(
        [
            "import utils\nfrom utils import plots\nfrom utils.checks import check_close\n"
            "cfg = utils.setup(use_tensorflow=False)",
            "check_close(0.1 + 0.2, 0.3)\nprint(plots.__name__)",
        ],
        tmp_path,
    )
    assert _stderr(nb) == []
    assert nb.cells[1].outputs[-1].text.strip().endswith("cnn_course_kit.plots")


@pytest.mark.slow
def test_notebook_01_runs_top_to_bottom_beside_a_students_utils_py(tmp_path):
    """Notebook 01, solved, run the way a student's workspace holds it: a utils.py beside it."""
    (tmp_path / "utils.py").write_text(STUDENT_UTILS)
    solved = ROOT / "solutions" / "01-visual-cortex" / "01-visual-cortex.ipynb"
    nb = nbformat.read(solved, as_version=4)
    resources = {"metadata": {"path": str(tmp_path)}}
    NotebookClient(
        nb, timeout=300, kernel_name="python3", allow_errors=True, resources=resources
    ).execute()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, [(e.ename, e.evalue) for e in errors]
