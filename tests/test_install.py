"""A regular (non-editable) install, as Colab or `pip install git+...` does it, ships
every module of the helper package and nothing else."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_contains_the_whole_utils_package(tmp_path):
    # --no-build-isolation: build with the setuptools already installed (dev extra), offline.
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    wheel = next(tmp_path.glob("cnn_course_kit-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    code = ROOT / "utils"
    expected = {"cnn_course_kit/" + p.relative_to(code).as_posix() for p in code.rglob("*.py")}
    assert expected <= names, f"missing from the wheel: {sorted(expected - names)}"
    top = {n.split("/")[0] for n in names if not n.startswith("cnn_course_kit-")}
    # utils/ installs as cnn_course_kit; the .pth keeps `import utils` for old notebooks
    assert top == {"cnn_course_kit", "cnn_course_kit_legacy.pth"}, sorted(top)
    # The kit's JupyterLab defaults (no news pop-up) go to <prefix>/etc/jupyter/labconfig/.
    settings = "etc/jupyter/labconfig/default_setting_overrides.json"
    assert any(n.endswith(".data/data/" + settings) for n in names), sorted(names)[:20]
