"""`make lab` starts a JupyterLab server on the student's workspace, with nbgrader's and
ipywidgets' extensions enabled; the /lab page answers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_make_lab_serves_lab_page_with_extensions(tmp_path):
    port, token = _free_port(), "kit-test-token"
    workspace = tmp_path / "workspace"
    args = (f"--no-browser --ip=127.0.0.1 --port={port} --IdentityProvider.token={token} "
            f"--ServerApp.port_retries=0")
    log = (tmp_path / "lab.log").open("w")
    proc = subprocess.Popen(["make", "--no-print-directory", "lab", f"WORKSPACE={workspace}",
                             f"LAB_ARGS={args}"], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True, env=dict(os.environ, JUPYTER_NO_CONFIG="1"))
    try:
        page, deadline = None, time.time() + 120
        while time.time() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/lab?token={token}",
                                            timeout=5) as resp:
                    page = resp.read().decode()
                    assert resp.status == 200
                    break
            except OSError:
                time.sleep(1)
        assert page is not None, "JupyterLab did not answer:\n" + (tmp_path / "lab.log").read_text()[-3000:]
        assert "@jupyter/nbgrader" in page and "@jupyter-widgets/jupyterlab-manager" in page
        # The working copy was made from course/ before the server started.
        assert (workspace / "01-visual-cortex" / "01-visual-cortex.ipynb").exists()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents/01-visual-cortex"
                                    f"?token={token}", timeout=10) as resp:
            assert b"01-visual-cortex.ipynb" in resp.read()
    finally:
        _stop(proc)
        log.close()


def _stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
