"""`make lab` starts JupyterLab on the student's workspace with nbgrader's student tools
(Assignments, Validate with the teaching message first), ipywidgets and the kit's lab
settings; `make formgrader` adds the instructor's tools; a wheel install (Binder) is a
student's lab. The quick tests read the configuration the way Jupyter merges it; the slow
ones ask running servers."""

from __future__ import annotations

import json
import re
import shutil
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest

from tests.lab_server import make_server

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10 (the lab extra brings tomli there)
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
KIT_JUPYTER = ROOT / "utils" / "jupyter"
STUDENT, INSTRUCTOR = KIT_JUPYTER / "student", KIT_JUPYTER / "instructor"
# nbgrader 0.9's instructor tools: lab plugins and the server extensions behind them.
INSTRUCTOR_PLUGINS = {
    "@jupyter/nbgrader:create-assignment",
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:course-list",
}
INSTRUCTOR_SERVERS = {
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.course_list",
}
STUDENT_SERVERS = {"nbgrader.server_extensions.assignment_list", "cnn_course_kit.jupyter.validate"}
NBGRADER_VALIDATE = "nbgrader.server_extensions.validate_assignment"
# What installing nbgrader writes to <prefix>/etc/jupyter (every tool on).
NBGRADER_JSON = {
    "ServerApp": {
        "jpserver_extensions": {
            **dict.fromkeys(INSTRUCTOR_SERVERS, True),
            NBGRADER_VALIDATE: True,
            "nbgrader.server_extensions.assignment_list": True,
        }
    }
}


def _effective(*config_dirs: Path) -> tuple[dict[str, bool], set[str]]:
    """The server extensions switched on/off and the lab plugins disabled, merged from
    Jupyter config folders as Jupyter merges them (the first folder wins)."""
    from jupyter_server.extension.config import ExtensionConfigManager
    from jupyter_server.services.config.manager import ConfigManager

    servers = ExtensionConfigManager(
        read_config_path=[str(d) for d in config_dirs]
    ).get_jpserver_extensions()
    page = ConfigManager(read_config_path=[str(d / "labconfig") for d in config_dirs]).get(
        "page_config"
    )
    return servers, {name for name, off in page.get("disabledExtensions", {}).items() if off}


def _environment_with_nbgrader(tmp_path: Path) -> Path:
    """<prefix>/etc/jupyter as installing nbgrader leaves it."""
    etc = tmp_path / "etc" / "jupyter"
    (etc / "jupyter_server_config.d").mkdir(parents=True)
    (etc / "jupyter_server_config.d" / "nbgrader.json").write_text(json.dumps(NBGRADER_JSON))
    return etc


def _wheel_install(tmp_path: Path) -> Path:
    """<prefix>/etc/jupyter after nbgrader and then the kit's wheel (pyproject's data-files)."""
    etc = _environment_with_nbgrader(tmp_path)
    table = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["data-files"]
    for target, files in table.items():
        for name in files:
            (tmp_path / target).mkdir(parents=True, exist_ok=True)
            shutil.copy(ROOT / name, tmp_path / target)
    return etc


def _assert_student_tools(servers: dict[str, bool], disabled: set[str]) -> None:
    assert INSTRUCTOR_PLUGINS <= disabled, disabled
    assert not any(servers.get(name) for name in INSTRUCTOR_SERVERS), servers
    assert all(servers.get(name) for name in STUDENT_SERVERS), servers
    # Only one Validate handler may serve the URL: the kit's replaces nbgrader's.
    assert servers.get(NBGRADER_VALIDATE) is False, servers
    assert not disabled & {
        "@jupyter/nbgrader:assignment-list",
        "@jupyter/nbgrader:validate-assignment",
        "@jupyter/nbgrader:menu",
    }


def _assert_instructor_tools(servers: dict[str, bool], disabled: set[str]) -> None:
    assert not disabled & INSTRUCTOR_PLUGINS, disabled
    assert all(servers.get(name) for name in INSTRUCTOR_SERVERS | STUDENT_SERVERS), servers
    assert servers.get(NBGRADER_VALIDATE) is False, servers


def test_make_lab_config_gives_student_tools_only(tmp_path):
    _assert_student_tools(*_effective(STUDENT, _environment_with_nbgrader(tmp_path)))


def test_make_formgrader_config_gives_the_instructor_tools(tmp_path):
    _assert_instructor_tools(*_effective(INSTRUCTOR, _environment_with_nbgrader(tmp_path)))


def test_a_wheel_install_is_a_students_lab_and_formgrader_still_works(tmp_path):
    """Binder / `pip install .`: the data-files make every JupyterLab of the environment a
    student's; `make formgrader` (its folder first on the path) is still the instructor's."""
    etc = _wheel_install(tmp_path)
    _assert_student_tools(*_effective(etc))
    _assert_instructor_tools(*_effective(INSTRUCTOR, etc))


def test_the_wheel_ships_every_student_config_file_where_jupyter_reads_it():
    table = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["data-files"]
    shipped = {f"{target}/{Path(name).name}" for target, files in table.items() for name in files}
    for path in STUDENT.rglob("*.json"):
        assert f"etc/jupyter/{path.relative_to(STUDENT).as_posix()}" in shipped, path


@pytest.mark.parametrize("folder", [STUDENT, INSTRUCTOR])
def test_validate_stops_its_kernel_at_once_and_nothing_else_changes(monkeypatch, folder):
    """Validate's kernel is thrown away: killing it saves the ~3 s a TensorFlow kernel takes
    to exit. Scoped to the Validator, so autograding's kernels still shut down gracefully."""
    from nbgrader.apps import NbGrader
    from nbgrader.preprocessors import Execute

    from cnn_course_kit.jupyter.validate import MessageFirstValidator

    monkeypatch.setenv("JUPYTER_CONFIG_PATH", str(folder))
    app = NbGrader()
    app.load_config_file()  # as nbgrader's Validate handler reads its configuration
    assert Execute(parent=MessageFirstValidator(config=app.config)).shutdown_kernel == "immediate"
    assert Execute(config=app.config).shutdown_kernel == "graceful"


def test_validate_wraps_long_message_lines_only():
    from cnn_course_kit.jupyter.validate import wrap

    message = (
        "CheckFailure: f(2) is not the expected value.\n  expected: [[0. 1.]\n"
        "             [1. 0.]]\nHint: " + "word " * 30
    )
    wrapped = wrap(message, 60)
    assert wrapped.splitlines()[:3] == message.splitlines()[:3]  # arrays keep their layout
    hint = wrapped.splitlines()[4:]
    assert len(hint) > 1 and all(len(line) <= 60 for line in hint), wrapped
    assert all(line.startswith(" " * 6 + "word") for line in hint[1:]), wrapped


def test_validate_extension_replaces_only_nbgraders_validate_handler():
    from nbgrader.server_extensions.validate_assignment import handlers

    from cnn_course_kit.jupyter import validate

    ours = dict(validate.HANDLERS)
    assert set(ours) == {pattern for pattern, _ in handlers.default_handlers}
    assert issubclass(ours["/assignments/validate"], handlers.ValidateAssignmentHandler)
    assert ours["/nbgrader_version"] is handlers.NbGraderVersionHandler


def _page_config(lab) -> dict:
    html = lab.get("lab").decode()
    found = re.search(
        r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', html, flags=re.S
    )
    assert found, html[:2000]
    return json.loads(found.group(1))


def _status(lab, path: str) -> int:
    try:
        with urllib.request.urlopen(lab.url(path), timeout=20) as resp:
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code


def small_assignment(path: Path) -> None:
    """A two-exercise nbgrader notebook (no TensorFlow, fast to validate): ``scale`` answered
    wrongly, so a cnn_course_kit.checks check fails with its hint; ``other`` left undone."""
    from nbgrader.utils import compute_checksum

    def cell(source, grade_id, **flags):
        c = nbformat.v4.new_code_cell(source)
        c.metadata["nbgrader"] = {
            "schema_version": 3,
            "grade_id": grade_id,
            "solution": False,
            "grade": False,
            "locked": False,
            "task": False,
            **flags,
        }
        if flags.get("locked"):
            c.metadata.nbgrader["checksum"] = compute_checksum(c)
        return c

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        cell("from cnn_course_kit.checks import check_close", "setup", locked=True),
        cell("def scale(x):\n    return x + 1", "scale", solution=True),
        cell(
            '"""scale multiplies by 3."""\ncheck_close(scale(1), 3.0, name="scale(1)", '
            'hint="Multiply, do not add.")',
            "test_scale",
            grade=True,
            locked=True,
            points=1,
        ),
        cell("def other():\n    raise NotImplementedError()", "other", solution=True),
        cell(
            '"""other returns 1."""\nassert other() == 1',
            "test_other",
            grade=True,
            locked=True,
            points=1,
        ),
    ]
    nbformat.write(nb, path)


@pytest.mark.slow
def test_make_lab_serves_lab_page_with_extensions(tmp_path):
    workspace = tmp_path / "workspace"
    with make_server("lab", tmp_path / "lab.log", WORKSPACE=str(workspace)) as lab:
        page = lab.get("lab").decode()
        assert "@jupyter/nbgrader" in page and "@jupyter-widgets/jupyterlab-manager" in page
        # The working copy was made from course/ before the server started.
        assert (workspace / "01-visual-cortex" / "01-visual-cortex.ipynb").exists()
        assert b"01-visual-cortex.ipynb" in lab.get("api/contents/01-visual-cortex")
        # The settings the kit ships: no "news" question over the notebook.
        # (The kit's overrides become the schema's defaults; user settings still win.)
        schema = json.loads(lab.get("lab/api/settings/@jupyterlab/apputils-extension:notification"))
        defaults = {k: v.get("default") for k, v in schema["schema"]["properties"].items()}
        assert defaults["fetchNews"] == "false" and defaults["checkForUpdates"] is False, defaults


@pytest.mark.slow
def test_make_lab_has_student_tools_and_validate_puts_the_message_first(tmp_path):
    import nbgrader

    workspace = tmp_path / "workspace"
    with make_server("lab", tmp_path / "lab.log", WORKSPACE=str(workspace)) as lab:
        disabled = set(_page_config(lab)["disabledExtensions"])
        assert INSTRUCTOR_PLUGINS <= disabled, disabled
        assert _status(lab, "formgrader") == 404, "students can open the formgrader"
        version = json.loads(lab.get(f"nbgrader_version?version={nbgrader.__version__}"))
        assert version["success"], version
        small_assignment(workspace / "small.ipynb")
        request = urllib.request.Request(
            lab.url("assignments/validate"),
            method="POST",
            data=json.dumps({"path": "small.ipynb"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=300) as resp:
            reply = json.loads(resp.read())
        assert reply["success"], reply
        scale, other = reply["value"]["failed"]
        # The dialog's first box under "The following cell failed:" is `source`.
        assert scale["source"].startswith("CheckFailure: scale(1) is not the expected value.")
        assert scale["source"].endswith("Hint: Multiply, do not add."), scale["source"]
        assert "utils/checks.py" not in scale["raw_error"], scale["raw_error"]
        assert scale["raw_error"].count("is not the expected value") == 1, scale["raw_error"]
        assert scale["raw_error"].rstrip().endswith('hint="Multiply, do not add.")')  # the cell
        assert other["source"] == "NotImplementedError", other


@pytest.mark.slow
def test_make_formgrader_has_the_instructor_tools(tmp_path):
    with make_server("formgrader", tmp_path / "formgrader.log") as lab:
        disabled = set(_page_config(lab)["disabledExtensions"])
        assert not disabled & INSTRUCTOR_PLUGINS, disabled
        assert _status(lab, "formgrader") == 200
