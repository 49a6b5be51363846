"""JupyterHub's configuration for the course (``make hub``; see autograde/hub/__init__.py).

Everything comes from the layout file ``KIT_HUB_LAYOUT`` (``<state>/hub.json``) and the
roles in ``people.json`` that ``make hub-users`` wrote. Restart the hub after
``make hub-users`` to let new people in.
"""

import os
import sys
from pathlib import Path

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from autograde import postgres  # noqa: E402
from autograde.hub import Layout  # noqa: E402
from autograde.hub.deploy import environment, proxy_command  # noqa: E402

layout = Layout.load(Path(os.environ["KIT_HUB_LAYOUT"]))
people = layout.people()
students = sorted(people.get("student", []))
graders = sorted(people.get("instructor", []) + people.get("ta", []))
gradebook = postgres.Server(layout.gradebook_data, layout.gradebook_port).url()

# ---- where the hub listens and keeps its state
c.JupyterHub.bind_url = f"http://{layout.ip}:{layout.port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = layout.hub_api_port
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{layout.proxy_api_port}"
c.ConfigurableHTTPProxy.command = [layout.proxy or proxy_command(layout)]
c.JupyterHub.db_url = f"sqlite:///{layout.state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(layout.state / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(layout.state / "jupyterhub.pid")

# ---- who may log in: the Linux accounts of the roster (PAM), nobody an admin (an admin
# could open every student's server)
c.JupyterHub.authenticator_class = "pam"
c.Authenticator.allowed_users = set(students + graders)
c.Authenticator.admin_users = set()
c.PAMAuthenticator.open_sessions = False

# ---- each user's server: their own Linux user, the kit's environment, ~/workspace
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(layout.python), "-m", "cnn_course_kit.jupyter.singleuser"]
c.Spawner.notebook_dir = "~/workspace"
c.Spawner.default_url = "/lab"
c.Spawner.environment = {
    "JUPYTER_CONFIG_PATH": str(layout.jupyter_config),
    "KIT_COURSE": str(layout.course),
    "PATH": f"{layout.env / 'bin'}:/usr/local/bin:/usr/bin:/bin",
}
c.Spawner.env_keep = ["LANG", "LC_ALL", "COURSE_PROFILE", "COURSE_OFFLINE", "COURSE_DATA_DIR"]
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 180

# ---- groups and roles: instructors and TAs reach the formgrader service, nobody else
c.JupyterHub.load_groups = {
    layout.formgrade_group: {"users": graders},
    layout.student_group: {"users": students},
}
c.JupyterHub.load_roles = [
    {
        "name": layout.formgrade_group,
        "groups": [layout.formgrade_group],
        "scopes": [
            f"access:services!service={layout.course_id}",
            "list:services",
            f"read:services!service={layout.course_id}",
        ],
    },
    # a user's server acts with its owner's permissions (nbgrader's course list asks the
    # hub which courses its owner may grade)
    {"name": "server", "scopes": ["inherit"]},
]

# ---- the formgrader: a JupyterLab of the course's grader account, on the checkout
grader_home = Path(os.path.expanduser(f"~{layout.grader}"))
c.JupyterHub.services = [
    {
        "name": layout.course_id,
        "url": f"http://127.0.0.1:{layout.formgrader_port}",
        "command": [
            str(layout.env / "bin" / "jupyterhub-singleuser"),
            f"--ServerApp.root_dir={layout.course_root}",
        ],
        "user": layout.grader,
        "cwd": str(layout.course_root / "autograde"),  # nbgrader reads nbgrader_config.py here
        "oauth_no_confirm": True,
        "environment": {
            "JUPYTERHUB_DEFAULT_URL": "/lab",
            "HOME": str(grader_home),
            "PATH": f"{layout.env / 'bin'}:/usr/local/bin:/usr/bin:/bin",
            "JUPYTER_CONFIG_PATH": (
                f"{layout.course_root / 'utils' / 'jupyter' / 'instructor'}:{layout.jupyter_config}"
            ),
            **environment(layout, gradebook),
            **{k: os.environ[k] for k in ("COURSE_PROFILE", "COURSE_OFFLINE") if k in os.environ},
        },
    }
]
