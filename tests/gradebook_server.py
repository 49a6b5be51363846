"""A throwaway PostgreSQL gradebook server for the tests (autograde.postgres)."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from autograde import postgres
from tests.lab_server import free_port


@contextlib.contextmanager
def gradebook_server() -> Iterator[tuple[postgres.Server, str]]:
    """A server on a free port in a fresh folder under /tmp (the ``postgres`` account must
    reach it when the tests run as root: pytest's own temporary folders are root's only)."""
    folder = Path(tempfile.mkdtemp(prefix="kit-gradebook-"))
    os.chmod(folder, 0o755)
    srv = postgres.Server(folder / "gradebook", port=free_port())
    try:
        url = srv.start()
        yield srv, url
    finally:
        srv.stop()
        shutil.rmtree(folder, ignore_errors=True)
