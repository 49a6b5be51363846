"""Grading in containers (``--isolation docker|podman``) instead of bubblewrap.

The flags the grader asks a container engine for are checked directly; the whole path
(kernelspec, launcher, IPC sockets through a bound folder, stopping and removing
containers) is graded end to end against tests/fake_engine.py, a docker-compatible test
double, because no container engine can run on the CI machine.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import nbformat
import pytest

from autograde import grading, sandbox, scratch
from tests import fake_engine, hostile

A = hostile.ASSIGNMENT
NB = f"{A}.ipynb"


def _policy(tmp_path: Path, **kw) -> tuple[sandbox.Policy, Path]:
    runtime = tmp_path / "runtime" / "alice-x1"
    runtime.mkdir(parents=True)
    connection = runtime / "kernel.json"
    connection.write_text(json.dumps({"transport": "ipc", "ip": str(runtime / "kernel-ipc")}))
    data = tmp_path / "data"
    data.mkdir()
    policy = sandbox.default_policy(
        tmp_path / "scratch",
        tmp_path / "runtime",
        data_dir=str(data),
        isolation="docker",
        image="grader:1",
        limits=sandbox.Limits(**kw),
    )
    return policy, connection


def _pairs(argv: list[str]) -> set[tuple[str, str]]:
    return set(zip(argv, argv[1:]))


def test_the_container_is_isolated_and_limited(tmp_path):
    policy, connection = _policy(tmp_path, memory_mb=2048, max_processes=64, cpu_seconds=60)
    argv = sandbox.container_argv(policy, str(connection), "/scratch/k1", "k1")
    pairs = _pairs(argv)
    for flag in [
        ("--network", "none"),
        ("--cap-drop", "ALL"),
        ("--user", "65534:65534"),
        ("--security-opt", "no-new-privileges"),
        ("--memory", "2048m"),
        ("--memory-swap", "2048m"),
        ("--pids-limit", "64"),
        ("--ulimit", "cpu=60:65"),
        ("--label", "course-kit-run=alice-x1"),
        ("--name", "k1"),
    ]:
        assert flag in pairs, flag
    assert "--read-only" in argv and "--rm" in argv and "--privileged" not in argv
    volumes = [b for a, b in pairs if a == "--volume"]
    runtime = str(connection.parent)
    assert sorted(volumes) == sorted(
        [
            f"/scratch/k1:{sandbox.CONTAINER_HOME}:rw",
            f"{runtime}:{runtime}:rw",
            f"{tmp_path / 'data'}:{tmp_path / 'data'}:ro",
        ]
    )
    assert argv[argv.index("grader:1") + 1 :][:5] == [
        "python",
        "-m",
        "ipykernel_launcher",
        "-f",
        str(connection),
    ]
    assert ("--env", "COURSE_OFFLINE=1") in pairs


def test_a_tcp_kernel_is_refused_in_a_container_too(tmp_path):
    policy, connection = _policy(tmp_path)
    connection.write_text('{"transport": "tcp", "ip": "127.0.0.1"}')
    with pytest.raises(SystemExit, match="ipc"):
        sandbox.container_argv(policy, str(connection), "/s", "k")


def _engine_on_path(tmp_path: Path, monkeypatch) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "docker"
    shim.write_text(f'#!/bin/sh\nexec {sys.executable} {Path(fake_engine.__file__)} "$@"\n')
    shim.chmod(0o755)
    state = tmp_path / "engine-state"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_ENGINE_STATE", str(state))
    return state


def test_a_missing_engine_or_image_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(sandbox.SandboxUnavailable, match="docker is not installed"):
        sandbox.check_engine("docker", "img")
    _engine_on_path(tmp_path, monkeypatch)
    with pytest.raises(sandbox.SandboxUnavailable, match="make grader-image"):
        sandbox.check_engine("docker", "no-such-image")
    with pytest.raises(sandbox.SandboxUnavailable, match="needs --image"):
        sandbox.check_engine("docker", "")
    sandbox.check_engine("docker", fake_engine.IMAGE)


@pytest.mark.slow
@pytest.mark.sandbox
def test_a_class_graded_in_containers(tmp_path, monkeypatch):
    sandbox.check_available()  # the test double itself runs on bubblewrap
    state = _engine_on_path(tmp_path, monkeypatch)
    course = scratch.new_course(tmp_path / "course", [A])
    root, db = course.root, course.gradebook
    honest = hostile.solved(root / "course" / A / NB, root / "solutions" / A / NB)
    kinds = {
        "honest": hostile.FULL,
        "infinite loop": hostile.FULL - 2,
        "patched numpy and builtins": hostile.FULL - 2,
    }
    for kind in kinds:
        folder = root / "autograde" / "submitted" / kind.replace(" ", "-") / A
        folder.mkdir(parents=True)
        nbformat.write(hostile.build(kind, honest, paths={}, port=0), folder / NB)

    settings = grading.GradingSettings(
        cell_timeout=5,
        notebook_timeout=300,
        workers=2,
        root=root,
        isolation="docker",
        image=fake_engine.IMAGE,
    )
    outcomes = {o.student: o for o in grading.grade(A, settings=settings, echo=lambda _: None)}

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{db}") as gb:
        for kind, score in kinds.items():
            student = kind.replace(" ", "-")
            assert outcomes[student].status == "graded", outcomes[student]
            nb = gb.find_submission_notebook(A, A, student)
            assert sum(g.score for g in nb.grades if g.cell_type == "code") == score, kind
    runs = [json.loads(line) for line in (state / "calls").read_text().splitlines()]
    started = [argv for argv in runs if argv[0] == "run"]
    # one container per kernel: a cell that runs out of time is followed by a fresh kernel
    # (issue 18), so the infinite loop's submission gets a second container, the others one
    runs_of = [argv[argv.index("--label") + 1].split("=", 1)[1] for argv in started]
    per_student = {
        s: sum(r.startswith(s[:20] + "-") for r in runs_of)  # (labels cut names at 20)
        for s in (k.replace(" ", "-") for k in kinds)
    }
    assert per_student == {"honest": 1, "infinite-loop": 2, "patched-numpy-and-builtins": 1}
    for argv in started:
        assert {("--network", "none"), ("--cap-drop", "ALL"), ("--user", "65534:65534")} <= _pairs(
            argv
        )
    assert not list(state.glob("*.container")), "a container outlived its grading run"
