"""Shared pytest setup: every test runs in the smoke profile, offline, with a private cache."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Set before any test module imports utils or TensorFlow.
os.environ.setdefault("COURSE_PROFILE", "smoke")
os.environ.setdefault("COURSE_OFFLINE", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture(scope="session", autouse=True)
def _private_data_dir(tmp_path_factory):
    """Keep the user's real cache untouched: tests get a throwaway COURSE_DATA_DIR."""
    if "COURSE_DATA_DIR" not in os.environ or os.environ.get("COURSE_TEST_KEEP_DATA_DIR") != "1":
        os.environ["COURSE_DATA_DIR"] = str(tmp_path_factory.mktemp("course-data"))
    yield


@pytest.fixture
def repo_root() -> Path:
    return ROOT


@pytest.fixture
def venv_bin() -> Path:
    """The bin/ folder of the interpreter running the tests (nbgrader needs it on PATH)."""
    return Path(sys.executable).parent
