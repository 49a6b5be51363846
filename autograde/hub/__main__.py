"""``python -m autograde.hub users|install|start`` (the Makefile's hub targets)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import Layout, deploy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograde.hub", description=deploy.__doc__)
    parser.add_argument(
        "--layout",
        type=Path,
        help="hub.json with the layout to use (default: /var/lib/cnn-course-kit/hub.json, "
        "else the defaults of autograde/hub/__init__.py)",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    users = sub.add_parser("users", help="Linux accounts for everyone on a roster CSV")
    users.add_argument("roster", type=Path)
    sub.add_parser("install", help="the environment, course, exchange, gradebook")
    sub.add_parser("start", help="install what is missing, then run JupyterHub")
    sub.add_parser("env", help="print the instructor commands' environment (export lines)")
    ns = parser.parse_args(argv)
    default = Layout().settings_file
    path = ns.layout or (default if default.exists() else None)
    layout = Layout.load(path) if path else Layout()
    try:
        if ns.command == "users":
            deploy.add_people(layout, ns.roster)
            layout.save()
        elif ns.command == "install":
            print(f"the gradebook: {deploy.install(layout)}")
        elif ns.command == "env":
            from .. import postgres

            url = postgres.Server(layout.gradebook_data, layout.gradebook_port).url()
            for key, value in deploy.environment(layout, url).items():
                print(f"export {key}='{value}'")
        else:
            hub = deploy.start(layout)
            print(f"JupyterHub is starting on {layout.url} (Ctrl+C stops it)")
            try:
                return hub.wait()
            except KeyboardInterrupt:
                hub.terminate()
                return hub.wait()
    except (PermissionError, FileNotFoundError, ValueError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
