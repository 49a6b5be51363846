"""The packaging promises: one environment described twice, CI runs the README's command,
and the code and notebooks pass ruff."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser, from PyPI (the `lab` extra installs it)
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _environment_pip() -> list[str]:
    # Parsed by hand: PyYAML is not a dependency of the kit, and the file is a flat list.
    lines = (ROOT / "environment.yml").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "- pip:")
    out = []
    for line in lines[start + 1 :]:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith(" " * 6):
            break
        out.append(line.strip()[2:].strip())
    return out


def _student_requirements() -> dict[str, str]:
    """What environment.yml must list: dependencies + the cpu (Linux) and lab extras, by
    name; where a name appears twice (ipywidgets), the extra's narrower range wins."""
    project = _pyproject()["project"]
    extras = project["optional-dependencies"]
    cpu = [r for r in extras["cpu"] if "darwin" not in r or "!=" in r]
    lab = [r for r in extras["lab"] if "python_version" not in r]  # the yml pins Python 3.11
    return {_name(r): r.split(";")[0].replace(" ", "") for r in project["dependencies"] + cpu + lab}


def test_environment_yml_names_the_same_packages_as_pyproject():
    wanted = set(_student_requirements())
    listed = {_name(r) for r in _environment_pip()}
    assert listed == wanted, (
        "environment.yml and pyproject.toml disagree. Only in environment.yml: "
        f"{sorted(listed - wanted)}; only in pyproject.toml: {sorted(wanted - listed)}"
    )


def test_environment_yml_uses_the_same_version_ranges():
    ranges = _student_requirements()
    for req in _environment_pip():
        assert req.replace(" ", "") == ranges[_name(req)], f"{req!r} vs {ranges[_name(req)]!r}"


def test_environment_yml_does_not_install_the_repository():
    """repo2docker builds the environment before copying the repository: no local paths."""
    local = [r for r in _environment_pip() if r.startswith(("-e", ".", "/", "file:"))]
    assert not local, f"environment.yml installs a local path, which breaks Binder: {local}"


@pytest.mark.slow
def test_binder_postbuild_installs_the_kit_and_its_lab_settings(tmp_path):
    """Binder's postBuild, run here into a scratch prefix (offline: no build isolation)."""
    post = ROOT / "postBuild"
    assert post.stat().st_mode & 0o111, "postBuild must be executable (repo2docker runs it)"
    env = dict(
        os.environ,
        PIP_PREFIX=str(tmp_path),
        PIP_NO_BUILD_ISOLATION="0",
        PIP_IGNORE_INSTALLED="1",  # leave this environment's editable install alone
        PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"],
    )
    proc = subprocess.run([str(post)], cwd=ROOT, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert (tmp_path / "etc/jupyter/labconfig/default_setting_overrides.json").is_file()
    installed = list(tmp_path.glob("lib/python*/site-packages/cnn_course_kit/checks.py"))
    assert installed, sorted(str(p) for p in tmp_path.rglob("*"))[:30]


def test_ci_runs_exactly_the_readme_test_command():
    run = (ROOT / ".ci" / "run").read_text()
    commands = [line for line in run.splitlines() if line.strip() and not line.startswith("#")]
    assert commands[-1].strip() in {"exec make test", "make test"}, commands
    assert "make test" in (ROOT / "README.md").read_text()


def test_every_make_target_in_the_help_exists():
    makefile = (ROOT / "Makefile").read_text()
    for target in re.findall(r"^#\s+make ([\w-]+)", makefile, flags=re.M):
        rule = rf"^(?:[\w-]+ )*{re.escape(target)}(?: [\w-]+)*:"
        assert re.search(rule, makefile, flags=re.M), (
            f"make {target} is in the help but has no rule"
        )


def test_ruff_passes_on_code_and_notebooks():
    targets = [
        p for p in ("utils", "autograde", "tests", "solutions", "course") if (ROOT / p).exists()
    ]
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "check", *targets], cwd=ROOT, capture_output=True, text=True
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    code = [p for p in ("utils", "autograde", "tests") if (ROOT / p).exists()]
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", *code],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, "run `ruff format utils autograde tests`:\n" + proc.stdout


def _kit_modules() -> list[str]:
    """Every module of utils and autograde, found on disk (a new module is checked too).
    Left out: ``__main__`` scripts, and the configuration files only nbgrader or JupyterHub
    can load (nbgrader_config.py, jupyterhub_config.py)."""
    import pkgutil

    import autograde
    import cnn_course_kit

    names = []
    for package in (cnn_course_kit, autograde):
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            if info.name.rsplit(".", 1)[-1] not in (
                "__main__",
                "nbgrader_config",
                "jupyterhub_config",
            ):
                names.append(info.name)
    return sorted(names)


def test_the_module_list_is_complete():
    names = _kit_modules()
    assert {
        "cnn_course_kit.reference",
        "cnn_course_kit.datasets.standin",
        "autograde.course",
        "autograde.split",
    } <= set(names), names


@pytest.mark.parametrize("module", _kit_modules())
def test_every_module_is_documented(module):
    import importlib

    m = importlib.import_module(module)
    assert (m.__doc__ or "").strip(), f"{m.__name__} has no module docstring"
    public = [getattr(m, n) for n in dir(m) if not n.startswith("_")]
    undocumented = [
        f.__name__
        for f in public
        if callable(f)
        and getattr(f, "__module__", "") == m.__name__
        and not (f.__doc__ or "").strip()
    ]
    assert not undocumented, f"{m.__name__}: no docstring on {undocumented}"
