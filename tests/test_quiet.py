"""cnn_course_kit.quiet: TensorFlow's start-up notices are dropped from fd 2, everything else passes.

The quick tests use a fake ``tensorflow`` module that writes the notices (and genuine lines)
to fd 2 at import, in a fresh interpreter; the slow ones import the real TensorFlow, once in
a plain process and once in a Jupyter kernel.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from cnn_course_kit import quiet

ROOT = Path(__file__).resolve().parents[1]

# Real lines, as TensorFlow 2.21 wrote them (the two long ones in pieces to fit the page).
ABSL = b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR"
ONEDNN = (
    b"I0000 00:00:1796117880.502773   11662 port.cc:153] oneDNN custom operations are on. "
    b"You may see slightly different numerical results due to floating-point round-off "
    b"errors from different computation orders. To turn them off, set the environment "
    b"variable `TF_ENABLE_ONEDNN_OPTS=0`."
)
CPU = (
    b"I0000 00:00:1796117880.625697   11662 cpu_feature_guard.cc:227] This TensorFlow binary "
    b"is optimized to use available CPU instructions in performance-critical operations."
)
CPU_TAIL = (
    b"To enable the following instructions: AVX2 AVX512F FMA, in other operations, "
    b"rebuild TensorFlow with the appropriate compiler flags."
)
GENUINE = b"W0000 00:00:1796117881.000001   11662 some_op.cc:42] a genuine warning"
BANNER_START = "[course] profile="

NL = b"\n"
FAKE_TF = f"""
import os, sys
os.write(2, {ABSL + NL + ONEDNN + NL!r})
os.write(2, {GENUINE + NL!r})
os.write(2, {CPU + NL!r})
os.write(2, {CPU_TAIL + NL!r})
print("a Python warning", file=sys.stderr, flush=True)
if os.environ.get("FAKE_TF_RAISES"):
    raise RuntimeError("fake TensorFlow failed to load")
"""


def _python(code: str, tmp_path: Path, fake_tf: bool = True, **env) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter (repository root as cwd; ``tensorflow`` is the fake)."""
    full_env = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    full_env.update(env)
    if fake_tf:
        (tmp_path / "tensorflow.py").write_text(FAKE_TF)
        full_env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(ROOT)])
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_is_notice_matches_the_known_lines_exactly():
    for line in (
        ABSL,
        ONEDNN,
        CPU,
        ONEDNN + b"\r",
        CPU.replace(b"I0000 00:00:1796117880.625697", b"I0512 10:11:12.123456"),
    ):
        assert quiet.is_notice(line), line
    for line in (
        GENUINE,
        CPU_TAIL,
        b"",
        ABSL + b"!",
        b"x" + ABSL,
        ONEDNN[:-1],
        ONEDNN.replace(b"oneDNN custom operations are on", b"oneDNN custom operations failed"),
    ):
        assert not quiet.is_notice(line), line


def test_filtered_import_keeps_genuine_lines_and_restores_fd2(tmp_path):
    proc = _python(
        """
        import os, sys
        import cnn_course_kit
        cnn_course_kit.setup(use_tensorflow=False)
        before = os.fstat(2)
        import tensorflow
        after = os.fstat(2)
        print("fd 2 restored:", (before.st_dev, before.st_ino) == (after.st_dev, after.st_ino))
        print("hook gone:", not any(type(f).__name__ == "_FirstImportFinder" for f in sys.meta_path))
        print("loader:", type(tensorflow.__loader__).__name__)
        os.write(2, b"written after the import\\n")
        print("To enable the following instructions: AVX2, in other operations, rebuild "
              "TensorFlow with the appropriate compiler flags.", file=sys.stderr)
    """,
        tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.splitlines()
    assert out[0].startswith(BANNER_START) and out[1:] == [
        "fd 2 restored: True",
        "hook gone: True",
        "loader: SourceFileLoader",
    ]
    assert proc.stderr.splitlines() == [
        GENUINE.decode(),
        "a Python warning",
        "written after the import",
        # the CPU-feature notice's second line alone is no notice: it is kept
        "To enable the following instructions: AVX2, in other operations, rebuild TensorFlow "
        "with the appropriate compiler flags.",
    ]


def test_fd2_is_restored_when_the_import_fails(tmp_path):
    proc = _python(
        """
        import os
        from cnn_course_kit import quiet
        quiet.install()
        try:
            import tensorflow
        except RuntimeError as err:
            print("raised:", err)
        os.write(2, b"still reaches stderr\\n")
    """,
        tmp_path,
        FAKE_TF_RAISES="1",
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "raised: fake TensorFlow failed to load\n"
    assert proc.stderr.splitlines() == [
        GENUINE.decode(),
        "a Python warning",
        "still reaches stderr",
    ]


def test_ipython_extension_installs_the_hook_and_the_log_level(tmp_path):
    proc = _python(
        """
        import os
        from cnn_course_kit import quiet
        quiet.load_ipython_extension(None)
        import tensorflow
        print(os.environ["TF_CPP_MIN_LOG_LEVEL"])
    """,
        tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "2\n"
    assert proc.stderr.splitlines() == [GENUINE.decode(), "a Python warning"]


def test_shipped_kernel_config_loads_the_extension(tmp_path):
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp()
    app.config_file_paths = [str(ROOT / "utils" / "jupyter")]  # where <prefix>/etc/ipython would be
    app.load_config_file()
    assert app.config.InteractiveShellApp.extensions == ["cnn_course_kit.quiet"]


def test_partial_lines_threads_and_nesting(tmp_path):
    """An unfinished line is passed on within moments; lines from other threads pass
    unchanged; nested and concurrent filters share one and restore fd 2 at the end."""
    proc = _python(
        f"""
        import os, threading, time
        from cnn_course_kit import quiet
        original = os.fstat(2)
        with quiet.filter_startup_notices():
            os.write(2, b"progress 10%")                      # no newline (yet)
            time.sleep(1.0)                                   # passed on meanwhile
            with quiet.filter_startup_notices():              # nested: the same filter
                os.write(2, b" done\\n" + {ONEDNN!r} + b"\\n")

            def worker(i):
                with quiet.filter_startup_notices():
                    for k in range(20):
                        os.write(2, b"thread %d line %d\\n" % (i, k))
                        os.write(2, {ABSL!r} + b"\\n")
            threads = [threading.Thread(target=worker, args=(i,)) for i in range(3)]
            for t in threads: t.start()
            for t in threads: t.join()
        now = os.fstat(2)
        print((now.st_dev, now.st_ino) == (original.st_dev, original.st_ino))
    """,
        tmp_path,
        fake_tf=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "True\n"
    lines = proc.stderr.splitlines()
    assert lines[0] == "progress 10% done"
    assert sorted(lines[1:]) == sorted(f"thread {i} line {k}" for i in range(3) for k in range(20))


def test_unfinished_line_reaches_stderr_before_its_newline(tmp_path):
    proc = _python(
        """
        import os, select
        from cnn_course_kit import quiet
        read_end, write_end = os.pipe()
        os.dup2(write_end, 2)                     # "the real stderr" is a pipe we can watch
        with quiet.filter_startup_notices():
            os.write(2, b"Epoch 1/2 ...")
            ready, _, _ = select.select([read_end], [], [], 5.0)
            print(os.read(read_end, 100) if ready else b"nothing within 5 s")
    """,
        tmp_path,
        fake_tf=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "b'Epoch 1/2 ...'\n"


def test_nothing_happens_without_a_real_fd2_or_on_other_systems(tmp_path):
    proc = _python(
        """
        import os
        from cnn_course_kit import quiet
        original = os.fstat(2)
        quiet._SUPPORTED = False                  # as on Windows and macOS
        with quiet.filter_startup_notices():
            inside = os.fstat(2)
        print("untouched:", (inside.st_dev, inside.st_ino) == (original.st_dev, original.st_ino))
        quiet._SUPPORTED = True
        os.close(2)
        with quiet.filter_startup_notices():
            pass
        try:
            os.fstat(2)
            print("fd 2 was opened")
        except OSError:
            print("fd 2 still closed")
    """,
        tmp_path,
        fake_tf=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "untouched: True\nfd 2 still closed\n"


@pytest.mark.slow
@pytest.mark.parametrize(
    "code",
    [
        "import cnn_course_kit\ncnn_course_kit.setup()",
        "import cnn_course_kit\ncnn_course_kit.setup(use_tensorflow=False)\nimport keras",
    ],
    ids=["setup", "setup-numpy-then-keras"],
)
def test_real_tensorflow_start_is_silent(tmp_path, code):
    proc = _python(code, tmp_path, fake_tf=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(BANNER_START) and proc.stdout.count("\n") == 1, proc.stdout
    assert proc.stderr == ""


def _stderr(cell) -> list[str]:
    return [o.text for o in cell.outputs if o.output_type == "stream" and o.name == "stderr"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "setup, kernel_config",
    [
        ("import cnn_course_kit\n\ncfg = cnn_course_kit.setup(use_tensorflow=False)", False),
        # as in 03 and 04: Keras before the kit, so only the kernel-wide extension can help
        (
            "import keras\nimport tensorflow as tf\n\nimport cnn_course_kit\n\ncfg = cnn_course_kit.setup()",
            True,
        ),
    ],
    ids=["numpy-setup", "keras-before-utils-with-kernel-config"],
)
def test_jupyter_setup_cell_shows_only_the_banner(tmp_path, monkeypatch, setup, kernel_config):
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))  # no user profile
    if kernel_config:
        profile = tmp_path / "ipython" / "profile_default"
        profile.mkdir(parents=True)
        config = (ROOT / "utils" / "jupyter" / "ipython_kernel_config.json").read_text()
        (profile / "ipython_kernel_config.json").write_text(config)
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(setup),
            nbformat.v4.new_code_cell("import keras\n\nprint(keras.layers.Dense(2).units)"),
        ]
    )
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    first, second = nb.cells
    assert [(o.output_type, o.get("name")) for o in first.outputs] == [("stream", "stdout")]
    assert first.outputs[0].text.startswith(BANNER_START)
    assert first.outputs[0].text.count("\n") == 1
    assert _stderr(second) == [] and second.outputs[0].text == "2\n"
