"""A student's server on the course's JupyterHub: the workspace first, then the server.

JupyterHub starts ``python -m cnn_course_kit.jupyter.singleuser [ARGS]`` as the student's
own Linux user (``autograde/hub``). It brings ``~/workspace`` up to date from the course's
notebooks (``KIT_COURSE``: the hub's copy of ``course/``) with the rule ``make lab`` uses
(a notebook the student edited is never replaced; a newer version lands beside it), then
becomes ``jupyterhub-singleuser ARGS`` in the same process, in ``~/workspace``. The
assignments fetched from the Assignments tab land in ``~/workspace/<course>/``.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from ..workspace import sync


def main(argv: list[str] | None = None) -> int:
    """Sync the workspace, then become ``jupyterhub-singleuser`` with ``argv``."""
    args = sys.argv[1:] if argv is None else argv
    course = os.environ.get("KIT_COURSE")
    workspace = Path.home() / "workspace"
    if course and Path(course).is_dir():
        try:
            print(sync(course, workspace, update=True), file=sys.stderr)
        except OSError as exc:  # a full disk must not keep the student out of their server
            print(f"the workspace could not be brought up to date: {exc}", file=sys.stderr)
    if workspace.is_dir():
        # the server's root: nbgrader's Assignments tab reads it (as the current folder)
        # before JupyterHub's notebook_dir setting reaches the server, so both must agree
        os.chdir(workspace)
        args = [*args, f"--ServerApp.root_dir={workspace}"]
    server = shutil.which("jupyterhub-singleuser", path=str(Path(sys.executable).parent))
    if server is None:
        print("jupyterhub-singleuser is not installed in this environment", file=sys.stderr)
        return 1
    os.execv(server, [server, *args])
    return 0  # not reached


if __name__ == "__main__":
    raise SystemExit(main())
