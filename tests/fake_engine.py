"""A test double for a container engine: the part of the docker/podman CLI the grader uses.

Neither a Docker engine nor Podman can run containers on the CI machine, so the grader's
container path is tested against this script, put on PATH as ``docker``. It implements
``image inspect``, ``run``, ``kill``, ``ps -aq --filter label=...`` and ``rm -f``; ``run``
starts the command with bubblewrap, honouring the flags that matter for the wiring
(volumes, working directory, environment, no network, a tmpfs /tmp, read-only "image" =
this machine's Python) and writing every argv it was given to ``$FAKE_ENGINE_STATE/calls``
so the tests can check the isolation flags the grader asked for. It isolates less than a
real engine would; it proves that a kernel started the grader's way can be graded.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from autograde.sandbox import _system_binds

IMAGE = "course-kit-test-image"
STATE = Path(os.environ.get("FAKE_ENGINE_STATE", "/tmp/fake-engine"))


def _record(argv: list[str]) -> None:
    STATE.mkdir(parents=True, exist_ok=True)
    with open(STATE / "calls", "a") as log:
        log.write(json.dumps(argv) + "\n")


def _running() -> dict[str, dict]:
    found = {}
    for path in STATE.glob("*.container"):
        info = json.loads(path.read_text())
        try:
            os.kill(info["pid"], 0)
        except OSError:
            path.unlink(missing_ok=True)
            continue
        found[info["name"]] = info
    return found


def run(args: list[str]) -> int:
    flags, i = {"--volume": [], "--env": [], "--label": [], "--tmpfs": []}, 0
    with_value = {
        "--name",
        "--label",
        "--network",
        "--security-opt",
        "--user",
        "--memory",
        "--memory-swap",
        "--pids-limit",
        "--ulimit",
        "--tmpfs",
        "--volume",
        "--workdir",
        "--env",
        "--cap-drop",
    }
    while args[i].startswith("--"):
        if args[i] in with_value:
            if isinstance(flags.get(args[i]), list):
                flags[args[i]].append(args[i + 1])
            else:
                flags[args[i]] = args[i + 1]
            i += 2
        else:
            flags[args[i]] = True
            i += 1
    image, command = args[i], args[i + 1 :]
    if image != IMAGE:
        print(f"fake engine: no such image {image}", file=sys.stderr)
        return 125
    prefix = {sys.base_prefix, sys.prefix}
    bwrap = [
        "bwrap",
        "--unshare-all",
        "--die-with-parent",
        "--cap-drop",
        "ALL",
        *_system_binds(),
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--tmpfs",
        "/tmp",
    ]
    for path in sorted(prefix) + [str(Path(__file__).resolve().parents[1] / "utils")]:
        bwrap += ["--ro-bind", path, path]
    for volume in flags["--volume"]:
        src, dst, mode = (volume.split(":") + ["rw"])[:3]
        bwrap += ["--ro-bind" if mode == "ro" else "--bind", src, dst]
    bwrap += [
        "--chdir",
        flags.get("--workdir", "/"),
        "--clearenv",
        "--setenv",
        "PATH",
        f"{Path(sys.executable).parent}:/usr/bin:/bin",
        "--setenv",
        "PYTHONPATH",
        str(Path(__file__).resolve().parents[1]),
    ]
    for item in flags["--env"]:
        key, _, value = item.partition("=")
        bwrap += ["--setenv", key, value]
    if command[:1] == ["python"]:
        command = [sys.executable, *command[1:]]
    child = subprocess.Popen(bwrap + ["--", *command], start_new_session=True)
    name = flags.get("--name", f"anon-{child.pid}")
    (STATE / f"{name}.container").write_text(
        json.dumps({"name": name, "pid": child.pid, "labels": flags["--label"]})
    )
    code = child.wait()
    (STATE / f"{name}.container").unlink(missing_ok=True)
    return code


def main(argv: list[str]) -> int:
    _record(argv)
    if argv[:2] == ["image", "inspect"]:
        return 0 if argv[2] == IMAGE else 1
    if argv[:1] == ["run"]:
        return run(argv[1:])
    if argv[:1] in (["kill"], ["rm"]):
        names = [a for a in argv[1:] if not a.startswith("-")]
        for name, info in _running().items():
            if name in names:
                os.killpg(info["pid"], signal.SIGKILL)
                if argv[0] == "rm":  # a removed container is gone, whoever started it
                    (STATE / f"{name}.container").unlink(missing_ok=True)
        return 0
    if argv[:2] == ["ps", "-aq"]:
        label = argv[argv.index("--filter") + 1].removeprefix("label=")
        print("\n".join(n for n, info in _running().items() if label in info["labels"]))
        return 0
    print(f"fake engine: unsupported command {argv}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
