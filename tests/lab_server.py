"""Start JupyterLab the way a student or an instructor does (`make lab`, `make formgrader`)
on a free port with a known token, wait until it answers, and stop it with its kernels."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "kit-test-token"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Lab:
    """A running server: its address, token and log file."""

    port: int
    log: Path
    token: str = TOKEN

    def url(self, path: str = "lab") -> str:
        """``path`` on this server, token included (``path`` may carry its own query)."""
        sep = "&" if "?" in path else "?"
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}{sep}token={self.token}"

    def get(self, path: str) -> bytes:
        """The body of a GET request to ``path``."""
        with urllib.request.urlopen(self.url(path), timeout=20) as resp:
            return resp.read()

    def log_tail(self, chars: int = 3000) -> str:
        """The end of the server's log, for failure messages."""
        return self.log.read_text(errors="replace")[-chars:]


def student_env(home: Path) -> dict[str, str]:
    """The environment a student's `make lab` has, minus this machine's user: no test-only
    matplotlib backend; the user's Jupyter config, lab settings and saved workspaces live in
    ``home`` (empty); smoke profile and offline, as in every test."""
    env = {k: v for k, v in os.environ.items() if k not in {"MPLBACKEND", "JPY_SESSION_NAME"}}
    home.mkdir(parents=True, exist_ok=True)
    env.update(
        COURSE_PROFILE="smoke",
        COURSE_OFFLINE="1",
        JUPYTER_CONFIG_DIR=str(home / "config"),
        JUPYTERLAB_SETTINGS_DIR=str(home / "user-settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
    )
    return env


@contextlib.contextmanager
def make_server(target: str, log: Path, *, timeout: float = 120, **make_vars: str) -> Iterator[Lab]:
    """Run ``make <target>`` (``lab`` or ``formgrader``) until the block ends."""
    lab = Lab(port=free_port(), log=log)
    args = (
        f"--no-browser --ip=127.0.0.1 --port={lab.port} --IdentityProvider.token={lab.token} "
        "--ServerApp.port_retries=0"
    )
    cmd = [
        "make",
        "--no-print-directory",
        target,
        f"LAB_ARGS={args}",
        *(f"{k}={v}" for k, v in make_vars.items()),
    ]
    with log.open("w") as out:
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=student_env(log.parent / "jupyter-home"),
        )
        try:
            _wait_until_up(lab, proc, timeout)
            yield lab
        finally:
            _stop(proc)


def _wait_until_up(lab: Lab, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline and proc.poll() is None:
        try:
            lab.get("api/status")
            return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(
        f"JupyterLab did not answer on port {lab.port} within {timeout:.0f} s "
        f"(make exited with {proc.poll()}):\n{lab.log_tail()}"
    )


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM the whole process group (make, jupyter, kernels); SIGKILL if it lingers."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
