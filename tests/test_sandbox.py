"""The grading sandbox: what a hostile student kernel can and cannot do.

Each test starts a real kernel through the sandbox kernelspec (bubblewrap), as nbgrader
does when grading, and tries an escape. They need bubblewrap; `make test` installs it.
"""

from __future__ import annotations

import ast
import socket
import threading
from pathlib import Path

import pytest

from autograde import sandbox
from tests.sandbox_kernel import KernelDied, sandboxed_kernel

ROOT = Path(__file__).resolve().parents[1]
pytestmark = [pytest.mark.slow, pytest.mark.sandbox]


@pytest.fixture(scope="module", autouse=True)
def _needs_bwrap():
    sandbox.check_available()  # fails (does not skip) where make test should have installed it


@pytest.fixture
def kernel(tmp_path):
    with sandboxed_kernel(tmp_path, memory_mb=3072, cpu_seconds=120) as run:
        yield run


def test_solutions_gradebook_and_home_are_invisible(kernel, tmp_path):
    home = Path.home()
    out, err = kernel(
        "import os\n"
        f"print(os.path.exists({str(ROOT / 'solutions')!r}), os.path.exists({str(ROOT / 'autograde')!r}))\n"
        f"print(os.path.exists({str(tmp_path / 'policy.json')!r}))\n"
        f"print(sorted(os.listdir({str(home)!r})) if os.path.exists({str(home)!r}) else [])\n"
        "print(os.listdir('.'))"
    )
    assert err is None, err
    lines = out.splitlines()
    assert lines[0] == "False False", "solutions/ or autograde/ is visible in the sandbox"
    assert lines[1] == "False", "the grader's own folder is visible"
    # Of the instructor's home, only the way down to a read-only bind (a Python installed
    # under ~/.pyenv, a checkout under ~/src) may exist in the sandbox, and nothing else.
    binds = [Path(p).resolve() for p in sandbox.default_policy(tmp_path, tmp_path).read_only]
    allowed = {p.relative_to(home).parts[0] for p in binds if p.is_relative_to(home) and p != home}
    assert set(ast.literal_eval(lines[2])) <= allowed, f"{home} shows {lines[2]}"
    assert lines[3] == "[]", "the kernel should start in an empty private scratch folder"


def test_the_connection_files_folder_is_not_visible(kernel):
    # nbclient puts connection files in a shared temporary folder (often /tmp itself).
    out, err = kernel(f"import os\nprint(os.path.exists({str(kernel.shared_folder)!r}))")
    assert (err, out.strip()) == (None, "False")


def test_socket_folder_outside_the_runtime_root_is_refused(tmp_path):
    policy = sandbox.default_policy(tmp_path / "s", tmp_path / "runtime")
    connection = tmp_path / "kernel.json"
    connection.write_text('{"transport": "ipc", "ip": "/tmp/kernel-ipc"}')
    with pytest.raises(SystemExit, match="outside the runtime root"):
        sandbox.socket_folder(policy, str(connection))
    connection.write_text('{"transport": "tcp", "ip": "127.0.0.1"}')
    with pytest.raises(SystemExit, match="ipc transport"):
        sandbox.socket_folder(policy, str(connection))


def test_utils_and_numpy_import_and_scratch_is_writable(kernel):
    out, err = kernel(
        "import numpy, cnn_course_kit.checks\nopen('notes.txt', 'w').write('ok')\n"
        "print(open('notes.txt').read())"
    )
    assert (err, out.strip()) == (None, "ok")


def test_python_installation_is_read_only(kernel):
    import cnn_course_kit

    target = Path(cnn_course_kit.__file__).parent / "evil.py"
    out, err = kernel(f"open({str(target)!r}, 'w').write('x = 1')")
    assert err is not None and "Read-only file system" in err
    assert not target.exists()


def test_remount_and_umount_escapes_fail(kernel):
    import cnn_course_kit

    utils_dir = str(Path(cnn_course_kit.__file__).parent)
    out, err = kernel(
        "import subprocess\n"
        f"r1 = subprocess.run(['mount', '-o', 'remount,rw', {utils_dir!r}], capture_output=True)\n"
        "r2 = subprocess.run(['umount', '/tmp'], capture_output=True)\n"
        "caps = [l for l in open('/proc/self/status') if l.startswith('CapEff')][0].split()[1]\n"
        "print(r1.returncode, r2.returncode, caps)"
    )
    assert err is None, err
    remount, umount, caps = out.split()
    assert remount != "0" and umount != "0"
    assert int(caps, 16) == 0, "the kernel still holds capabilities"


def test_no_network_even_to_the_grader_machine(kernel):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    accepted = []
    threading.Thread(target=lambda: accepted.append(server.accept()), daemon=True).start()
    out, err = kernel(
        "import socket\n"
        "for host in ('127.0.0.1', 'pypi.org'):\n"
        "    try:\n"
        f"        socket.create_connection((host, {port} if host[0] == '1' else 443), timeout=3)\n"
        "        print('connected', host)\n"
        "    except OSError as exc:\n"
        "        print('blocked', host, type(exc).__name__)"
    )
    server.close()
    assert "connected" not in out and out.count("blocked") == 2, out
    assert not accepted


def test_fork_bomb_is_contained(tmp_path):
    with sandboxed_kernel(tmp_path, max_processes=40) as run:
        out, err = run(
            "import os\nkids = 0\n"
            "try:\n"
            "    for _ in range(500):\n"
            "        if os.fork() == 0:\n"
            "            import time; time.sleep(30); os._exit(0)\n"
            "        kids += 1\n"
            "except OSError as exc:\n"
            "    print('stopped after', kids, type(exc).__name__)",
            timeout=60,
        )
        assert "stopped after" in out, (out, err)
        assert int(out.split()[2]) < 40


def test_memory_bomb_is_contained(tmp_path):
    with sandboxed_kernel(tmp_path, memory_mb=512) as run:
        try:
            out, err = run("block = b'x' * (2 * 1024**3)\nprint('allocated')", timeout=60)
        except KernelDied:  # killed by the memory cgroup's OOM killer
            out, err = "", "kernel died"
        assert "allocated" not in out
        assert err is not None, "a 2 GB allocation succeeded under a 512 MB limit"


def test_cpu_limit_stops_a_busy_loop(tmp_path):
    with sandboxed_kernel(tmp_path, cpu_seconds=3) as run:
        with pytest.raises(KernelDied):
            run("while True:\n    pass", timeout=40)


def test_missing_bwrap_is_explained(monkeypatch):
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    with pytest.raises(sandbox.SandboxUnavailable, match="apt-get install bubblewrap") as err:
        sandbox.check_available()
    assert "--unsafe" in str(err.value)


def test_kernelspec_uses_message_interrupts(tmp_path):
    policy = sandbox.default_policy(tmp_path / "s", tmp_path / "r")
    import json

    sandbox.write_kernelspec(tmp_path, policy.save(tmp_path / "p.json"))
    spec = json.loads((tmp_path / "kernels" / sandbox.KERNEL_NAME / "kernel.json").read_text())
    assert spec["interrupt_mode"] == "message" and "{connection_file}" in spec["argv"]


def test_private_tmp_is_mounted_before_the_read_only_binds(tmp_path):
    # A checkout or virtualenv under /tmp (CI clones, the fresh-clone test) must stay visible.
    runtime = tmp_path / "runtime"
    (runtime / "k").mkdir(parents=True)
    connection = runtime / "k" / "kernel.json"
    connection.write_text(f'{{"transport": "ipc", "ip": "{runtime / "k" / "kernel-ipc"}"}}')
    policy = sandbox.default_policy(tmp_path / "s", runtime)
    policy.read_only.append("/tmp")
    argv = sandbox.bwrap_argv(policy, str(connection), "/tmp/work", "/tmp/scratch")
    tmpfs = argv.index("--tmpfs")
    binds = [i for i, a in enumerate(argv) if a == "--ro-bind" and argv[i + 1].startswith("/tmp")]
    assert binds and min(binds) > tmpfs
