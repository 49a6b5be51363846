"""The student's side of a grading cell reaches the kernel as compiled code (autograde.sealed).

The sealed cell is run here as a kernel would run it: in a Python process of its own, in
a namespace that stands for the kernel's, with IPython's display channel captured. The
sandboxed end-to-end version (a student function hunting for the hidden tests in a real
kernel) is in the hostile batch, tests/test_grading.py.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

from autograde import nbmeta, sealed, split, verdict
from tests.test_split import SETUP, TRUSTED

ROOT = Path(__file__).resolve().parents[1]

_KERNEL = """
import json, sys
import IPython
outputs = []
class _Display:
    def publish(self, data, metadata=None, **kwargs):
        outputs.append({"output_type": "display_data", "data": data, "metadata": {}})
namespace = {}
_shell = type("Shell", (), {"display_pub": _Display(), "user_ns": namespace})()
IPython.get_ipython = lambda: _shell
namespace["get_ipython"] = IPython.get_ipython
exec(sys.argv[1], namespace)
error = None
try:
    exec(sys.argv[2], namespace)
except Exception as exc:
    error = {"ename": type(exc).__name__, "evalue": str(exc)}
left = sorted(k for k in namespace if not k.startswith("__"))
seen = repr(namespace.get("SEEN"))
result = {"outputs": outputs, "error": error, "names": left, "seen": seen}
sys.__stdout__.write("\\n" + json.dumps(result) + "\\n")
"""

CELL = '''
"""double works"""
check_close(double(2.0), 4.0, name="double(2.0)")
### BEGIN HIDDEN TESTS
secret_input = np.array([1.0, 2.0, 3.0]) * 1.5
check_close(double(secret_input), secret_input * 2, name="a scaled input", hint="multiply by two")
### END HIDDEN TESTS
'''

DOUBLE = "def double(x):\n    return 2 * x\n"


def _kernel(student_code: str, cell: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _KERNEL, SETUP + textwrap.dedent(student_code), cell],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def _program(cell: str = CELL) -> tuple[split.Plan, sealed.Program]:
    plan = split.plan(textwrap.dedent(cell), TRUSTED)
    return plan, sealed.program(plan, TRUSTED)


def test_the_cell_sent_holds_no_source_of_the_tests():
    plan, program = _program()
    assert "secret_input" not in program.cell and "double" not in program.cell
    code = base64.b64decode(program.cell.split('b64decode("')[1].split('"')[0])
    assert b"multiply by two" not in code and b"a scaled input" not in code  # the grader's side
    for _, line in plan.student_lines():
        assert line not in program.cell


def test_a_sealed_program_sends_the_values_and_marks_each_step():
    plan, program = _program()
    result = _kernel(DOUBLE, program.cell)
    assert result["error"] is None
    assert sealed.marks(result["outputs"]) == [sealed.START, 0, 1, 2, sealed.END]
    messages, rest = verdict.payloads(result["outputs"])
    assert not rest
    namespace: dict = {}
    exec(SETUP, namespace)
    assert verdict.judge(plan, messages, None, namespace) is None
    wrong = _kernel("def double(x):\n    return x + 2\n", program.cell)
    messages, _ = verdict.payloads(wrong["outputs"])
    assert verdict.judge(plan, messages, None, dict(namespace)).line == 6


def test_the_tests_inputs_do_not_stay_in_the_students_namespace():
    _, program = _program()
    names = _kernel(DOUBLE, program.cell)["names"]
    assert "secret_input" not in names and "MIME" not in names
    assert names == sorted({"double", "np", "get_ipython"} | TRUSTED & set(names))


def test_the_callers_source_cannot_be_read_from_inside_the_students_function():
    spy = """
    import inspect, linecache, sys
    SEEN = []
    def double(x):
        caller = sys._getframe(1)
        try:
            SEEN.append(inspect.getsource(caller))
        except OSError as exc:
            SEEN.append(f"no source: {exc}")
        SEEN.append(caller.f_code.co_filename)
        SEEN.append(sorted(k for k in linecache.cache if "grader" in k))
        return 2 * x
    """
    _, program = _program()
    result = _kernel(spy, program.cell)
    assert result["error"] is None
    seen = result["seen"]  # the spy ran: it saw the grader's file name, no source, no entry
    assert "no source" in seen and sealed.FILENAME in seen and "[]" in seen
    assert "secret_input" not in seen and "check_close" not in seen


def test_names_are_the_students_functions_each_step_calls():
    _, program = _program()
    assert program.names(0) == {"double"} and program.names(2) == {"double"}
    assert program.names(None) == {"double"}
    _, other = _program(
        "x = np.ones(2)\ncheck_close(first(x), 1.0)\ncheck_close(second(AREA, x), 2.0)\n"
    )
    assert [other.names(i) for i in range(3)] == [set(), {"first"}, {"second", "AREA"}]


def test_a_kernel_of_another_python_is_told_apart():
    _, program = _program()
    cell = program.cell.replace(sys.implementation.cache_tag, "cpython-00")
    result = _kernel(DOUBLE, cell)
    assert result["error"]["evalue"].startswith(sealed.MISMATCH)


def test_liveness_marks_start_and_end_only():
    result = _kernel("", sealed.liveness().cell)
    assert sealed.marks(result["outputs"]) == [sealed.START, sealed.END]
    assert all(sealed.is_grader_output(o) for o in result["outputs"])


@pytest.mark.parametrize(
    "path", sorted((ROOT / "solutions").glob("*/*.ipynb")), ids=lambda p: p.stem
)
def test_every_grading_cell_of_the_course_seals(path):
    nb = nbformat.read(path, as_version=4)
    trusted = split.imported_names(split.setup_imports(nb))
    for cell in nb.cells:
        if nbmeta.is_grading_cell(cell):
            plan = split.plan(cell.source, trusted)
            program = sealed.program(plan, trusted)
            assert program is None or "check_" not in program.cell
