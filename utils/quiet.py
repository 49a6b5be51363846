"""Keep TensorFlow's start-up notices out of the notebook; let every other message through.

While TensorFlow 2.21 loads, its C++ code writes these lines straight to file descriptor 2,
before its log settings apply (the first two once per library load, so twice)::

    WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
    I0000 00:00:1796117880.502773   11662 port.cc:153] oneDNN custom operations are on. ...
    I0000 00:00:1796117880.625697   11662 cpu_feature_guard.cc:227] This TensorFlow binary is ...
    To enable the following instructions: AVX2 ... FMA, in other operations, rebuild TensorFlow ...

``TF_CPP_MIN_LOG_LEVEL=2`` hides the CPU-feature pair but not the first two, and a Jupyter kernel
forwards whatever reaches fd 2 to the notebook, so the setup cell showed a red block above the
banner. Python-level redirection (``sys.stderr``, ``warnings``, ``logging``) never sees these bytes,
and ``TF_ENABLE_ONEDNN_OPTS=0`` would hide the notice by switching the optimisation off; neither is
a fix. So the filter acts on fd 2 itself, and only while TensorFlow is being imported:

:func:`filter_startup_notices` points fd 2 at a pipe and starts a thread that reads it line by line,
drops a line only when it is exactly one of the notices above (:data:`NOTICES`; the "To enable"
line only right after the CPU-feature line), and writes everything else to the real fd 2 at once:
a genuine warning keeps its text and order, and an unfinished line is passed on after
``PARTIAL_WAIT`` seconds of silence. On exit, also when the import raises, fd 2 is restored and
the thread drains what is left. Nested or concurrent uses (threads) share one filter.

:func:`install` puts a one-shot finder on ``sys.meta_path``: the first import of ``tensorflow`` or
``keras``, whoever starts it (``cnn_course_kit.setup()``, a later ``import keras`` cell after
``cnn_course_kit.setup(use_tensorflow=False)``, another library), runs inside the filter; the finder then
removes itself, so later imports cost nothing. ``cnn_course_kit.setup()`` calls it. A setup cell that imports
Keras *before* ``import cnn_course_kit`` is too early for that, so this module is also an IPython extension
(``load_ipython_extension``), loaded at kernel start by ``utils/jupyter/ipython_kernel_config.json``
once that file is installed in ``<prefix>/etc/ipython/`` (every IPython kernel of the
environment reads it: make lab, nbval, the grader). Why a finder: wrapping
``builtins.__import__`` would touch every import, and filtering fd 2 for the kernel's whole life
would route every later message through a thread, for notices that only come at import.

Where it cannot work it does nothing: Windows and macOS (untested there; the code is POSIX-only
and could be enabled on macOS once tried), or fd 2 closed or not a real file descriptor. One
limit remains: C code that holds Python's lock and writes more than the pipe holds (1 MiB on
Linux) in one go would wait for the thread, which needs that lock; TensorFlow writes under 1 KB.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import os
import re
import select
import sys
import threading

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

_GLOG = rb"[IWEF]\d{4} \d\d:\d\d:\d+\.\d+ +\d+ "  # "I0000 00:00:1796117880.502773   11662 "
NOTICES = {
    "absl": re.compile(
        rb"WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    ),
    "onednn": re.compile(
        _GLOG
        + rb"port\.cc:\d+\] "
        + re.escape(
            b"oneDNN custom operations are on. You may see slightly different numerical results "
            b"due to floating-point round-off errors from different computation orders. To turn "
            b"them off, set the environment variable `TF_ENABLE_ONEDNN_OPTS=0`."
        )
    ),
    "cpu_feature": re.compile(
        _GLOG
        + rb"cpu_feature_guard\.cc:\d+\] "
        + re.escape(
            b"This TensorFlow binary is optimized to use available CPU instructions in "
            b"performance-critical operations."
        )
    ),
}
# The second line of the CPU-feature notice; dropped only right after the first.
CPU_FEATURE_TAIL = re.compile(
    rb"To enable the following instructions: [A-Za-z0-9_. ]+, in other operations, "
    rb"rebuild TensorFlow with the appropriate compiler flags\."
)
PARTIAL_WAIT = 0.1  # seconds an unfinished line waits for its end before it is passed on
JOIN_TIMEOUT = 5.0  # seconds to wait for the thread to pass on the last bytes after the import
WATCHED = ("tensorflow", "keras")
_SUPPORTED = sys.platform.startswith("linux")

_lock = threading.Lock()
_depth = 0
_active: tuple[int, threading.Thread] | None = None  # (saved fd 2, pump thread)


def is_notice(line: bytes) -> bool:
    """True when ``line`` (without its newline) is one of the known start-up notices."""
    line = line.rstrip(b"\r")
    return any(pattern.fullmatch(line) for pattern in NOTICES.values())


def _write_all(fd: int, data: bytes) -> None:
    while data:
        try:
            data = data[os.write(fd, data) :]
        except InterruptedError:
            continue
        except OSError:  # the real stderr is gone: nothing can show the bytes anyway
            return


def _pump(read_fd: int, out_fd: int) -> None:
    """Copy ``read_fd`` to ``out_fd`` line by line, leaving out the known notices."""
    pending = b""  # the start of a line whose newline has not come yet
    passing = False  # that start was already passed on (so it is no notice)
    after_cpu = False  # the previous line was the CPU-feature notice
    try:
        while True:
            if pending and not passing:
                ready, _, _ = select.select([read_fd], [], [], PARTIAL_WAIT)
                if not ready:  # nothing more for a while: it is not one of the notices
                    _write_all(out_fd, pending)
                    pending, passing, after_cpu = b"", True, False
                    continue
            chunk = os.read(read_fd, 65536)
            if not chunk:
                break
            *lines, rest = (pending + chunk).split(b"\n")
            kept = []
            for line in lines:
                if passing:
                    passing = False
                    kept.append(line + b"\n")
                elif after_cpu and CPU_FEATURE_TAIL.fullmatch(line.rstrip(b"\r")):
                    after_cpu = False
                elif is_notice(line):
                    after_cpu = bool(NOTICES["cpu_feature"].fullmatch(line.rstrip(b"\r")))
                else:
                    after_cpu = False
                    kept.append(line + b"\n")
            if passing and rest:  # more of a line already passed on
                kept.append(rest)
                rest = b""
            pending = rest
            _write_all(out_fd, b"".join(kept))
        if pending and (passing or not is_notice(pending)):
            _write_all(out_fd, pending)
    finally:
        os.close(read_fd)
        os.close(out_fd)


def _flush_python_stderr() -> None:
    with contextlib.suppress(Exception):  # sys.stderr may be None or a broken stream
        sys.stderr.flush()


def _start() -> tuple[int, threading.Thread] | None:
    """Point fd 2 at a filtering pipe; None (nothing changed) where that is not possible."""
    if not _SUPPORTED:
        return None
    try:
        os.fstat(2)  # closed or invalid: leave it alone (os.pipe() could even reuse fd 2)
        saved = os.dup(2)
    except OSError:
        return None
    fds = [saved]  # what to close if anything below fails
    redirected = False
    try:
        read_fd, write_fd = os.pipe()
        fds += [read_fd, write_fd]
        if hasattr(fcntl, "F_SETPIPE_SZ"):  # Linux: room for 1 MiB before a writer waits
            with contextlib.suppress(OSError):
                fcntl.fcntl(write_fd, fcntl.F_SETPIPE_SZ, 1 << 20)
        out_fd = os.dup(saved)
        fds.append(out_fd)
        thread = threading.Thread(
            target=_pump,
            args=(read_fd, out_fd),
            daemon=True,
            name="cnn_course_kit.quiet stderr filter",
        )
        thread.start()  # from here on the thread owns read_fd and out_fd
        fds = [saved, write_fd]
        _flush_python_stderr()
        os.dup2(write_fd, 2)
        redirected = True
        os.close(write_fd)
        return saved, thread
    except Exception:  # noqa: BLE001 - whatever failed, fd 2 must never stay on the pipe
        with contextlib.suppress(OSError):
            if redirected:
                os.dup2(saved, 2)
        for fd in fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        return None


def _stop(saved: int, thread: threading.Thread) -> None:
    _flush_python_stderr()
    try:
        os.dup2(saved, 2)  # the pipe's last writer is gone: the thread sees the end
    finally:
        os.close(saved)
    thread.join(JOIN_TIMEOUT)  # a child process still holding the pipe: the thread goes on alone


@contextlib.contextmanager
def filter_startup_notices():
    """Drop TensorFlow's known start-up notices from fd 2 inside the ``with`` block.

    Everything else written to fd 2 (by any thread) reaches the real stderr unchanged.
    """
    global _depth, _active
    with _lock:
        _depth += 1
        if _depth == 1:
            _active = _start()
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _active is not None:
                active, _active = _active, None
                _stop(*active)


class _FilteredLoader(importlib.abc.Loader):
    """Runs the wrapped loader's ``exec_module`` inside :func:`filter_startup_notices`."""

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        module.__loader__ = module.__spec__.loader = self.loader  # the module never sees us
        try:
            with filter_startup_notices():
                self.loader.exec_module(module)
        finally:
            uninstall()


class _FirstImportFinder(importlib.abc.MetaPathFinder):
    """Finds ``tensorflow``/``keras`` with the other finders and wraps the loader once."""

    def find_spec(self, name, path=None, target=None):
        if path is not None or name not in WATCHED or name in sys.modules:
            return None
        for finder in list(sys.meta_path):
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                break
        else:
            return None
        if hasattr(spec.loader, "exec_module"):
            spec.loader = _FilteredLoader(spec.loader)
        return spec


_finder = _FirstImportFinder()


def install() -> bool:
    """Filter the first import of TensorFlow or Keras from now on; True if the hook is waiting.

    Does nothing once ``tensorflow`` is imported (its notices are already written). Calling it
    again is harmless.
    """
    with _lock:
        if "tensorflow" in sys.modules:
            return False
        if _finder not in sys.meta_path:
            sys.meta_path.insert(0, _finder)
        return True


def uninstall() -> None:
    """Remove the import hook (if it is still there)."""
    with _lock, contextlib.suppress(ValueError):
        sys.meta_path.remove(_finder)


def load_ipython_extension(ipython) -> None:
    """IPython extension entry point: quiet TensorFlow start-up in this kernel.

    Also applies :func:`cnn_course_kit.setup`'s ``TF_CPP_MIN_LOG_LEVEL=2`` default, because in a setup
    cell that imports Keras before ``cnn_course_kit`` the setting would come after the import.
    """
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    install()


def unload_ipython_extension(ipython) -> None:
    """IPython extension exit point: remove the import hook."""
    uninstall()
