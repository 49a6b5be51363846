"""The packaging promises: one environment described twice, CI runs the README's command,
and the code and notebooks pass ruff."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

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
    for line in lines[start + 1:]:
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line.startswith(" " * 6):
            break
        out.append(line.strip()[2:].strip())
    return out


def test_environment_yml_names_the_same_packages_as_pyproject():
    project = _pyproject()["project"]
    extras = project["optional-dependencies"]
    wanted = {_name(r) for r in project["dependencies"] + extras["dev"]}
    wanted |= {_name(r) for r in extras["cpu"] if "darwin" not in r or "!=" in r}
    listed = [r for r in _environment_pip() if not r.startswith("-e")]
    assert {_name(r) for r in listed} == wanted, (
        "environment.yml and pyproject.toml disagree. Only in environment.yml: "
        f"{sorted({_name(r) for r in listed} - wanted)}; only in pyproject.toml: "
        f"{sorted(wanted - {_name(r) for r in listed})}")


def test_environment_yml_uses_the_same_version_ranges():
    project = _pyproject()["project"]
    ranges = {_name(r): r.split(";")[0].replace(" ", "") for r in
              project["dependencies"] + project["optional-dependencies"]["dev"]}
    for req in _environment_pip():
        name = _name(req)
        if name in ranges:
            assert req.replace(" ", "") == ranges[name], f"{name}: {req!r} vs {ranges[name]!r}"


def test_environment_yml_installs_this_repository_with_its_extras():
    assert "-e .[cpu,dev]" in _environment_pip()


def test_ci_runs_exactly_the_readme_test_command():
    run = (ROOT / ".ci" / "run").read_text()
    commands = [line for line in run.splitlines() if line.strip() and not line.startswith("#")]
    assert commands[-1].strip() in {"exec make test", "make test"}, commands
    assert "make test" in (ROOT / "README.md").read_text()


def test_every_make_target_in_the_help_exists():
    makefile = (ROOT / "Makefile").read_text()
    for target in re.findall(r"^#\s+make ([\w-]+)", makefile, flags=re.M):
        rule = rf"^(?:[\w-]+ )*{re.escape(target)}(?: [\w-]+)*:"
        assert re.search(rule, makefile, flags=re.M), f"make {target} is in the help but has no rule"


def test_ruff_passes_on_code_and_notebooks():
    targets = [p for p in ("utils", "autograde", "tests", "solutions", "course") if (ROOT / p).exists()]
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", *targets], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize("module", ["config", "devices", "datasets", "training", "plots",
                                    "widgets", "checks", "workspace"])
def test_every_utils_module_is_documented(module):
    import importlib
    import pkgutil

    mod = importlib.import_module(f"utils.{module}")
    modules = [mod]
    if hasattr(mod, "__path__"):  # a package (utils.datasets): check every submodule too
        names = sorted(info.name for info in pkgutil.iter_modules(mod.__path__))
        assert names, f"utils.{module} is a package without submodules"
        # __main__ is the `python -m` entry script, not a module to import.
        modules += [importlib.import_module(f"{mod.__name__}.{name}") for name in names
                    if name != "__main__"]
    for m in modules:
        assert (m.__doc__ or "").strip(), f"{m.__name__} has no module docstring"
        public = [getattr(m, n) for n in dir(m) if not n.startswith("_")]
        undocumented = [f.__name__ for f in public if callable(f) and
                        getattr(f, "__module__", "") == m.__name__ and not (f.__doc__ or "").strip()]
        assert not undocumented, f"{m.__name__}: no docstring on {undocumented}"
