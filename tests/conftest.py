"""Shared pytest setup: every test runs in the smoke profile, offline, with a private cache."""

from __future__ import annotations

import http.server
import os
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Set before any test module imports the kit or TensorFlow.
os.environ.setdefault("COURSE_PROFILE", "smoke")
os.environ.setdefault("COURSE_OFFLINE", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session", autouse=True)
def _private_data_dir(tmp_path_factory):
    """Keep the user's real cache untouched: tests get a throwaway COURSE_DATA_DIR."""
    if "COURSE_DATA_DIR" not in os.environ or os.environ.get("COURSE_TEST_KEEP_DATA_DIR") != "1":
        real = os.environ.get("COURSE_DATA_DIR")
        os.environ["COURSE_DATA_DIR"] = str(tmp_path_factory.mktemp("course-data"))
        _share_trained_weights(Path(real) if real else None, Path(os.environ["COURSE_DATA_DIR"]))
    yield


def _share_trained_weights(real: Path | None, private: Path) -> None:
    """Give the private cache the verified wheels of the real one (HED's weights, ImageNet's
    class list), where it has them (``make test`` fetches them first), so notebooks 06 and 08
    use them under test as well. Read-only for the tests: a hard link (or a copy across file
    systems), never a move."""
    from cnn_course_kit.config import default_data_dir
    from cnn_course_kit.imagenet import TIMM
    from cnn_course_kit.pretrained import HED

    for source in (HED, TIMM):
        wheel = (real or default_data_dir()) / "weights" / source.filename
        if not wheel.is_file() or wheel.stat().st_size != source.size:
            continue
        target = private / "weights" / source.filename
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(wheel, target)
        except OSError:
            import shutil

            shutil.copyfile(wheel, target)


# A local HTTP server for the download code (tests/test_datasets.py, tests/test_keras_files.py)


class _Server(http.server.ThreadingHTTPServer):
    """A local server with per-path bodies; it records every request it receives."""

    files: dict[str, bytes]
    short: set[str]  # paths whose Content-Length promises twice the bytes actually sent
    requests: list[str]

    def url(self, path: str) -> str:
        """The http://127.0.0.1:<port><path> URL of ``path``."""
        return f"http://127.0.0.1:{self.server_address[1]}{path}"


class _Handler(http.server.BaseHTTPRequestHandler):
    """Serves ``server.files``; 404 for anything else."""

    def do_GET(self):  # the name http.server requires
        self.server.requests.append(self.path)
        body = self.server.files.get(self.path)
        if body is None:
            self.send_error(404, "no such file")
            return
        self.send_response(200)
        claimed = 2 * len(body) if self.path in self.server.short else len(body)
        self.send_header("Content-Type", "application/zip")
        self.send_header("Content-Length", str(claimed))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        """Keep the test output quiet."""


@pytest.fixture
def server():
    """A running local HTTP server on a free port."""
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.files, httpd.short, httpd.requests = {}, set(), []
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
