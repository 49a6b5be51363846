"""A class on one server: JupyterHub, students' and instructors' accounts, the formgrader
as a hub service, nbgrader's exchange and the gradebook in PostgreSQL.

In the spirit of The Littlest JupyterHub, for one Debian/Ubuntu server, run as root::

    sudo make hub-users FILE=roster.csv   # Linux accounts from the LMS's class list
    sudo make hub                         # install what the hub needs, then start it

What goes where (:class:`Layout`; every path can be changed in ``hub.json``):

``/opt/cnn-course-kit/env``
    the kit's Python environment, installed once for everybody from this checkout (a
    wheel: ``cnn_course_kit`` and the student tools, never ``solutions/`` or
    ``autograde/``); every user's server and kernel runs from it
``/opt/cnn-course-kit/course``
    the student notebooks (``course/``): each student's ``~/workspace`` is made from it at
    every log-in with ``make lab``'s never-overwrite rule
``/opt/cnn-course-kit/etc/jupyter``
    the course's nbgrader settings for everyone: course id, exchange folder
``/var/lib/cnn-course-kit``
    the hub's own state: its database and cookie secret, ``hub.json``, ``people.json``
    (who is a student, an instructor or a TA), the first passwords ``make hub-users``
    made, the exchange, and the gradebook's PostgreSQL server

The instructor's checkout (this repository: ``solutions/``, hidden tests, ``autograde/``)
stays readable by root and the course's grader account only; the formgrader service runs
as that account (``grader-<course>``) with the checkout as its course folder, and only the
members of the ``formgrade-<course>`` group (instructors and TAs) may open it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from ..course import ROOT

COURSE_ID = "cnn-course-kit"


@dataclass
class Layout:
    """Where the hub keeps what, and how it is reached (saved as ``<state>/hub.json``)."""

    course_root: Path = ROOT  # the instructor's checkout of the kit
    prefix: Path = Path("/opt/cnn-course-kit")
    state: Path = Path("/var/lib/cnn-course-kit")
    course_id: str = COURSE_ID
    ip: str = ""  # all addresses
    port: int = 8000
    hub_api_port: int = 8081
    proxy_api_port: int = 8001
    formgrader_port: int = 9999
    gradebook_port: int = 5433
    home_root: Path = Path("/home")
    user_prefix: str = ""  # put before every account name make hub-users creates
    env_extras: str = "cpu,lab,hub"  # what <prefix>/env installs (gpu,lab,hub on a GPU server)
    proxy: str = ""  # configurable-http-proxy (found by make hub: make hub-deps installs it)

    # ---- derived paths
    @property
    def env(self) -> Path:
        return self.prefix / "env"

    @property
    def python(self) -> Path:
        return self.env / "bin" / "python"

    @property
    def course(self) -> Path:
        return self.prefix / "course"

    @property
    def jupyter_config(self) -> Path:
        return self.prefix / "etc" / "jupyter"

    @property
    def exchange(self) -> Path:
        return self.state / "exchange"

    @property
    def gradebook_data(self) -> Path:
        return self.state / "gradebook"

    @property
    def people_file(self) -> Path:
        return self.state / "people.json"

    @property
    def passwords_file(self) -> Path:
        return self.state / "first-passwords.csv"

    @property
    def grader(self) -> str:
        return f"grader-{self.course_id}"[:32]

    @property
    def formgrade_group(self) -> str:
        return f"formgrade-{self.course_id}"

    @property
    def student_group(self) -> str:
        return f"nbgrader-{self.course_id}"

    @property
    def hub_config(self) -> Path:
        return self.course_root / "autograde" / "hub" / "jupyterhub_config.py"

    @property
    def settings_file(self) -> Path:
        return self.state / "hub.json"

    @property
    def url(self) -> str:
        return f"http://{self.ip or '127.0.0.1'}:{self.port}"

    # ---- saved and read back
    def save(self) -> Path:
        self.state.mkdir(parents=True, exist_ok=True)
        data = {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(self).items()}
        self.settings_file.write_text(json.dumps(data, indent=1) + "\n")
        return self.settings_file

    @classmethod
    def load(cls, path: Path) -> Layout:
        data = json.loads(Path(path).read_text())
        paths = {"course_root", "prefix", "state", "home_root"}
        return cls(**{k: (Path(v) if k in paths else v) for k, v in data.items()})

    def people(self) -> dict[str, list[str]]:
        """``{"student": [...], "instructor": [...], "ta": [...]}`` (``make hub-users``)."""
        try:
            return json.loads(self.people_file.read_text())
        except FileNotFoundError:
            return {"student": [], "instructor": [], "ta": []}
