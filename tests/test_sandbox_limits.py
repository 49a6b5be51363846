"""How the sandbox's launcher enforces its limits, and how it tells the grader which hold:
cgroup v1, cgroup v2 (a fake cgroup file system in a folder) or rlimits, and NOT ENFORCED
said in words. Quick: nothing here starts a kernel."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from autograde import sandbox


def test_a_policy_keeps_its_limits_through_json(tmp_path):
    policy = sandbox.default_policy(
        tmp_path / "s",
        tmp_path / "r",
        isolation="docker",
        image="img",
        limits=sandbox.Limits(memory_mb=512),
    )
    back = sandbox.Policy.load(policy.save(tmp_path / "policy.json"))
    assert back == policy and back.limits.memory_mb == 512 and back.limits.cpu_seconds == 900
    assert json.loads((tmp_path / "policy.json").read_text())["isolation"] == "docker"


def test_the_grader_trusts_the_first_report_only():
    """The launcher reports before any student code runs; a student who prints a report of
    their own later in the log changes nothing."""
    real = {"memory": "4096 MB (cgroup v1)", "processes": "256 (cgroup v1)"}
    fake = {"memory": "unlimited"}
    log = "\n".join(
        [
            "[AutogradeApp | INFO] Converting",
            sandbox.LIMITS_REPORT + json.dumps(real),
            sandbox.LIMITS_REPORT + json.dumps(fake),
        ]
    )
    assert sandbox.read_limits_report(log) == real
    assert sandbox.read_limits_report("no report here") is None
    assert sandbox.read_limits_report(sandbox.LIMITS_REPORT + "{broken") is None


def _fake_v2(tmp_path: Path, monkeypatch, *, own: str, controllers: str, busy: bool) -> Path:
    """A cgroup v2 file system in ``tmp_path``: this process in group ``own``; ``busy``: the
    kernel's no-internal-processes rule refuses to enable controllers in ``own``."""
    root = tmp_path / "cgroup"
    group = root / own.strip("/")
    parts = Path(own.strip("/")).parts
    for depth in range(len(parts) + 1):
        folder = root.joinpath(*parts[:depth])
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "cgroup.controllers").write_text(controllers)
        (folder / "cgroup.subtree_control").write_text("")
    real_write = Path.write_text

    def write_text(self, data, *a, **k):
        """cgroup.subtree_control takes "+controller" and then lists it."""
        if self.name != "cgroup.subtree_control" or not self.is_relative_to(root):
            return real_write(self, data, *a, **k)
        if busy and self == group / "cgroup.subtree_control":
            raise OSError(16, "Device or resource busy")
        on = set(self.read_text().split()) | {data.lstrip("+")}
        return real_write(self, " ".join(sorted(on)))

    monkeypatch.setattr(Path, "write_text", write_text)
    monkeypatch.setattr(sandbox, "CGROUP_ROOT", root)
    monkeypatch.setattr(sandbox, "_cgroup_lines", lambda: [("0", [], own)])
    return root


def test_cgroup_v2_limits_go_in_a_group_beside_the_grader(tmp_path, monkeypatch):
    """A delegated scope: the grader's leaf group holds processes, so the kernel's group is
    made beside it, under the scope, with memory.max and pids.max set."""
    root = _fake_v2(
        tmp_path, monkeypatch, own="/scope/grader", controllers="cpu memory pids", busy=True
    )
    enabled = sandbox._join_cgroup_v2(
        "course-kernel-x",
        {"memory": {"memory.max": 1 << 30, "memory.swap.max": 0}, "pids": {"pids.max": 64}},
    )
    assert enabled == {"memory", "pids"}
    kernel = root / "scope" / "course-kernel-x"
    assert (kernel / "memory.max").read_text() == str(1 << 30)
    assert (kernel / "pids.max").read_text() == "64"
    assert (kernel / "cgroup.procs").read_text() == str(os.getpid())
    assert (root / "scope" / "cgroup.subtree_control").read_text() == "memory pids"
    assert (root / "scope" / "grader" / "cgroup.subtree_control").read_text() == ""


def test_cgroup_v2_without_the_controllers_enforces_nothing_there(tmp_path, monkeypatch):
    _fake_v2(tmp_path, monkeypatch, own="/user.slice/session", controllers="cpu", busy=False)
    assert sandbox._join_cgroup_v2("course-kernel-y", {"pids": {"pids.max": 64}}) == set()


def test_unenforced_limits_are_said_in_words(monkeypatch):
    """No cgroup at all: memory falls back to an address-space rlimit, processes to
    RLIMIT_NPROC, and as root (where the kernel ignores RLIMIT_NPROC) to NOT ENFORCED."""
    calls = []
    monkeypatch.setattr(sandbox, "_join_cgroup", lambda *a: False)
    monkeypatch.setattr(sandbox, "_join_cgroup_v2", lambda *a: set())
    monkeypatch.setattr(sandbox.resource, "setrlimit", lambda *a: calls.append(a))
    policy = sandbox.default_policy(Path("/s"), Path("/r"), limits=sandbox.Limits(memory_mb=100))
    monkeypatch.setattr(sandbox.os, "getuid", lambda: 1000)
    applied = sandbox.apply_limits(policy, "k")
    assert applied["memory"].startswith("100 MB of address space (rlimit")
    assert applied["processes"].startswith("256 for this user (rlimit")
    assert (sandbox.resource.RLIMIT_AS, (100 << 20, 100 << 20)) in calls
    monkeypatch.setattr(sandbox.os, "getuid", lambda: 0)
    applied = sandbox.apply_limits(policy, "k")
    assert applied["processes"].startswith(sandbox.NOT_ENFORCED)


def test_v1_groups_take_precedence_and_are_named(monkeypatch):
    monkeypatch.setattr(sandbox, "_join_cgroup", lambda *a: True)
    monkeypatch.setattr(sandbox, "_join_cgroup_v2", lambda *a: pytest.fail("v2 not needed"))
    monkeypatch.setattr(sandbox.resource, "setrlimit", lambda *a: None)
    applied = sandbox.apply_limits(sandbox.default_policy(Path("/s"), Path("/r")), "k")
    assert applied == {
        "cpu": "900 s (rlimit)",
        "file size": "256 MB (rlimit)",
        "memory": "8192 MB (cgroup v1)",
        "processes": "256 (cgroup v1)",
    }


def test_a_container_reports_what_its_engine_enforces(tmp_path):
    policy = sandbox.default_policy(
        tmp_path, tmp_path, isolation="podman", limits=sandbox.Limits(max_processes=32)
    )
    assert sandbox.container_limits(policy)["processes"] == "32 (podman pids limit)"
