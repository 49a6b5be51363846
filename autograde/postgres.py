"""A PostgreSQL server for the gradebook of a class on a hub.

One instructor grading on their own machine keeps nbgrader's SQLite file
(``autograde/gradebook.db``). A class on JupyterHub has the formgrader service, ``make
grade``'s workers and, with :mod:`autograde.distributed`, worker machines writing grades at
the same time: that wants a database server. This module runs one for the course from
Debian's ``postgresql`` package (any PostgreSQL 12 or later works), in a data folder the
kit owns, so it needs no change to the system's own clusters:

    python -m autograde.postgres start --data /var/lib/cnn-course-kit/gradebook [--port 5433]
    python -m autograde.postgres stop  --data /var/lib/cnn-course-kit/gradebook

``start`` creates the cluster on first use (a role and a database, both ``gradebook``, with
a random password), starts it listening on 127.0.0.1 only (``--listen`` for worker
machines on a private network), and writes the SQLAlchemy URL to ``<data>/gradebook.url``
(mode 0640: the instructor and the formgrader's group may read it, students may not).
Every instructor command takes it from ``COURSE_GRADEBOOK_URL``.

PostgreSQL refuses to run as root: started by root, the server runs as the ``postgres``
account that Debian's package creates (``--account`` to choose another).
"""

from __future__ import annotations

import argparse
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

DEFAULT_PORT = 5433  # not 5432: the system's own cluster may listen there
DATABASE = "gradebook"
ROLE = "gradebook"
URL_FILE = "gradebook.url"
CLUSTER = "cluster"  # the data folder's sub-folder PostgreSQL owns


class PostgresUnavailable(RuntimeError):
    """PostgreSQL's programs are not installed, or the server would not start."""


def binary(name: str) -> str:
    """The path of PostgreSQL's program ``name`` (``initdb``, ``pg_ctl``, ``psql``):
    Debian keeps the server's programs in /usr/lib/postgresql/<version>/bin, off PATH."""
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if versions:
        return versions[-1]
    raise PostgresUnavailable(
        f"PostgreSQL's {name} is not installed: run `make hub-deps` (Debian/Ubuntu package "
        "`postgresql`), or point COURSE_GRADEBOOK_URL at a PostgreSQL server you run."
    )


@dataclass(frozen=True)
class Server:
    """The gradebook's PostgreSQL server, its cluster in ``data / CLUSTER``."""

    data: Path
    port: int = DEFAULT_PORT
    listen: str = "127.0.0.1"
    account: str = "postgres"  # who runs the server when we are root

    @property
    def cluster(self) -> Path:
        return self.data / CLUSTER

    @property
    def url_file(self) -> Path:
        return self.data / URL_FILE

    @property
    def socket_dir(self) -> Path:
        return self.data / "socket"

    # ---- running PostgreSQL's programs as the server's account
    def _runner(self) -> list[str]:
        if os.geteuid() != 0:
            return []
        try:
            pwd.getpwnam(self.account)
        except KeyError:
            raise PostgresUnavailable(
                f"PostgreSQL will not run as root and there is no {self.account!r} account: "
                "install Debian's postgresql package (it creates one) or pass --account."
            ) from None
        return ["runuser", "-u", self.account, "--"]

    def _run(self, *cmd: str, check: bool = True) -> subprocess.CompletedProcess:
        proc = subprocess.run(
            [*self._runner(), *cmd], capture_output=True, text=True, cwd="/", timeout=120
        )
        if check and proc.returncode != 0:
            raise PostgresUnavailable(
                f"`{' '.join(cmd)}` failed (exit {proc.returncode}): "
                f"{(proc.stderr or proc.stdout).strip()[-1500:]}"
            )
        return proc

    def _own(self, path: Path) -> None:
        if os.geteuid() == 0:
            entry = pwd.getpwnam(self.account)
            os.chown(path, entry.pw_uid, entry.pw_gid)

    # ---- the life of the server
    def initialised(self) -> bool:
        return (self.cluster / "PG_VERSION").is_file()

    def running(self) -> bool:
        if not self.initialised():
            return False
        return (
            self._run(binary("pg_ctl"), "-D", str(self.cluster), "status", check=False).returncode
            == 0
        )

    def init(self) -> str:
        """Create the cluster, its role and its database; return the password."""
        self.data.mkdir(parents=True, exist_ok=True)
        os.chmod(self.data, 0o755)
        for folder, mode in ((self.cluster, 0o700), (self.socket_dir, 0o700)):
            folder.mkdir(exist_ok=True)
            os.chmod(folder, mode)
            self._own(folder)
        if self._run("test", "-w", str(self.cluster), check=False).returncode != 0:
            raise PostgresUnavailable(
                f"the {self.account!r} account cannot reach {self.cluster}: every folder above "
                "it must be searchable by others (chmod o+x), e.g. choose one under /var/lib"
            )
        password = secrets.token_urlsafe(24)
        pwfile = self.data / ".initial-password"
        pwfile.write_text(password + "\n")
        self._own(pwfile)
        os.chmod(pwfile, 0o600)
        try:
            self._run(
                binary("initdb"),
                "-D", str(self.cluster),
                "-U", ROLE,
                f"--pwfile={pwfile}",
                "--auth-local=scram-sha-256",
                "--auth-host=scram-sha-256",
                "--encoding=UTF8",
                "--no-instructions",
            )  # fmt: skip
        finally:
            pwfile.unlink(missing_ok=True)
        with (self.cluster / "postgresql.conf").open("a") as conf:
            conf.write(
                "\n# cnn-course-kit: the gradebook's server\n"
                "max_connections = 200\n"  # a worker pool per machine, the formgrader, make grade
                "password_encryption = scram-sha-256\n"
            )
        if self.listen not in ("127.0.0.1", "localhost"):
            with (self.cluster / "pg_hba.conf").open("a") as hba:
                hba.write(f"host {DATABASE} {ROLE} 0.0.0.0/0 scram-sha-256\n")
        return password

    def start(self) -> str:
        """Start the server (creating it on first use); return the gradebook's URL."""
        password = None
        if not self.initialised():
            password = self.init()
        if not self.running():
            if _port_taken(self.listen, self.port):
                raise PostgresUnavailable(
                    f"port {self.port} on {self.listen} is in use: pass --port to choose another."
                )
            self._run(
                binary("pg_ctl"),
                "-D", str(self.cluster),
                "-l", str(self.cluster / "server.log"),
                "-o", f"-p {self.port} -k {self.socket_dir} -c listen_addresses={self.listen}",
                "-w", "-t", "60",
                "start",
            )  # fmt: skip
        if password is not None:
            url = (
                f"postgresql+psycopg://{ROLE}:{password}@"
                f"{'127.0.0.1' if self.listen in ('127.0.0.1', 'localhost') else socket.getfqdn()}"
                f":{self.port}/{DATABASE}"
            )
            self._create_database(url)
            self.url_file.write_text(url + "\n")
            os.chmod(self.url_file, 0o640)
        return self.url()

    def url(self) -> str:
        try:
            return self.url_file.read_text().strip()
        except OSError:
            raise PostgresUnavailable(
                f"{self.url_file} is missing: the cluster in {self.cluster} was not made by "
                "this kit (remove the folder to start afresh)."
            ) from None

    def _create_database(self, url: str) -> None:
        import sqlalchemy

        admin = sqlalchemy.create_engine(
            url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT"
        )
        try:
            with admin.connect() as conn:
                exists = conn.execute(
                    sqlalchemy.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": DATABASE}
                ).scalar()
                if not exists:
                    conn.execute(sqlalchemy.text(f'CREATE DATABASE "{DATABASE}" OWNER "{ROLE}"'))
        finally:
            admin.dispose()

    def stop(self) -> None:
        if self.running():
            self._run(binary("pg_ctl"), "-D", str(self.cluster), "-m", "fast", "-w", "stop")


def _port_taken(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((host if host != "0.0.0.0" else "127.0.0.1", port)) == 0


def wait_until_ready(url: str, timeout: float = 30) -> None:
    """Block until the gradebook at ``url`` answers a query."""
    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    deadline = time.time() + timeout
    try:
        while True:
            try:
                with engine.connect() as conn:
                    conn.execute(sqlalchemy.text("SELECT 1"))
                return
            except sqlalchemy.exc.OperationalError:
                if time.time() > deadline:
                    raise
                time.sleep(0.5)
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    """``python -m autograde.postgres start|stop|url --data FOLDER``."""
    parser = argparse.ArgumentParser(
        prog="python -m autograde.postgres", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("action", choices=["start", "stop", "url"])
    parser.add_argument("--data", type=Path, required=True, help="the server's folder")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--listen", default="127.0.0.1", help="the address to listen on")
    parser.add_argument("--account", default="postgres", help="who runs the server (as root)")
    ns = parser.parse_args(argv)
    server = Server(ns.data.resolve(), ns.port, ns.listen, ns.account)
    try:
        if ns.action == "start":
            print(server.start())
        elif ns.action == "url":
            print(server.url())
        else:
            server.stop()
    except PostgresUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
