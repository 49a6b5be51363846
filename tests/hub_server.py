"""A course hub for the tests: real Linux accounts, PostgreSQL, the exchange, JupyterHub on
127.0.0.1 (free ports), all made in a fresh folder and removed afterwards."""

from __future__ import annotations

import contextlib
import csv
import os
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from autograde import postgres
from autograde.hub import Layout, accounts, deploy
from tests.lab_server import free_port

ROOT = Path(__file__).resolve().parents[1]
# the course folders that grading writes into: a copy of the kit starts without them
_LEFT_OUT = {"autograde/submitted", "autograde/autograded", "autograde/feedback",
             "autograde/staging", "autograde/bench-results", "autograde/gradebook.db"}  # fmt: skip


@dataclass
class Hub:
    layout: Layout
    gradebook: str  # its URL
    passwords: dict[str, str]  # user -> first password
    roles: dict[str, str]  # user -> role

    def users(self, role: str) -> list[str]:
        return sorted(u for u, r in self.roles.items() if r == role)

    def url(self, path: str = "") -> str:
        return f"{self.layout.url}/{path.lstrip('/')}"


def copy_of_the_kit(dest: Path) -> Path:
    """The files of this checkout that git tracks or would track (what a clone has)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for rel in filter(None, listed):
        if any(rel == d or rel.startswith(d + "/") for d in _LEFT_OUT):
            continue
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


def _wait_for(url: str, proc: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterHub exited ({proc.returncode}):\n{log.read_text()[-5000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise RuntimeError(f"JupyterHub did not answer at {url}:\n{log.read_text()[-5000:]}")


@contextlib.contextmanager
def course_hub(people: list[tuple[str, str, str, str]]) -> Iterator[Hub]:
    """``people``: (id, name, email, role) rows of the roster. Needs root."""
    folder = Path(tempfile.mkdtemp(prefix="kit-hub-"))
    folder.chmod(0o755)
    tag = secrets.token_hex(2)
    layout = Layout(
        course_root=copy_of_the_kit(folder / "kit"),
        prefix=folder / "opt",
        state=folder / "state",
        ip="127.0.0.1",
        port=free_port(),
        hub_api_port=free_port(),
        proxy_api_port=free_port(),
        formgrader_port=free_port(),
        gradebook_port=free_port(),
        home_root=folder / "home",
        user_prefix=f"k{tag}",
        # the students' kernels are not run in this test (grading runs in the sandbox,
        # with the instructor's environment): the hub's environment without TensorFlow
        env_extras="lab,hub",
        course_id=f"kit{tag}",
    )
    layout.home_root.mkdir()
    layout.home_root.chmod(0o755)
    roster = folder / "roster.csv"
    with roster.open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "name", "email", "role"])
        writer.writerows(people)
    made: list[str] = []
    hub_proc = None
    log = folder / "hub.log"
    try:
        planned = deploy.add_people(layout, roster)
        made = [a.user for a in planned]
        with layout.passwords_file.open() as f:
            passwords = {r["user"]: r["first password"] for r in csv.DictReader(f)}
        with log.open("w") as out:
            env = dict(os.environ, COURSE_PROFILE="smoke", COURSE_OFFLINE="1")
            url = deploy.install(layout)
            hub_proc = subprocess.Popen(
                [str(layout.env / "bin" / "jupyterhub"), "-f", str(layout.hub_config)],
                cwd=layout.state, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                env=dict(env, KIT_HUB_LAYOUT=str(layout.settings_file)),
            )  # fmt: skip
        _wait_for(layout.url + "/hub/api", hub_proc, log)
        yield Hub(layout, url, passwords, {a.user: a.role for a in planned})
    finally:
        # the users' servers and the formgrader first (they run in sessions of their own;
        # stopped by the hub, each would get SIGINT, then SIGTERM, 20 s of grace in all)
        for user in made + [layout.grader]:
            subprocess.run(["pkill", "-KILL", "-u", user], capture_output=True)
        if hub_proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(hub_proc.pid, signal.SIGTERM)
            try:
                hub_proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(hub_proc.pid, signal.SIGKILL)
        # a hub that died on its own leaves its proxy running
        subprocess.run(
            ["pkill", "-f", f"configurable-http-proxy.*--api-port {layout.proxy_api_port}"],
            capture_output=True,
        )
        postgres.Server(layout.gradebook_data, layout.gradebook_port).stop()
        accounts.remove(made + [layout.grader])
        shutil.rmtree(folder, ignore_errors=True)
