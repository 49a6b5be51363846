"""Installing and starting the course's hub (see :mod:`autograde.hub` for what goes where).

    python -m autograde.hub users ROSTER.csv [--layout hub.json]   accounts from a roster
    python -m autograde.hub install [--layout hub.json]            env, course, exchange, gradebook
    python -m autograde.hub start [--layout hub.json]              install, then run JupyterHub

Each step can be run again: it changes what is missing or out of date and nothing else.
"""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import shutil
import subprocess
import sys
from pathlib import Path

from .. import postgres
from ..students import Roster
from . import Layout, accounts

ENV_STAMP = ".kit-installed"


def require_root() -> None:
    """Refuse to go on unless we are root (PermissionError with the fix)."""
    if os.geteuid() != 0:
        raise PermissionError(
            "the hub runs as root (it starts each user's server as that user): use sudo"
        )


def _readable_by(user: str, path: Path) -> bool:
    return subprocess.run(["runuser", "-u", user, "--", "test", "-r", str(path)]).returncode == 0


# ---- accounts -------------------------------------------------------------------------
def add_people(layout: Layout, roster_file: Path) -> list[accounts.Account]:
    """Accounts for everyone on the roster; ``people.json`` says who has which role."""
    require_root()
    planned = accounts.plan(Roster.read(roster_file), layout.user_prefix)
    made = accounts.create(planned, home_root=layout.home_root, passwords=layout.passwords_file)
    people = layout.people()
    for account in planned:
        for role in people:
            if account.user in people[role] and role != account.role:
                people[role].remove(account.user)
        people.setdefault(account.role, [])
        if account.user not in people[account.role]:
            people[account.role].append(account.user)
    layout.state.mkdir(parents=True, exist_ok=True)
    layout.people_file.write_text(json.dumps(people, indent=1, sort_keys=True) + "\n")
    print(
        f"{len(planned)} people on the roster, {len(made)} new account(s)"
        + (f"; their first passwords are in {layout.passwords_file} (root only)" if made else "")
    )
    return planned


# ---- installing -----------------------------------------------------------------------
def shared_python() -> str:
    """A Python every user may run, to build the shared environment from: this one's base
    interpreter if it is (a Python under root's home is not), else the system's."""
    candidates = [os.path.realpath(getattr(sys, "_base_executable", sys.executable))]
    candidates += [p for p in ("/usr/bin/python3", "/usr/local/bin/python3") if p not in candidates]
    check = (
        "import sys, venv, ensurepip; sys.exit(not ((3, 10) <= sys.version_info[:2] <= (3, 13)))"
    )
    for python in candidates:
        if (
            os.path.exists(python)
            and subprocess.run(
                ["runuser", "-u", "nobody", "--", python, "-c", check], capture_output=True
            ).returncode
            == 0
        ):
            return python
    raise FileNotFoundError(
        "no Python 3.10-3.13 with venv that every user may run (tried "
        + ", ".join(candidates)
        + "): install Debian's python3 and python3-venv"
    )


def _kit_digest(root: Path) -> str:
    """What the environment is built from: the package's code and metadata."""
    digest = hashlib.sha256()
    for path in sorted([root / "pyproject.toml", root / "setup.py", *(root / "utils").rglob("*")]):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def install_env(layout: Layout) -> None:
    """The kit's environment for everybody, at ``<prefix>/env`` (re-installed when the
    checkout's package changed)."""
    stamp = layout.env / ENV_STAMP
    extras = layout.env_extras
    wanted = _kit_digest(layout.course_root) + " " + extras
    if stamp.is_file() and stamp.read_text().strip() == wanted:
        return
    if not layout.python.exists():
        base = shared_python()
        print(f"creating the course's Python environment in {layout.env} (from {base})")
        subprocess.run([base, "-m", "venv", str(layout.env)], check=True)
        subprocess.run(
            [str(layout.python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True
        )
    print(
        f"installing the kit from {layout.course_root} into {layout.env} (minutes, the first time)"
    )
    subprocess.run(
        [str(layout.python), "-m", "pip", "install", "--quiet", "--upgrade",
         f"{layout.course_root}[{extras}]"],
        check=True, cwd="/",
    )  # fmt: skip
    stamp.write_text(wanted + "\n")


def _copy_course(layout: Layout) -> None:
    """The student notebooks, readable by everyone."""
    target = layout.course
    staging = target.with_name(target.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(
        layout.course_root / "course",
        staging,
        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
    )
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    for path in [target, *target.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def _write_jupyter_config(layout: Layout) -> None:
    """nbgrader's course settings for every user's server and the formgrader."""
    folder = layout.jupyter_config
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "nbgrader_config.py").write_text(
        "# Written by `make hub` (autograde/hub/deploy.py): the course every user sees.\n"
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.course_id = {layout.course_id!r}\n"
        f"c.Exchange.root = {str(layout.exchange)!r}\n"
        "# fetched assignments go to ~/workspace/<course>/<assignment>, beside the\n"
        "# practice copies of the notebooks in ~/workspace/<assignment>\n"
        "c.Exchange.path_includes_course = True\n"
    )
    for path in (layout.prefix, layout.prefix / "etc", folder, folder / "nbgrader_config.py"):
        path.chmod(0o755 if path.is_dir() else 0o644)


def _exchange(layout: Layout) -> None:
    """nbgrader's exchange: everyone may create entries (the folders nbgrader makes inside
    say who may read what: a student can hand in, but not list or read, others' work);
    the sticky bit keeps anyone from removing what is not theirs."""
    layout.state.mkdir(parents=True, exist_ok=True)
    layout.state.chmod(0o711)  # reachable, not listable
    layout.exchange.mkdir(exist_ok=True)
    layout.exchange.chmod(0o1777)


def _grader_account(layout: Layout) -> None:
    """The account the formgrader service runs as; it owns the instructor's checkout,
    which nobody else (students) may read."""
    if not accounts.exists(layout.grader):
        subprocess.run(
            ["useradd", "--system", "--create-home", "--home-dir",
             str(layout.state / "grader-home"), "--shell", "/usr/sbin/nologin",
             "--user-group", layout.grader],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
    entry = pwd.getpwnam(layout.grader)
    root = layout.course_root
    subprocess.run(["chown", "-R", f"{entry.pw_uid}:{entry.pw_gid}", str(root)], check=True)
    subprocess.run(["chmod", "-R", "o-rwx", str(root)], check=True)
    if not _readable_by(layout.grader, root / "autograde" / "nbgrader_config.py"):
        raise PermissionError(
            f"the formgrader's account {layout.grader} cannot reach {root}: every folder above "
            "it must be searchable (chmod o+x), e.g. keep the checkout under /srv"
        )


def proxy_command(layout: Layout) -> str:
    """Node's configurable-http-proxy: the one ``make hub-deps`` put in the kit's .venv,
    else one on PATH."""
    near = [
        layout.course_root / ".venv" / "bin" / "configurable-http-proxy",
        Path(sys.executable).parent / "configurable-http-proxy",
    ]
    found = next((str(p) for p in near if p.exists()), None)
    found = found or shutil.which("configurable-http-proxy")
    if not found:
        raise FileNotFoundError("configurable-http-proxy is not installed: run make hub-deps")
    return found


def install(layout: Layout, *, env: bool = True) -> str:
    """Everything the hub needs before it starts; returns the gradebook's URL."""
    require_root()
    if env:
        install_env(layout)
    _copy_course(layout)
    _write_jupyter_config(layout)
    _exchange(layout)
    _grader_account(layout)
    url = postgres.Server(layout.gradebook_data, layout.gradebook_port).start()
    layout.proxy = proxy_command(layout)
    layout.save()
    return url


def environment(layout: Layout, url: str) -> dict[str, str]:
    """The environment of every instructor command on the hub (make release, collect,
    grade, feedback): the hub's exchange, course id and gradebook."""
    return {
        "COURSE_EXCHANGE": str(layout.exchange),
        "COURSE_ID": layout.course_id,
        "COURSE_GRADEBOOK_URL": url,
    }


def start(layout: Layout, *, env: bool = True) -> subprocess.Popen:
    """Install what is missing, then start JupyterHub (returns its process)."""
    install(layout, env=env)
    proc_env = dict(os.environ, KIT_HUB_LAYOUT=str(layout.settings_file))
    return subprocess.Popen(
        [str(layout.env / "bin" / "jupyterhub"), "-f", str(layout.hub_config)],
        cwd=layout.state,
        env=proc_env,
        start_new_session=True,
    )
