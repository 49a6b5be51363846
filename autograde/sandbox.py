"""Run a student's Jupyter kernel inside bubblewrap, with resource limits.

nbgrader executes submissions with the instructor's privileges, next to ``solutions/``,
the hidden tests and the gradebook. Here the grader gives nbgrader a kernelspec whose
command is this file: it applies the limits, then ``exec``s ``bwrap`` (Debian package
``bubblewrap``), which starts ``ipykernel`` in fresh namespaces where

* there is no network (``--unshare-all`` gives an empty network namespace);
* the file system holds only the system (``/usr``, a few files of ``/etc``), the Python
  installation, the kit's package (``cnn_course_kit``, the folder ``utils/``) and the data cache, all read-only; a tmpfs
  ``/tmp``; and one private writable scratch folder mounted where the kernel starts, so
  ``solutions/``, the gradebook, other submissions and the instructor's home do not exist;
* every capability is dropped (``--cap-drop ALL``), so even as root the kernel cannot
  remount a read-only bind or unmount a mask;
* limits hold: CPU seconds and file size (rlimits); memory and number of processes
  (cgroup v1 ``memory``/``pids`` groups nested under the grader's own, when the grader
  may create them, else ``RLIMIT_AS`` and ``RLIMIT_NPROC``);
* the kernel talks to the grader over IPC sockets (``--KernelManager.transport=ipc``) in a
  folder of its own inside the policy's ``runtime_root``, the only other path bound into
  the sandbox; the launcher refuses any other transport or socket folder.

Where an instructor has a container engine, ``isolation="docker"`` or ``"podman"`` runs the
kernel in a container of the grader image instead (``autograde/Dockerfile``, built with
``make grader-image``): no network, a read-only image, every capability dropped, no new
privileges, an unprivileged user, memory, process, CPU-time and file-size limits, a tmpfs
``/tmp``, the private scratch folder as the working directory and the socket folder bound
at the same path. The launcher then stays the container's parent: stopping the kernel
stops the container, and the grader removes any container left with the label of a
student's run.

Nothing here is imported by the kernel; the launcher runs as a plain script with the
standard library only: ``python sandbox.py POLICY.json -f CONNECTION_FILE``.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import shutil
import subprocess
import sys
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

KERNEL_NAME = "course-sandbox"
CGROUP_ROOT = Path("/sys/fs/cgroup")
_ETC_FILES = (
    "ld.so.cache",
    "ld.so.conf",
    "ld.so.conf.d",
    "fonts",
    "localtime",
    "passwd",
    "group",
    "nsswitch.conf",
    "hosts",
    "mime.types",
)
_TOP_DIRS = ("bin", "lib", "lib64", "lib32", "sbin")


@dataclass
class Limits:
    """What one student's kernel may use (``make grade`` has a flag for each)."""

    cpu_seconds: int = 900  # per kernel (all its processes share a cgroup)
    # notebook 06 (five ImageNet architectures, smoke profile) peaks at 4.7 GB resident
    memory_mb: int = 8192
    max_processes: int = 256  # threads count too: TensorFlow starts dozens
    max_file_mb: int = 256  # the largest file the kernel may write


@dataclass
class Policy:
    """What a sandboxed kernel may see and use. Written as JSON by the grader."""

    python: str  # the interpreter that runs ipykernel
    read_only: list[str] = field(default_factory=list)  # extra paths to bind read-only
    scratch_root: str = "/tmp/course-sandbox"  # private writable folders are made here
    runtime_root: str = ""  # IPC socket folders must lie inside this one
    env: dict[str, str] = field(default_factory=dict)
    limits: Limits = field(default_factory=Limits)
    isolation: str = "bwrap"  # or "docker" / "podman" (a container engine)
    image: str = ""  # the grader image, for a container engine

    def save(self, path: Path) -> Path:
        """Write the policy as JSON (the launcher reads it back)."""
        path.write_text(json.dumps(asdict(self), indent=1))
        return path

    @classmethod
    def load(cls, path: str | Path) -> Policy:
        """Read a policy written by :meth:`save`."""
        data = json.loads(Path(path).read_text())
        data["limits"] = Limits(**data.get("limits", {}))
        return cls(**data)


def default_policy(
    scratch_root: Path,
    runtime_root: Path,
    *,
    data_dir: str | None = None,
    env: dict[str, str] | None = None,
    limits: Limits | None = None,
    isolation: str = "bwrap",
    image: str = "",
) -> Policy:
    """The policy for grading with this interpreter: Python, the virtual environment and the
    kit (``cnn_course_kit``) readable, and the data cache (if any) readable too."""
    import cnn_course_kit  # the grader's own copy: its folder is what the kernel imports

    read_only = [sys.base_prefix, sys.prefix, str(Path(cnn_course_kit.__file__).resolve().parent)]
    kernel_env = {"COURSE_OFFLINE": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
    for key in ("COURSE_PROFILE", "COURSE_SEED"):
        if key in os.environ:
            kernel_env[key] = os.environ[key]
    if data_dir:
        read_only.append(str(Path(data_dir).resolve()))
        kernel_env["COURSE_DATA_DIR"] = str(Path(data_dir).resolve())
    kernel_env.update(env or {})
    python = str(Path(sys.prefix) / "bin" / "python")
    return Policy(
        python=python,
        read_only=read_only,
        scratch_root=str(scratch_root),
        runtime_root=str(runtime_root),
        env=kernel_env,
        limits=limits or Limits(),
        isolation=isolation,
        image=image,
    )


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create namespaces on this machine."""


ISOLATIONS = ("bwrap", "docker", "podman")  # bubblewrap, or a container engine
LABEL = "course-kit-run"
CONTAINER_USER = "65534:65534"  # nobody:nogroup
CONTAINER_HOME = "/home/student"


def check_engine(engine: str, image: str) -> str:
    """Return the container engine's path after checking it answers and has ``image``;
    else raise :class:`SandboxUnavailable` with what to do."""
    path = shutil.which(engine)
    if path is None:
        raise SandboxUnavailable(
            f"{engine} is not installed; grade with bubblewrap (the default) or install it."
        )
    if not image:
        raise SandboxUnavailable(
            f"--isolation {engine} needs --image (build it with `make "
            f"grader-image ENGINE={engine}`)."
        )
    probe = subprocess.run([path, "image", "inspect", image], capture_output=True, text=True)
    if probe.returncode != 0:
        raise SandboxUnavailable(
            f"{engine} cannot use the image {image!r}: {probe.stderr.strip()[:300]}. Build it "
            f"with `make grader-image ENGINE={engine}` (and check that the engine is running)."
        )
    return path


def remove_containers(engine: str, label: str) -> int:
    """Remove the containers of one student's run (a kernel killed without its launcher
    having had the chance); returns how many were found."""
    path = shutil.which(engine)
    if path is None or not label:
        return 0
    found = subprocess.run(
        [path, "ps", "-aq", "--filter", f"label={LABEL}={label}"], capture_output=True, text=True
    ).stdout.split()
    if found:
        subprocess.run([path, "rm", "-f", *found], capture_output=True)
    return len(found)


def bwrap_path() -> str | None:
    """The ``bwrap`` executable, or None."""
    return shutil.which("bwrap")


def check_available() -> str:
    """Return the bwrap path after proving it can build a sandbox; else raise
    :class:`SandboxUnavailable` with what to do."""
    bwrap = bwrap_path()
    if bwrap is None:
        raise SandboxUnavailable(
            "bubblewrap (`bwrap`) is not installed, so student code would run with your own "
            "privileges, next to the solutions and the gradebook. Install it (Debian/Ubuntu: "
            "`sudo apt-get install bubblewrap`; Fedora: `sudo dnf install bubblewrap`), or pass "
            "--unsafe to grade without isolation on a machine you are willing to lose."
        )
    probe = subprocess.run(
        [bwrap, "--unshare-all", "--cap-drop", "ALL", "--ro-bind", "/", "/", "true"],
        capture_output=True,
        text=True,
    )
    if probe.returncode != 0:
        raise SandboxUnavailable(
            f"bubblewrap is installed but cannot create a sandbox here: {probe.stderr.strip()}. "
            "Unprivileged user namespaces may be disabled (sysctl kernel.unprivileged_userns_clone"
            "=1 or user.max_user_namespaces > 0), or run the grader as root; or pass --unsafe."
        )
    return bwrap


def write_kernelspec(dest: Path, policy_file: Path) -> str:
    """Write ``dest/kernels/course-sandbox/kernel.json`` (put ``dest`` on JUPYTER_PATH)."""
    spec_dir = dest / "kernels" / KERNEL_NAME
    spec_dir.mkdir(parents=True, exist_ok=True)
    spec = {
        "argv": [
            sys.executable,
            str(Path(__file__).resolve()),
            str(policy_file),
            "-f",
            "{connection_file}",
        ],
        "display_name": "Python 3 (grading sandbox)",
        "language": "python",
        # SIGINT would reach bwrap, not the kernel: interrupt through the control channel.
        "interrupt_mode": "message",
    }
    (spec_dir / "kernel.json").write_text(json.dumps(spec, indent=1))
    return KERNEL_NAME


# ---------------------------------------------------------------------------------- launcher


def _system_binds() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for name in _TOP_DIRS:
        top = Path("/") / name
        if top.is_symlink():
            args += ["--symlink", os.readlink(top), str(top)]
        elif top.is_dir():
            args += ["--ro-bind", str(top), str(top)]
    for name in _ETC_FILES:
        if (Path("/etc") / name).exists():
            args += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    return args


def socket_folder(policy: Policy, connection_file: str) -> Path:
    """The folder of the kernel's IPC sockets, checked to be a private one under
    ``policy.runtime_root`` (binding, say, ``/tmp`` would undo the sandbox)."""
    info = json.loads(Path(connection_file).read_text())
    if info.get("transport") != "ipc":
        raise SystemExit(
            "course-sandbox: the kernel must use the ipc transport "
            "(--KernelManager.transport=ipc); refusing to start"
        )
    folder = Path(info["ip"]).resolve().parent
    root = Path(policy.runtime_root).resolve() if policy.runtime_root else None
    if root is None or root not in folder.parents:
        raise SystemExit(
            f"course-sandbox: IPC sockets in {folder} are outside the runtime root "
            f"{root}; refusing to bind that folder into the sandbox"
        )
    return folder


def bwrap_argv(
    policy: Policy,
    connection_file: str,
    cwd: str,
    scratch: str,
    bwrap: str = "bwrap",
    kernel_args: list[str] | None = None,
) -> list[str]:
    """The full bwrap command line that starts ipykernel for ``connection_file`` (which must
    lie in the socket folder; ``kernel_args``: extra ipykernel options)."""
    runtime = str(socket_folder(policy, connection_file))
    # Mounts apply in order: the private /tmp first, so that a Python installation, a
    # checkout or a socket folder that lives under /tmp is bound on top of it, not hidden.
    args = [
        bwrap,
        "--unshare-all",
        "--die-with-parent",
        "--new-session",
        "--cap-drop",
        "ALL",
        "--hostname",
        "sandbox",
        *_system_binds(),
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--tmpfs",
        "/tmp",
    ]
    for path in policy.read_only:
        if Path(path).exists():
            args += ["--ro-bind", path, path]
    args += ["--bind", scratch, cwd, "--chdir", cwd, "--bind", runtime, runtime, "--clearenv"]
    env = {
        "PATH": f"{Path(policy.python).parent}:/usr/bin:/bin",
        "HOME": "/tmp/home",
        "LANG": "C.UTF-8",
        "MPLCONFIGDIR": "/tmp/matplotlib",
        "IPYTHONDIR": "/tmp/ipython",
        "PYTHONDONTWRITEBYTECODE": "1",
        **policy.env,
    }
    for key, value in env.items():
        args += ["--setenv", key, value]
    return args + [
        "--",
        policy.python,
        "-m",
        "ipykernel_launcher",
        "-f",
        connection_file,
        *(kernel_args or []),
    ]


def container_argv(
    policy: Policy,
    connection_file: str,
    scratch: str,
    name: str,
    engine: str = "docker",
    kernel_args: list[str] | None = None,
) -> list[str]:
    """The ``docker run``/``podman run`` command line that starts ipykernel in the grader
    image for ``connection_file`` (which must lie in the socket folder)."""
    runtime = str(socket_folder(policy, connection_file))
    limits = policy.limits
    cpu = limits.cpu_seconds
    size = limits.max_file_mb << 20
    args = [
        engine,
        "run",
        "--rm",
        "--name",
        name,
        "--label",
        f"{LABEL}={Path(runtime).name}",
        "--network",
        "none",
        "--read-only",
        "--cap-drop",
        "ALL",
        "--security-opt",
        "no-new-privileges",
        "--user",
        CONTAINER_USER,
        "--memory",
        f"{limits.memory_mb}m",
        "--memory-swap",
        f"{limits.memory_mb}m",
        "--pids-limit",
        str(limits.max_processes),
        "--ulimit",
        f"cpu={cpu}:{cpu + 5}",
        "--ulimit",
        f"fsize={size}:{size}",
        "--ulimit",
        "core=0:0",
        "--tmpfs",
        "/tmp:rw,mode=1777",
        "--volume",
        f"{scratch}:{CONTAINER_HOME}:rw",
        "--workdir",
        CONTAINER_HOME,
        "--volume",
        f"{runtime}:{runtime}:rw",
    ]
    data = policy.env.get("COURSE_DATA_DIR")
    if data and Path(data).exists():
        args += ["--volume", f"{data}:{data}:ro"]
    env = {
        "HOME": "/tmp/home",
        "MPLCONFIGDIR": "/tmp/matplotlib",
        "IPYTHONDIR": "/tmp/ipython",
        "PYTHONDONTWRITEBYTECODE": "1",
        **policy.env,
    }
    for key, value in env.items():
        args += ["--env", f"{key}={value}"]
    return args + [
        policy.image,
        "python",
        "-m",
        "ipykernel_launcher",
        "-f",
        connection_file,
        *(kernel_args or []),
    ]


def _run_container(argv: list[str], engine: str, name: str) -> None:
    """Run the container as a child and stop it when this launcher is told to stop."""
    import signal

    child = subprocess.Popen(argv)

    def stop(signum, frame):
        subprocess.run([engine, "kill", name], capture_output=True)
        child.wait()
        sys.exit(128 + signum)

    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(signum, stop)
    sys.exit(child.wait())


def _cgroup_lines() -> list[tuple[str, list[str], str]]:
    """(hierarchy id, controllers, path) for each line of /proc/self/cgroup."""
    try:
        text = Path("/proc/self/cgroup").read_text()
    except OSError:
        return []
    lines = []
    for line in text.splitlines():
        hierarchy, names, path = line.split(":", 2)
        lines.append((hierarchy, [n for n in names.split(",") if n], path))
    return lines


def _own_cgroup(controller: str) -> Path | None:
    """This process's group in the cgroup v1 hierarchy of ``controller``, if mounted."""
    for _, names, path in _cgroup_lines():
        if controller in names:
            return CGROUP_ROOT / controller / path.lstrip("/")
    return None


def _unified_cgroup() -> tuple[Path, Path] | None:
    """(mount point, this process's group) in the cgroup v2 hierarchy, if mounted."""
    for hierarchy, names, path in _cgroup_lines():
        if hierarchy == "0" and not names:
            for base in (CGROUP_ROOT, CGROUP_ROOT / "unified"):
                group = base / path.lstrip("/")
                if (base / "cgroup.controllers").is_file() and group.is_dir():
                    return base, group
    return None


def _join_cgroup(controller: str, name: str, limits: dict[str, int]) -> bool:
    """cgroup v1: create a child group of ours, set ``limits`` and move this process in."""
    parent = _own_cgroup(controller)
    if parent is None or not parent.is_dir():
        return False
    group = parent / name
    try:
        group.mkdir(exist_ok=True)
        for key, value in limits.items():
            if (group / key).exists():
                (group / key).write_text(str(value))
        (group / "cgroup.procs").write_text(str(os.getpid()))
    except OSError:
        return False
    return True


def _enable_controllers(parent: Path, wanted: set[str]) -> set[str]:
    """cgroup v2: turn ``wanted`` controllers on for ``parent``'s children where allowed
    (the kernel refuses for a group that holds processes itself); returns those on."""
    control = parent / "cgroup.subtree_control"
    try:
        available = set((parent / "cgroup.controllers").read_text().split())
        for controller in sorted((wanted & available) - set(control.read_text().split())):
            try:
                control.write_text(f"+{controller}")
            except OSError:
                pass
        return wanted & set(control.read_text().split())
    except OSError:
        return set()


def _join_cgroup_v2(name: str, limits: dict[str, dict[str, int]]) -> set[str]:
    """cgroup v2: move this process into a new group ``name`` beside or below ours whose
    ``limits`` (controller -> {file: value}) hold; returns the controllers that do.

    The group goes below ours when we may enable controllers there, else below our parent
    (the layout of a delegated scope: the grader in a leaf group, the kernels beside it)."""
    found = _unified_cgroup()
    if found is None:
        return set()
    base, own = found
    for parent in (own, own.parent) if own != base else (own,):
        enabled = _enable_controllers(parent, set(limits))
        if not enabled:
            continue
        group = parent / name
        try:
            group.mkdir(exist_ok=True)
            for controller in enabled:
                for key, value in limits[controller].items():
                    (group / key).write_text(str(value))
            (group / "cgroup.procs").write_text(str(os.getpid()))
        except OSError:
            with contextlib.suppress(OSError):
                group.rmdir()
            continue
        return enabled
    return set()


def apply_limits(policy: Policy, name: str) -> dict[str, str]:
    """Limit this process (and so the kernel it becomes). Returns, per limit, how it is
    enforced, or ``NOT ENFORCED`` and why: the grader records this in grader.json."""
    limits = policy.limits
    cpu, size, memory = limits.cpu_seconds, limits.max_file_mb << 20, limits.memory_mb << 20
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    applied = {"cpu": f"{cpu} s (rlimit)", "file size": f"{limits.max_file_mb} MB (rlimit)"}
    v1_memory = _join_cgroup(
        "memory", name, {"memory.limit_in_bytes": memory, "memory.memsw.limit_in_bytes": memory}
    )
    v1_pids = _join_cgroup("pids", name, {"pids.max": limits.max_processes})
    wanted = {
        k: v
        for k, v in (
            ("memory", {"memory.max": memory, "memory.swap.max": 0}),
            ("pids", {"pids.max": limits.max_processes}),
        )
        if not (v1_memory if k == "memory" else v1_pids)
    }
    v2 = _join_cgroup_v2(name, wanted) if wanted else set()
    if v1_memory or "memory" in v2:
        applied["memory"] = f"{limits.memory_mb} MB (cgroup {'v1' if v1_memory else 'v2'})"
    else:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        applied["memory"] = f"{limits.memory_mb} MB of address space (rlimit; no cgroup)"
    if v1_pids or "pids" in v2:
        applied["processes"] = f"{limits.max_processes} (cgroup {'v1' if v1_pids else 'v2'})"
    elif os.getuid() != 0:
        n = limits.max_processes
        resource.setrlimit(resource.RLIMIT_NPROC, (n, n))
        applied["processes"] = f"{n} for this user (rlimit; no cgroup)"
    else:  # the kernel ignores RLIMIT_NPROC for root
        applied["processes"] = (
            f"{NOT_ENFORCED}: the grader runs as root and may not create a "
            "pids cgroup (see the README: cgroup limits)"
        )
    return applied


STALE_AFTER_S = 60  # a kernel's empty cgroup younger than this may be about to be joined


def remove_stale_cgroups(prefix: str = "course-kernel-") -> int:
    """Remove this grader's empty leftover kernel cgroups; returns how many were removed."""
    parents = [_own_cgroup(controller) for controller in ("memory", "pids")]
    unified = _unified_cgroup()
    if unified is not None:
        parents += [unified[1], unified[1].parent]
    removed = 0
    for parent in {p for p in parents if p is not None and p.is_dir()}:
        for group in parent.glob(prefix + "*"):
            try:
                if group.stat().st_mtime > time.time() - STALE_AFTER_S:
                    continue  # just made by another batch's kernel, which is moving in
                group.rmdir()  # fails while a process is still inside: that one is in use
                removed += 1
            except OSError:
                pass
    return removed


LIMITS_REPORT = "course-sandbox: limits applied: "  # one line on stderr, before the kernel
NOT_ENFORCED = "NOT ENFORCED"


def report_limits(applied: dict[str, str]) -> None:
    """Tell the grader (whose log gets this process's stderr) which limits hold. The line
    comes before any student code runs, so the grader trusts the first one only."""
    print(LIMITS_REPORT + json.dumps(applied), file=sys.stderr, flush=True)


def read_limits_report(log: str) -> dict[str, str] | None:
    """The limits a launcher reported in a grader's log (its first report), or None."""
    for line in log.splitlines():
        if line.startswith(LIMITS_REPORT):
            try:
                report = json.loads(line[len(LIMITS_REPORT) :])
            except json.JSONDecodeError:
                return None
            return {str(k): str(v) for k, v in report.items()} if isinstance(report, dict) else None
    return None


def container_limits(policy: Policy) -> dict[str, str]:
    """What the container engine enforces (the flags of :func:`container_argv`)."""
    limits, engine = policy.limits, policy.isolation
    return {
        "cpu": f"{limits.cpu_seconds} s ({engine} ulimit)",
        "file size": f"{limits.max_file_mb} MB ({engine} ulimit)",
        "memory": f"{limits.memory_mb} MB ({engine})",
        "processes": f"{limits.max_processes} ({engine} pids limit)",
    }


def launch(policy_file: str, connection_file: str, kernel_args: list[str] | None = None) -> None:
    """Apply the limits and replace this process with the sandboxed kernel."""
    policy = Policy.load(policy_file)
    if policy.isolation not in ISOLATIONS:
        sys.exit(f"course-sandbox: unknown isolation {policy.isolation!r}; refusing to start")
    tool = shutil.which(policy.isolation)
    if tool is None:
        sys.exit(
            f"course-sandbox: {policy.isolation} is not installed; refusing to start an "
            "unconfined kernel"
        )
    name = f"course-kernel-{uuid.uuid4().hex[:12]}"
    # The kernel reads its connection file from the socket folder: the folder the client
    # chose for it (often /tmp) is never bound.
    folder = socket_folder(policy, connection_file)
    private = folder / f"{name}.json"
    shutil.copy(connection_file, private)
    scratch = Path(policy.scratch_root) / name
    scratch.mkdir(parents=True, mode=0o700)
    if policy.isolation != "bwrap":
        # The container's unprivileged user creates the sockets and writes its scratch.
        for path in (folder, scratch):
            path.chmod(0o777)
        private.chmod(0o644)
        report_limits(container_limits(policy))
        argv = container_argv(policy, str(private), str(scratch), name, tool, kernel_args)
        _run_container(argv, tool, name)
        return
    bwrap = tool
    report_limits(apply_limits(policy, name))
    argv = bwrap_argv(policy, str(private), os.getcwd(), str(scratch), bwrap, kernel_args)
    os.execv(bwrap, argv)


def main(argv: list[str] | None = None) -> None:
    """``python sandbox.py POLICY.json -f CONNECTION_FILE [KERNEL ARGS...]`` (the
    kernelspec's command; jupyter_client appends extra kernel arguments)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) < 3 or argv[1] != "-f":
        sys.exit("usage: sandbox.py POLICY.json -f CONNECTION_FILE [KERNEL ARGS...]")
    launch(argv[0], argv[2], argv[3:])


if __name__ == "__main__":
    main()
