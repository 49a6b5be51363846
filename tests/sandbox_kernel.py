"""Start a kernel through the grading sandbox's kernelspec, as nbgrader does (test helper)."""

from __future__ import annotations

import contextlib
import os
import queue
import tempfile
import time
from pathlib import Path

from jupyter_client import KernelManager

from autograde import sandbox


class KernelDied(RuntimeError):
    """The sandboxed kernel process ended while running a cell."""


@contextlib.contextmanager
def sandboxed_kernel(tmp_path: Path, **limits):
    """Yield ``run(code) -> (stdout, error or None)`` for a fresh sandboxed kernel."""
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    policy = sandbox.default_policy(tmp_path / "scratch", runtime, limits=sandbox.Limits(**limits))
    policy_file = policy.save(tmp_path / "policy.json")
    spec_root = tmp_path / "jupyter"
    name = sandbox.write_kernelspec(spec_root, policy_file)
    cwd = tmp_path / "submission"
    cwd.mkdir()
    old = os.environ.get("JUPYTER_PATH")
    os.environ["JUPYTER_PATH"] = str(spec_root)
    # Like nbclient: the connection file in a shared temporary folder, the sockets in ours.
    sockets = runtime / "kernel-1"
    sockets.mkdir()
    km = KernelManager(kernel_name=name, transport="ipc", ip=str(sockets / "kernel-ipc"))
    shared = Path(tempfile.mkdtemp())
    (shared / "secret.txt").write_text("another kernel's connection key")
    km.connection_file = str(shared / "kernel.json")
    try:
        km.start_kernel(cwd=str(cwd))
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=60)

        def run(code: str, timeout: float = 60):
            """Execute ``code``; raise KernelDied if the kernel dies, TimeoutError if slow."""
            msg_id = kc.execute(code)
            out, err, deadline = [], [], time.time() + timeout
            while time.time() < deadline:
                if not km.is_alive():
                    raise KernelDied("".join(out))
                try:
                    msg = kc.get_iopub_msg(timeout=0.2)
                except queue.Empty:
                    continue
                if msg["parent_header"].get("msg_id") != msg_id:
                    continue
                content = msg["content"]
                if msg["msg_type"] == "stream":
                    out.append(content["text"])
                elif msg["msg_type"] == "error":
                    err.append(f"{content['ename']}: {content['evalue']}")
                elif msg["msg_type"] == "status" and content["execution_state"] == "idle":
                    return "".join(out), (err[0] if err else None)
            raise TimeoutError(f"no answer within {timeout} s")

        run.manager = km
        run.shared_folder = shared
        yield run
        kc.stop_channels()
    finally:
        if old is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = old
        km.shutdown_kernel(now=True)
