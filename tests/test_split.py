"""Grading cells split between the student's kernel and the grader (autograde.split/verdict).

These run the student's side in-process: the student program is exec'd in a namespace of
its own, with IPython's display channel captured, which is what a kernel would send back.
The sandboxed end-to-end version is the hostile batch in test_grading.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograde import split, verdict
from autograde._emit import MIME

ROOT = Path(__file__).resolve().parents[1]
SETUP = (
    "import numpy as np\nfrom cnn_course_kit.checks import check_close, check_equal, check_raises, "
    "check_shape, check_true, check_type\n"
)
TRUSTED = split.imported_names(
    split.setup_imports(
        nbformat.v4.new_notebook(
            cells=[nbformat.v4.new_code_cell(SETUP, metadata={"nbgrader": {"grade_id": "setup"}})]
        )
    )
)


_DRIVER = """
import json, sys
import IPython
outputs, error = [], None
class _Display:
    def publish(self, data, metadata=None, **kwargs):
        outputs.append({"output_type": "display_data", "data": data, "metadata": {}})
_shell = type("Shell", (), {"display_pub": _Display(), "displayhook": print})()
IPython.get_ipython = lambda: _shell
_dumps, _write = json.dumps, sys.__stdout__.write
namespace = {"get_ipython": IPython.get_ipython}
exec(sys.argv[1], namespace)
try:
    exec(sys.argv[2], namespace)
except Exception as exc:
    error = {"ename": type(exc).__name__, "evalue": str(exc)}
_write("\\n" + _dumps({"outputs": outputs, "error": error}) + "\\n")
"""


def run_student(student_code: str, program: str) -> tuple[list, dict | None]:
    """Run the student's code, then ``program``, in a Python process of their own (as a
    kernel would); returns the display messages and the error it ended with."""
    done = subprocess.run(
        [sys.executable, "-c", _DRIVER, student_code, program],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["outputs"], result["error"]


def grade(cell: str, student_code: str) -> verdict.Failure | None:
    """Grade ``cell`` against a student namespace built by ``student_code``."""
    plan = split.plan(textwrap.dedent(cell), TRUSTED)
    outputs, error = run_student(SETUP + textwrap.dedent(student_code), plan.student_program())
    messages, _ = verdict.payloads(outputs)
    namespace: dict = {}
    exec(SETUP, namespace)
    return verdict.judge(plan, messages, error, namespace)


class _Display:
    def __init__(self):
        self.outputs = []

    def publish(self, data, metadata=None, **kwargs):
        self.outputs.append({"output_type": "display_data", "data": data, "metadata": {}})


@pytest.fixture
def channel(monkeypatch):
    """IPython's display channel in this process, captured (for the wire-format tests)."""
    import IPython

    display = _Display()
    shell = type("Shell", (), {"display_pub": display})()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    return display


CELL = '''
"""double works"""
check_close(double(2.0), 4.0, name="double(2.0)")
### BEGIN HIDDEN TESTS
secret = np.array([1.0, 2.0, 3.0]) * 1.5
check_close(double(np.array([1.0, 2.0, 3.0])), secret / 1.5 * 2, name="an array")
### END HIDDEN TESTS
'''


def test_the_answer_key_never_enters_the_students_kernel():
    plan = split.plan(CELL, TRUSTED)
    program = plan.student_program()
    assert "double(2.0)" in program and "np.array([1.0, 2.0, 3.0])" in program
    assert (
        "secret" not in program
        and "1.5" not in program
        and "2.0, 3.0" not in program.split("double(np")[0]
        and "4.0" not in program
    )
    assert "check_close" not in program.split("def __course_emit__")[0]
    assert [s.check for s in plan.checks] == ["check_close", "check_close"]


def test_right_and_wrong_answers():
    assert grade(CELL, "def double(x):\n    return 2 * x\n") is None
    failure = grade(CELL, "def double(x):\n    return x + 2\n")
    assert failure.ename == "CheckFailure" and "an array" in failure.message
    assert failure.line == 6


PATCHES = {
    "rebinding the checks": "check_close = check_equal = lambda *a, **k: None",
    "patching cnn_course_kit.checks": "import cnn_course_kit.checks\ncnn_course_kit.checks.check_close = lambda *a, **k: None",
    "patching numpy": "np.isclose = lambda a, b, **k: np.ones(np.shape(a), dtype=bool)",
    "an ndarray that equals anything": """
        class Yes(np.ndarray):
            def __eq__(self, other):
                return np.ones(self.shape, dtype=bool)
        """,
}


@pytest.mark.parametrize("patch", PATCHES, ids=list(PATCHES))
def test_patching_the_students_side_cannot_pass_a_wrong_answer(patch):
    wrong = "def double(x):\n    return np.asarray(x) * 0\n"
    code = textwrap.dedent(PATCHES[patch]) + "\n" + wrong
    if "Yes" in code:
        code += "_d = double\ndouble = lambda x: _d(x).view(Yes) if np.ndim(x) else _d(x)\n"
    failure = grade(CELL, code)
    assert failure is not None and failure.ename == "CheckFailure"


LOOP_CELL = '''
"""a list built in a loop reaches the student's call, and an expected value built in a
loop stays with the grader"""
layers = []
for n in [2, 3]:
    layers += [n] * n
total = 0
for n in layers:
    total += n
check_equal(count(layers), total, name="count(layers)")
'''


def test_values_built_in_loops_go_where_they_are_needed():
    plan = split.plan(LOOP_CELL, TRUSTED)
    program = plan.student_program().split("def __course_emit__")[1]
    assert "layers = []" in program and "layers += [n] * n" in program
    assert "total" not in program, "the expected value must be computed by the grader"
    assert grade(LOOP_CELL, "def count(xs):\n    return sum(xs)\n") is None
    failure = grade(LOOP_CELL, "def count(xs):\n    return len(xs)\n")
    assert failure is not None and "count(layers)" in failure.message


def test_student_errors_and_missing_values_fail():
    failure = grade(CELL, "def double(x):\n    raise NotImplementedError()\n")
    assert failure.ename == "NotImplementedError" and "double(2.0)" in failure.message
    plan = split.plan(CELL, TRUSTED)
    namespace: dict = {}
    exec(SETUP, namespace)
    failure = verdict.judge(plan, {}, None, namespace)
    assert failure.ename == "NoResult"


def test_a_value_sent_twice_fails():
    fake = json.dumps({"index": 0, "key": 0, "value": {"t": "float", "v": "4.0"}})
    forged = (
        "def double(x):\n"
        f"    get_ipython().display_pub.publish({{{MIME!r}: {fake!r}}})\n"
        "    return 4.0\n"
    )
    failure = grade(CELL, forged)
    assert failure.ename == "NoResult" and "Two different results" in failure.message


def test_a_test_callback_sees_what_the_students_code_did():
    cell = """
    seen = []
    def record(angle):
        seen.append(angle)
        return angle
    apply_all(record, [3, 1, 2])
    check_equal(seen, [3, 1, 2], name="the angles passed")
    """
    assert grade(cell, "def apply_all(f, xs):\n    return [f(x) for x in xs]\n") is None
    failure = grade(cell, "def apply_all(f, xs):\n    return [f(x) for x in sorted(xs)]\n")
    assert failure is not None and "the angles passed" in failure.message


def test_check_raises_is_replayed_with_the_students_exception():
    cell = """
    check_raises(lambda: root(-1.0), ValueError, name="root(-1)", contains=["-1"])
    """
    ok = "def root(x):\n    if x < 0:\n        raise ValueError(f'no root of {x}')\n    return x\n"
    assert grade(cell, ok) is None
    custom = "class MyError(ValueError):\n    pass\n" + ok.replace("ValueError(f", "MyError(f")
    assert grade(cell, custom) is None
    failure = grade(cell, "def root(x):\n    return x\n")
    assert "returned normally" in failure.message
    failure = grade(cell, ok.replace("ValueError", "TypeError"))
    assert "wrong kind of error" in failure.message


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        3,
        2**80,
        -0.5,
        float("nan"),
        float("inf"),
        1 + 2j,
        "text",
        [1, (2.0, "x")],
        {"a": [1, 2], 3: None},
        {1, 2},
        np.float32(1.5),
        np.int8(-3),
        np.bool_(True),
        np.arange(6, dtype=np.int16).reshape(2, 3),
        np.array([[1.5, np.nan]]),
        np.zeros((0, 3)),
        np.array(["a", "bc"]),
    ],
    ids=repr,
)
def test_values_survive_the_trip(channel, value):
    namespace: dict = {}
    exec(split.emitter_source(), namespace)
    namespace["__course_emit__"](0, 0, lambda: value)
    (message,) = verdict.payloads(channel.outputs)[0].values()
    back = verdict.decode(message["value"])
    assert type(back) is type(value)
    if isinstance(value, np.ndarray):
        assert back.dtype == value.dtype and back.shape == value.shape
        np.testing.assert_array_equal(back, value)
    elif isinstance(value, float) and value != value:
        assert back != back
    else:
        assert back == value


def test_unknown_objects_come_back_as_descriptions(channel):
    namespace: dict = {}
    exec(split.emitter_source(), namespace)
    namespace["__course_emit__"](
        0, 0, lambda: type("Anything", (), {"__eq__": lambda s, o: True})()
    )
    (message,) = verdict.payloads(channel.outputs)[0].values()
    back = verdict.decode(message["value"])
    assert isinstance(back, verdict.Opaque) and back.type_name == "Anything"
    assert back != 1.0


def test_hostile_payloads_are_refused():
    bad_dtype = {"t": "ndarray", "dtype": "|O8", "shape": [1], "b64": "AAAAAAAAAAA="}
    short = {"t": "ndarray", "dtype": "<f8", "shape": [4], "b64": "AAAAAAAAAAA="}
    for node in (bad_dtype, short, {"t": "pickle", "v": ""}, {"t": "json", "v": [1]}):
        with pytest.raises(verdict.BadPayload):
            verdict.decode(node)
    messages, rest = verdict.payloads(
        [
            {"output_type": "display_data", "data": {MIME: "not json"}},
            {"output_type": "stream", "name": "stdout", "text": "hi"},
        ]
    )
    assert messages == {} and len(rest) == 1


@pytest.mark.parametrize(
    "cell, problem",
    [
        ("check_true(f(1) == 2, 'f(1) is 2')", "check_true's condition"),
        ("for x in [1, 2]:\n    check_close(f(x), x)", "top-level"),
        ("check_close = print\ncheck_close(f(1), 1)", "rebind"),
        ("%time f(1)", "magics"),
        ("check_close(*args)", r"no \*args"),
    ],
)
def test_cells_that_cannot_be_split_safely_are_refused(cell, problem):
    with pytest.raises(split.GradingCellError, match=problem):
        split.plan(cell, TRUSTED)


def test_every_grading_cell_of_the_course_can_be_split():
    notebooks = sorted((ROOT / "solutions").glob("*/*.ipynb"))
    assert notebooks
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        trusted = split.imported_names(split.setup_imports(nb))
        assert {"check_close", "check_equal"} <= trusted, f"{path.name}: no locked setup cell"
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
                split.plan(cell.source, trusted, where=f"{path.name}: {meta['grade_id']}")


def test_json_messages_are_strings_not_raw_data(channel):
    namespace: dict = {}
    exec(split.emitter_source(), namespace)
    namespace["__course_emit__"](1, "name", lambda: np.ones(3))
    data = channel.outputs[0]["data"][MIME]
    assert isinstance(data, str) and json.loads(data)["key"] == "name"


def test_feedback_tells_a_hidden_failure_from_a_visible_one_without_showing_hidden_code():
    from autograde import nbmeta
    from autograde.feedback import explain
    from autograde.safe_execute import _fail

    plan = split.plan(CELL, TRUSTED)
    namespace: dict = {}
    exec(SETUP, namespace)
    messages = {
        (0, 0): {"value": {"t": "float", "v": "4.0"}},
        (1, 0): {"value": {"t": "float", "v": "0.0"}},
    }
    failure = verdict.judge(plan, messages, None, namespace)
    assert failure.line == 6
    cell = nbformat.v4.new_code_cell(
        CELL, metadata={"nbgrader": {"grade_id": "test_double", "grade": True}}
    )
    cell.outputs = [_fail(cell, nbmeta.TEST_FAILED, failure.message, failure.ename, failure.line)]
    explain(cell)
    shown = cell.outputs[0]["traceback"]
    assert shown[0] == "A hidden test of exercise 'test_double' failed."
    assert "an array" in shown[1] and "secret" not in cell.source
    visible = verdict.judge(plan, {(0, 0): {"value": {"t": "float", "v": "5.0"}}}, None, namespace)
    cell.outputs = [_fail(cell, nbmeta.TEST_FAILED, visible.message, visible.ename, visible.line)]
    explain(cell)
    assert cell.outputs[0]["traceback"][0] == "A test of exercise 'test_double' failed."


def test_the_plan_docstrings_example():
    """split.plan's worked example: each statement on the side(s) its docstring says."""
    lines = ["x = np.arange(3)", "want = 2 * x", "got = double(x)", "check_close(got, want)"]
    steps = split.plan("\n".join(lines), {"np", "check_close"}).steps
    assert [(s.student, s.trusted) for s in steps] == [
        (True, True),
        (False, True),
        (True, False),
        (True, True),
    ]
    assert steps[0].binds == {"x"} and steps[2].reads == {"double", "x"}
    assert [(a.key, a.from_student) for a in steps[3].args] == [(0, True), (1, False)]
    # computed after x was handed to the student's function: the student's value
    lines[1], lines[2] = lines[2], lines[1]
    steps = split.plan("\n".join(lines), {"np", "check_close"}).steps
    assert [a.from_student for a in steps[3].args] == [True, True]
