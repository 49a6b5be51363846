"""`make lab` starts a JupyterLab server on the student's workspace, with nbgrader's and
ipywidgets' extensions enabled and the kit's lab settings; the /lab page answers."""

from __future__ import annotations

import json

import pytest

from tests.lab_server import make_server


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
